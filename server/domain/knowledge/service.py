"""Lessons learned: recorded against a project by its manager or the PMO, audited."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.errors import DomainError, ErrorCode, from_validation_error
from server.domain.events import DomainEvent
from server.domain.knowledge.models import Lesson
from server.domain.knowledge.schemas import MAX_TAGS, LessonCreate
from server.domain.project.access import project_resource
from server.domain.project.models import Project

API_NAMES = {"project_id": "projectId", "what_happened": "whatHappened", "__root__": "input"}


async def get(session: AsyncSession, *, lesson_id: int) -> Lesson | None:
    """The lesson, or None."""
    return await session.get(Lesson, lesson_id)


async def add(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Lesson:
    """Record a lesson learned on a project. Raises DomainError or Forbidden."""
    if data.get("project_id") is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, data["project_id"], "lesson"))
    if len(data.get("tags") or ()) > MAX_TAGS:
        raise DomainError.one("tags", f"at most {MAX_TAGS} tags", ErrorCode.TOO_LONG)
    try:
        validated = LessonCreate.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise from_validation_error(exc, to_field=API_NAMES) from None
    lesson = Lesson(**validated.model_dump())
    session.add(lesson)
    await session.flush()
    await audit.record(session, actor=actor, action="create", entity_type="Lesson",
                       entity_id=lesson.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(lesson)))
    project = await session.get(Project, data["project_id"])
    events.stage(session, DomainEvent(
        "lesson.added", "Lesson", lesson.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None, {"project_id": data["project_id"]}))
    return lesson

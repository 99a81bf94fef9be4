"""Lessons learned: recorded against a project by its manager or the PMO, corrected or
removed by the same people, audited, never committed."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.common import get_or_raise, validated
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.knowledge.models import Lesson
from server.domain.knowledge.schemas import MAX_TAGS, LessonCreate, LessonUpdate
from server.domain.project.access import project_resource
from server.domain.project.models import Project

RESOURCE = "lesson"
API_NAMES = {"project_id": "projectId", "what_happened": "whatHappened", "__root__": "input"}
# Columns an update cannot clear; tags are cleared with an empty list.
NOT_NULL = ("title", "category", "what_happened", "recommendation", "impact", "tags")


def _validate(model: type[SQLModel], data: dict[str, Any], *, partial: bool = False,
              ) -> dict[str, Any]:
    if len(data.get("tags") or ()) > MAX_TAGS:
        raise DomainError.one("tags", f"at most {MAX_TAGS} tags", ErrorCode.TOO_LONG)
    return validated(model, data, api_names=API_NAMES, partial=partial, not_null=NOT_NULL)


async def _resource(session: AsyncSession, lesson: Lesson) -> Resource:
    if lesson.project_id is None:
        # A lesson kept without a project has no manager: only the PMO's rules apply.
        return Resource(RESOURCE, id=lesson.id)
    return await project_resource(session, lesson.project_id, RESOURCE, field="id",
                                  row_id=lesson.id)


async def _stage(session: AsyncSession, lesson: Lesson, event_type: str,
                 **payload: Any) -> None:
    project = (await session.get(Project, lesson.project_id)
               if lesson.project_id is not None else None)
    events.stage(session, DomainEvent(
        event_type, "Lesson", lesson.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None,
        {**payload, "project_id": lesson.project_id}))


async def get(session: AsyncSession, *, lesson_id: int) -> Lesson | None:
    """The lesson, or None."""
    return await session.get(Lesson, lesson_id)


async def add(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Lesson:
    """Record a lesson learned on a project. Raises DomainError or Forbidden."""
    if data.get("project_id") is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, data["project_id"], RESOURCE))
    lesson = Lesson(**_validate(LessonCreate, {k: v for k, v in data.items() if v is not None}))
    session.add(lesson)
    await session.flush()
    await audit.record(session, actor=actor, action="create", entity_type="Lesson",
                       entity_id=lesson.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(lesson)))
    await _stage(session, lesson, "lesson.added")
    return lesson


async def update(session: AsyncSession, *, actor: Actor, lesson_id: int,
                 changes: dict[str, Any]) -> Lesson:
    """Correct a lesson's text, category, impact or tags (partial; tags normalised as on
    add). Raises DomainError or Forbidden."""
    lesson = await get_or_raise(session, Lesson, lesson_id, "lesson")
    actor.require("update", await _resource(session, lesson))
    values = _validate(LessonUpdate, changes, partial=True)
    before = audit.snapshot(lesson)
    for key, value in values.items():
        setattr(lesson, key, value)
    await session.flush()
    changes = audit.diff(before, audit.snapshot(lesson))
    if not changes:  # an update that changes nothing writes no audit or outbox event
        return lesson
    await audit.record(session, actor=actor, action="update", entity_type="Lesson",
                       entity_id=lesson.id,  # type: ignore[arg-type]
                       changes=changes)
    await _stage(session, lesson, "lesson.changed", action="update")
    return lesson


async def delete(session: AsyncSession, *, actor: Actor, lesson_id: int) -> Lesson:
    """Remove a lesson; returns the deleted row. Raises DomainError or Forbidden."""
    lesson = await get_or_raise(session, Lesson, lesson_id, "lesson")
    actor.require("delete", await _resource(session, lesson))
    before = audit.snapshot(lesson)
    await _stage(session, lesson, "lesson.changed", action="delete")
    await session.delete(lesson)
    await session.flush()
    await audit.record(session, actor=actor, action="delete", entity_type="Lesson",
                       entity_id=lesson_id, changes=audit.diff(before, {}))
    return lesson

"""Strategic alignment: the project's objective scores, replaced as a whole and audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.errors import DomainError, ErrorCode, FieldError, from_validation_error
from server.domain.events import DomainEvent
from server.domain.organisation.models import StrategicObjective
from server.domain.project.access import project_resource
from server.domain.project.models import Project, ProjectObjective
from server.domain.project.objective_schemas import MAX_ALIGNMENTS, ObjectiveAlignment

RESOURCE = "project_objective"
API_NAMES = {"objective_id": "objectiveId", "alignment_score": "alignmentScore"}


def _validate(items: Sequence[dict[str, Any]]) -> list[ObjectiveAlignment]:
    if len(items) > MAX_ALIGNMENTS:
        raise DomainError.one("objectives", f"at most {MAX_ALIGNMENTS} objectives",
                              ErrorCode.TOO_LONG)
    errors: list[FieldError] = []
    validated: list[ObjectiveAlignment] = []
    seen: set[int] = set()
    for index, item in enumerate(items):
        try:
            alignment = ObjectiveAlignment.model_validate(item)
        except ValidationError as exc:
            errors += [FieldError(("objectives", str(index), *e.field), e.message, e.code)
                       for e in from_validation_error(exc, to_field=API_NAMES).errors]
            continue
        if alignment.objective_id in seen:
            errors.append(FieldError(("objectives", str(index), "objectiveId"),
                                     "objective listed twice", ErrorCode.DUPLICATE))
        seen.add(alignment.objective_id)
        validated.append(alignment)
    if errors:
        raise DomainError(errors)
    return validated


async def list_for_project(session: AsyncSession, *, project_id: int) -> list[ProjectObjective]:
    """The project's alignment rows, by objective."""
    return list((await session.exec(
        sa.select(ProjectObjective).where(ProjectObjective.project_id == project_id)  # type: ignore[call-overload]
        .order_by(ProjectObjective.objective_id))).scalars().all())


async def set_for_project(session: AsyncSession, *, actor: Actor, project_id: int,
                          items: Sequence[dict[str, Any]],
                          ) -> tuple[Project, list[ProjectObjective]]:
    """Replace the project's alignment scores with ``items``; rows kept for objectives
    still listed, added for new ones, deleted for the rest. Raises DomainError or Forbidden."""
    actor.require("update", await project_resource(session, project_id, RESOURCE))
    wanted = {a.objective_id: a.alignment_score for a in _validate(items)}
    current = {row.objective_id: row for row in
               await list_for_project(session, project_id=project_id)}
    involved = set(wanted) | set(current)
    objectives = {o.id: o for o in (await session.exec(
        sa.select(StrategicObjective).where(StrategicObjective.id.in_(involved))  # type: ignore[call-overload, union-attr]
    )).scalars().all()} if involved else {}
    errors = []
    for index, item in enumerate(items):
        objective = objectives.get(item["objective_id"])
        path = ("objectives", str(index), "objectiveId")
        if objective is None:
            errors.append(FieldError(path, "no strategic objective with this id",
                                     ErrorCode.NOT_FOUND))
        elif not objective.active and objective.id not in current:
            # A retired objective keeps its existing alignments but gains no new ones.
            errors.append(FieldError(path, "the objective is no longer active",
                                     ErrorCode.INVALID))
    if errors:
        raise DomainError(errors)

    def scores(by_id: dict[int, int]) -> dict[str, int]:
        return {objectives[i].code: s for i, s in sorted(by_id.items())}

    before = scores({i: row.alignment_score for i, row in current.items()})
    for objective_id, row in current.items():
        if objective_id not in wanted:
            await session.delete(row)
        elif row.alignment_score != wanted[objective_id]:
            row.alignment_score = wanted[objective_id]
    for objective_id, score in wanted.items():
        if objective_id not in current:
            session.add(ProjectObjective(project_id=project_id, objective_id=objective_id,
                                         alignment_score=score))
    await session.flush()
    project = await session.get(Project, project_id)
    if project is None:  # deleted since project_resource looked; nothing is kept
        raise DomainError.one("projectId", "no project with this id", ErrorCode.NOT_FOUND)
    changes = audit.diff({"objectives": before}, {"objectives": scores(wanted)})
    if changes:
        await audit.record(session, actor=actor, action="set_objectives", entity_type="Project",
                           entity_id=project_id, changes=changes)
        events.stage(session, DomainEvent("project.changed", "Project", project_id,
                                          project.portfolio_id, {"action": "set_objectives"}))
    return project, await list_for_project(session, project_id=project_id)

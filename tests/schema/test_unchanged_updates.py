"""An update that changes nothing writes nothing: no audit event, no outbox event, no version
bump. Each update mutation is sent the values its object already has."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.models import (
    AuditEvent,
    CostEntry,
    Issue,
    Milestone,
    OutboxEvent,
    Project,
    Risk,
)
from tests.schema.conftest import Api, World

Sessions = async_sessionmaker[AsyncSession]


async def add(sessions: Sessions, row: Any) -> int:
    async with sessions() as s, s.begin():
        s.add(row)
        await s.flush()
        return row.id  # type: ignore[no-any-return]


async def written(sessions: Sessions) -> tuple[int, int]:
    """(audit events, outbox events) in the database."""
    async with sessions() as s:
        audits = (await s.exec(sa.select(sa.func.count()).select_from(AuditEvent))).scalar_one()  # type: ignore[call-overload]
        outbox = (await s.exec(sa.select(sa.func.count()).select_from(OutboxEvent))).scalar_one()  # type: ignore[call-overload]
        return audits, outbox


async def version(sessions: Sessions, model: Any, row_id: int) -> Any:
    async with sessions() as s:
        row = await s.get(model, row_id)
        return getattr(row, "version", None), row.updated_at  # type: ignore[union-attr]


# (mutation, input type, model, a row of it for Alice's project, the input besides id/version)
CASES: list[tuple[str, str, Any, Any, dict[str, Any]]] = [
    ("updateProject", "UpdateProjectInput", Project, None,
     {"name": "Alpha", "priority": 3, "budgetAtCompletion": "100000.00"}),
    ("updateRisk", "UpdateRiskInput", Risk,
     lambda pid: Risk(project_id=pid, title="Vendor late", probability=3, impact=4),
     {"title": "Vendor late", "probability": 3, "impact": 4}),
    ("updateIssue", "UpdateIssueInput", Issue,
     lambda pid: Issue(project_id=pid, title="Server down"), {"title": "Server down"}),
    ("updateMilestone", "UpdateMilestoneInput", Milestone,
     lambda pid: Milestone(project_id=pid, name="Go-live", planned_date=date(2026, 6, 1)),
     {"name": "Go-live", "plannedDate": "2026-06-01"}),
    ("updateCostEntry", "UpdateCostEntryInput", CostEntry,
     lambda pid: CostEntry(project_id=pid, incurred_on=date(2026, 2, 1),
                           amount=Decimal("1200.00")),
     {"incurredOn": "2026-02-01", "amount": "1200.00"}),
]


@pytest.mark.parametrize(("mutation", "input_type", "model", "make", "values"), CASES,
                         ids=[case[0] for case in CASES])
async def test_an_update_that_changes_nothing_writes_nothing(
    api: Api, world: World, sessions: Sessions, mutation: str, input_type: str, model: Any,
    make: Any, values: dict[str, Any],
) -> None:
    # given an object as it is
    row_id = world.alice_project if make is None else await add(sessions,
                                                                  make(world.alice_project))
    before_version = await version(sessions, model, row_id)
    before_written = await written(sessions)
    data: dict[str, Any] = {"id": world.gid(model.__name__, row_id), **values}
    if before_version[0] is not None:
        data["version"] = before_version[0]
    # when its manager sends the values it already has
    result = await api("alice", f"""mutation($input: {input_type}!) {{
      {mutation}(input: $input) {{ userErrors {{ field code }} }} }}""", input=data)
    # then the update succeeds and nothing is written: no event, no new version
    assert result.get("errors") is None, result
    assert result["data"][mutation]["userErrors"] == []
    assert await written(sessions) == before_written
    assert await version(sessions, model, row_id) == before_version


async def test_an_update_that_changes_something_is_still_recorded(
    api: Api, world: World, sessions: Sessions,
) -> None:
    before = await written(sessions)
    result = await api("alice", """mutation($input: UpdateProjectInput!) {
      updateProject(input: $input) { project { version } userErrors { code } } }""",
                       input={"id": world.gid("Project", world.alice_project), "version": 1,
                              "name": "Alpha", "priority": 2})
    assert result["data"]["updateProject"] == {"project": {"version": 2}, "userErrors": []}
    audits, outbox = await written(sessions)
    assert (audits, outbox) == (before[0] + 1, before[1] + 1)

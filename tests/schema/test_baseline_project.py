"""baselineProject: a project created through the API gets a baseline, so its planned value,
SPI and schedule variance are known; the PMO and the project's sponsor may take one, in one
audited transaction, and a refusal writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.models import AuditEvent, Milestone, Project, ProjectBaseline
from tests.schema.conftest import Api, World, codes

Sessions = async_sessionmaker[AsyncSession]

BASELINE = """mutation($input: BaselineProjectInput!) {
  baselineProject(input: $input) {
    project { version baselineStart baselineFinish evm(asOf: "2026-03-02") { pv spi } }
    baseline { number reason bac start finish milestones { name date milestone { name } } }
    userErrors { field code message } } }"""


async def planned(sessions: Sessions, project_id: int) -> int:
    """Plan a project (January to April, one milestone) without any baseline; its version."""
    async with sessions() as s, s.begin():
        project = await s.get(Project, project_id)
        assert project is not None
        project.planned_start, project.planned_finish = date(2026, 1, 1), date(2026, 4, 1)
        project.percent_complete = 50
        s.add(Milestone(project_id=project_id, name="Design done", planned_date=date(2026, 2, 1)))
    async with sessions() as s:
        project = await s.get(Project, project_id)
        assert project is not None
        return project.version


async def state(sessions: Sessions, project_id: int) -> dict[str, Any]:
    async with sessions() as s:
        project = await s.get(Project, project_id)
        assert project is not None
        baselines = (await s.exec(sa.select(sa.func.count()).select_from(ProjectBaseline)  # type: ignore[call-overload]
                                  .where(ProjectBaseline.project_id == project_id))).scalar_one()
        milestone_dates = (await s.exec(sa.select(Milestone.baseline_date).where(  # type: ignore[call-overload]
            Milestone.project_id == project_id))).scalars().all()
        audits = (await s.exec(sa.select(AuditEvent.action).where(  # type: ignore[call-overload]
            AuditEvent.entity_type == "Project", AuditEvent.entity_id == project_id))
                  ).scalars().all()
        return {"version": project.version, "start": project.baseline_start,
                "finish": project.baseline_finish, "baselines": baselines,
                "milestones": list(milestone_dates), "audits": list(audits)}


@pytest.mark.parametrize("who", ["pmo", "carol"])  # the PMO, the project's sponsor
async def test_the_pmo_or_the_sponsor_baselines_a_planned_project(
    api: Api, world: World, sessions: Sessions, who: str,
) -> None:
    # given Alice's project, planned but never baselined: no planned value yet
    version = await planned(sessions, world.alice_project)
    # when it is baselined
    result = await api(who, BASELINE, input={
        "id": world.gid("Project", world.alice_project), "version": version,
        "reason": " Approved at gate 2 "})
    # then its plan is frozen as baseline 1 and earned value now has PV and SPI
    assert result.get("errors") is None, result
    payload = result["data"]["baselineProject"]
    assert payload["userErrors"] == []
    assert payload["project"]["baselineStart"] == "2026-01-01"
    assert payload["project"]["baselineFinish"] == "2026-04-01"
    assert payload["project"]["version"] == version + 1
    assert payload["project"]["evm"]["pv"] is not None
    assert payload["project"]["evm"]["spi"] is not None
    assert payload["baseline"] == {
        "number": 1, "reason": "Approved at gate 2", "bac": "100000.00",
        "start": "2026-01-01", "finish": "2026-04-01",
        "milestones": [{"name": "Design done", "date": "2026-02-01",
                        "milestone": {"name": "Design done"}}]}
    after = await state(sessions, world.alice_project)
    assert after["milestones"] == [date(2026, 2, 1)]
    assert after["audits"] == ["baseline"]


async def test_a_second_baseline_is_numbered_after_the_first(
    api: Api, world: World, sessions: Sessions,
) -> None:
    version = await planned(sessions, world.alice_project)
    gid = world.gid("Project", world.alice_project)
    first = await api("pmo", BASELINE, input={"id": gid, "version": version})
    assert first["data"]["baselineProject"]["userErrors"] == []
    # when the plan moves and it is baselined again
    moved = await api("pmo", """mutation($input: UpdateProjectInput!) {
      updateProject(input: $input) { project { version } userErrors { code } } }""",
                      input={"id": gid, "version": version + 1, "plannedFinish": "2026-05-01"})
    assert moved["data"]["updateProject"]["userErrors"] == []
    result = await api("pmo", BASELINE, input={"id": gid, "version": version + 2})
    # then baseline 2 holds the new finish, with the default reason
    baseline = result["data"]["baselineProject"]["baseline"]
    assert (baseline["number"], baseline["finish"], baseline["reason"]) == (
        2, "2026-05-01", "Baseline")


@pytest.mark.parametrize(("who", "project", "code"), [
    ("alice", "alice_project", "FORBIDDEN"),  # the manager, not the sponsor
    ("dave", "alice_project", "FORBIDDEN"),  # an executive sponsoring nothing here
    ("ana", "alice_project", "FORBIDDEN"),  # read-only
    ("carol", "bob_project", "FORBIDDEN"),  # she owns the portfolio but sponsors only Alice's
])
async def test_others_are_refused_and_nothing_changes(
    api: Api, world: World, sessions: Sessions, who: str, project: str, code: str,
) -> None:
    project_id = getattr(world, project)
    version = await planned(sessions, project_id)
    before = await state(sessions, project_id)
    result = await api(who, BASELINE, input={"id": world.gid("Project", project_id),
                                              "version": version})
    assert codes(result) == [code]
    assert await state(sessions, project_id) == before


@pytest.mark.parametrize(("prepare", "version", "field", "code"), [
    (True, 7, "version", "VERSION_CONFLICT"),  # read at another version
    (False, 1, "id", "REQUIRED"),  # no planned dates to freeze
])
async def test_bad_input_is_a_user_error_and_nothing_changes(
    api: Api, world: World, sessions: Sessions, prepare: bool, version: int, field: str,
    code: str,
) -> None:
    if prepare:
        await planned(sessions, world.alice_project)
    before = await state(sessions, world.alice_project)
    result = await api("pmo", BASELINE, input={"id": world.gid("Project", world.alice_project),
                                               "version": version})
    payload = result["data"]["baselineProject"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], code)]
    assert payload["project"] is None and payload["baseline"] is None
    assert await state(sessions, world.alice_project) == before

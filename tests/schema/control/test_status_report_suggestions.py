"""submitStatusReport suggests the RAGs the caller leaves out from the metrics as of the
period end (SPI and CPI bands, risks open then) and keeps a ProjectSnapshot of that day.

The worked example of tests/domain/test_evm.py (fixture ``evm_world``): on 1 Feb 2026 Alice's
project has BAC 100,000, PV 34,444.44, EV 40,000, AC 35,000, so SPI 1.1613 (GREEN at or
above 0.90) and CPI 1.1429 (GREEN at or above 0.95)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from server.domain.enums import AuditSource, IssueStatus, ProjectStatus, Rag, RiskStatus
from server.domain.models import (
    AuditEvent,
    Issue,
    Milestone,
    Project,
    ProjectSnapshot,
    Risk,
    StatusReport,
)
from tests.schema.conftest import Api, World
from tests.schema.control.conftest import Sessions, audits, outbox, rows
from tests.schema.metrics.conftest import evm_world  # noqa: F401 (fixture)

SUBMIT = """
mutation($input: SubmitStatusReportInput!) {
  submitStatusReport(input: $input) {
    statusReport { periodEnd overall schedule cost scope risk }
    userErrors { field message code }
  }
}"""

PERIOD = "2026-02-01"
# Risks and issues of these tests were recorded before every period they report on.
RECORDED = datetime(2026, 1, 5, 9, tzinfo=UTC)
RAGS = ("overall", "schedule", "cost", "scope", "risk")


def report(world: World, **fields: Any) -> dict[str, Any]:
    """A submitStatusReport input for Alice's project with every RAG left out."""
    return {"projectId": world.gid("Project", world.alice_project), "periodEnd": PERIOD,
            "summary": "On track", **fields}


def rags(result: dict[str, Any]) -> dict[str, Any]:
    payload = result["data"]["submitStatusReport"]
    assert payload["userErrors"] == []
    return {k: payload["statusReport"][k] for k in RAGS}


async def add_risks(sessions: Sessions, world: World, *risks: tuple[int, int, RiskStatus]) -> None:
    async with sessions() as s, s.begin():
        for n, (probability, impact, status) in enumerate(risks):
            s.add(Risk(project_id=world.alice_project, title=f"Risk {n}",
                       probability=probability, impact=impact, status=status,
                       created_at=RECORDED))


async def test_left_out_rags_are_suggested_from_spi_cpi_and_the_open_risks(
    api: Api, evm_world: World, sessions: Sessions,  # noqa: F811
) -> None:
    # given an open risk scoring 9 (AMBER) and a closed one scoring 25 (ignored)
    await add_risks(sessions, evm_world, (3, 3, RiskStatus.MITIGATING),
                    (5, 5, RiskStatus.CLOSED))

    # when Alice leaves every RAG out
    result = await api("alice", SUBMIT, input=report(evm_world))

    # then schedule and cost are the GREEN bands, risk AMBER, scope GREEN, overall the worst
    assert rags(result) == {"overall": "AMBER", "schedule": "GREEN", "cost": "GREEN",
                            "scope": "GREEN", "risk": "AMBER"}
    [stored] = await rows(sessions, StatusReport)
    assert (stored.overall, stored.risk) == (Rag.AMBER, Rag.AMBER)


async def test_late_and_over_budget_is_red_and_a_risk_of_15_is_red(
    api: Api, evm_world: World, sessions: Sessions,  # noqa: F811
) -> None:
    # given a risk scoring 15; on 30 Jun SPI = 0.4000 and CPI = 40,000 / 65,000 = 0.6154
    await add_risks(sessions, evm_world, (3, 5, RiskStatus.OPEN))

    # when
    result = await api("alice", SUBMIT, input=report(evm_world, periodEnd="2026-06-30"))

    # then
    assert rags(result) == {"overall": "RED", "schedule": "RED", "cost": "RED",
                            "scope": "GREEN", "risk": "RED"}


async def test_without_indexes_the_health_override_or_green_is_suggested(
    api: Api, evm_world: World, sessions: Sessions,  # noqa: F811
) -> None:
    # given before the start there is no SPI and no CPI, and the project is overridden AMBER
    async with sessions() as s, s.begin():
        project = await s.get(Project, evm_world.alice_project)
        assert project is not None
        project.health_override = Rag.AMBER

    # when
    result = await api("alice", SUBMIT, input=report(evm_world, periodEnd="2025-12-01"))

    # then
    assert rags(result) == {"overall": "AMBER", "schedule": "AMBER", "cost": "AMBER",
                            "scope": "GREEN", "risk": "GREEN"}


async def test_explicit_rags_are_kept_and_overall_is_the_worst_of_them(
    api: Api, evm_world: World,  # noqa: F811
) -> None:
    # when Alice gives schedule and scope, leaves the rest out
    result = await api("alice", SUBMIT,
                       input=report(evm_world, schedule="RED", scope="AMBER"))

    # then her values stand against the GREEN metrics
    assert rags(result) == {"overall": "RED", "schedule": "RED", "cost": "GREEN",
                            "scope": "AMBER", "risk": "GREEN"}

    # and an explicit overall is kept too
    other = await api("alice", SUBMIT, input=report(
        evm_world, periodEnd="2026-02-28", overall="GREEN", schedule="RED"))
    assert rags(other)["overall"] == "GREEN"


async def test_a_snapshot_of_the_period_end_is_kept(
    api: Api, evm_world: World, sessions: Sessions,  # noqa: F811
) -> None:
    # given two open risks, one closed, an open issue and a resolved one
    await add_risks(sessions, evm_world, (1, 2, RiskStatus.OPEN), (2, 2, RiskStatus.OPEN),
                    (5, 5, RiskStatus.CLOSED))
    async with sessions() as s, s.begin():
        s.add(Issue(project_id=evm_world.alice_project, title="Open", created_at=RECORDED))
        s.add(Issue(project_id=evm_world.alice_project, title="Done", created_at=RECORDED,
                    status=IssueStatus.RESOLVED, resolved_on=date(2026, 1, 20)))

    # when
    result = await api("alice", SUBMIT, input=report(evm_world))
    assert result["data"]["submitStatusReport"]["userErrors"] == []

    # then
    [snapshot] = await rows(sessions, ProjectSnapshot)
    async with sessions() as s:
        project = await s.get(Project, evm_world.alice_project)
        assert project is not None
        status: ProjectStatus = project.status
    assert (snapshot.project_id, snapshot.taken_on, snapshot.status, snapshot.health) == (
        evm_world.alice_project, date(2026, 2, 1), status, Rag.GREEN)
    assert (snapshot.bac, snapshot.pv, snapshot.ev, snapshot.ac) == (
        Decimal("100000.00"), Decimal("34444.44"), Decimal("40000.00"), Decimal("35000.00"))
    assert (snapshot.percent_complete, snapshot.open_risks, snapshot.open_issues) == (40, 2, 1)


async def test_an_existing_snapshot_of_the_day_is_updated(
    api: Api, evm_world: World, sessions: Sessions,  # noqa: F811
) -> None:
    # given a snapshot already taken that day
    async with sessions() as s, s.begin():
        s.add(ProjectSnapshot(project_id=evm_world.alice_project, taken_on=date(2026, 2, 1),
                              status=ProjectStatus.PROPOSED, percent_complete=5))

    # when
    result = await api("alice", SUBMIT, input=report(evm_world))
    assert result["data"]["submitStatusReport"]["userErrors"] == []

    # then one row, with today's figures
    [snapshot] = await rows(sessions, ProjectSnapshot)
    assert (snapshot.percent_complete, snapshot.ev) == (40, Decimal("40000.00"))


async def test_a_second_report_for_the_period_is_a_duplicate_and_writes_nothing(
    api: Api, evm_world: World, sessions: Sessions,  # noqa: F811
) -> None:
    # given February is reported
    first = await api("alice", SUBMIT, input=report(evm_world))
    assert first["data"]["submitStatusReport"]["userErrors"] == []
    async with sessions() as s, s.begin():
        project = await s.get(Project, evm_world.alice_project)
        assert project is not None
        project.percent_complete = 90

    # when a second report for the period comes
    again = await api("pmo", SUBMIT, input=report(evm_world))

    # then DUPLICATE, and neither a report nor the snapshot changes
    payload = again["data"]["submitStatusReport"]
    assert payload["statusReport"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "periodEnd"], "DUPLICATE")]
    assert len(await rows(sessions, StatusReport)) == 1
    assert len(await audits(sessions, "StatusReport")) == 1
    assert len(await outbox(sessions, "status_report.submitted")) == 1
    [snapshot] = await rows(sessions, ProjectSnapshot)
    assert snapshot.percent_complete == 40


def at(day: int, month: int = 2) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


async def test_risks_and_issues_count_as_they_stood_at_the_end_of_the_period(
    api: Api, evm_world: World, sessions: Sessions,  # noqa: F811
) -> None:
    # given what the audit trail tells about February 2026 (the period ends on 1 Feb):
    async with sessions() as s, s.begin():
        closed_later = Risk(project_id=evm_world.alice_project, title="Closed on 10 Feb",
                            probability=3, impact=3, status=RiskStatus.CLOSED,
                            created_at=RECORDED)
        raised_later = Risk(project_id=evm_world.alice_project, title="Raised on 15 Feb",
                            probability=5, impact=5, created_at=RECORDED)
        closed_before = Risk(project_id=evm_world.alice_project, title="Closed on 20 Jan",
                             probability=4, impact=4, status=RiskStatus.CLOSED,
                             created_at=RECORDED)
        recorded_later = Risk(project_id=evm_world.alice_project, title="Recorded 3 Feb",
                              probability=5, impact=4, created_at=at(3))
        resolved_later = Issue(project_id=evm_world.alice_project, title="Resolved 20 Feb",
                               status=IssueStatus.RESOLVED, resolved_on=date(2026, 2, 20),
                               created_at=RECORDED)
        reopened_later = Issue(project_id=evm_world.alice_project, title="Reopened 5 Feb",
                               created_at=RECORDED)
        s.add_all([closed_later, raised_later, closed_before, recorded_later, resolved_later,
                   reopened_later])
        await s.flush()

        def change(row: Any, when: datetime, **fields: tuple[Any, Any]) -> AuditEvent:
            return AuditEvent(at=when, source=AuditSource.GRAPHQL, action="update",
                              entity_type=type(row).__name__, entity_id=row.id,
                              changes={k: {"before": b, "after": a}
                                       for k, (b, a) in fields.items()})

        s.add_all([
            change(closed_later, at(10), status=("MITIGATING", "CLOSED")),
            change(raised_later, at(15), probability=(2, 5), impact=(2, 5)),
            change(closed_before, at(20, 1), status=("OPEN", "CLOSED")),
            change(resolved_later, at(20), status=("IN_PROGRESS", "RESOLVED")),
            change(reopened_later, at(25, 1), status=("OPEN", "RESOLVED")),
            change(reopened_later, at(5), status=("RESOLVED", "OPEN")),
        ])

    # when February's report leaves the risk RAG out
    result = await api("alice", SUBMIT, input=report(evm_world))

    # then open on 1 Feb: the risk closed on 10 Feb (score 9) and the one raised later (then
    # 2 x 2): AMBER from the 9, not RED from today's 25 or the 20 recorded later
    assert rags(result)["risk"] == "AMBER"
    # and the issue resolved on 20 Feb was open; the one reopened on 5 Feb was resolved
    [snapshot] = await rows(sessions, ProjectSnapshot)
    assert (snapshot.open_risks, snapshot.open_issues) == (2, 1)


async def test_a_plan_shaped_by_milestones_is_what_the_schedule_rag_follows(
    api: Api, evm_world: World, sessions: Sessions,  # noqa: F811
) -> None:
    # given a front-loaded plan: half the work by 31 Jan, 90 % by 2 Mar
    async with sessions() as s, s.begin():
        s.add_all([
            Milestone(project_id=evm_world.alice_project, name="Design signed off",
                      planned_date=date(2026, 1, 31), planned_percent=50),
            Milestone(project_id=evm_world.alice_project, name="Built",
                      planned_date=date(2026, 3, 2), planned_percent=90),
        ])

    # when February's report leaves the schedule RAG out
    result = await api("alice", SUBMIT, input=report(evm_world))

    # then SPI = 40,000 / 51,333.33 = 0.7792: RED (the straight line said 1.1613, GREEN)
    assert rags(result)["schedule"] == "RED"
    [snapshot] = await rows(sessions, ProjectSnapshot)
    assert snapshot.pv == Decimal("51333.33")

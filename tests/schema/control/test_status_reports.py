"""Status reports through the live API: submitted once per project and period by the project's
manager, immutable afterwards, audited and announced as ``status_report.submitted``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from server.domain.enums import Rag
from server.domain.models import StatusReport
from tests.schema.conftest import Api, World, codes
from tests.schema.control.conftest import Sessions, audits, outbox, rows

SUBMIT = """
mutation($input: SubmitStatusReportInput!) {
  submitStatusReport(input: $input) {
    statusReport {
      id periodEnd overall schedule cost scope risk summary accomplishments nextSteps
      submittedAt submittedBy { fullName } project { code } viewerCanUpdate
    }
    userErrors { field message code }
  }
}"""

FLAGS = """
query($id: ID!) { node(id: $id) { ... on StatusReport { summary viewerCanUpdate } } }"""

MUTATIONS = """{ __type(name: "Mutation") { fields { name } } }"""

PERIOD = "2026-03-31"


def report(world: World, project: str = "alice_project", **fields: Any) -> dict[str, Any]:
    """A complete submitStatusReport input."""
    return {"projectId": world.gid("Project", getattr(world, project)), "periodEnd": PERIOD,
            "overall": "AMBER", "schedule": "GREEN", "cost": "AMBER", "scope": "GREEN",
            "risk": "RED", "summary": "Integration slipped a week", **fields}


async def state(sessions: Sessions) -> tuple[int, int, int]:
    """(reports, their audit events, status_report.submitted events in the outbox)."""
    return (len(await rows(sessions, StatusReport)), len(await audits(sessions, "StatusReport")),
            len(await outbox(sessions, "status_report.submitted")))


async def test_pm_submits_a_status_report_and_it_is_audited_and_announced(
    api: Api, world: World, sessions: Sessions
) -> None:
    # when Alice submits her project's report for March
    started = datetime.now(UTC)
    result = await api("alice", SUBMIT, input=report(
        world, accomplishments="Design signed off", nextSteps="Start build"))
    # then the report is stored as submitted by her, now
    payload = result["data"]["submitStatusReport"]
    assert payload["userErrors"] == []
    node = payload["statusReport"]
    assert {k: v for k, v in node.items() if k not in ("id", "submittedAt")} == {
        "periodEnd": PERIOD, "overall": "AMBER", "schedule": "GREEN", "cost": "AMBER",
        "scope": "GREEN", "risk": "RED", "summary": "Integration slipped a week",
        "accomplishments": "Design signed off", "nextSteps": "Start build",
        "submittedBy": {"fullName": "Alice"}, "project": {"code": "PRJ-0001"},
        "viewerCanUpdate": False}
    assert datetime.fromisoformat(node["submittedAt"]) >= started - timedelta(seconds=1)
    [row] = await rows(sessions, StatusReport)
    assert (row.project_id, row.period_end, row.overall, row.risk, row.submitted_by_id) == (
        world.alice_project, date(2026, 3, 31), Rag.AMBER, Rag.RED, world.people["alice"])
    assert row.submitted_at is not None
    # and one audit event records it
    [event] = await audits(sessions, "StatusReport", row.id)
    assert (event.action, event.actor_id, event.source.value) == (
        "submit", world.people["alice"], "GRAPHQL")
    assert event.changes["period_end"] == {"before": None, "after": PERIOD}
    assert event.changes["overall"] == {"before": None, "after": "AMBER"}
    # and the submission is in the outbox, for the project's portfolio
    [announced] = await outbox(sessions, "status_report.submitted")
    assert announced.payload["entity_type"] == "StatusReport"
    assert announced.payload["entity_id"] == row.id
    assert announced.payload["portfolio_id"] == world.portfolio
    assert announced.payload["project_id"] == world.alice_project
    assert announced.payload["period_end"] == PERIOD


async def test_optional_texts_may_be_left_out(api: Api, world: World) -> None:
    result = await api("pmo", SUBMIT, input=report(world, "bob_project"))
    node = result["data"]["submitStatusReport"]["statusReport"]
    assert (node["accomplishments"], node["nextSteps"]) == (None, None)
    assert node["submittedBy"] == {"fullName": "Pmo"}


async def test_texts_are_trimmed_and_a_blank_optional_text_is_none(api: Api,
                                                                    world: World) -> None:
    result = await api("alice", SUBMIT, input=report(
        world, summary="  On track \n", accomplishments="   ", nextSteps=" Build "))
    saved = result["data"]["submitStatusReport"]["statusReport"]
    assert (saved["summary"], saved["accomplishments"], saved["nextSteps"]) == (
        "On track", None, "Build")


async def test_a_period_ending_within_the_grace_is_accepted(api: Api, world: World) -> None:
    in_a_week = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    result = await api("alice", SUBMIT, input=report(world, periodEnd=in_a_week))
    assert result["data"]["submitStatusReport"]["userErrors"] == []


async def test_a_second_report_for_the_same_period_is_a_duplicate(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given March is reported for Alice's project
    first = await api("alice", SUBMIT, input=report(world))
    assert first["data"]["submitStatusReport"]["userErrors"] == []
    # when a second March report comes, even from the PMO
    again = await api("pmo", SUBMIT, input=report(world, summary="Second opinion"))
    # then it is refused on periodEnd and nothing more is written
    payload = again["data"]["submitStatusReport"]
    assert payload["statusReport"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "periodEnd"], "DUPLICATE")]
    assert await state(sessions) == (1, 1, 1)
    # while another period, or the same period of another project, is fine
    april = await api("alice", SUBMIT, input=report(world, periodEnd="2026-04-30"))
    bob = await api("bob", SUBMIT, input=report(world, "bob_project"))
    assert april["data"]["submitStatusReport"]["userErrors"] == []
    assert bob["data"]["submitStatusReport"]["userErrors"] == []
    assert await state(sessions) == (3, 3, 3)


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [({"summary": ""}, ["input", "summary"], "REQUIRED"),
     ({"summary": " \n\t "}, ["input", "summary"], "REQUIRED"),  # blank is no summary
     # a period a week and a day from now: after today and the default grace (7 days)
     ({"periodEnd": (datetime.now(UTC).date() + timedelta(days=8)).isoformat()},
      ["input", "periodEnd"], "OUT_OF_RANGE"),
     ({"summary": "x" * 20_001}, ["input", "summary"], "TOO_LONG"),
     ({"accomplishments": "x" * 20_001}, ["input", "accomplishments"], "TOO_LONG"),
     ({"nextSteps": "x" * 20_001}, ["input", "nextSteps"], "TOO_LONG"),
     ({"projectId": "not-an-id"}, ["input", "projectId"], "INVALID"),
     ({"projectId": "UGVyc29uOjE="}, ["input", "projectId"], "INVALID"),  # a Person id
     ({"projectId": "UHJvamVjdDo5OTk="}, ["input", "projectId"], "NOT_FOUND")],  # Project:999
)
async def test_invalid_report_is_a_user_error_and_writes_nothing(
    api: Api, world: World, sessions: Sessions, fields: dict[str, Any], field: list[str],
    code: str,
) -> None:
    result = await api("alice", SUBMIT, input=report(world, **fields))
    payload = result["data"]["submitStatusReport"]
    assert payload["statusReport"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await state(sessions) == (0, 0, 0)


@pytest.mark.parametrize(
    ("who", "project"),
    [("bob", "alice_project"),    # a PM on another PM's project
     ("carol", "alice_project"),  # the sponsor
     ("dave", "bob_project"),     # any executive
     ("ana", "alice_project")],   # an analyst
)
async def test_forbidden_report_writes_nothing(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    result = await api(who, SUBMIT, input=report(world, project))
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await state(sessions) == (0, 0, 0)


async def test_submitted_reports_are_immutable(api: Api, world: World) -> None:
    # no mutation edits a status report
    names = {f["name"] for f in (await api("pmo", MUTATIONS))["data"]["__type"]["fields"]}
    assert "submitStatusReport" in names
    assert not {n for n in names if "StatusReport" in n} - {"submitStatusReport"}
    # and nobody is offered an edit of a submitted one, not even its manager or the PMO
    result = await api("alice", SUBMIT, input=report(world))
    gid = result["data"]["submitStatusReport"]["statusReport"]["id"]
    for who in ("alice", "pmo", "carol"):
        node = (await api(who, FLAGS, id=gid))["data"]["node"]
        assert node == {"summary": "Integration slipped a week", "viewerCanUpdate": False}

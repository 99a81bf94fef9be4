"""Planned value follows the milestones that carry a planned percent, set through the API:
the worked example's project (1 Jan - 1 Apr 2026, BAC 100,000, 40 % done) on 1 Feb 2026."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.domain.models import Milestone
from tests.schema.conftest import Api, World
from tests.schema.metrics.conftest import Sessions

CREATE = """
mutation($input: CreateMilestoneInput!) {
  createMilestone(input: $input) {
    milestone { id plannedPercent }
    userErrors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdateMilestoneInput!) {
  updateMilestone(input: $input) {
    milestone { id plannedPercent }
    userErrors { field message code }
  }
}"""
EVM = """
query($project: ID!, $portfolio: ID!) {
  project: node(id: $project) { ... on Project { evm(asOf: "2026-02-01") { pv sv spi } } }
  portfolio: node(id: $portfolio) { ... on Portfolio { evm(asOf: "2026-02-01") { pv } } }
}"""


def milestone(world: World, name: str, planned: str, percent: int | None) -> dict[str, Any]:
    return {"projectId": world.gid("Project", world.alice_project), "name": name,
            "plannedDate": planned, "plannedPercent": percent}


async def figures(api: Api, world: World) -> tuple[dict[str, Any], str]:
    result = await api("pmo", EVM, project=world.gid("Project", world.alice_project),
                       portfolio=world.gid("Portfolio", world.portfolio))
    assert "errors" not in result, result["errors"]
    return result["data"]["project"]["evm"], result["data"]["portfolio"]["evm"]["pv"]


async def test_a_front_loaded_plan_raises_planned_value_and_clearing_it_restores_the_line(
    api: Api, evm_world: World,
) -> None:
    # given half the work planned by 31 Jan and 90 % by 2 Mar
    design = await api("alice", CREATE, input=milestone(evm_world, "Design", "2026-01-31", 50))
    assert design["data"]["createMilestone"]["userErrors"] == []
    assert design["data"]["createMilestone"]["milestone"]["plannedPercent"] == 50
    await api("alice", CREATE, input=milestone(evm_world, "Build", "2026-03-02", 90))
    # and a milestone without a percent, which leaves the line alone
    await api("alice", CREATE, input=milestone(evm_world, "Demo", "2026-01-10", None))

    # when
    project, portfolio_pv = await figures(api, evm_world)

    # then PV = 100,000 x (50 + 40 x 1/30) % and the project is behind schedule
    assert project == {"pv": "51333.33", "sv": "-11333.33", "spi": "0.7792"}
    # and the portfolio adds Bob's straight line (200,000 x 31/59 = 105,084.75..) to it
    assert portfolio_pv == "156418.08"

    # when the design milestone's percent is cleared
    cleared = await api("alice", UPDATE, input={
        "id": design["data"]["createMilestone"]["milestone"]["id"], "plannedPercent": None})
    assert cleared["data"]["updateMilestone"]["milestone"]["plannedPercent"] is None
    # then only "Build" (90 % by 2 Mar) bends the line: 90 x 31/60 %
    project, _ = await figures(api, evm_world)
    assert project["pv"] == "46500.00"


async def test_a_baselined_milestone_is_dated_by_its_baseline(
    api: Api, evm_world: World, sessions: Sessions,
) -> None:
    # given a milestone replanned to 28 Feb whose baseline date is still 31 Jan
    async with sessions() as s, s.begin():
        s.add(Milestone(project_id=evm_world.alice_project, name="Design",
                        planned_date=date(2026, 2, 28), baseline_date=date(2026, 1, 31),
                        planned_percent=50))

    # when
    project, _ = await figures(api, evm_world)

    # then the plan is the baseline's: 50 % by 31 Jan, then straight to 100 % by 1 Apr
    # (50 + 50 x 1/60) % of 100,000
    assert project["pv"] == "50833.33"


async def test_a_percent_outside_0_to_100_is_a_user_error_and_writes_nothing(
    api: Api, evm_world: World, sessions: Sessions,
) -> None:
    # when
    result = await api("alice", CREATE, input=milestone(evm_world, "Design", "2026-01-31", 101))

    # then
    payload = result["data"]["createMilestone"]
    assert payload["milestone"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "plannedPercent"], "OUT_OF_RANGE")]
    async with sessions() as s:
        assert (await s.exec(Milestone.__table__.select())).all() == []  # type: ignore[call-overload,attr-defined]

"""reports.projectRows: hand-checked values, paging, filters and asOf."""

from __future__ import annotations

from typing import Any

from tests.schema.conftest import Api, codes
from tests.schema.reporting.conftest import AS_OF, ReportWorld

FIELDS = """projectId code name portfolioCode portfolioName programName managerName sponsorName
status priority health percentComplete budgetAtCompletion baselineStart baselineFinish
forecastFinish evmForecastFinish asOf pv ev ac cv sv cpi spi eac openRisks highRisks openIssues
overdueMilestones alignmentScore lastReportPeriodEnd lastOverallRag updatedAt"""
ROWS = f"""
query($filter: ProjectFilter, $orderBy: [ProjectOrder!], $portfolioId: ID, $asOf: Date,
      $first: Int, $after: String) {{
  reports {{ projectRows(filter: $filter, orderBy: $orderBy, portfolioId: $portfolioId,
                         asOf: $asOf, first: $first, after: $after) {{
    totalCount edges {{ cursor node {{ {FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}
}}"""
PROJECT = """
query($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Project { health evm(asOf: $asOf) { pv ev ac cv sv cpi spi eac } } }
}"""


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in result, result["errors"]
    return [e["node"] for e in result["data"]["reports"]["projectRows"]["edges"]]


async def test_a_row_carries_names_earned_value_counts_and_the_last_report(
    api: Api, report_world: ReportWorld,
) -> None:
    # when
    result = await api("pmo", ROWS, asOf=AS_OF, portfolioId=report_world.gid(
        "Portfolio", report_world.base.portfolio))

    # then: ordered by code; Alice's project worked out by hand
    alpha, beta = rows(result)
    updated_at = alpha.pop("updatedAt")
    assert updated_at.startswith("20")
    assert alpha == {
        "projectId": report_world.gid("Project", report_world.base.alice_project),
        "code": "PRJ-0001", "name": "Alpha", "portfolioCode": "PF-1", "portfolioName": "Growth",
        "programName": "Core", "managerName": "Alice", "sponsorName": "Carol",
        "status": "ACTIVE", "priority": 2, "health": "GREEN", "percentComplete": 40,
        "budgetAtCompletion": "100000.00", "baselineStart": "2026-01-01",
        "baselineFinish": "2026-04-01", "forecastFinish": "2026-04-15",
        # 90 days / SPI (36/31) = 77.5 days, half to even: 78 days after 1 Jan
        "evmForecastFinish": "2026-03-20", "asOf": AS_OF,
        "pv": "34444.44", "ev": "40000.00", "ac": "35000.00", "cv": "5000.00",
        "sv": "5555.56", "cpi": "1.1429", "spi": "1.1613", "eac": "87500.00",
        # open: scores 20 and 6 (the closed 25 does not count); high: only the 20
        "openRisks": 2, "highRisks": 1, "openIssues": 1,
        # Design (planned 20 Jan, not achieved); Kick-off is achieved, Build is in March
        "overdueMilestones": 1, "alignmentScore": "11.00",
        "lastReportPeriodEnd": "2026-01-31", "lastOverallRag": "AMBER"}
    assert {k: beta[k] for k in ("code", "programName", "sponsorName", "status", "health",
                                 "pv", "ev", "ac", "cv", "sv", "cpi", "spi", "eac",
                                 "evmForecastFinish", "openRisks", "highRisks", "openIssues",
                                 "overdueMilestones", "alignmentScore", "lastOverallRag")} == {
        "code": "PRJ-0002", "programName": None, "sponsorName": None, "status": "PROPOSED",
        # CPI 0.4 is below the amber band
        "health": "RED", "pv": "105084.75", "ev": "20000.00", "ac": "50000.00",
        "cv": "-30000.00", "sv": "-85084.75", "cpi": "0.4000", "spi": "0.1903",
        "eac": "500000.00", "evmForecastFinish": "2026-11-07",
        # the formula-titled risk scores 3 x 5 = 15: high
        "openRisks": 1, "highRisks": 1, "openIssues": 1, "overdueMilestones": 0,
        "alignmentScore": "0.00", "lastOverallRag": None}


async def test_rows_agree_with_project_evm_and_health(api: Api, report_world: ReportWorld,
                                                      ) -> None:
    # given
    base = report_world.base
    listed = {r["projectId"]: r for r in rows(await api("ana", ROWS, asOf=AS_OF))}

    for project_id in (base.alice_project, base.bob_project):
        gid = base.gid("Project", project_id)
        # when
        node = (await api("ana", PROJECT, id=gid, asOf=AS_OF))["data"]["node"]
        # then
        assert {k: listed[gid][k] for k in node["evm"]} == node["evm"]


async def test_as_of_defaults_to_today(api: Api, report_world: ReportWorld) -> None:
    # when
    today = rows(await api("pmo", ROWS))
    node = (await api("pmo", PROJECT, id=today[0]["projectId"]))["data"]["node"]

    # then: every cost is in the past by now, and the health is Project.health's
    assert today[0]["ac"] == "65000.00"
    assert today[0]["health"] == node["health"]


async def test_paging_visits_every_project_once(api: Api, report_world: ReportWorld) -> None:
    # when: one row a page, newest code first
    seen: list[str] = []
    after = None
    while True:
        result = await api("alice", ROWS, first=1, after=after,
                           orderBy=[{"field": "CODE", "direction": "DESC"}])
        connection = result["data"]["reports"]["projectRows"]
        seen += [e["node"]["code"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    # then
    assert seen == ["PRJ-0100", "PRJ-0002", "PRJ-0001"]
    assert connection["totalCount"] == 3


async def test_filters_narrow_the_rows(api: Api, report_world: ReportWorld) -> None:
    # when
    active = rows(await api("pmo", ROWS, filter={"status": ["ACTIVE"]}))
    other = rows(await api("pmo", ROWS, portfolioId=report_world.gid(
        "Portfolio", report_world.other_portfolio)))
    searched = rows(await api("pmo", ROWS, filter={"search": "bet"}))

    # then
    assert [r["code"] for r in active] == ["PRJ-0001"]
    assert [r["code"] for r in other] == ["PRJ-0100"]
    assert [r["code"] for r in searched] == ["PRJ-0002"]


async def test_a_foreign_portfolio_id_is_bad_input(api: Api, report_world: ReportWorld) -> None:
    # when
    result = await api("pmo", ROWS, portfolioId=report_world.gid(
        "Project", report_world.base.alice_project))

    # then
    assert codes(result) == ["BAD_USER_INPUT"]

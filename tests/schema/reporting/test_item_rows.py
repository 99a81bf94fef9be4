"""reports.riskRows, issueRows and milestoneRows: the entity's fields with its project's."""

from __future__ import annotations

from typing import Any

from tests.schema.conftest import Api
from tests.schema.reporting.conftest import ReportWorld

RISKS = """
query($filter: RiskFilter, $portfolioId: ID) {
  reports { riskRows(filter: $filter, portfolioId: $portfolioId) { totalCount nodes {
    riskId projectId projectCode projectName portfolioCode title description category probability
    impact score status response responsePlan ownerName dueDate createdAt updatedAt } } }
}"""
ISSUES = """
query($filter: IssueFilter, $portfolioId: ID) {
  reports { issueRows(filter: $filter, portfolioId: $portfolioId) { nodes {
    issueId projectId projectCode projectName portfolioCode title description severity status
    ownerName dueDate resolvedOn resolution sourceRiskId } } }
}"""
MILESTONES = """
query($filter: MilestoneFilter, $portfolioId: ID) {
  reports { milestoneRows(filter: $filter, portfolioId: $portfolioId) { nodes {
    milestoneId projectCode projectName portfolioCode name status plannedDate baselineDate
    forecastDate actualDate plannedPercent slipDays } } }
}"""


def nodes(result: dict[str, Any], report: str) -> list[dict[str, Any]]:
    assert "errors" not in result, result["errors"]
    return result["data"]["reports"][report]["nodes"]  # type: ignore[no-any-return]


async def test_risk_rows_name_the_project_portfolio_category_and_owner(
    api: Api, report_world: ReportWorld,
) -> None:
    # when: default order, highest score first
    risks = nodes(await api("ana", RISKS), "riskRows")

    # then
    assert [(r["title"], r["score"], r["status"]) for r in risks] == [
        ("Old risk", 25, "CLOSED"), ("Vendor late", 20, "OPEN"),
        ('=HYPERLINK("http://evil","x")', 15, "OPEN"), ("Scope creep", 6, "MITIGATING"),
        ("Elsewhere", 1, "OPEN")]
    vendor = risks[1]
    assert vendor["riskId"].startswith("U")  # a global id, as Risk.id
    for key in ("createdAt", "updatedAt", "riskId"):
        vendor.pop(key)
    assert vendor == {
        "projectId": report_world.gid("Project", report_world.base.alice_project),
        "projectCode": "PRJ-0001", "projectName": "Alpha", "portfolioCode": "PF-1",
        "title": "Vendor late", "description": None, "category": "Technical",
        "probability": 5, "impact": 4, "score": 20, "status": "OPEN", "response": "MITIGATE",
        "responsePlan": None, "ownerName": "Alice", "dueDate": "2026-03-01"}


async def test_risk_rows_filter_by_portfolio_and_risk_filter(
    api: Api, report_world: ReportWorld,
) -> None:
    # given
    growth = report_world.gid("Portfolio", report_world.base.portfolio)

    # when
    in_growth = nodes(await api("pmo", RISKS, portfolioId=growth), "riskRows")
    open_high = nodes(await api("pmo", RISKS, portfolioId=growth,
                                filter={"status": ["OPEN"], "minScore": 15}), "riskRows")

    # then
    assert "Elsewhere" not in {r["title"] for r in in_growth} and len(in_growth) == 4
    assert [r["score"] for r in open_high] == [20, 15]


async def test_issue_rows(api: Api, report_world: ReportWorld) -> None:
    # when: most severe first
    issues = nodes(await api("carol", ISSUES), "issueRows")

    # then
    assert [(i["title"], i["severity"], i["status"], i["ownerName"], i["projectCode"])
            for i in issues] == [
        ("Build broken", "HIGH", "OPEN", "Alice", "PRJ-0001"),
        ("Fixed", "MEDIUM", "RESOLVED", None, "PRJ-0001"),
        ("Slow", "MEDIUM", "IN_PROGRESS", None, "PRJ-0002")]
    assert issues[1]["resolvedOn"] == "2026-01-20" and issues[1]["resolution"] == "-patched"
    assert issues[1]["sourceRiskId"] is None and issues[1]["portfolioCode"] == "PF-1"


async def test_milestone_rows_say_how_far_each_slipped(api: Api, report_world: ReportWorld,
                                                       ) -> None:
    # when: by planned date
    milestones = nodes(await api("alice", MILESTONES), "milestoneRows")

    # then: the forecast counts until the milestone is reached, then the actual date
    assert [(m["name"], m["status"], m["slipDays"]) for m in milestones] == [
        ("Dropped", "CANCELLED", None), ("Design", "PLANNED", 10),
        ("Kick-off", "ACHIEVED", -2), ("Build", "PLANNED", None)]
    assert milestones[1]["projectName"] == "Alpha" and milestones[0]["projectCode"] == "PRJ-0002"


async def test_milestone_rows_filter(api: Api, report_world: ReportWorld) -> None:
    # when
    planned = nodes(await api("pmo", MILESTONES, filter={"status": ["PLANNED"]}),
                    "milestoneRows")
    other = nodes(await api("pmo", MILESTONES, portfolioId=report_world.gid(
        "Portfolio", report_world.other_portfolio)), "milestoneRows")

    # then
    assert [m["name"] for m in planned] == ["Design", "Build"]
    assert other == []

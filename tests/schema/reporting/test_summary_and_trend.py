"""reports.portfolioSummary and reports.portfolioTrend."""

from __future__ import annotations

from typing import Any

from tests.schema.conftest import Api, codes
from tests.schema.reporting.conftest import AS_OF, ReportWorld

SUMMARY = """
query($id: ID!, $asOf: Date) {
  reports { portfolioSummary(portfolioId: $id, asOf: $asOf) {
    portfolioId code name asOf budget projectCount byStatus { value count }
    byHealth { value count } bac pv ev ac cv sv cpi spi openRisks highRisks openIssues
    overdueMilestones pendingChangeRequests } }
}"""
PORTFOLIO_EVM = """
query($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Portfolio { evm(asOf: $asOf) { bac pv ev ac cv sv cpi spi } } }
}"""
TREND = """
query($id: ID!, $from: Date!, $to: Date!) {
  reports { portfolioTrend(portfolioId: $id, from: $from, to: $to) {
    day projects bac pv ev ac cpi spi red amber green openRisks openIssues } }
}"""


def summary(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result["errors"]
    return result["data"]["reports"]["portfolioSummary"]  # type: ignore[no-any-return]


async def test_the_summary_counts_and_rolls_up(api: Api, report_world: ReportWorld) -> None:
    # given
    growth = report_world.gid("Portfolio", report_world.base.portfolio)

    # when
    result = summary(await api("carol", SUMMARY, id=growth, asOf=AS_OF))
    evm = (await api("carol", PORTFOLIO_EVM, id=growth, asOf=AS_OF))["data"]["node"]["evm"]

    # then
    assert result == {
        "portfolioId": growth, "code": "PF-1", "name": "Growth", "asOf": AS_OF,
        "budget": "5000000.00", "projectCount": 2,
        "byStatus": [{"value": "PROPOSED", "count": 1}, {"value": "APPROVED", "count": 0},
                     {"value": "ACTIVE", "count": 1}, {"value": "ON_HOLD", "count": 0},
                     {"value": "COMPLETED", "count": 0}, {"value": "CANCELLED", "count": 0}],
        "byHealth": [{"value": "GREEN", "count": 1}, {"value": "AMBER", "count": 0},
                     {"value": "RED", "count": 1}, {"value": "UNKNOWN", "count": 0}],
        # sums of the unrounded project figures, then ratios of the sums:
        # PV = 100000 x 31/90 + 200000 x 31/59 = 139529.19; CPI = 60000 / 85000
        "bac": "300000.00", "pv": "139529.19", "ev": "60000.00", "ac": "85000.00",
        "cv": "-25000.00", "sv": "-79529.19", "cpi": "0.7059", "spi": "0.4300",
        "openRisks": 3, "highRisks": 2, "openIssues": 2, "overdueMilestones": 1,
        "pendingChangeRequests": 1}
    assert {k: result[k] for k in evm} == evm


async def test_an_unknown_portfolio_has_no_summary(api: Api, report_world: ReportWorld) -> None:
    # when
    missing = await api("pmo", SUMMARY, id=report_world.gid("Portfolio", 999))
    foreign = await api("pmo", SUMMARY, id=report_world.gid("Project", 1))

    # then
    assert summary(missing) is None
    assert codes(foreign) == ["BAD_USER_INPUT"]


async def test_the_trend_adds_up_each_day_of_snapshots(api: Api, report_world: ReportWorld,
                                                       ) -> None:
    # when
    result = await api("ana", TREND, id=report_world.gid("Portfolio", report_world.base.portfolio),
                       **{"from": "2026-01-01", "to": "2026-02-28"})

    # then: 31 Jan (both projects) and 1 Feb (Alice's); 1 Mar is after the range and
    # the other portfolio's project is not counted
    assert "errors" not in result, result["errors"]
    assert result["data"]["reports"]["portfolioTrend"] == [
        {"day": "2026-01-31", "projects": 2, "bac": "300000.00", "pv": "133333.33",
         "ev": "60000.00", "ac": "85000.00", "cpi": "0.7059", "spi": "0.4500", "red": 1,
         "amber": 0, "green": 1, "openRisks": 3, "openIssues": 2},
        {"day": "2026-02-01", "projects": 1, "bac": "100000.00", "pv": "34444.44",
         "ev": "40000.00", "ac": "35000.00", "cpi": "1.1429", "spi": "1.1613", "red": 0,
         "amber": 1, "green": 0, "openRisks": 2, "openIssues": 1}]


async def test_a_backwards_or_too_long_range_is_refused(api: Api,
                                                        report_world: ReportWorld) -> None:
    # given
    growth = report_world.gid("Portfolio", report_world.base.portfolio)

    # when
    backwards = await api("pmo", TREND, id=growth, **{"from": "2026-02-01", "to": "2026-01-01"})
    too_long = await api("pmo", TREND, id=growth, **{"from": "2020-01-01", "to": "2026-01-01"})
    three_years = await api("pmo", TREND, id=growth, **{"from": "2023-02-01", "to": "2026-01-31"})

    # then
    assert codes(backwards) == ["BAD_USER_INPUT"]
    assert codes(too_long) == ["BAD_USER_INPUT"]
    assert "errors" not in three_years

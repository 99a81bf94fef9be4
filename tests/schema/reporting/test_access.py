"""Who may read the reports: every role reads them (each may read all they show); a caller
without a role is refused; no row carries a cost rate or an email address."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from server.domain.auth.tokens import mint
from server.domain.models import Person
from server.settings import DEMO_SECRET_KEY
from tests.schema.conftest import Api, codes
from tests.schema.metrics.conftest import Sessions
from tests.schema.reporting.conftest import ReportWorld

EVERYTHING = """
query($id: ID!, $since: DateTime!) {
  reports {
    projectRows(first: 10) { nodes { code managerName sponsorName ac } }
    riskRows(first: 10) { nodes { title ownerName } }
    issueRows(first: 10) { nodes { title ownerName } }
    milestoneRows(first: 10) { nodes { name } }
    costRows(first: 10) { nodes { amount description } }
    statusReportRows(first: 10) { nodes { overall submittedByName } }
    gateDecisionRows(first: 10) { nodes { decision decidedByName daysWaiting } }
    changeRequestRows(first: 10) { nodes { title requestedByName decidedByName } }
    benefitRows(first: 10) { nodes { name ownerName variance } }
    snapshotRows(first: 10) { nodes { takenOn cpi } }
    allocationRows(first: 50) { nodes { personName allocatedPercent capacityHours } }
    deletedRows(entity: RISK, since: $since) { nodes { deletedId } }
    portfolioSummary(portfolioId: $id) { projectCount }
    portfolioTrend(portfolioId: $id, from: "2026-01-01", to: "2026-12-31") { day }
  }
}"""
SINCE = (datetime.now(UTC) - timedelta(days=1)).isoformat()
ROW_TYPES = {"ProjectRow", "RiskRow", "IssueRow", "MilestoneRow", "CostRow", "StatusReportRow",
             "GateDecisionRow", "ChangeRequestRow", "BenefitRow", "SnapshotRow", "AllocationRow",
             "DeletedRow", "PortfolioSummary", "PortfolioTrendPoint"}
ROW_TYPE_FIELDS = """
{ __schema { types { name fields { name } } } }"""
REPORTS = ["projectRows", "riskRows", "issueRows", "milestoneRows", "costRows",
           "statusReportRows", "gateDecisionRows", "changeRequestRows", "benefitRows",
           "snapshotRows", "allocationRows", "deletedRows", "portfolioSummary", "portfolioTrend"]


@pytest.mark.parametrize("who", ["pmo", "alice", "carol", "ana"])
async def test_every_role_reads_every_report_alike(api: Api, report_world: ReportWorld,
                                                   who: str) -> None:
    # given: what the PMO sees
    growth = report_world.gid("Portfolio", report_world.base.portfolio)
    expected = await api("pmo", EVERYTHING, id=growth, since=SINCE)

    # when
    result = await api(who, EVERYTHING, id=growth, since=SINCE)

    # then
    assert "errors" not in result, result["errors"]
    assert result["data"] == expected["data"]
    assert len(result["data"]["reports"]["projectRows"]["nodes"]) == 3


@pytest.mark.parametrize("who", ["pmo", "alice", "carol", "ana"])
async def test_no_row_carries_an_email_or_a_cost_rate(api: Api, report_world: ReportWorld,
                                                      who: str) -> None:
    # when
    result = await api(who, EVERYTHING, since=SINCE, id=report_world.gid(
        "Portfolio", report_world.base.portfolio))
    types = (await api(who, ROW_TYPE_FIELDS))["data"]["__schema"]["types"]

    # then: names yes (everyone's cost rate is 120.00 and email <name>@example.com)
    text = json.dumps(result)
    assert "Alice" in text and "@example.com" not in text and "120.00" not in text
    reporting = {t["name"]: {f["name"] for f in t["fields"]} for t in types
                 if t["name"] in ROW_TYPES}
    assert len(reporting) == len(ROW_TYPES)
    for fields in reporting.values():
        assert not {f for f in fields if "email" in f.lower() or "rate" in f.lower()}


async def test_a_caller_without_a_role_reads_no_report(api: Api, report_world: ReportWorld,
                                                       sessions: Sessions) -> None:
    # given: a person with a valid token and no role
    async with sessions() as s, s.begin():
        nobody = Person(email="nobody@example.com", full_name="Nobody")
        s.add(nobody)
        await s.flush()
    token = mint(nobody.id, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))  # type: ignore[arg-type]
    growth = report_world.gid("Portfolio", report_world.base.portfolio)

    for report in REPORTS:
        # when: one report at a time
        selection = next(line.strip() for line in EVERYTHING.splitlines()
                         if line.strip().startswith(report + "("))
        declared = ", ".join(d for v, d in (("$id", "$id: ID!"), ("$since", "$since: DateTime!"))
                             if v in selection)
        query = (f"query({declared}) {{ reports {{ {selection} }} }}" if declared
                 else f"{{ reports {{ {selection} }} }}")
        variables = {k: v for k, v in (("id", growth), ("since", SINCE)) if f"${k}" in selection}
        response = await api.client.post(
            "/graphql", json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"})

        # then: refused, nothing shown
        body = response.json()
        assert codes(body) == ["FORBIDDEN"], (report, body)
        assert body["data"] is None or body["data"]["reports"][report] is None

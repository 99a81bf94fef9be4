"""GET /export/<report>.csv: the GraphQL rows as CSV, streamed, behind the same token and
enforcer."""
# ruff: noqa: F811 - the fixtures imported below are parameters of the tests

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from server.domain.auth.tokens import mint
from server.domain.models import Person
from server.domain.project.models import Milestone
from server.domain.raid.models import Risk
from server.settings import DEMO_SECRET_KEY
from tests.schema.conftest import Api, api, client, world  # noqa: F401 - fixtures
from tests.schema.metrics.conftest import Sessions, evm_world  # noqa: F401 - a fixture
from tests.schema.reporting.conftest import AS_OF, ReportWorld, report_world  # noqa: F401

ROW_TYPES = {"projectRows": "ProjectRow", "riskRows": "RiskRow", "issueRows": "IssueRow",
             "milestoneRows": "MilestoneRow", "costRows": "CostRow",
             "statusReportRows": "StatusReportRow", "gateDecisionRows": "GateDecisionRow",
             "changeRequestRows": "ChangeRequestRow", "benefitRows": "BenefitRow",
             "snapshotRows": "SnapshotRow", "allocationRows": "AllocationRow"}
# (GraphQL arguments, the same as CSV query parameters) per report; none for the others
ARGUMENTS = {
    "projectRows": ('asOf: "2026-02-01"', {"asOf": AS_OF}),
    "allocationRows": ('filter: {weekFrom: "2026-01-01", weekTo: "2026-03-31"}',
                       {"weekFrom": "2026-01-01", "weekTo": "2026-03-31"}),
}
FIELDS = """
query($name: String!) {
  __type(name: $name) { fields { name type { name ofType { name } } } }
}"""
TEXT = {"String", "ID"}


async def export(api: Api, who: str | None, path: str, **params: str) -> Any:
    headers = {"Authorization": f"Bearer {api.token(who)}"} if who else {}
    return await api.client.get(path, params=params, headers=headers)


def table(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def graphql_rows(api: Api, report: str, arguments: str = "",
                       ) -> tuple[list[str], set[str], list[Any]]:
    """The report's field names (in order), its text fields and its rows through GraphQL."""
    types = await api("ana", FIELDS, name=ROW_TYPES[report])
    fields = types["data"]["__type"]["fields"]
    names = [f["name"] for f in fields]
    text = {f["name"] for f in fields if (f["type"]["name"] or f["type"]["ofType"]["name"]) in TEXT}
    args = f", {arguments}" if arguments else ""
    result = await api("ana", f"{{ reports {{ {report}(first: 500{args}) "
                              f"{{ nodes {{ {' '.join(names)} }} }} }} }}")
    assert "errors" not in result, result["errors"]
    return names, text, result["data"]["reports"][report]["nodes"]


def as_cell(value: Any, is_text: bool) -> str:
    """How a GraphQL JSON value reads in the CSV: text that a spreadsheet would run as a
    formula starts with an apostrophe; numbers (Decimal strings too) never do."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if is_text and text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@pytest.mark.parametrize("report", list(ROW_TYPES))
async def test_the_csv_is_the_graphql_rows(api: Api, report_world: ReportWorld,
                                           report: str) -> None:
    # given
    arguments, parameters = ARGUMENTS.get(report, ("", {}))
    names, text, rows = await graphql_rows(api, report, arguments)

    # when
    response = await export(api, "ana", f"/export/{report}.csv", **parameters)

    # then
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{report}.csv"'
    header, *lines = table(response.text)
    assert header == names
    assert lines == [[as_cell(row[name], name in text) for name in names] for row in rows]
    assert len(lines) >= 1


async def test_formulas_are_neutralised_but_negative_numbers_are_not(
    api: Api, report_world: ReportWorld,
) -> None:
    # when
    risks = table((await export(api, "pmo", "/export/riskRows.csv")).text)
    issues = table((await export(api, "pmo", "/export/issueRows.csv")).text)
    projects = table((await export(api, "pmo", "/export/projectRows.csv", asOf=AS_OF)).text)

    # then
    title = risks[0].index("title")
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in [r[title] for r in risks[1:]]
    resolution = issues[0].index("resolution")
    assert "'-patched" in [r[resolution] for r in issues[1:]]
    beta = dict(zip(projects[0], projects[2], strict=True))
    assert (beta["code"], beta["cv"], beta["sv"]) == ("PRJ-0002", "-30000.00", "-85084.75")


async def test_the_portfolio_parameter_narrows_the_rows(api: Api,
                                                        report_world: ReportWorld,
                                                        ) -> None:
    # when
    response = await export(api, "carol", "/export/projectRows.csv",
                            portfolioId=report_world.gid("Portfolio",
                                                         report_world.other_portfolio))

    # then
    header, *lines = table(response.text)
    assert [line[header.index("code")] for line in lines] == ["PRJ-0100"]


async def test_no_token_is_401(api: Api, report_world: ReportWorld) -> None:
    # when: an API client, and a browser asking for a page
    plain = await export(api, None, "/export/projectRows.csv")
    browser = await api.client.get("/export/projectRows.csv", headers={"Accept": "text/html"})

    # then
    for response in (plain, browser):
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_caller_without_a_role_is_403(api: Api, report_world: ReportWorld,
                                              sessions: Sessions) -> None:
    # given
    async with sessions() as s, s.begin():
        nobody = Person(email="nobody@example.com", full_name="Nobody")
        s.add(nobody)
        await s.flush()
    token = mint(nobody.id, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))  # type: ignore[arg-type]

    # when
    response = await api.client.get("/export/riskRows.csv",
                                    headers={"Authorization": f"Bearer {token}"})

    # then
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN" and error["message"]


async def test_an_unknown_report_is_404(api: Api, report_world: ReportWorld) -> None:
    # when
    response = await export(api, "pmo", "/export/salaries.csv")

    # then
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_updated_since_gives_the_rows_graphql_gives(api: Api, report_world: ReportWorld,
                                                        sessions: Sessions) -> None:
    # given: one risk renamed after a moment
    moment = (await api("pmo", "{ reports { riskRows(first: 500) { nodes { updatedAt } } } }")
              )["data"]["reports"]["riskRows"]["nodes"]
    since = (max(datetime.fromisoformat(row["updatedAt"]) for row in moment)
             + timedelta(microseconds=1)).isoformat()
    await asyncio.sleep(0.01)
    async with sessions() as s, s.begin():
        risk = await s.get(Risk, report_world.injected_risk)
        assert risk is not None
        risk.title = "Renamed"

    # when
    names, text, rows = await graphql_rows(api, "riskRows", f'filter: {{updatedSince: "{since}"}}')
    response = await export(api, "ana", "/export/riskRows.csv", updatedSince=since)

    # then: the renamed risk only, alike in both (its updatedAt is after the others')
    header, *lines = table(response.text)
    assert [row["title"] for row in rows] == ["Renamed"]
    assert lines == [[as_cell(row[name], name in text) for name in names] for row in rows]


async def test_numbers_are_plain_and_dates_iso(api: Api, report_world: ReportWorld) -> None:
    # when
    text = (await export(api, "ana", "/export/costRows.csv")).text

    # then: no quotes around numbers, "." for decimals, no thousands separator, ISO dates
    header, first, *_ = text.splitlines()
    assert header.startswith("costEntryId,projectId,projectCode")
    assert ",30000.00,OTHER," in first and ",2026-03-15," in first and '"' not in first


@pytest.mark.parametrize(("path", "params"), [
    ("/export/riskRows.csv", {"updatedSince": "last week"}),
    ("/export/allocationRows.csv", {"weekFrom": "2026-03-01", "weekTo": "2026-01-01"}),
    ("/export/allocationRows.csv", {"portfolioId": "x"}),
    ("/export/projectRows.csv", {"asOf": "yesterday"}),
    ("/export/projectRows.csv", {"portfolioId": "not-an-id"}),
    ("/export/riskRows.csv", {"portfolio": "x"}),
    ("/export/riskRows.csv", {"asOf": "2026-01-01"}),
])
async def test_bad_parameters_are_400(api: Api, report_world: ReportWorld,
                                      path: str, params: dict[str, str]) -> None:
    # when
    response = await export(api, "pmo", path, **params)

    # then
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"]


async def test_more_rows_than_one_batch_are_all_streamed(api: Api,
                                                         report_world: ReportWorld,
                                                         sessions: Sessions) -> None:
    # given: 1,100 milestones, more than two batches of 500
    async with sessions() as s, s.begin():
        s.add_all(Milestone(project_id=report_world.base.bob_project, name=f"M{i:04d}",
                            planned_date=date(2027, 1, 1) + timedelta(days=i % 300))
                  for i in range(1100))

    # when
    response = await export(api, "ana", "/export/milestoneRows.csv")

    # then: every milestone once, in the GraphQL default order (planned date, then id)
    header, *lines = table(response.text)
    names = [line[header.index("name")] for line in lines]
    assert len(names) == 1104 and len(set(names)) == 1104
    planned = [line[header.index("plannedDate")] for line in lines]
    assert planned == sorted(planned)

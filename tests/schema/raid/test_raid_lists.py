"""Reading the RAID log: the issues list (paging, filters, order), nested project lists,
node(id:) for every RAID type and the viewerCan* flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from server.domain.enums import IssueSeverity, IssueStatus
from tests.schema.conftest import Api, World
from tests.schema.raid.conftest import Raid

ISSUES = """
query($filter: IssueFilter, $orderBy: [IssueOrder!], $first: Int, $after: String,
      $last: Int, $before: String) {
  issues(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last,
         before: $before) {
    totalCount
    edges { cursor node { title severity } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""

PROJECTS_RAID = """
{
  projects {
    nodes {
      code
      issues(first: 2) { totalCount nodes { title severity } }
      assumptions(filter: {validated: false}) { totalCount nodes { text } }
      dependencies { totalCount nodes { externalName toProject { code } } }
      risks(filter: {categoryIds: [$CATEGORY]}) { totalCount nodes { title category { code } } }
    }
  }
}"""

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename
    ... on Issue { title viewerCanUpdate viewerCanDelete sourceRisk { title } }
    ... on Risk { title viewerCanUpdate viewerCanDelete }
    ... on Assumption { text viewerCanUpdate viewerCanDelete }
    ... on Dependency { externalName viewerCanUpdate viewerCanDelete fromProject { code } }
    ... on RiskCategory { code name active }
  }
}"""


def _titles(result: dict[str, Any]) -> list[str]:
    return [e["node"]["title"] for e in result["data"]["issues"]["edges"]]


async def _severity_ladder(raid: Raid) -> None:
    """Five open issues on Alice's project, one resolved, one on Bob's project."""
    for title, severity in [("low", IssueSeverity.LOW), ("critical", IssueSeverity.CRITICAL),
                            ("high-1", IssueSeverity.HIGH), ("medium", IssueSeverity.MEDIUM),
                            ("high-2", IssueSeverity.HIGH)]:
        await raid.issue(title=title, severity=severity)
    await raid.issue(title="resolved", severity=IssueSeverity.CRITICAL,
                     status=IssueStatus.RESOLVED, resolution="Fixed", resolved_on=date(2026, 1, 5))
    await raid.issue(title="bob's", severity=IssueSeverity.HIGH, project="bob_project")


async def test_issues_page_forwards_and_backwards_by_severity_rank(
    api: Api, world: World, raid: Raid
) -> None:
    # given open issues of every severity on Alice's project and others elsewhere
    await _severity_ladder(raid)
    only_alice_open = {"projectIds": [world.gid("Project", world.alice_project)],
                       "status": ["OPEN", "IN_PROGRESS"]}
    order = [{"field": "SEVERITY", "direction": "DESC"}]
    # when they are paged two at a time, most severe first (ranked, not alphabetical)
    first = await api("ana", ISSUES, filter=only_alice_open, orderBy=order, first=2)
    cursor = first["data"]["issues"]["pageInfo"]["endCursor"]
    second = await api("ana", ISSUES, filter=only_alice_open, orderBy=order, first=2,
                       after=cursor)
    cursor = second["data"]["issues"]["pageInfo"]["endCursor"]
    third = await api("ana", ISSUES, filter=only_alice_open, orderBy=order, first=2,
                      after=cursor)
    # then the pages follow CRITICAL > HIGH > MEDIUM > LOW, ties by id, across page edges
    assert _titles(first) == ["critical", "high-1"]
    assert _titles(second) == ["high-2", "medium"]
    assert _titles(third) == ["low"]
    assert first["data"]["issues"]["totalCount"] == 5
    assert first["data"]["issues"]["pageInfo"]["hasNextPage"] is True
    last_page = third["data"]["issues"]["pageInfo"]
    assert (last_page["hasNextPage"], last_page["hasPreviousPage"]) == (False, True)
    # and paging backwards from the last row gives the page before it
    last_cursor = third["data"]["issues"]["edges"][0]["cursor"]
    back = await api("ana", ISSUES, filter=only_alice_open, orderBy=order, last=2,
                     before=last_cursor)
    assert _titles(back) == ["high-2", "medium"]
    # and ascending order ranks the other way
    ascending = await api("ana", ISSUES, filter=only_alice_open,
                          orderBy=[{"field": "SEVERITY", "direction": "ASC"}], first=3)
    assert _titles(ascending) == ["low", "medium", "high-1"]


async def test_issues_default_order_is_most_severe_first(api: Api, raid: Raid) -> None:
    await _severity_ladder(raid)
    result = await api("alice", ISSUES, first=3)
    assert _titles(result) == ["critical", "resolved", "high-1"]
    assert result["data"]["issues"]["totalCount"] == 7


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [({"search": "DEPLOY"}, ["deploy script"]),
     ({"search": "flaky"}, ["tests"]),
     ({"severity": ["HIGH", "CRITICAL"]}, ["deploy script", "tests"]),
     ({"status": ["IN_PROGRESS"]}, ["tests"]),
     ({"ownerIds": ["alice"]}, ["deploy script"]),
     ({"dueFrom": "2026-06-01", "dueTo": "2026-06-30"}, ["tests"]),
     ({"dueTo": "2026-05-31"}, ["deploy script"]),
     ({"projectIds": ["bob"]}, ["docs"]),
     ({"updatedSince": "tomorrow"}, []),
     ({"updatedSince": "yesterday"}, ["deploy script", "docs", "tests"])],
)
async def test_issue_filters(
    api: Api, world: World, raid: Raid, filter_: dict[str, Any], expected: list[str]
) -> None:
    # given three issues that differ in every filtered field
    await raid.issue(title="deploy script", severity=IssueSeverity.CRITICAL,
                     owner_id=world.people["alice"], due_date=date(2026, 5, 1))
    await raid.issue(title="tests", description="Flaky suite", severity=IssueSeverity.HIGH,
                     status=IssueStatus.IN_PROGRESS, due_date=date(2026, 6, 15))
    await raid.issue(title="docs", severity=IssueSeverity.LOW, project="bob_project")
    now = datetime.now(UTC)
    names = {"alice": world.gid("Person", world.people["alice"]),
             "bob": world.gid("Project", world.bob_project),
             "tomorrow": (now + timedelta(days=1)).isoformat(),
             "yesterday": (now - timedelta(days=1)).isoformat()}
    given = {key: ([names.get(v, v) for v in value] if isinstance(value, list)
                   else names.get(value, value)) for key, value in filter_.items()}
    # when the issues are listed with the filter, by title
    result = await api("ana", ISSUES, filter=given,
                       orderBy=[{"field": "TITLE", "direction": "ASC"}])
    # then exactly the matching ones come back
    assert _titles(result) == expected


async def test_issues_refuses_a_foreign_id_in_a_filter(api: Api, world: World) -> None:
    result = await api("alice", ISSUES, filter={
        "projectIds": [world.gid("Person", world.people["bob"])]})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_projects_list_their_raid_in_nested_connections(
    api: Api, world: World, raid: Raid
) -> None:
    # given RAID rows on both projects
    await _severity_ladder(raid)
    await raid.assumption(text="Budget approved")
    await raid.assumption(text="Team available", validated=True)
    await raid.dependency(external_name="Acme Ltd")
    await raid.dependency(external_name=None, to_project_id=world.bob_project)
    tech = await raid.category("TECH")
    await raid.risk(title="Tech debt", category_id=tech)
    await raid.risk(title="Uncategorised")
    await raid.risk(title="Bob's tech", category_id=tech, project="bob_project")
    # when both projects are read with their RAID lists in one request
    query = PROJECTS_RAID.replace("$CATEGORY", f'"{world.gid("RiskCategory", tech)}"')
    result = await api("carol", query)
    # then each project gets its own page of each list
    assert "errors" not in result
    alpha, beta = result["data"]["projects"]["nodes"]
    assert alpha["code"] == "PRJ-0001"
    assert alpha["issues"] == {"totalCount": 6, "nodes": [
        {"title": "critical", "severity": "CRITICAL"},
        {"title": "resolved", "severity": "CRITICAL"}]}
    assert alpha["assumptions"] == {"totalCount": 1, "nodes": [{"text": "Budget approved"}]}
    assert alpha["dependencies"]["totalCount"] == 2
    assert {(d["externalName"], (d["toProject"] or {}).get("code"))
            for d in alpha["dependencies"]["nodes"]} == {("Acme Ltd", None), (None, "PRJ-0002")}
    assert alpha["risks"] == {"totalCount": 1, "nodes": [
        {"title": "Tech debt", "category": {"code": "TECH"}}]}
    assert beta["issues"] == {"totalCount": 1, "nodes": [{"title": "bob's", "severity": "HIGH"}]}
    assert beta["assumptions"]["totalCount"] == beta["dependencies"]["totalCount"] == 0
    assert beta["risks"]["nodes"] == [{"title": "Bob's tech", "category": {"code": "TECH"}}]


@pytest.mark.parametrize(
    ("who", "project", "can_update", "can_delete"),
    [("alice", "alice_project", True, True), ("alice", "bob_project", False, False),
     ("pmo", "alice_project", True, True), ("carol", "alice_project", False, False),
     ("ana", "alice_project", False, False)],
)
async def test_raid_rows_resolve_by_id_with_viewer_can_flags_from_the_policies(
    api: Api, world: World, raid: Raid, who: str, project: str, can_update: bool,
    can_delete: bool,
) -> None:
    # given one row of each RAID type on the project
    risk_id = await raid.risk(project=project, title="Vendor late")
    ids = {
        "Risk": risk_id,
        "Issue": await raid.issue(project=project, source_risk_id=risk_id),
        "Assumption": await raid.assumption(project=project),
        "Dependency": await raid.dependency(project=project),
    }
    # when each is fetched by its global id
    for type_name, row_id in ids.items():
        node = (await api(who, NODE, id=world.gid(type_name, row_id)))["data"]["node"]
        # then it is that row, with the flags the policies give the caller (the risk was
        # escalated to the issue, so nobody may delete it: deleteRisk refuses that too)
        assert node["__typename"] == type_name
        expected = (can_update, can_delete and type_name != "Risk")
        assert (node["viewerCanUpdate"], node["viewerCanDelete"]) == expected
    issue = (await api(who, NODE, id=world.gid("Issue", ids["Issue"])))["data"]["node"]
    assert issue["sourceRisk"] == {"title": "Vendor late"}


async def test_risk_category_resolves_by_id(api: Api, world: World, raid: Raid) -> None:
    category = await raid.category("FIN")
    result = await api("ana", NODE, id=world.gid("RiskCategory", category))
    assert result["data"]["node"] == {"__typename": "RiskCategory", "code": "FIN",
                                      "name": "Fin", "active": True}

"""Capacity through the API: Person.utilization per ISO week and overAllocations."""

from __future__ import annotations

import pytest

from tests.schema.analytics.conftest import Analytics
from tests.schema.conftest import Api, codes

UTILIZATION = """
query($id: ID!, $from: Date!, $to: Date!) {
  node(id: $id) {
    ... on Person { utilization(from: $from, to: $to) { weekStart isoYear isoWeek percent } }
  }
}"""

OVER = """
query($from: Date!, $to: Date!, $departmentId: ID) {
  overAllocations(from: $from, to: $to, departmentId: $departmentId) {
    person { fullName } weekStart isoYear isoWeek percent
    allocations { roleName percent project { code } }
  }
}"""


@pytest.mark.parametrize("who", ["pmo", "alice", "dave", "ana"])
async def test_utilization_in_weekly_buckets(api: Api, analytics: Analytics, who: str) -> None:
    # given: Alice 60 % 5-18 Jan, plus 50 % 12-14 Jan
    w = analytics.world
    # when: 1-20 Jan 2026 spans ISO weeks 1 (from Mon 29 Dec 2025) to 4
    result = await api(who, UTILIZATION, id=w.gid("Person", w.people["alice"]),
                       **{"from": "2026-01-01", "to": "2026-01-20"})
    # then
    assert "errors" not in result, result
    assert result["data"]["node"]["utilization"] == [
        {"weekStart": "2025-12-29", "isoYear": 2026, "isoWeek": 1, "percent": 0},
        {"weekStart": "2026-01-05", "isoYear": 2026, "isoWeek": 2, "percent": 60},
        {"weekStart": "2026-01-12", "isoYear": 2026, "isoWeek": 3, "percent": 110},
        {"weekStart": "2026-01-19", "isoYear": 2026, "isoWeek": 4, "percent": 0},
    ]


@pytest.mark.parametrize(("start", "end"), [("2026-02-01", "2026-01-01"),
                                            ("2020-01-01", "2026-01-01")])
async def test_utilization_rejects_a_bad_period(api: Api, analytics: Analytics, start: str,
                                                end: str) -> None:
    w = analytics.world
    result = await api("ana", UTILIZATION, id=w.gid("Person", w.people["alice"]),
                       **{"from": start, "to": end})
    assert codes(result) == ["BAD_USER_INPUT"]


async def test_over_allocations_list_person_weeks_above_100(api: Api,
                                                            analytics: Analytics) -> None:
    # when
    result = await api("carol", OVER, **{"from": "2026-01-01", "to": "2026-01-31"})
    # then: only Alice's week 3 (60 + 50); Bob peaks at 80
    assert "errors" not in result, result
    assert result["data"]["overAllocations"] == [{
        "person": {"fullName": "Alice"}, "weekStart": "2026-01-12", "isoYear": 2026,
        "isoWeek": 3, "percent": 110,
        "allocations": [
            {"roleName": "Lead", "percent": 60, "project": {"code": "PRJ-0001"}},
            {"roleName": "Advisor", "percent": 50, "project": {"code": "PRJ-0002"}},
        ],
    }]


async def test_over_allocations_of_one_department(api: Api, analytics: Analytics) -> None:
    w = analytics.world
    period = {"from": "2026-01-01", "to": "2026-01-31"}
    engineering = await api("ana", OVER, departmentId=w.gid("Department", analytics.engineering),
                            **period)
    sales = await api("ana", OVER, departmentId=w.gid("Department", analytics.sales), **period)
    assert [o["percent"] for o in engineering["data"]["overAllocations"]] == [110]
    assert sales["data"]["overAllocations"] == []


async def test_over_allocations_outside_the_period(api: Api, analytics: Analytics) -> None:
    result = await api("ana", OVER, **{"from": "2026-02-01", "to": "2026-03-31"})
    assert result["data"]["overAllocations"] == []

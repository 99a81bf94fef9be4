"""Weekly utilisation buckets and over-allocation, as pure functions."""

from __future__ import annotations

from datetime import date

from server.domain.analytics.capacity import monday, over_allocated, week_loads, weeks
from server.domain.models import Allocation


def allocation(id_: int, start: date, end: date, percent: int) -> Allocation:
    return Allocation(id=id_, person_id=1, project_id=1, role_name="Dev", start_date=start,
                      end_date=end, percent=percent)


def test_weeks_are_the_mondays_of_every_iso_week_touched() -> None:
    assert monday(date(2026, 1, 4)) == date(2025, 12, 29)  # a Sunday
    assert weeks(date(2026, 1, 4), date(2026, 1, 5)) == [date(2025, 12, 29), date(2026, 1, 5)]
    assert weeks(date(2026, 1, 6), date(2026, 1, 6)) == [date(2026, 1, 5)]


def test_an_allocation_counts_in_every_week_its_dates_touch() -> None:
    # given: 40 % from a Sunday to the next Monday touches three weeks; 70 % one mid-week day
    a = allocation(1, date(2026, 1, 11), date(2026, 1, 19), 40)
    b = allocation(2, date(2026, 1, 14), date(2026, 1, 14), 70)
    # when
    loads = week_loads(1, [a, b], date(2026, 1, 1), date(2026, 1, 31))
    # then
    assert [(load.week_start, load.percent) for load in loads] == [
        (date(2025, 12, 29), 0), (date(2026, 1, 5), 40), (date(2026, 1, 12), 110),
        (date(2026, 1, 19), 40), (date(2026, 1, 26), 0)]
    assert [(load.iso_year, load.iso_week) for load in loads][:2] == [(2026, 1), (2026, 2)]
    over = over_allocated(loads)
    assert [(o.week_start, o.allocations) for o in over] == [(date(2026, 1, 12), (a, b))]


def test_exactly_100_percent_is_not_over_allocated() -> None:
    full = allocation(1, date(2026, 1, 5), date(2026, 1, 9), 100)
    assert over_allocated(week_loads(1, [full], date(2026, 1, 5), date(2026, 1, 9))) == []

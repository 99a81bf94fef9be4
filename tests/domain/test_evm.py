"""Earned value as pure functions: a worked example by hand at three dates, the edge cases
where a divisor is 0, rounding, the roll-up and the health bands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from server.domain.enums import EvmMetric, Rag
from server.domain.metrics.evm import (
    Band,
    EarnedValue,
    band,
    earned_value,
    forecast_finish,
    health,
    plan_curve,
    planned_fraction,
    roll_up,
)

D = Decimal
START, FINISH = date(2026, 1, 1), date(2026, 4, 1)  # 90 days
# Cost entries of the worked example: 20,000 on 15 Jan, 15,000 on 1 Feb, 30,000 on 15 Mar.
COSTS = [(date(2026, 1, 15), D("20000.00")), (date(2026, 2, 1), D("15000.00")),
         (date(2026, 3, 15), D("30000.00"))]
THRESHOLDS = {EvmMetric.CPI: Band(D("0.950"), D("0.850")),
              EvmMetric.SPI: Band(D("0.900"), D("0.800"))}


def example(as_of: date, *, percent: int = 40) -> EarnedValue:
    """BAC 100,000, 40 % complete, baselined 1 Jan - 1 Apr 2026, rounded."""
    ac = sum((amount for day, amount in COSTS if day <= as_of), D(0))
    return earned_value(bac=D("100000.00"), percent_complete=percent, baseline_start=START,
                        baseline_finish=FINISH, actual_cost=ac, as_of=as_of).rounded()


def figures(**values: str | None) -> EarnedValue:
    return EarnedValue(**{k: None if v is None else D(v) for k, v in values.items()})  # type: ignore[arg-type]


def test_before_the_start_nothing_is_planned_or_spent_so_the_cost_ratios_are_null() -> None:
    # when
    result = example(date(2025, 12, 1))

    # then: PV = 0, AC = 0 -> CPI, SPI, EAC, ETC, VAC null; TCPI = 60,000 / 100,000
    assert result == figures(bac="100000.00", pv="0.00", ev="40000.00", ac="0.00",
                             cv="40000.00", sv="40000.00", cpi=None, spi=None, eac=None,
                             etc=None, vac=None, tcpi="0.6000")


def test_mid_way_figures_are_computed_from_unrounded_intermediates() -> None:
    # when: 1 Feb is day 31 of 90; the cost entry of that day counts
    result = example(date(2026, 2, 1))

    # then: PV = 100,000 x 31/90 = 34,444.44..; AC = 35,000
    assert result == figures(
        bac="100000.00", pv="34444.44", ev="40000.00", ac="35000.00",
        cv="5000.00",
        sv="5555.56",       # 40,000 - 34,444.444.. (not 40,000 - 34,444.44 = 5,555.56 by luck)
        cpi="1.1429",       # 40,000 / 35,000 = 1.142857..
        spi="1.1613",       # 40,000 / 34,444.44.. = 1.161290..
        eac="87500.00",     # 100,000 / 1.142857.. = 87,500
        etc="52500.00", vac="12500.00",
        tcpi="0.9231")      # 60,000 / 65,000 = 0.923076..


def test_after_the_finish_everything_is_planned() -> None:
    # when
    result = example(date(2026, 6, 30))

    # then: PV = BAC; AC = 65,000
    assert result == figures(bac="100000.00", pv="100000.00", ev="40000.00", ac="65000.00",
                             cv="-25000.00", sv="-60000.00", cpi="0.6154", spi="0.4000",
                             eac="162500.00", etc="97500.00", vac="-62500.00", tcpi="1.7143")


def test_zero_progress_makes_cpi_zero_and_the_estimates_null() -> None:
    # when: nothing earned yet, 35,000 spent
    result = example(date(2026, 2, 1), percent=0)

    # then: CPI = 0, so EAC = BAC / 0 and what follows from it are null
    assert result == figures(bac="100000.00", pv="34444.44", ev="0.00", ac="35000.00",
                             cv="-35000.00", sv="-34444.44", cpi="0.0000", spi="0.0000",
                             eac=None, etc=None, vac=None, tcpi="1.5385")


def test_tcpi_is_null_when_the_budget_is_spent() -> None:
    # when: AC = BAC
    result = earned_value(bac=D("35000.00"), percent_complete=50, baseline_start=START,
                          baseline_finish=FINISH, actual_cost=D("35000.00"),
                          as_of=date(2026, 2, 1)).rounded()

    # then
    assert result.tcpi is None
    assert (result.cpi, result.eac) == (D("0.5000"), D("70000.00"))


def test_a_project_without_baseline_dates_has_no_planned_value() -> None:
    # when
    result = earned_value(bac=D("1000.00"), percent_complete=10, baseline_start=None,
                          baseline_finish=None, actual_cost=D("50.00"), as_of=date(2026, 1, 1))

    # then
    assert (result.pv, result.sv, result.spi) == (None, None, None)
    assert result.cpi == D(2)


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2025, 12, 31), D(0)), (date(2026, 1, 1), D(0)), (date(2026, 3, 14), D("0.8")),
    (date(2026, 4, 1), D(1)), (date(2027, 1, 1), D(1)),
])
def test_the_planned_fraction_is_clamped_to_0_and_1(as_of: date, expected: Decimal) -> None:
    assert planned_fraction(as_of, START, FINISH) == expected


def test_a_one_day_baseline_is_all_or_nothing() -> None:
    day = date(2026, 5, 5)
    assert planned_fraction(date(2026, 5, 4), day, day) == 0
    assert planned_fraction(day, day, day) == 1


def test_rounding_is_half_to_even() -> None:
    # when: EV = 10.25 x 50 % = 5.125 exactly
    result = earned_value(bac=D("10.25"), percent_complete=50, baseline_start=None,
                          baseline_finish=None, actual_cost=D("0.00"),
                          as_of=date(2026, 1, 1)).rounded()

    # then: 5.125 -> 5.12 (half up would give 5.13)
    assert result.ev == D("5.12")


def test_a_roll_up_sums_bac_pv_ev_ac_and_takes_the_ratios_of_the_sums() -> None:
    # given: the example and a second project (BAC 200,000, 10 %, baselined over 59 days)
    as_of = date(2026, 2, 1)
    alpha = earned_value(bac=D("100000.00"), percent_complete=40, baseline_start=START,
                         baseline_finish=FINISH, actual_cost=D("35000.00"), as_of=as_of)
    beta = earned_value(bac=D("200000.00"), percent_complete=10, baseline_start=START,
                        baseline_finish=date(2026, 3, 1), actual_cost=D("50000.00"),
                        as_of=as_of)

    # when
    result = roll_up([alpha, beta]).rounded()

    # then: CPI = 60,000 / 85,000, not the mean of 1.1429 and 0.4
    assert result == figures(bac="300000.00", pv="139529.19", ev="60000.00", ac="85000.00",
                             cv="-25000.00", sv="-79529.19", cpi="0.7059", spi="0.4300",
                             eac="425000.00", etc="340000.00", vac="-125000.00",
                             tcpi="1.1163")


def test_a_roll_up_of_nothing_is_all_zero_with_null_ratios() -> None:
    result = roll_up([]).rounded()
    assert (result.bac, result.pv, result.cpi, result.spi, result.tcpi) == (
        D("0.00"), None, None, None, None)


@pytest.mark.parametrize(("value", "expected"), [
    (D("1.2"), Rag.GREEN), (D("0.950"), Rag.GREEN), (D("0.9499"), Rag.AMBER),
    (D("0.85"), Rag.AMBER), (D("0.8499"), Rag.RED), (D(0), Rag.RED), (None, None),
])
def test_bands_are_green_or_amber_at_or_above_their_threshold(
    value: Decimal | None, expected: Rag | None,
) -> None:
    assert band(value, THRESHOLDS[EvmMetric.CPI]) == expected


def test_health_is_the_worst_band_unless_overridden() -> None:
    # given: CPI green (1.0), SPI amber (0.85)
    value = figures(bac="1", pv="1", ev="0.85", ac="0.85", cv="0", sv="0", cpi="1.0",
                    spi="0.85", eac=None, etc=None, vac=None, tcpi=None)

    # then
    assert health(value, THRESHOLDS) == Rag.AMBER
    assert health(value, THRESHOLDS, Rag.GREEN) == Rag.GREEN
    assert health(example(date(2026, 6, 30)), THRESHOLDS) == Rag.RED  # CPI 0.6154
    assert health(example(date(2026, 2, 1)), THRESHOLDS) == Rag.GREEN
    assert health(example(date(2025, 12, 1)), THRESHOLDS) is None  # no CPI, no SPI
    assert health(value, {}) is None  # no threshold rows


def test_a_missing_index_leaves_the_other_band_to_decide() -> None:
    value = figures(bac="1", pv=None, ev="0.5", ac="1", cv="0", sv=None, cpi="0.5",
                    spi=None, eac=None, etc=None, vac=None, tcpi=None)
    assert health(value, THRESHOLDS) == Rag.RED


def test_the_forecast_finish_stretches_the_baseline_by_the_unrounded_spi() -> None:
    # given: on 1 Feb SPI = 40,000 / (100,000 x 31/90) = 36/31 (1.1613 rounded)
    spi = earned_value(bac=D("100000.00"), percent_complete=40, baseline_start=START,
                       baseline_finish=FINISH, actual_cost=D("35000.00"),
                       as_of=date(2026, 2, 1)).spi

    # when
    result = forecast_finish(START, FINISH, spi)

    # then: 90 / (36/31) = 77.5 days -> 78 (half to even), 1 Jan + 78 days
    assert result == date(2026, 3, 20)


def test_a_late_project_is_forecast_after_its_baseline_finish() -> None:
    # then: SPI 0.4 -> 90 / 0.4 = 225 days after 1 Jan
    assert forecast_finish(START, FINISH, D("0.4")) == date(2026, 8, 14)


def test_the_forecast_finish_rounds_half_days_to_even() -> None:
    # then: 5 / 2 = 2.5 -> 2 days; 7 / 2 = 3.5 -> 4 days
    assert forecast_finish(START, date(2026, 1, 6), D(2)) == date(2026, 1, 3)
    assert forecast_finish(START, date(2026, 1, 8), D(2)) == date(2026, 1, 5)


@pytest.mark.parametrize(("start", "finish", "spi"), [
    (START, FINISH, None), (START, FINISH, D(0)), (None, FINISH, D(1)), (START, None, D(1)),
])
def test_the_forecast_finish_is_null_without_spi_or_baseline(
    start: date | None, finish: date | None, spi: Decimal | None,
) -> None:
    assert forecast_finish(start, finish, spi) is None


# --- planned value shaped by milestones -------------------------------------------------------
# 1 Jan - 1 Apr (90 days); the plan front-loads the work: half of it by 31 Jan (day 30), 90 % by
# 2 Mar (day 60), the rest by the finish.
FRONT_LOADED = [(date(2026, 1, 31), 50), (date(2026, 3, 2), 90)]


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2025, 12, 1), D(0)),
    (date(2026, 1, 16), D("0.25")),          # day 15 of the first 30: half of 50 %
    (date(2026, 1, 31), D("0.5")),           # on the milestone
    (date(2026, 3, 17), D("0.95")),          # day 15 of the last 30: 90 % + half of 10 %
    (date(2026, 4, 1), D(1)),
    (date(2026, 6, 30), D(1)),
])
def test_milestones_with_a_planned_percent_bend_the_planned_line(
    as_of: date, expected: Decimal,
) -> None:
    assert planned_fraction(as_of, START, FINISH, FRONT_LOADED) == expected


def test_mid_way_on_a_front_loaded_plan_the_same_progress_is_behind_schedule() -> None:
    # when: 1 Feb is one day past the 50 % milestone: 50 + 40 x 1/30 = 51.33.. %
    result = earned_value(bac=D("100000.00"), percent_complete=40, baseline_start=START,
                          baseline_finish=FINISH, actual_cost=D("35000.00"),
                          as_of=date(2026, 2, 1), milestones=FRONT_LOADED).rounded()

    # then: the straight line said SPI 1.1613 (ahead); the milestones say behind
    assert (result.pv, result.sv, result.spi) == (D("51333.33"), D("-11333.33"), D("0.7792"))
    assert (result.cpi, result.eac) == (D("1.1429"), D("87500.00"))  # cost side unchanged


def test_the_curve_keeps_only_milestones_inside_the_baseline_and_never_unplans_work() -> None:
    milestones = [
        (date(2025, 12, 20), 30),   # before the start: the start anchors 0 %
        (date(2026, 2, 10), 60),
        (date(2026, 2, 10), 40),    # same day: the highest percent counts
        (date(2026, 3, 1), 20),     # below an earlier milestone: raised to 60 %
        (date(2026, 4, 1), 80),     # on the finish: the finish anchors 100 %
        (date(2026, 5, 1), 100),    # after the finish
    ]
    assert plan_curve(START, FINISH, milestones) == [
        (START, 0), (date(2026, 2, 10), 60), (date(2026, 3, 1), 60), (FINISH, 100)]
    # flat between the two 60 % points, then straight to 100 % over the 31 days of March
    assert planned_fraction(date(2026, 2, 20), START, FINISH, milestones) == D("0.6")
    # 16 Mar is day 15 of 31: (60 + 40 x 15/31) % = 2460/3100
    assert planned_fraction(date(2026, 3, 16), START, FINISH, milestones) == D(2460) / D(3100)


def test_without_planned_percents_the_line_is_straight() -> None:
    # 1 Feb is day 31 of 90, exactly as the straight line computes it
    assert planned_fraction(date(2026, 2, 1), START, FINISH, []) == D(31) / D(90)
    assert plan_curve(START, FINISH) == [(START, 0), (FINISH, 100)]

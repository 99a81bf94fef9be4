"""The portfolio scenario optimiser is exact on realistic data (it agrees with a brute-force
search) and, within its work budget, honest on any data: a feasible set never worse than the
greedy pass, and a proven bound on what any set could score."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import combinations

import pytest

from server.domain.analytics import knapsack
from server.domain.analytics.strategy import Candidate, Scenario, optimise


def brute_force(candidates: list[Candidate], cap: Decimal) -> tuple[Decimal, Decimal]:
    """The best (score, -cost) over every subset within the cap."""
    best = (Decimal("0"), Decimal("0"))
    for size in range(1, len(candidates) + 1):
        for subset in combinations(candidates, size):
            cost = sum((c.cost for c in subset), Decimal("0"))
            if cost > cap:
                continue
            score = sum((c.score for c in subset), Decimal("0"))
            best = max(best, (score, -cost))
    return best


def greedy(candidates: list[Candidate], cap: Decimal) -> Decimal:
    """The score of the greedy pass (by falling score per cost, the cheaper first at equal
    ratios, each that still fits) or of the single best candidate, whichever is more; free
    candidates count in both."""
    useful = [c for c in candidates if c.score > 0 and c.cost <= cap]
    free = sum((c.score for c in useful if c.cost == 0), Decimal("0"))
    paid = [c for c in useful if c.cost > 0]
    cost = score = Decimal("0")
    for c in sorted(paid, key=lambda c: (-c.score / c.cost, c.cost)):
        if cost + c.cost <= cap:
            cost, score = cost + c.cost, score + c.score
    return free + max([score, *(c.score for c in paid)])


def assert_feasible(scenario: Scenario, candidates: list[Candidate], cap: Decimal) -> None:
    assert scenario.total_cost <= cap
    chosen = [c.project_id for c in scenario.chosen]
    left_out = [c.project_id for c in scenario.left_out]
    assert sorted(chosen + left_out) == sorted(c.project_id for c in candidates)


def random_case(rng: random.Random) -> tuple[list[Candidate], Decimal]:
    n = rng.randint(0, 12)
    candidates = [
        Candidate(i, Decimal(rng.choice([0, rng.randint(1, 50), rng.randint(1, 50_000)]))
                  * Decimal("1000.25"),
                  Decimal(rng.randint(0, 40)) * Decimal(rng.choice(["0.5", "1", "1.25", "3"])))
        for i in range(n)]
    total = sum((c.cost for c in candidates), Decimal("0"))
    cap = (total * Decimal(rng.random())).quantize(Decimal("0.01"))
    return candidates, cap


@pytest.mark.parametrize("seed", range(200))
def test_scenario_matches_brute_force(seed: int) -> None:
    # given
    candidates, cap = random_case(random.Random(seed))
    # when
    scenario = optimise(candidates, cap)
    # then
    assert (scenario.total_score, -scenario.total_cost) == brute_force(candidates, cap)
    assert_feasible(scenario, candidates, cap)
    assert scenario.optimal
    assert scenario.score_upper_bound == scenario.total_score


@pytest.mark.parametrize("seed", range(200))
def test_without_work_budget_the_answer_is_still_feasible_and_its_bound_holds(
    seed: int,
) -> None:
    # given: a search that may examine no state at all
    candidates, cap = random_case(random.Random(seed))
    best, _ = brute_force(candidates, cap)
    # when
    scenario = optimise(candidates, cap, work_budget=0)
    # then
    assert_feasible(scenario, candidates, cap)
    assert greedy(candidates, cap) <= scenario.total_score <= best
    assert scenario.score_upper_bound >= best
    assert scenario.optimal == (scenario.total_score == scenario.score_upper_bound)
    if scenario.optimal:
        assert scenario.total_score == best


def strongly_correlated(n: int, seed: int) -> tuple[list[Candidate], Decimal]:
    """Score = BAC / 10,000 + 10 to the cent: the classic hard class, where the fractional
    bound stays above every set and proving the best takes an exponential search."""
    rng = random.Random(seed)
    candidates = []
    for i in range(n):
        cents = rng.randint(1_000_000, 100_000_000)
        candidates.append(Candidate(i, Decimal(cents) / 100, Decimal(cents // 10_000) / 100 + 10))
    return candidates, sum((c.cost for c in candidates), Decimal("0")) / 2


def test_a_hard_500_candidate_case_stops_within_the_budget_with_an_honest_answer() -> None:
    # given
    candidates, cap = strongly_correlated(500, seed=3)
    # when
    scenario = optimise(candidates, cap)
    # then: the best set found, not proven, within a bound, better than the greedy pass
    assert_feasible(scenario, candidates, cap)
    assert not scenario.optimal
    assert scenario.score_upper_bound > scenario.total_score > greedy(candidates, cap)
    # and: the gap is a fraction of a per cent (the total is about 15,000)
    assert scenario.score_upper_bound - scenario.total_score < 20


def test_the_work_spent_never_exceeds_the_budget() -> None:
    # given
    candidates, cap = strongly_correlated(500, seed=3)
    items = [(int(c.cost * 100), int(c.score * 100)) for c in candidates]
    for budget in (0, 1_000, 50_000):
        # when
        solution = knapsack.solve(items, int(cap * 100), budget)
        # then
        assert solution.work <= budget
        assert not solution.optimal


def test_an_answer_that_meets_its_bound_is_optimal_even_when_the_budget_ran_out() -> None:
    # given: 500 projects of equal score per cost (a subset-sum problem: far too many sets to
    # search) and a cap some subset fills exactly
    rng = random.Random(11)
    candidates = []
    for i in range(500):
        whole = rng.randint(10_000, 5_000_000)
        candidates.append(Candidate(i, Decimal(whole), Decimal(whole) / 100))
    cap = sum((c.cost for c in rng.sample(candidates, 250)), Decimal("0"))
    items = [(int(c.cost), int(c.score * 100)) for c in candidates]
    # when
    scenario = optimise(candidates, cap)
    # then: the search gave up on proving by exhaustion ...
    assert knapsack.solve(items, int(cap), 250_000).work > 250_000 // 4
    # ... yet the set found fills the cap, which no set can beat
    assert_feasible(scenario, candidates, cap)
    assert scenario.total_cost == cap
    assert scenario.optimal
    assert scenario.score_upper_bound == scenario.total_score == cap / 100


def test_with_no_work_at_all_an_answer_meeting_the_bound_is_optimal() -> None:
    # given: equal ratios, costs in multiples of 20, so a cap of 50 can hold 40 at most; the
    # greedy pass takes 20 and then cannot fit 40
    candidates = [Candidate(1, Decimal("20"), Decimal("2")),
                  Candidate(2, Decimal("40"), Decimal("4"))]
    # when
    scenario = optimise(candidates, Decimal("50"), work_budget=0)
    # then: the single best project reaches the bound
    assert [c.project_id for c in scenario.chosen] == [2]
    assert scenario.optimal
    assert scenario.score_upper_bound == Decimal("4")


def test_500_identical_candidates_are_solved_exactly() -> None:
    # given: the cap fits 249.5 of them
    candidates = [Candidate(i, Decimal("40000.00"), Decimal("7.50")) for i in range(500)]
    # when
    scenario = optimise(candidates, Decimal("40000.00") * Decimal("249.5"))
    # then
    assert len(scenario.chosen) == 249
    assert scenario.optimal
    assert scenario.score_upper_bound == scenario.total_score == Decimal("1867.50")


@pytest.mark.parametrize("cap", [Decimal("1E+30"), Decimal("12.345")])
def test_a_cap_beyond_every_cost_or_finer_than_a_cent_is_handled(cap: Decimal) -> None:
    # given
    candidates = [Candidate(1, Decimal("5.00"), Decimal("2")), Candidate(2, Decimal("7.34"),
                  Decimal("3")), Candidate(3, Decimal("1.00"), Decimal("0"))]
    # when
    scenario = optimise(candidates, cap)
    # then: the scoreless one is never chosen
    assert [c.project_id for c in scenario.chosen] == [1, 2]
    assert scenario.optimal
    assert scenario.score_upper_bound == Decimal("5")


def test_scenario_prefers_the_better_pair_over_the_greedy_pick() -> None:
    # given: greedy by density takes A (6 per unit) and then nothing else fits
    a = Candidate(1, Decimal("60.00"), Decimal("360"))
    b = Candidate(2, Decimal("50.00"), Decimal("250"))
    c = Candidate(3, Decimal("50.00"), Decimal("250"))
    # when
    scenario = optimise([a, b, c], Decimal("100.00"))
    # then
    assert [x.project_id for x in scenario.chosen] == [2, 3]
    assert scenario.left_out == (a,)
    assert (scenario.total_cost, scenario.total_score) == (Decimal("100.00"), Decimal("500"))


def test_scenario_with_a_zero_cap_takes_only_free_projects() -> None:
    free = Candidate(1, Decimal("0"), Decimal("2"))
    paid = Candidate(2, Decimal("1.00"), Decimal("9"))
    scenario = optimise([free, paid], Decimal("0"))
    assert scenario.chosen == (free,)
    assert scenario.left_out == (paid,)

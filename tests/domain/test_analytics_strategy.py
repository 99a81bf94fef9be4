"""The portfolio scenario optimiser is exact: it agrees with a brute-force search."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import combinations

import pytest

from server.domain.analytics.strategy import Candidate, optimise


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
    assert scenario.total_cost <= cap
    assert {c.project_id for c in scenario.chosen} | {c.project_id for c in scenario.left_out} \
        == {c.project_id for c in candidates}
    assert not {c.project_id for c in scenario.chosen} & {c.project_id for c in scenario.left_out}


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

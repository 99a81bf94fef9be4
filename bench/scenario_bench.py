"""Time the portfolio scenario optimiser on 500 candidate projects, realistic and adversarial.

For each case, several seeded runs: p50 and max milliseconds, how many answers are proven
optimal, and the largest gap between the proven upper bound and the score found (the most
that can be missing from an unproven answer).

    .venv/bin/python bench/scenario_bench.py [--n 500] [--runs 5] [--budget STATES]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from server.domain.analytics.strategy import WORK_BUDGET, Candidate, optimise

Case = Callable[[random.Random, int], tuple[list[Candidate], Decimal]]
WEIGHTS = [Decimal("0.5"), Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("3")]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _share(candidates: list[Candidate], share: str) -> Decimal:
    total = sum((c.cost for c in candidates), Decimal("0"))
    return (total * Decimal(share)).quantize(Decimal("0.01"))


def realistic(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """BAC 10k-5M, four objectives scored 0-5 with weights 0.5-3; cap 30 % of the total."""
    candidates = [
        Candidate(i, _money(rng, 10_000, 5_000_000),
                  sum((rng.choice(WEIGHTS) * rng.randint(0, 5) for _ in range(4)),
                      Decimal("0")))
        for i in range(n)]
    return candidates, _share(candidates, "0.3")


def equal_ratios(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """Subset sum: BAC a whole 10,000-5,000,000 and score = BAC / 100, so every project has
    the same ratio; cap 50 % of the total (some subset usually hits it exactly)."""
    candidates = []
    for i in range(n):
        whole = rng.randint(10_000, 5_000_000)
        candidates.append(Candidate(i, Decimal(whole), Decimal(whole) / 100))
    return candidates, _share(candidates, "0.5")


def equal_ratios_odd_cap(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """Subset sum no set can hit: score = BAC, every BAC an even number of cents and the cap
    odd (the solver rounds the cap down to the costs' common divisor, so it can prove it)."""
    candidates = []
    for i in range(n):
        amount = Decimal(2 * rng.randint(50_000, 5_000_000)) / 100
        candidates.append(Candidate(i, amount, amount))
    cap = _share(candidates, "0.5")
    if int(cap * 100) % 2 == 0:
        cap += Decimal("0.01")
    return candidates, cap


def equal_ratios_out_of_reach(rng: random.Random, n: int,
                              ) -> tuple[list[Candidate], Decimal]:
    """Subset sum no set can hit and no divisor shows it: score = BAC, every BAC a multiple
    of 10.00 but one of 0.01, and a cap 5.00 past a multiple of 10.00: the best set misses
    the bound by at least 4.99."""
    candidates = [Candidate(0, Decimal("0.01"), Decimal("0.01"))]
    for i in range(1, n):
        amount = Decimal(10 * rng.randint(1_000, 500_000))
        candidates.append(Candidate(i, amount, amount))
    total = sum((c.cost for c in candidates), Decimal("0"))
    return candidates, (total / 20).to_integral_value() * 10 + 5


def nearly_proportional(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """Score = BAC / 10,000 rounded down to the cent: ratios differ only by the rounding."""
    candidates = []
    for i in range(n):
        cents = rng.randint(1_000_000, 500_000_000)
        candidates.append(Candidate(i, Decimal(cents) / 100, Decimal(cents // 10_000) / 100))
    return candidates, _share(candidates, "0.5")


def strongly_correlated(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """Score = BAC / 10,000 + 10 (the classic hard class for branch and bound)."""
    candidates = []
    for i in range(n):
        cents = rng.randint(1_000_000, 100_000_000)
        candidates.append(Candidate(i, Decimal(cents) / 100,
                                    Decimal(cents // 10_000) / 100 + 10))
    return candidates, _share(candidates, "0.5")


def fine_uncorrelated(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """Costs and scores drawn independently to the cent (score 0-1,000)."""
    candidates = [Candidate(i, _money(rng, 1, 1_000_000), _money(rng, 0, 1_000))
                  for i in range(n)]
    return candidates, _share(candidates, "0.4")


def duplicates(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """500 identical projects; the cap fits 249.5 of them."""
    cost = _money(rng, 10_000, 1_000_000)
    candidates = [Candidate(i, cost, Decimal("7.50")) for i in range(n)]
    return candidates, cost * Decimal("249.5")


def huge_costs(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """BAC up to a trillion, realistic scores."""
    candidates = [Candidate(i, _money(rng, 1, 10 ** 12), Decimal(rng.randint(0, 4000)) / 100)
                  for i in range(n)]
    return candidates, _share(candidates, "0.5")


def tiny_costs(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    """BAC of a few cents, realistic scores."""
    candidates = [Candidate(i, Decimal(rng.randint(1, 99)) / 100,
                            Decimal(rng.randint(0, 4000)) / 100) for i in range(n)]
    return candidates, _share(candidates, "0.5")


def zero_cap(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    candidates, _ = realistic(rng, n)
    return candidates, Decimal("0")


def cap_above_total(rng: random.Random, n: int) -> tuple[list[Candidate], Decimal]:
    candidates, _ = realistic(rng, n)
    return candidates, Decimal("1E+30")


CASES: dict[str, Case] = {
    "realistic": realistic,
    "equal ratios (subset sum)": equal_ratios,
    "equal ratios, odd cap": equal_ratios_odd_cap,
    "equal ratios, out of reach": equal_ratios_out_of_reach,
    "nearly proportional": nearly_proportional,
    "strongly correlated": strongly_correlated,
    "fine-grained, uncorrelated": fine_uncorrelated,
    "500 duplicates": duplicates,
    "huge costs": huge_costs,
    "tiny costs": tiny_costs,
    "cap 0": zero_cap,
    "cap above total": cap_above_total,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="candidates per run")
    parser.add_argument("--runs", type=int, default=5, help="seeded runs per case")
    parser.add_argument("--budget", type=int, default=WORK_BUDGET, help="work budget (states)")
    args = parser.parse_args()
    print(f"{args.n} candidates, {args.runs} runs per case, work budget {args.budget:,} states")
    print(f"{'case':<28} {'p50 ms':>8} {'max ms':>8} {'optimal':>8} {'max gap':>10}")
    for name, case in CASES.items():
        times, proven, gap = [], 0, Decimal("0")
        for seed in range(args.runs):
            candidates, cap = case(random.Random(seed), args.n)
            started = time.perf_counter()
            scenario = optimise(candidates, cap, work_budget=args.budget)
            times.append((time.perf_counter() - started) * 1000)
            assert scenario.total_cost <= cap
            assert scenario.score_upper_bound >= scenario.total_score
            proven += scenario.optimal
            gap = max(gap, scenario.score_upper_bound - scenario.total_score)
        print(f"{name:<28} {statistics.median(times):>8.1f} {max(times):>8.1f} "
              f"{proven:>4}/{args.runs:<3} {gap:>10}")


if __name__ == "__main__":
    main()

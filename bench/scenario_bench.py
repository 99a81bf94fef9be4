"""Time the portfolio scenario optimiser on 500 random candidate projects; prints figures."""

from __future__ import annotations

import random
import time
from decimal import Decimal

from server.domain.analytics.strategy import Candidate, optimise


def main(n: int = 500, seed: int = 7, runs: int = 5) -> None:
    rng = random.Random(seed)
    weights = [Decimal("0.5"), Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("3")]
    for run in range(runs):
        candidates = [
            Candidate(i, Decimal(rng.randint(10_000, 5_000_000)) + Decimal(rng.randint(0, 99))
                      / 100,
                      sum((rng.choice(weights) * rng.randint(0, 5) for _ in range(4)),
                          Decimal("0")))
            for i in range(n)]
        cap = sum((c.cost for c in candidates), Decimal("0")) * Decimal("0.3")
        started = time.perf_counter()
        scenario = optimise(candidates, cap)
        elapsed = time.perf_counter() - started
        print(f"run {run}: {n} candidates, chose {len(scenario.chosen)}, "
              f"score {scenario.total_score}, cost {scenario.total_cost} of {cap:.2f}, "
              f"{elapsed * 1000:.1f} ms")


if __name__ == "__main__":
    main()

"""A 0/1 knapsack solver on whole numbers that is exact within a deterministic work budget.

``solve`` answers with the best set it found and a proven upper bound on what any set within
the capacity is worth; the two are equal when the set is proven optimal. The work is counted
in search states, never in seconds, so the same input always gets the same answer, and no
input costs more than ``work_budget`` states (well under a microsecond each in CPython).

Written by hand: OR-Tools' KnapsackSolver takes only a wall-clock limit and reports no bound
when it stops early; its CP-SAT solver (a deterministic limit and a best bound) and PuLP/CBC
are large native dependencies for one query; the pure-Python knapsack packages on PyPI are
greedy passes or unmaintained.

Before searching, identical items are bundled in powers of two, and the capacity is rounded
down to a multiple of the costs' greatest common divisor (no set can use the rest). Then:

1. Exact: a dynamic programme over the Pareto frontier of (cost, value) states, item by item
   in falling value per cost, dropping dominated states and those whose Dantzig bound (the
   fractional knapsack of the items still to come) cannot reach the incumbent. Realistic
   inputs finish here with a small part of the budget.
2. Only if that runs out, a better incumbent: the core around the break item (the first item
   the greedy pass cannot fit) optimised exactly by meeting in the middle while the items
   outside it stay as the greedy pass has them, which finds the subset-sum-like answers that
   fill the capacity exactly; then single swaps of a chosen item for a left-out one.
3. The programme again with that incumbent and what is left of the budget, shared out over
   the items still to come. A frontier wider than its share keeps its states with the
   highest bounds; the highest bound given up is remembered, and the answer is proven optimal
   only if it does not beat the incumbent. The bound is rounded down to a multiple of the
   values' greatest common divisor.

The incumbent starts as the better of the greedy pass and the single most valuable item, so
the answer is never worse than either.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd

# A partial solution: (cost, value, chosen item indices as a linked list (index, rest) or None).
_Chain = tuple[int, object] | None
_State = tuple[int, int, _Chain]
_EMPTY: _State = (0, 0, None)


@dataclass(frozen=True, slots=True)
class Solution:
    """The best set found: item indices, their total value and cost, a proven upper bound on
    the value of any set within the capacity, and the work it took."""

    picked: frozenset[int]
    value: int
    cost: int
    upper_bound: int
    work: int
    """The search states examined: never more than the work budget."""

    @property
    def optimal(self) -> bool:
        """True when no set within the capacity is worth more than this one."""
        return self.value >= self.upper_bound


def solve(items: Sequence[tuple[int, int]], capacity: int, work_budget: int) -> Solution:
    """The set of ``items`` (cost, value), costs non-negative, with the greatest total value
    whose total cost is within ``capacity``, found within ``work_budget`` states.

    An item that costs nothing and is worth something is always picked; one worth nothing
    (or less) never is. Among sets of equal value the cheapest wins when the search completes.
    """
    free = frozenset(i for i, (cost, value) in enumerate(items) if cost == 0 and value > 0)
    bundles = _bundles(items, capacity)
    # Every set costs a multiple of the costs' greatest common divisor and is worth a
    # multiple of the values' one: the capacity and the bound can be rounded down to those.
    cost_step = gcd(*(cost for cost, _, _ in bundles)) or 1
    value_step = gcd(*(value for _, value, _ in bundles)) or 1
    problem = _Problem([(cost, value) for cost, value, _ in bundles],
                       capacity - capacity % cost_step)
    best = problem.incumbent(_greedy_order(bundles))
    exact = problem.search(best, work_budget // 4, give_up=False)
    if exact is None:  # a hard input: spend the rest on a better incumbent and a bound
        best = problem.exchange(problem.core(best, work_budget // 4), work_budget // 8)
        exact = problem.search(best, work_budget - problem.work, give_up=True)
        assert exact is not None  # giving up states, the search always finishes
    best, upper_bound = exact
    upper_bound -= upper_bound % value_step
    picked = {i for b in _indices(best[2]) for i in bundles[b][2]}
    free_value = sum(items[i][1] for i in free)
    return Solution(picked=frozenset(picked | free), value=best[1] + free_value, cost=best[0],
                    upper_bound=upper_bound + free_value, work=problem.work)


def _bundles(items: Sequence[tuple[int, int]], capacity: int,
             ) -> list[tuple[int, int, tuple[int, ...]]]:
    """The items worth searching, as (cost, value, item indices), densest first and in input
    order at equal ratios (so the core around the break item mixes sizes and can fine-tune).

    Identical items are bundled in powers of two (1, 2, 4, ..., the rest: the standard
    reduction of a bounded knapsack), so any number of copies up to what fits is one set of
    bundles and 500 copies cost 9 steps, not 500. Bundles that alone exceed the capacity are
    left out; the smaller ones still make every count that fits.
    """
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (cost, value) in enumerate(items):
        if 0 < cost <= capacity and value > 0:
            groups[(cost, value)].append(i)
    bundles = []
    for (cost, value), members in groups.items():
        start, size = 0, 1
        while start < len(members):
            take = min(size, len(members) - start)
            if take * cost <= capacity:
                bundles.append((take * cost, take * value, tuple(members[start:start + take])))
            start, size = start + take, size * 2
    # Exact ratios: a float could misorder two close ones and so understate a bound.
    bundles.sort(key=lambda b: (Fraction(-b[1], b[0]), b[2]))
    return bundles


def _greedy_order(bundles: list[tuple[int, int, tuple[int, ...]]]) -> list[int]:
    """The bundles in the order of the greedy pass over the items: falling value per cost,
    the cheaper first at equal ratios, and a group's bigger bundles first so that the pass
    takes as many identical items as fit (checked against every count up to 400)."""
    runs, run = [], 0  # runs[b]: how many ratio changes come before bundle b
    for b, (cost, value, _) in enumerate(bundles):
        if b and value * bundles[b - 1][0] != bundles[b - 1][1] * cost:
            run += 1
        runs.append(run)
    return sorted(range(len(bundles)), key=lambda b: (
        runs[b], bundles[b][0] // len(bundles[b][2]), -len(bundles[b][2])))


def _indices(chain: _Chain) -> Iterable[int]:
    while chain is not None:
        index, chain = chain  # type: ignore[assignment]
        yield index


def _chain(indices: Iterable[int]) -> _Chain:
    chain: _Chain = None
    for index in indices:
        chain = (index, chain)
    return chain


def _better(state: _State, than: _State) -> bool:
    """Worth more, or as much for less."""
    return state[1] > than[1] or (state[1] == than[1] and state[0] < than[0])


def _merge(frontier: list[_State], taken: list[_State]) -> list[_State]:
    """Two lists sorted by cost into one, the most valuable first at equal cost (Timsort
    merges two sorted runs in linear time)."""
    return sorted(frontier + taken, key=lambda s: (s[0], -s[1]))


class _Problem:
    """Items sorted by falling value per cost, each within the capacity, and the work spent."""

    def __init__(self, items: list[tuple[int, int]], capacity: int) -> None:
        self.items = items
        self.capacity = capacity
        self.work = 0
        self.prefix_cost, self.prefix_value = [0], [0]
        for cost, value in items:
            self.prefix_cost.append(self.prefix_cost[-1] + cost)
            self.prefix_value.append(self.prefix_value[-1] + value)

    def bound(self, i: int, room: int) -> int:
        """The fractional knapsack of items i.. within ``room``, floored: no set of them adds
        more value (the Dantzig bound)."""
        prefix_cost = self.prefix_cost
        k = bisect_right(prefix_cost, prefix_cost[i] + room, lo=i) - 1  # items i..k-1 fit
        value = self.prefix_value[k] - self.prefix_value[i]
        if k < len(self.items):
            cost_k, value_k = self.items[k]
            value += (room - prefix_cost[k] + prefix_cost[i]) * value_k // cost_k
        return value

    def incumbent(self, order: Iterable[int]) -> _State:
        """The better of the greedy pass (each item in ``order`` that still fits) and the
        single most valuable item: a set worth at least half the optimum."""
        greedy = _EMPTY
        for i in order:
            cost, value = self.items[i]
            if greedy[0] + cost <= self.capacity:
                greedy = (greedy[0] + cost, greedy[1] + value, (i, greedy[2]))
        for i, (cost, value) in enumerate(self.items):
            if _better((cost, value, None), greedy):
                greedy = (cost, value, (i, None))
        return greedy

    def search(self, best: _State, budget: int, *, give_up: bool,
               ) -> tuple[_State, int] | None:
        """The Pareto-frontier programme from incumbent ``best``: the best state found and a
        proven upper bound, within ``budget`` states.

        Without ``give_up`` it is exact and answers None when the budget would run out. With
        it, a frontier wider than its share of what is left keeps its highest-bound states.
        """
        capacity, items, bound = self.capacity, self.items, self.bound
        stop = self.work + budget
        given_up = -1  # the highest bound among the states dropped for want of budget
        frontier, bounds = [_EMPTY], [bound(0, capacity)]
        for i, (cost, value) in enumerate(items):
            # A step touches each state about twice (skip it, take it): giving up states,
            # keep this step's share of what is left; otherwise stop before running out.
            share = (stop - self.work) // (2 * (len(items) - i if give_up else 1))
            if len(frontier) > share:
                if not give_up:
                    return None
                order = sorted(range(len(frontier)),
                               key=lambda j: (bounds[j], frontier[j][1]), reverse=True)
                given_up = max(given_up, bounds[order[share]])
                frontier = [frontier[j] for j in sorted(order[:share])]
            taken = [(c + cost, v + value, (i, chain)) for c, v, chain in frontier
                     if c + cost <= capacity]
            self.work += len(frontier) + len(taken)
            kept: list[_State] = []
            bounds = []
            top = -1
            for state in _merge(frontier, taken):
                c, v, _ = state
                if v <= top:  # a cheaper state is worth as much
                    continue
                reach = v + bound(i + 1, capacity - c)
                if reach < best[1]:
                    continue
                kept.append(state)
                bounds.append(reach)
                top = v
                if _better(state, best):
                    best = state
            frontier = kept
        return best, max(best[1], given_up)

    def core(self, best: _State, budget: int) -> _State:
        """``best`` or a better set: the items before the core taken, the core's best subset
        within the room left (meeting in the middle), then the items after it that still fit.

        The core is the 2h items around the break item, h as large as the budget allows: each
        half enumerates its Pareto frontier (at most 2^h states) and one pass over both
        pairs every state of one half with the best of the other that fits beside it.
        """
        n, capacity = len(self.items), self.capacity
        breaks = bisect_right(self.prefix_cost, capacity) - 1  # items 0..breaks-1 fit
        # Each half costs at most 2 * 2^half states, the pass that pairs them 2^half more.
        half = (budget // 6).bit_length() - 1
        if half < 1:
            return best
        end = min(n, breaks + half)
        start = max(0, end - 2 * half)
        middle = min(end, start + half)
        room = capacity - self.prefix_cost[start]
        lower = self._subsets(range(start, middle), room)
        upper = self._subsets(range(middle, end), room)
        self.work += len(lower) + len(upper)
        pair: tuple[_State, _State] = (_EMPTY, _EMPTY)
        j = len(upper) - 1
        for state in lower:  # cheapest first, so the partner that fits only gets cheaper
            while j >= 0 and state[0] + upper[j][0] > room:
                j -= 1
            if j < 0:
                break
            if _better(_joined(state, upper[j]), _joined(*pair)):
                pair = (state, upper[j])
        chosen = [*range(start), *_indices(pair[0][2]), *_indices(pair[1][2])]
        cost = self.prefix_cost[start] + pair[0][0] + pair[1][0]
        for i in range(end, n):
            if cost + self.items[i][0] <= capacity:
                chosen.append(i)
                cost += self.items[i][0]
        found = (cost, sum(self.items[i][1] for i in chosen), _chain(chosen))
        return found if _better(found, best) else best

    def exchange(self, best: _State, budget: int) -> _State:
        """``best`` improved by swaps while the budget lasts: each pass makes the one swap of
        a picked item (or none) for a left-out item that fits and gains the most."""
        items, capacity = self.items, self.capacity
        picked = set(_indices(best[2]))
        cost, value = best[0], best[1]
        stop = self.work + budget
        while self.work + 2 * len(items) <= stop:
            self.work += 2 * len(items)  # a pass sorts and scans every item once or twice
            out = sorted((i for i in range(len(items)) if i not in picked),
                         key=lambda i: items[i][0])
            out_costs = [items[i][0] for i in out]
            richest: list[int] = []  # richest[k]: the most valuable of out[:k + 1]
            for i in out:
                richest.append(i if not richest or items[i][1] > items[richest[-1]][1]
                               else richest[-1])
            swap: tuple[int, int, int | None, int] = (0, 0, None, -1)  # gain, -extra, in, out
            for i in (None, *picked):
                cost_i, value_i = items[i] if i is not None else (0, 0)
                k = bisect_right(out_costs, capacity - cost + cost_i) - 1
                if k >= 0:
                    j = richest[k]
                    candidate = (items[j][1] - value_i, cost_i - items[j][0], i, j)
                    if candidate[:2] > swap[:2]:
                        swap = candidate
            gain, saving, removed, added = swap
            if gain <= 0:
                break
            picked.discard(removed)  # type: ignore[arg-type]
            picked.add(added)
            cost, value = cost - saving, value + gain
        return (cost, value, _chain(sorted(picked))) if value > best[1] else best

    def _subsets(self, indices: Iterable[int], room: int) -> list[_State]:
        """The Pareto frontier of the subsets of ``indices`` that fit in ``room``."""
        frontier = [_EMPTY]
        for i in indices:
            cost, value = self.items[i]
            taken = [(c + cost, v + value, (i, chain)) for c, v, chain in frontier
                     if c + cost <= room]
            self.work += len(frontier) + len(taken)
            merged, top = [], -1
            for state in _merge(frontier, taken):
                if state[1] > top:
                    merged.append(state)
                    top = state[1]
            frontier = merged
        return frontier


def _joined(a: _State, b: _State) -> _State:
    return (a[0] + b[0], a[1] + b[1], None)

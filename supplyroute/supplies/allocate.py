"""Sharing a day's stock among the households due a delivery (the one module that talks
to OR-Tools' CP-SAT).

Every household due a delivery has a need per category (residents x ration x days until
its next delivery) and items it may get (its diets). When the stock covers every need,
a round-robin fill gives each household its need with a mix of the items in stock,
soonest to expire first. When it does not, each short category is shared by CP-SAT,
lexicographically, as coordinators would split a shortage fairly:

1. maximise the smallest share of need covered among urgent and vulnerable households;
2. with that held, maximise the smallest share among all households (max-min);
3. with both held, hand out as much of the rest as the needs take.

Categories draw on separate items, so a household's coverage (its smallest share over
its categories) is maximised in the max-min sense by maximising each category's.
Shares are in thousandths; weights in grams.

Each stage's optimum is bounded from above by a transportation relaxation (items cut
into their greatest common unit, flowed to the households that may have them, each
asking for its share in those units): no whole-unit split can beat it, and CP-SAT,
given that bound, proves its split optimal as soon as it reaches it. A parity count
tightens it: a household asking an odd number of those units gets an odd-sized item
or takes one unit more than it asks.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import networkx as nx
from ortools.sat.python import cp_model

SCALE = 1000  #: a share of need in thousandths.


@dataclass(frozen=True)
class Claim:
    """One household's need on a day."""

    household: str
    priority: bool  #: urgent or vulnerable: covered first.
    need_g: dict[str, int]  #: category -> grams.
    items: dict[str, tuple[str, ...]]  #: category -> items it may get, preferred first.


@dataclass
class Share:
    """Units per household and item, and how fair the split is."""

    units: dict[str, dict[str, int]]
    status: str  #: "enough", "optimal" or "feasible".
    min_coverage: float
    solve_s: float | None = None


def coverage(claim: Claim, units: dict[str, int], unit_g: dict[str, int],
             category_of: dict[str, str]) -> dict[str, float]:
    """Share of need covered per category (capped at 1)."""
    got: dict[str, int] = dict.fromkeys(claim.need_g, 0)
    for item, n in units.items():
        c = category_of[item]
        if c in got:
            got[c] += n * unit_g[item]
    return {c: min(1.0, got[c] / need) if need else 1.0 for c, need in claim.need_g.items()}


def share_out(claims: list[Claim], on_hand: dict[str, int], unit_g: dict[str, int],
              category_of: dict[str, str], time_limit_s: float = 10.0,
              deterministic: bool = False) -> Share:
    """Share ``on_hand`` (units per item) among ``claims``; see the module's docstring."""
    left = dict(on_hand)
    units: dict[str, dict[str, int]] = {c.household: {} for c in claims}
    ordered = sorted(claims, key=lambda c: not c.priority)
    categories = sorted({cat for c in claims for cat in c.need_g})
    short: list[str] = []
    for category in categories:
        wanting = [c for c in ordered if c.need_g.get(category)]
        filled = _round_robin(wanting, category, left, unit_g)
        if all(filled[c.household][1] >= c.need_g[category] for c in wanting):
            for c in wanting:
                for item, n in filled[c.household][0].items():
                    units[c.household][item] = units[c.household].get(item, 0) + n
                    left[item] -= n
        else:
            short.append(category)
    status = "enough"
    started = time.monotonic()
    if short:
        status = "optimal"
        per_stage = max(0.5, time_limit_s / (3 * len(short)))
        for category in short:
            wanting = [c for c in ordered if c.need_g.get(category)]
            got, optimal = _max_min(wanting, category, left, unit_g, per_stage, deterministic)
            status = status if optimal else "feasible"
            for household, by_item in got.items():
                for item, n in by_item.items():
                    if n:
                        units[household][item] = units[household].get(item, 0) + n
                        left[item] -= n
    shares = {c.household: min(coverage(c, units[c.household], unit_g, category_of).values(),
                               default=1.0) for c in claims}
    return Share(
        units=units, status=status,
        min_coverage=min(shares.values(), default=1.0),
        solve_s=None if deterministic or not short else round(time.monotonic() - started, 3),
    )


def _round_robin(claims: list[Claim], category: str, left: dict[str, int],
                 unit_g: dict[str, int], target_g: dict[str, int] | None = None,
                 largest_first: bool = False) -> dict[str, tuple[dict[str, int], int]]:
    """A greedy fill from what is left (``left`` itself is not changed), in two passes
    so that the small units are there to finish with: first every claim takes whole
    units that fit its need, each time of the item with the most kg left (a mixed bag
    that draws items down evenly; the soonest to expire wins ties); then every claim
    still short is completed with the smallest unit in stock (the least over the need)."""
    pool = dict(left)
    got: dict[str, dict[str, int]] = {c.household: {} for c in claims}
    grams = dict.fromkeys(got, 0)
    target = target_g or {c.household: c.need_g[category] for c in claims}
    for claim in claims:
        need = target[claim.household]
        items = list(claim.items.get(category, ()))
        rank = {item: r for r, item in enumerate(items)}
        while True:
            fitting = [i for i in items if pool.get(i, 0) > 0
                       and grams[claim.household] + unit_g[i] <= need]
            if not fitting:
                break
            if largest_first:  # keep the small units for those who need them to finish
                item = max(fitting, key=lambda i: (unit_g[i], pool[i], -rank[i]))
            else:
                item = max(fitting, key=lambda i: (pool[i] * unit_g[i], -rank[i]))
            pool[item] -= 1
            got[claim.household][item] = got[claim.household].get(item, 0) + 1
            grams[claim.household] += unit_g[item]
    for claim in claims:
        need = target[claim.household]
        while grams[claim.household] < need:
            stocked = [i for i in claim.items.get(category, ()) if pool.get(i, 0) > 0]
            if not stocked:
                break
            item = min(stocked, key=lambda i: unit_g[i])
            pool[item] -= 1
            got[claim.household][item] = got[claim.household].get(item, 0) + 1
            grams[claim.household] += unit_g[item]
    return {h: (got[h], grams[h]) for h in got}


def _max_min(claims: list[Claim], category: str, left: dict[str, int], unit_g: dict[str, int],
             stage_s: float, deterministic: bool) -> tuple[dict[str, dict[str, int]], bool]:
    """The lexicographic max-min split of one category; True if every stage is proven."""
    model = cp_model.CpModel()
    q: dict[tuple[int, str], cp_model.IntVar] = {}
    share: list[cp_model.IntVar] = []
    for h, claim in enumerate(claims):
        need = claim.need_g[category]
        items = [i for i in claim.items.get(category, ()) if left.get(i, 0) > 0]
        biggest = max((unit_g[i] for i in items), default=0)
        for item in items:
            q[h, item] = model.NewIntVar(0, min(left[item], math.ceil(need / unit_g[item])),
                                         f"q{h}_{item}")
        got = sum(unit_g[i] * q[h, i] for i in items)
        s = model.NewIntVar(0, SCALE, f"s{h}")
        if items:
            model.Add(got <= need + biggest - 1)  # round up by less than one unit, no more
            model.Add(SCALE * got >= need * s)
        else:
            model.Add(s == 0)
        share.append(s)
    for item in {i for (_, i) in q}:
        model.Add(sum(var for (h, i), var in q.items() if i == item) <= left[item])

    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the command's to handle
    solver.parameters.max_time_in_seconds = stage_s
    solver.parameters.num_workers = 1 if deterministic else 2
    if deterministic:
        solver.parameters.max_deterministic_time = stage_s
        solver.parameters.max_time_in_seconds = 10 * stage_s + 60
    proven = True
    best = SCALE
    everyone = list(range(len(claims)))
    priority = [h for h in everyone if claims[h].priority]
    floor = dict.fromkeys(everyone, 0)
    levels: list[cp_model.IntVar] = []
    for group in (priority, everyone):
        if not group:
            continue
        z = model.NewIntVar(0, SCALE, "z")
        levels.append(z)
        for h in group:
            model.Add(z <= share[h])
        bound = _flow_bound(claims, group, floor, category, left, unit_g)
        model.Add(z <= bound)
        start = _greedy_at(claims, group, floor, bound, category, left, unit_g)
        if start is not None:  # a whole hint: every variable, z included
            model.ClearHints()
            for (h, item), var in q.items():
                model.AddHint(var, start[h].get(item, 0))
            shares = [min(SCALE, SCALE * sum(n * unit_g[i] for i, n in start[h].items())
                          // claims[h].need_g[category]) for h in everyone]
            for h in everyone:
                model.AddHint(share[h], shares[h])
            for level in levels[:-1]:
                model.AddHint(level, solver.Value(level))
            model.AddHint(z, min(shares[h] for h in group))
        model.Maximize(z)
        status = solver.Solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError(f"CP-SAT found no split of {category!r}: "
                               f"{solver.StatusName(status)}")
        proven = proven and status == cp_model.OPTIMAL
        best = int(solver.Value(z))
        model.Add(z >= best)
        for h in group:
            floor[h] = max(floor[h], best)
        _hint(model, solver, [*q.values(), *share, *levels])
    if best < SCALE:  # someone is short: hand out what the max-min split leaves over
        model.Maximize(sum(share))
        status = solver.Solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # pragma: no cover - hinted
            raise RuntimeError(f"CP-SAT lost the split of {category!r}")
    out: dict[str, dict[str, int]] = {c.household: {} for c in claims}
    for (h, item), var in q.items():
        n = int(solver.Value(var))
        if n:
            out[claims[h].household][item] = n
    return out, proven


def _flow_bound(claims: list[Claim], group: list[int], floor: dict[int, int], category: str,
                left: dict[str, int], unit_g: dict[str, int]) -> int:
    """The largest smallest share (thousandths) over ``group`` that the transportation
    relaxation allows, every household keeping at least its ``floor``: a proven upper
    bound on what whole units can do. Found by bisection on max-flows."""
    items = sorted({i for c in claims for i in c.items.get(category, ()) if left.get(i, 0) > 0})
    grain = math.gcd(*(unit_g[i] for i in items)) if items else 1
    graph = nx.DiGraph()
    for i in items:
        graph.add_edge("stock", ("item", i), capacity=left[i] * unit_g[i] // grain)
    for h, claim in enumerate(claims):
        for i in claim.items.get(category, ()):
            if left.get(i, 0) > 0:
                graph.add_edge(("item", i), ("household", h))
    members = set(group)

    # Parity: a household asking an odd number of grains gets an item of an odd number
    # of grains, or takes a grain more than it asks.
    total = sum(left[i] * unit_g[i] // grain for i in items)
    odd_units = sum(left[i] for i in items if (unit_g[i] // grain) % 2)

    def feasible(z: int) -> bool:
        asked = odd = 0
        for h, claim in enumerate(claims):
            share = max(floor[h], z if h in members else 0)
            units = -(-share * claim.need_g[category] // (SCALE * grain))
            graph.add_edge(("household", h), "need", capacity=units)
            asked += units
            odd += units % 2
        if asked == 0:
            return True
        if not items or asked + max(0, odd - odd_units) > total:
            return False
        return nx.maximum_flow_value(graph, "stock", "need") >= asked

    low, high = 0, SCALE
    if not feasible(low):  # the floors alone cannot be met (cannot happen after a stage)
        return 0
    while low < high:
        mid = (low + high + 1) // 2
        if feasible(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _greedy_at(claims: list[Claim], group: list[int], floor: dict[int, int], bound: int,
               category: str, left: dict[str, int], unit_g: dict[str, int],
               ) -> list[dict[str, int]] | None:
    """A whole-unit split reaching the highest share it can, from ``bound`` down (a
    start for CP-SAT: at the bound, it is already optimal); None if none is found."""
    members = set(group)
    items = {i for c in claims for i in c.items.get(category, ()) if left.get(i, 0) > 0}
    grain = math.gcd(*(unit_g[i] for i in items)) if items else 1
    for z in range(bound, max(-1, bound - 200), -5 if bound > 50 else -1):
        target = {}
        for h, claim in enumerate(claims):
            share = max(floor[h], z if h in members else 0)
            target[claim.household] = -(-share * claim.need_g[category]
                                        // (SCALE * grain)) * grain
        order = sorted(range(len(claims)), key=lambda h: (len(claims[h].items.get(category,
                                                                                      ())),
                                                          -target[claims[h].household]))
        for largest_first in (True, False):
            filled = _round_robin([claims[h] for h in order], category, left, unit_g,
                                  target, largest_first=largest_first)
            if all(filled[c.household][1] >= target[c.household] for c in claims):
                return [filled[c.household][0] for c in claims]
    return None


def _hint(model: cp_model.CpModel, solver: cp_model.CpSolver,
          variables: list[cp_model.IntVar]) -> None:
    """Start the next stage from this stage's solution (it is still feasible)."""
    model.ClearHints()
    for var in variables:
        model.AddHint(var, solver.Value(var))

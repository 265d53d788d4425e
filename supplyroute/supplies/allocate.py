"""Sharing a day's stock among the households due a delivery (the one module that talks
to OR-Tools' CP-SAT).

Every household due a delivery has a need per category (residents x ration x days until
its next delivery) and items it may get (its diets). When the stock covers every need,
a round-robin fill gives each household its need with a mix of the items in stock,
soonest to expire first. When it does not, each short category is shared
lexicographically, as coordinators would split a shortage fairly:

1. maximise the smallest share of need covered among urgent and vulnerable households;
2. with that held, maximise the smallest share among all households (max-min);
3. with both held, hand out the rest: unit by unit, each to the short household with
   the smallest share that may take it, until no short household may take any unit
   left. The last unit of a short item always goes to someone, whatever CP-SAT's luck.

Categories draw on separate items, so a household's coverage (its smallest share over
its categories) is maximised in the max-min sense by maximising each category's.
Shares are in thousandths; weights in grams.

Stages 1 and 2 are found level by level: households with the same items in stock and
the same grams to reach are one class, each class takes counts of the least ways of
reaching its grams with whole units (no unit too many), and CP-SAT says whether the
stock has enough units for them; a bisection on the level finds the highest that fits,
each answer proven. Too many ways (fine units for large needs) fall back to one CP-SAT
model over every household, started from a greedy split.

Each stage's optimum is bounded from above by a transportation relaxation (items cut
into their greatest common unit, flowed to the households that may have them, each
asking for its share in those units): no whole-unit split can beat it. A parity count
tightens it: a household asking an odd number of those units gets an odd-sized item
or takes one unit more than it asks. So does a count of units (pigeonhole): a household
asking g grams takes at least g / its largest unit units, so with fewer units than
households the smallest share is 0. The split's ``min_coverage_bound`` is the bound
that held at the end (proven: no split that keeps the urgent and vulnerable households'
share beats it); the status is ``optimal`` when every stage met its bound.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

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
    #: A proven upper bound on ``min_coverage`` (thousandths rounded down), urgent and
    #: vulnerable households' share held: equal to it (in thousandths) when optimal.
    min_coverage_bound: float = 1.0
    #: Per short category, why its smallest share cannot be higher, in words.
    bound_reason: dict[str, str] = field(default_factory=dict)


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
    bound = SCALE
    reasons: dict[str, str] = {}
    if short:
        status = "optimal"
        per_stage = max(0.5, time_limit_s / (3 * len(short)))
        for category in short:
            wanting = [c for c in ordered if c.need_g.get(category)]
            got, first, upper = _max_min(wanting, category, left, unit_g, per_stage,
                                         deterministic)
            got = _top_up(wanting, category, got, left, unit_g)
            reached = min(SCALE * sum(n * unit_g[i] for i, n in got[c.household].items())
                          // c.need_g[category] for c in wanting)
            if not (first and reached >= upper):  # each stage met its proven bound
                status = "feasible"
            bound = min(bound, upper)
            reasons[category] = _bound_reason(wanting, category, left, unit_g, upper)
            for household, by_item in got.items():
                for item, n in by_item.items():
                    if n:
                        units[household][item] = units[household].get(item, 0) + n
                        left[item] -= n
    shares = {c.household: min(coverage(c, units[c.household], unit_g, category_of).values(),
                               default=1.0) for c in claims}
    smallest = min(shares.values(), default=1.0)
    return Share(
        units=units, status=status,
        min_coverage=smallest,
        solve_s=None if deterministic or not short else round(time.monotonic() - started, 3),
        min_coverage_bound=bound / SCALE,
        bound_reason=reasons,
    )


def _top_up(claims: list[Claim], category: str, got: dict[str, dict[str, int]],
            left: dict[str, int], unit_g: dict[str, int]) -> dict[str, dict[str, int]]:
    """Stage 3: hand out what the split leaves, unit by unit, each to the short household
    with the smallest share that may take it (on ties urgent and vulnerable first, then
    the one whose share it raises most): the largest unit that stays within its need,
    else the smallest. Stops when no short household may take any unit left, so none
    is left at the gate for one."""
    out = {h: dict(by_item) for h, by_item in got.items()}
    pool = {i: n - sum(out[c.household].get(i, 0) for c in claims) for i, n in left.items()}
    grams = {c.household: sum(n * unit_g[i] for i, n in out[c.household].items())
             for c in claims}
    while True:
        open_ = []
        for k, c in enumerate(claims):
            need = c.need_g[category]
            room = need - grams[c.household]
            units = [unit_g[i] for i in c.items.get(category, ()) if pool.get(i, 0) > 0]
            if room > 0 and units:  # lowest share, then the most it raises
                open_.append((grams[c.household] / need, not c.priority,
                              -min(room, max(units)) / need, k))
        if not open_:
            return out
        claim = claims[min(open_)[-1]]
        stocked = [i for i in claim.items.get(category, ()) if pool.get(i, 0) > 0]
        room = claim.need_g[category] - grams[claim.household]
        fitting = [i for i in stocked if unit_g[i] <= room]
        item = (max(fitting, key=lambda i: (unit_g[i], pool[i])) if fitting
                else min(stocked, key=lambda i: unit_g[i]))
        pool[item] -= 1
        out[claim.household][item] = out[claim.household].get(item, 0) + 1
        grams[claim.household] += unit_g[item]


def _bound_reason(claims: list[Claim], category: str, left: dict[str, int],
                  unit_g: dict[str, int], upper: int) -> str:
    """Why the smallest share of ``category`` cannot pass ``upper``, in words."""
    items = {i for c in claims for i in c.items.get(category, ()) if left.get(i, 0) > 0}
    units = sum(left[i] for i in items)
    grams = sum(left[i] * unit_g[i] for i in items)
    need = sum(c.need_g[category] for c in claims)
    if upper == 0 and any(not any(left.get(i, 0) > 0 for i in c.items.get(category, ()))
                          for c in claims):
        return (f"{category}: no item in stock suits some household, so the smallest "
                "share is 0")
    if upper == 0 and units < len(claims):
        return (f"{category}: {units} units for {len(claims)} households, so some get "
                "none (the smallest share is 0)")
    if upper == 0:
        return (f"{category}: {units} units for {len(claims)} households; once urgent "
                "and vulnerable households have their share, too few are left for every "
                "other household to get one (the smallest share is 0)")
    return (f"{category}: {grams / 1000:g} kg in stock for {need / 1000:g} kg of need; "
            f"no split in whole units gives everyone {(upper + 1) / SCALE:.1%} or more")


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
             stage_s: float, deterministic: bool
             ) -> tuple[dict[str, dict[str, int]], bool, int]:
    """Stages 1 and 2 of one category: the split, whether the first stage (urgent and
    vulnerable households) is proven, and the proven bound of the second (thousandths).
    Level by level over classes of households when the ways are few, else one model."""
    everyone = list(range(len(claims)))
    priority = [h for h in everyone if claims[h].priority]
    floor = dict.fromkeys(everyone, 0)
    first, upper = True, SCALE
    split: dict[int, dict[str, int]] | None = {h: {} for h in everyone}
    for group in (priority, everyone):
        if not group or len(group) == len(everyone) and group is priority:
            continue
        bound = _flow_bound(claims, group, floor, category, left, unit_g)
        found = _levels(claims, group, floor, bound, category, left, unit_g, stage_s,
                        deterministic)
        if found is None:  # too many ways: one model over every household
            return _max_min_cp(claims, category, left, unit_g, stage_s, deterministic)
        level, upper, split = found
        if group is priority:
            first = level >= upper
        for h in group:
            floor[h] = max(floor[h], level)
    if upper == 0:  # some get none, provably: serve as many households as the units can
        served = _serve_most(claims, floor, category, left, unit_g, stage_s, deterministic)
        split = served or split
    return {claims[h].household: split[h] for h in everyone}, first, upper


def _serve_most(claims: list[Claim], floor: dict[int, int], category: str,
                left: dict[str, int], unit_g: dict[str, int], stage_s: float,
                deterministic: bool) -> dict[int, dict[str, int]] | None:
    """When the smallest share is 0: a split keeping the floors that gives a unit to
    as many households as it can (the least ways of reaching each floor, one unit for
    the others); None if CP-SAT finds none in time or the ways are too many."""
    everyone = list(range(len(claims)))
    classes = _classes(claims, everyone, floor, 0, category, left, unit_g)
    if classes is None:
        return None
    model = cp_model.CpModel()
    used: dict[str, list] = {}
    counts = []
    served = []
    for (items, grams), (members, ways) in classes.items():
        options = ways if grams else [(0,) * len(items), *_ways(items, 1, left, unit_g,
                                                                len(items))]
        xs = [model.NewIntVar(0, len(members), "") for _ in options]
        model.Add(sum(xs) == len(members))
        counts.append((items, members, options, xs))
        for x, way in zip(xs, options, strict=True):
            if any(way):
                served.append(x)
            for item, n in zip(items, way, strict=True):
                if n:
                    used.setdefault(item, []).append(n * x)
    for item, terms in used.items():
        model.Add(sum(terms) <= left[item])
    model.Maximize(sum(served))
    solver = _solver(stage_s, deterministic)
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    split: dict[int, dict[str, int]] = {}
    for items, members, options, xs in counts:
        queue = iter(members)
        for x, way in sorted(zip(xs, options, strict=True), key=lambda p: not any(p[1])):
            for _ in range(int(solver.Value(x))):
                split[next(queue)] = {i: n for i, n in zip(items, way, strict=True) if n}
    return split


def _solver(limit_s: float, deterministic: bool) -> cp_model.CpSolver:
    """A CP-SAT solver within ``limit_s`` (deterministic time when asked)."""
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the command's to handle
    solver.parameters.num_workers = 1 if deterministic else 2
    solver.parameters.max_time_in_seconds = limit_s
    if deterministic:
        solver.parameters.max_deterministic_time = limit_s
        solver.parameters.max_time_in_seconds = 10 * limit_s + 60
    return solver


def _levels(claims: list[Claim], group: list[int], floor: dict[int, int], bound: int,
            category: str, left: dict[str, int], unit_g: dict[str, int], stage_s: float,
            deterministic: bool,
            ) -> tuple[int, int, dict[int, dict[str, int]]] | None:
    """The highest smallest share over ``group`` (floors held) that whole units reach,
    by bisection from ``bound`` down: the level, the proven bound left (the level when
    every answer was proven) and a split at the level; None when the ways are too many."""
    limit = max(0.05, stage_s / 12)

    def at(z: int) -> dict[int, dict[str, int]] | bool | None:
        return _fits(claims, group, floor, z, category, left, unit_g, limit, deterministic)

    if _classes(claims, group, floor, bound, category, left, unit_g) is None:
        return None
    low, high, upper = 0, bound, bound
    best = at(0)
    if not isinstance(best, dict):
        return None  # the floors always fit (the last stage's split): CP-SAT stalled
    top = at(high) if high > 0 else best
    if isinstance(top, dict):
        return high, high, top
    if top is False:
        upper = high - 1
    high -= 1
    while low < high:
        mid = (low + high + 1) // 2
        got = at(mid)
        if isinstance(got, dict):
            low, best = mid, got
        else:
            high = mid - 1
            if got is False:
                upper = mid - 1
    return low, max(low, upper), best


MAX_WAYS = 20_000  #: ways over all classes above which one model over households is used.


def _classes(claims: list[Claim], group: list[int], floor: dict[int, int], z: int,
             category: str, left: dict[str, int], unit_g: dict[str, int],
             ) -> dict[tuple[tuple[str, ...], int], tuple[list[int], list[tuple[int, ...]]]] | None:
    """Households at level ``z`` by class (items in stock, grams to reach): the members
    and the least ways of reaching those grams; None if the ways are too many."""
    members = set(group)
    out: dict[tuple[tuple[str, ...], int], tuple[list[int], list[tuple[int, ...]]]] = {}
    ways = 0
    for h, claim in enumerate(claims):
        need = claim.need_g[category]
        share = max(floor[h], z if h in members else 0)
        grams = -(-share * need // SCALE)
        items = tuple(sorted((i for i in claim.items.get(category, ()) if left.get(i, 0) > 0),
                             key=lambda i: -unit_g[i]))
        key = (items, grams)
        if key not in out:
            found = _ways(items, grams, left, unit_g, MAX_WAYS - ways)
            if found is None:
                return None
            ways += len(found)
            out[key] = ([], found)
        out[key][0].append(h)
    return out


def _ways(items: tuple[str, ...], grams: int, left: dict[str, int], unit_g: dict[str, int],
          most: int) -> list[tuple[int, ...]] | None:
    """Units per item reaching ``grams``, none to spare (without any one unit they fall
    short); None if more than ``most``."""
    if grams <= 0:
        return [(0,) * len(items)]
    out: list[tuple[int, ...]] = []

    def walk(k: int, rest: int, taken: tuple[int, ...]) -> bool:
        if rest <= 0 or k == len(items):
            if rest > 0:
                return True
            full = taken + (0,) * (len(items) - k)
            used = [unit_g[i] for i, n in zip(items, full, strict=True) if n]
            if grams - rest - min(used) < grams:
                out.append(full)
            return len(out) <= most
        u = unit_g[items[k]]
        for n in range(min(left[items[k]], -(-rest // u)), -1, -1):
            if not walk(k + 1, rest - n * u, (*taken, n)):
                return False
        return True

    return out if walk(0, grams, ()) else None


def _fits(claims: list[Claim], group: list[int], floor: dict[int, int], z: int,
          category: str, left: dict[str, int], unit_g: dict[str, int], limit_s: float,
          deterministic: bool) -> dict[int, dict[str, int]] | bool | None:
    """A split giving every household of ``group`` at least ``z`` (floors held), each
    class taking counts of its ways; False if proven impossible, None if unknown."""
    classes = _classes(claims, group, floor, z, category, left, unit_g)
    if classes is None:
        return None
    model = cp_model.CpModel()
    used: dict[str, list] = {}
    counts = []
    for (items, _grams), (members, ways) in classes.items():
        if not ways:
            return False  # not enough units for even one household of the class
        xs = [model.NewIntVar(0, len(members), "") for _ in ways]
        model.Add(sum(xs) == len(members))
        counts.append(xs)
        for x, way in zip(xs, ways, strict=True):
            for item, n in zip(items, way, strict=True):
                if n:
                    used.setdefault(item, []).append(n * x)
    for item, terms in used.items():
        model.Add(sum(terms) <= left[item])
    solver = _solver(limit_s, deterministic)
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        return False
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    split: dict[int, dict[str, int]] = {}
    for ((items, _grams), (members, ways)), xs in zip(classes.items(), counts, strict=True):
        queue = iter(members)
        for x, way in zip(xs, ways, strict=True):
            for _ in range(int(solver.Value(x))):
                split[next(queue)] = {i: n for i, n in zip(items, way, strict=True) if n}
    return split


def _max_min_cp(claims: list[Claim], category: str, left: dict[str, int], unit_g: dict[str, int],
                stage_s: float, deterministic: bool
                ) -> tuple[dict[str, dict[str, int]], bool, int]:
    """The lexicographic max-min split of one category in one CP-SAT model over every
    household (identical households in share order), stages 1 and 2 then as much as the
    needs take; whether the first stage is proven, and the second stage's bound."""
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
    twins: dict[tuple, list[int]] = {}
    for h, claim in enumerate(claims):
        key = (claim.priority, claim.need_g[category],
               tuple(i for i in claim.items.get(category, ()) if left.get(i, 0) > 0))
        twins.setdefault(key, []).append(h)
    for same in twins.values():  # interchangeable households: the first has the most
        for a, b in itertools.pairwise(same):
            model.Add(share[a] >= share[b])

    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the command's to handle
    solver.parameters.max_time_in_seconds = stage_s
    solver.parameters.num_workers = 1 if deterministic else 2
    if deterministic:
        solver.parameters.max_deterministic_time = stage_s
        solver.parameters.max_time_in_seconds = 10 * stage_s + 60
    proven: list[bool] = []
    best = upper = SCALE
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
        proven.append(status == cp_model.OPTIMAL)
        best = int(solver.Value(z))
        upper = best if proven[-1] else bound
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
    return out, proven[0] if len(proven) > 1 else True, upper


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
    counted = nx.DiGraph()  # the same in units: a household takes grams / its largest unit
    for i in items:
        counted.add_edge("stock", ("item", i), capacity=left[i])
    largest = {}
    for h, claim in enumerate(claims):
        stocked = [i for i in claim.items.get(category, ()) if left.get(i, 0) > 0]
        largest[h] = max((unit_g[i] for i in stocked), default=0)
        for i in stocked:
            counted.add_edge(("item", i), ("household", h))
    units_in_stock = sum(left[i] for i in items)

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
        fewest = {}
        for h, claim in enumerate(claims):
            share = max(floor[h], z if h in members else 0)
            grams = -(-share * claim.need_g[category] // SCALE)
            if grams and not largest[h]:
                return False
            fewest[h] = -(-grams // largest[h]) if grams else 0
            counted.add_edge(("household", h), "need", capacity=fewest[h])
        if sum(fewest.values()) > units_in_stock or nx.maximum_flow_value(
                counted, "stock", "need") < sum(fewest.values()):
            return False  # pigeonhole: too few units for the households asking
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

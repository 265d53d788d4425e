"""The checker's own exhaustive search: is a claimed optimum the optimum?

A plan may claim that no plan of its scenario hands the last bags over sooner
(``summary.proven_optimal``). The planner proves it by an exhaustive search over carry
rounds of a small compound; this module searches the same plans again with its own
trip timing, from the scenario and the checkers' physics, so that a slip in the
planner's timing cannot prove itself right.

The plans searched (the planner's plan space):

- every assignment of households to volunteers allowed to serve them, and every
  partition of each volunteer's households into trips that fit its trip capacity
  (the cart's, if it has one), in every order;
- a trip visits its stairwells in every order (up to ``MAX_PERMUTED_STOPS``; a trip
  with more takes the planner's own choice: the shortest walk over every order up to
  six stairwells, else the nearest stairwell next); at each, the entrance drops first
  (priority, then household order), then the stair runs: the door households from the
  top floor down, a new run whenever the next bag would not fit the hands, runs in
  order of priority and then of top floor, doors in rising floor order;
- each trip starts as soon as the shift, the named releases, the windows' openings (by
  the household's first hand-over) and the return of the previous trip (with the
  disinfection after a red or orange household) allow. Starting earlier never hurts:
  releases and openings only delay, deadlines (by the last hand-over) and the shift
  end (by the return) only forbid.

So a volunteer who has served the set ``S`` is described by two numbers: the earliest
moment it can start another trip and the earliest its last hand-over can be; a dynamic
program over subsets finds both for every ``S``, and a second one shares the households
out among the volunteers. The makespan is the last hand-over minus the earliest shift
start.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from supplyroute.checks.bound import Grounds, Home
from supplyroute.models import Scenario, Volunteer

#: Trips with at most this many stairwells are tried in every order.
MAX_PERMUTED_STOPS = 5
#: Up to this many stairwells the planner walks the shortest of every order.
MAX_SHORTEST_STOPS = 6
#: The most households :func:`optimal_makespan_s` searches (about 3^n steps each).
MAX_SEARCHED_HOUSEHOLDS = 14


@dataclass(frozen=True)
class TripTiming:
    """One trip timed from the start of its loading."""

    ready_s: float  #: the earliest start that releases and windows allow.
    return_off: float  #: back at the gate.
    free_off: float  #: may start loading again (after the disinfection, if any).
    last_off: float  #: the last hand-over.
    latest: tuple[tuple[float, float], ...]  #: (hand-over offset, deadline) per limit.


def servable(g: Grounds) -> list[Home]:
    """The households some volunteer may serve in a carry round."""
    return [h for h in g.homes
            if any(g.may_carry(h, c.volunteer) for c in g.crews)]


def reaches(scenario: Scenario, max_households: int = 10, max_volunteers: int = 3,
            grounds: Grounds | None = None) -> bool:
    """Whether the exhaustive search applies: some households to serve, at most
    ``max_households`` of them and ``max_volunteers`` volunteers, and every gate that
    counts its bags has the pooled households' bags from its first release on (the
    search takes pooled bags as there from then)."""
    g = grounds or Grounds(scenario)
    homes = servable(g)
    if not homes or len(homes) > max_households or len(scenario.volunteers) > max_volunteers:
        return False
    pooled = sum(h.bags for h in homes if h.named is None)
    for batches in g.batches.values():
        if batches and sum(bags for at, bags in batches if at == batches[0][0]) < pooled:
            return False
    return True


def _runs(g: Grounds, vol: Volunteer, homes: list[Home]) -> list[list[tuple[Home, int]]]:
    """A stairwell's door households in stair runs, from the top floor down, a new run
    whenever the next bag would not fit the hands: (household, bags in this run)."""
    cap_bags, cap_kg = g.scenario.hand_capacity(vol)
    runs: list[list[tuple[Home, int]]] = []
    held_bags, held_kg = cap_bags, cap_kg  # the first bag starts a run
    for h in sorted(homes, key=lambda h: (-h.floor, h.index)):
        n = 0
        for w in h.weights:
            if held_bags + 1 > cap_bags or held_kg + w > cap_kg + 1e-9:
                if n:
                    runs[-1].append((h, n))
                    n = 0
                runs.append([])
                held_bags, held_kg = 0, 0.0
            n += 1
            held_bags += 1
            held_kg += w
        runs[-1].append((h, n))
    return runs


def _stops(g: Grounds, vol: Volunteer, stairwells: list[str]) -> Iterator[tuple[str, ...]]:
    """The stop orders of a trip: every order up to ``MAX_PERMUTED_STOPS`` stairwells,
    else the planner's: the shortest walk from the gate and back over every order (up
    to ``MAX_SHORTEST_STOPS``), else the nearest stairwell next (ties: the one listed
    first in the scenario)."""
    if len(stairwells) <= MAX_PERMUTED_STOPS:
        yield from itertools.permutations(stairwells)
        return
    listed = {w: k for k, w in enumerate(g.scenario.stairwells)}
    ordered = sorted(stairwells, key=listed.__getitem__)
    if len(ordered) <= MAX_SHORTEST_STOPS:
        def walk(order: tuple[str, ...]) -> float:
            seq = [vol.gate, *order, vol.gate]
            return sum(g.metres(a, b) for a, b in itertools.pairwise(seq))

        yield min(itertools.permutations(ordered), key=walk)
        return
    route: list[str] = []
    here, left = vol.gate, ordered
    while left:
        here = min(left, key=lambda w: (g.metres(here, w), listed[w]))
        route.append(here)
        left = [w for w in left if w != here]
    yield tuple(route)


def time_trip(g: Grounds, vol: Volunteer, homes: list[Home], order: tuple[str, ...]
              ) -> TripTiming:
    """A trip of ``vol`` with ``homes``, visiting ``order``, timed from loading."""
    p = g.scenario.parameters
    speed = g.scenario.speed_mps(vol)
    first: dict[int, float] = {}
    last: dict[int, float] = {}

    def hand_over(h: Home, at: float) -> None:
        first[h.index] = min(first.get(h.index, math.inf), at)
        last[h.index] = max(last.get(h.index, -math.inf), at)

    t = p.load_s
    here = vol.gate
    for stairwell in order:
        t += g.metres(here, stairwell) / speed
        here = stairwell
        at_stop = [h for h in homes if h.stairwell == stairwell]
        for h in sorted((h for h in at_stop if not h.door), key=lambda h: (h.rank, h.index)):
            t += h.bags * p.entrance_drop_s_per_bag
            hand_over(h, t)
        runs = _runs(g, vol, [h for h in at_stop if h.door])
        runs.sort(key=lambda run: (min(h.rank for h, _ in run), max(h.floor for h, _ in run)))
        for run in runs:
            floor = 1
            for h, _ in sorted(run, key=lambda d: (d[0].floor, d[0].index)):
                t += g.ascent_s(stairwell, floor, h.floor) + p.handover_s
                floor = h.floor
                hand_over(h, t)
            t += g.down_s(stairwell, floor)
    t += g.metres(here, vol.gate) / speed
    ready = vol.shift.start
    for h in homes:
        ready = max(ready, g.release_at(h, vol) or 0.0, h.earliest_s - first[h.index])
    return TripTiming(
        ready_s=ready, return_off=t,
        free_off=t + p.disinfection_s if any(h.risky for h in homes) else t,
        last_off=max([0.0, *last.values()]),
        latest=tuple((last[h.index], h.latest_s) for h in homes if h.latest_s is not None))


def time_shuttle(g: Grounds, vol: Volunteer, home: Home) -> TripTiming:
    """A household's bags on several trips by hand (:meth:`Grounds.shuttle_loads`), one
    after another: each loads when the previous is back (and disinfected after a red or
    orange home); timed from the first one's loading."""
    legs = [time_trip(g, vol, [leg], (home.stairwell,)) for leg in g.shuttle_loads(home, vol)]
    starts = [0.0]
    for leg in legs[:-1]:
        starts.append(starts[-1] + leg.free_off)
    return TripTiming(
        ready_s=legs[0].ready_s, return_off=starts[-1] + legs[-1].return_off,
        free_off=starts[-1] + legs[-1].free_off,
        last_off=max(at + leg.last_off for at, leg in zip(starts, legs, strict=True)),
        latest=tuple((at + off, limit) for at, leg in zip(starts, legs, strict=True)
                     for off, limit in leg.latest))


def _submasks(mask: int) -> Iterator[int]:
    sub = mask
    while sub:
        yield sub
        sub = (sub - 1) & mask


def _volunteer_done(g: Grounds, vol: Volunteer, homes: list[Home]) -> dict[int, float]:
    """For every set of households (a bit mask over ``homes``) the volunteer may serve
    alone: the earliest its last hand-over can be."""
    mask = sum(1 << i for i, h in enumerate(homes) if g.may_carry(h, vol))
    cap_bags, cap_kg = g.scenario.trip_capacity(vol)
    trips: dict[int, list[TripTiming]] = {}
    for sub in _submasks(mask):
        members = [h for i, h in enumerate(homes) if sub >> i & 1]
        if sum(h.bags for h in members) <= cap_bags and \
                sum(h.kg for h in members) <= cap_kg + 1e-9:
            stairwells = sorted({h.stairwell for h in members})
            trips[sub] = [time_trip(g, vol, members, order)
                          for order in _stops(g, vol, stairwells)]
        elif len(members) == 1 and g.shuttles(members[0], vol):
            trips[sub] = [time_shuttle(g, vol, members[0])]
    end = vol.shift.end + 1e-6
    back: dict[int, float] = {0: vol.shift.start}  # may start the next trip
    done: dict[int, float] = {0: -math.inf}  # the last hand-over
    for served in sorted(_submasks(mask)):
        for trip in _submasks(served):
            before = back.get(served ^ trip)
            if before is None or trip not in trips:
                continue
            for timing in trips[trip]:
                start = max(before, timing.ready_s)
                if start + timing.return_off > end or any(
                        start + off > limit + 1e-6 for off, limit in timing.latest):
                    continue
                back[served] = min(back.get(served, math.inf), start + timing.free_off)
                done[served] = min(done.get(served, math.inf), start + timing.last_off)
    return done


def optimal_makespan_s(scenario: Scenario, grounds: Grounds | None = None) -> float | None:
    """The least makespan of a carry round serving every household some volunteer may
    serve, over the plans of the module docstring (exact where :func:`reaches` holds);
    None if no such plan serves them all. About ``3^n`` steps a volunteer for ``n``
    households: refused beyond ``MAX_SEARCHED_HOUSEHOLDS``."""
    g = grounds or Grounds(scenario)
    homes = servable(g)
    if len(homes) > MAX_SEARCHED_HOUSEHOLDS:
        raise ValueError(f"{len(homes)} households are beyond an exhaustive search "
                         f"(at most {MAX_SEARCHED_HOUSEHOLDS})")
    if not homes:
        return 0.0
    full = (1 << len(homes)) - 1
    best: dict[int, float] = {0: -math.inf}  # households -> the earliest last hand-over
    for vol in scenario.volunteers:
        done = _volunteer_done(g, vol, homes)
        mine_mask = 0
        for mine in done:
            mine_mask |= mine
        shared: dict[int, float] = {}
        for served in range(full + 1):
            value = best.get(served, math.inf)
            for mine in _submasks(served & mine_mask):
                if mine in done:
                    value = min(value, max(done[mine], best.get(served ^ mine, math.inf)))
            if value < math.inf:
                shared[served] = value
        best = shared
    return best[full] - g.t0 if full in best else None

"""Exhaustive search for small compounds: the optimal makespan, proved.

Dynamic programming over subsets of households. For a volunteer and a set ``S``,
``back[S]`` is the earliest time it can start another trip (back at the gate, and
disinfected if the last trip served a red or orange household) having served exactly
``S`` in some sequence of trips, and ``done[S]`` the earliest time its last hand-over
can happen. Starting earlier never hurts (releases and window openings only delay,
deadlines and shift ends only forbid), so that earliest time is the only state a
sequence needs. Every trip considers every order of its stairwells (up to
``MAX_PERMUTED_STOPS``). Volunteers are then combined by a second pass over subsets:
``best_k[S] = min over S_k of max(done_k[S_k], best_{k-1}[S - S_k])``.

Within a stairwell, climbs group households from the top floor down, which is optimal
when every bag counts the same against the hands; the search is exact over plans of
that shape. Cost: about ``3^n`` per volunteer, so it is used up to about 10 households.
"""

from __future__ import annotations

import itertools
import math

from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import Scheduled, Timetable
from supplyroute.compound.trips import TripShape
from supplyroute.rounds.assemble import timetable_round
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.interface import RoundMode, RoundRequest, RoundResult, planners, register

MAX_PERMUTED_STOPS = 5


def applies(ctx: PreparedCompound, max_households: int, max_volunteers: int) -> bool:
    """Small enough, and no pool of bags that runs short in the morning."""
    parcels = ctx.servable
    if not parcels or len(parcels) > max_households or len(ctx.volunteers) > max_volunteers:
        return False
    pooled = sum(q.bags for q in parcels if q.named_gate is None)
    return all(pool.unlimited or pool.cumulative[0] >= pooled
               for pool in ctx.demand.pools.values())


def _submasks(mask: int):
    sub = mask
    while sub:
        yield sub
        sub = (sub - 1) & mask


def _members(parcels: list[Parcel], mask: int) -> list[Parcel]:
    return [q for i, q in enumerate(parcels) if mask >> i & 1]


class _VolunteerSearch:
    """The subset DP of one volunteer."""

    def __init__(self, ctx: PreparedCompound, v: int, parcels: list[Parcel]):
        self.ctx = ctx
        self.v = v
        self.parcels = parcels
        self.volunteer = ctx.volunteers[v]
        self.mask = sum(1 << i for i, q in enumerate(parcels) if v in ctx.eligible[q.index])
        self.shapes: dict[int, list[TripShape]] = {}
        for sub in _submasks(self.mask):
            members = _members(parcels, sub)
            if ctx.builder.fits(v, members):
                self.shapes[sub] = self._orders(members)

    def _orders(self, members: list[Parcel]) -> list[TripShape]:
        stairwells = sorted({q.stairwell for q in members})
        if len(stairwells) > MAX_PERMUTED_STOPS:
            return [self.ctx.builder.shape(self.v, members)]
        return [self.ctx.builder.shape(self.v, members, order)
                for order in itertools.permutations(stairwells)]

    def _ready(self, shape: TripShape) -> float:
        demand = self.ctx.demand
        t = self.volunteer.shift.start
        offsets = shape.first_offsets  # a window is open for the first hand-over
        for q in shape.parcels:
            t = max(t, demand.release_s(q, self.volunteer) or 0.0, q.earliest_s - offsets[q.id])
        return t

    def _valid(self, shape: TripShape, start: float) -> bool:
        if start + shape.return_off > self.volunteer.shift.end + 1e-6:
            return False
        offsets = shape.delivered_offsets
        return all(q.latest_s is None or start + offsets[q.id] <= q.latest_s + 1e-6
                   for q in shape.parcels)

    def run(self) -> tuple[dict[int, float], dict[int, tuple[int, int, float]]]:
        """``done[S]`` and, for rebuilding, the last trip (mask, shape index, start)."""
        back: dict[int, float] = {0: self.volunteer.shift.start}
        back_how: dict[int, tuple[int, int, float]] = {}
        done: dict[int, float] = {0: -math.inf}
        done_how: dict[int, tuple[int, int, float]] = {}
        for subset in range(1, self.mask + 1):
            if subset & ~self.mask:
                continue
            for trip in _submasks(subset):
                shapes = self.shapes.get(trip)
                before = back.get(subset ^ trip)
                if shapes is None or before is None:
                    continue
                for k, shape in enumerate(shapes):
                    start = max(before, self._ready(shape))
                    if not self._valid(shape, start):
                        continue
                    if start + shape.free_off < back.get(subset, math.inf):
                        back[subset] = start + shape.free_off
                        back_how[subset] = (trip, k, start)
                    if start + shape.last_delivery_off < done.get(subset, math.inf):
                        done[subset] = start + shape.last_delivery_off
                        done_how[subset] = (trip, k, start)
        self.back_how = back_how
        return done, done_how

    def rebuild(self, subset: int, how: dict[int, tuple[int, int, float]]) -> list[Scheduled]:
        trips: list[Scheduled] = []
        trip, k, start = how[subset]
        trips.append(Scheduled(self.shapes[trip][k], start))
        rest = subset ^ trip
        while rest:
            trip, k, start = self.back_how[rest]
            trips.append(Scheduled(self.shapes[trip][k], start))
            rest ^= trip
        return trips[::-1]


def solve(ctx: PreparedCompound, budget: Budget) -> Timetable | None:
    """The optimal makespan by exhaustive search; None if no plan serves everyone."""
    parcels = ctx.servable
    full = (1 << len(parcels)) - 1
    searches = [_VolunteerSearch(ctx, v, parcels) for v in range(len(ctx.volunteers))]
    best: dict[int, float] = {0: -math.inf}
    choice: list[dict[int, int]] = []
    done_how: list[dict[int, tuple[int, int, float]]] = []
    for search in searches:
        done, how = search.run()
        done_how.append(how)
        new_best: dict[int, float] = {}
        pick: dict[int, int] = {}
        for subset in range(full + 1):
            value = best.get(subset, math.inf)
            chosen = 0
            for mine in _submasks(subset & search.mask):
                if mine not in done:
                    continue
                candidate = max(done[mine], best.get(subset ^ mine, math.inf))
                if candidate < value:
                    value, chosen = candidate, mine
            if value < math.inf:
                new_best[subset] = value
                pick[subset] = chosen
        best = new_best
        choice.append(pick)
        budget.tell(f"exact search: volunteer {search.volunteer.id} added")
    if full not in best:
        return None

    trips: list[list[Scheduled]] = [[] for _ in ctx.volunteers]
    rest = full
    for v in range(len(searches) - 1, -1, -1):
        mine = choice[v][rest]
        if mine:
            trips[v] = searches[v].rebuild(mine, done_how[v])
        rest ^= mine
    return Timetable(trips)


class ExactPlanner:
    """Exhaustive search on tiny compounds: the optimum, proved."""

    name = "exact"
    mode: RoundMode = "carry"
    priority = 10

    def applies(self, request: RoundRequest) -> bool:
        return request.method == "optimized" and applies(
            request.compound, request.exact_max_households, request.exact_max_volunteers)

    def solve(self, request: RoundRequest) -> RoundResult:
        table = solve(request.compound, request.budget)
        if table is None:  # no complete plan: the optimiser finds the best partial one
            return planners()["carry"].solve(request)
        return timetable_round(request.compound, table, proven_optimal=True)


register(ExactPlanner())

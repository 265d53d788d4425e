"""Balancing: local search on the latest finish among the volunteers.

Trips, single households and swaps move from the volunteer who finishes last to the
earliest finishers (and to the earliest of its own kind: a cart's households cost
another cart a cart's price), while the latest finish drops; a chain of two moves when
no single one helps. When the shifts cannot hold every trip, priority trips that would
end after their volunteer's shift go to someone who can still make them.
"""

from __future__ import annotations

import math
from dataclasses import replace

from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.trips import TripShape
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.carry.packing import (
    EPS_S,
    Workload,
    last_handover_s,
    last_trip_key,
    priority_done_s,
)

#: Balancing moves tried at most, so that deterministic runs end.
MAX_BALANCING_ROUNDS = 20_000
#: In the balancer, a second of work added anywhere counts this much against a second
#: off the latest finish.
WORK_WEIGHT = 0.05
#: How many of the earliest finishers an ejection chain considers.
EJECTION_WIDTH = 8
#: How many of the earliest finishers a balancing step considers for a move or swap.
BALANCING_WIDTH = 12
#: ...and how many of the earliest finishers alike the last one (another cart takes a
#: cart's households at a cart's price).
SAME_KIND_WIDTH = 12

_UNKNOWN = object()


class SummedWorkload:
    """A volunteer's trips summed for the balancer, so that the finish after a move
    (one trip out, one in) costs no pass over its trips: the busy time, and the
    order keys of the two trips that :func:`last_trip` would put last."""

    def __init__(self, load: Workload):
        self.trips = load.trips
        self.base_s = load.start_s + load.timed_s
        self.timed_s = load.timed_s
        self.busy_s = sum(t.free_off for t in load.trips)
        keys = sorted(map(last_trip_key, load.trips), reverse=True)
        self.first = keys[0] if keys else None
        self.second = keys[1] if len(keys) > 1 else None
        self.priority_s = sum(t.free_off for t in load.trips if not t.standard)

    def priority_done_s(self, out: TripShape | None, into: TripShape | None) -> float:
        """:func:`priority_done_s` of the trips less ``out`` plus ``into``."""
        busy = self.priority_s
        if out is not None and not out.standard:
            busy -= out.free_off
        if into is not None and not into.standard:
            busy += into.free_off
        return self.base_s + busy

    def finish_s(self, out: TripShape | None, into: TripShape | None) -> float:
        """:func:`last_handover_s` of the trips less ``out`` (one of them) plus ``into``."""
        n = len(self.trips) - (out is not None) + (into is not None)
        if n == 0:
            return self.base_s if self.timed_s else -math.inf
        busy = self.busy_s
        last = self.first
        if out is not None:
            busy -= out.free_off
            if last_trip_key(out) == last:
                last = self.second
        if into is not None:
            busy += into.free_off
            key = last_trip_key(into)
            if last is None or key > last:
                last = key
        assert last is not None
        return self.base_s + busy - last[1]


class Balancer:
    """Local search on the latest finish among volunteers. No move makes anyone done
    with their urgent and vulnerable households later than the latest of them was when
    the search began: otherwise the search, blind to them, piles priority households
    onto whoever finishes early (on a 4,389-household compound the last vulnerable
    household went from 55 minutes after the start to three hours)."""

    def __init__(self, ctx: PreparedCompound, loads: list[Workload], budget: Budget,
                 width: int = BALANCING_WIDTH, same_kind_width: int = SAME_KIND_WIDTH):
        self.ctx = ctx
        self.loads = loads
        self.budget = budget
        self.width = width
        self.same_kind_width = same_kind_width
        self._shapes: dict[tuple[int, tuple[int, ...]], TripShape | None] = {}
        self._by_kind: dict[tuple[int, tuple[int, ...]], TripShape] = {}
        self._allowed: dict[tuple[int, ...], frozenset[int]] = {}
        self._eligible_sets = {i: frozenset(vs) for i, vs in ctx.eligible.items()}
        self.priority_by_s = max((priority_done_s(load) for load in loads
                                  if any(not t.standard for t in load.trips)),
                                 default=math.inf)

    def shape(self, v: int, parcels: tuple[Parcel, ...] | list[Parcel],
              key: tuple[int, ...] | None = None) -> TripShape | None:
        """The trip of ``v`` with these parcels, or None if ``v`` may not make it."""
        key = key if key is not None else tuple(sorted(parcel.index for parcel in parcels))
        found = self._shapes.get((v, key), _UNKNOWN)
        if found is _UNKNOWN:
            allowed = self._allowed.get(key)
            if allowed is None:
                allowed = frozenset.intersection(
                    *(self._eligible_sets[parcel.index] for parcel in parcels))
                self._allowed[key] = allowed
            if v not in allowed or not self.ctx.builder.fits(v, parcels):
                found = None
            else:
                # Volunteers alike make the same trip with the same load: built once
                # per kind (on 20,000 households the balancer builds some 10^5).
                kind = self.ctx.representative[v]
                base = self._by_kind.get((kind, key))
                if base is None:
                    found = self._by_kind[kind, key] = self.ctx.builder.shape(v, parcels)
                else:
                    found = base if base.volunteer == v else replace(base, volunteer=v)
            self._shapes[v, key] = found
        return found

    def _finish_with(self, v: int, trips: list[TripShape]) -> float:
        load = self.loads[v]
        return last_handover_s(load.start_s, load.timed_s, trips)

    def run(self, until_s: float = math.inf) -> int:
        """Improve until no move helps, or the budget (or ``until_s`` of it) is spent;
        returns the rounds made."""
        rounds = 0
        while rounds < MAX_BALANCING_ROUNDS and not self.budget.expired() \
                and self.budget.elapsed() < until_s:
            rounds += 1
            finishes = [load.finish_s() for load in self.loads]
            worst = max(range(len(finishes)), key=lambda v: (finishes[v], -v))
            if not self._improve(worst, finishes):
                break
        return rounds

    def _improve(self, worst: int, finishes: list[float]) -> bool:
        """Relieve the volunteer who finishes last. Of the moves that bring both sides
        below its finish, take the one that adds the least work (moving a far
        household from a cart to someone on foot costs work that someone must do);
        else swap two trips; else a chain of two moves."""
        target = finishes[worst]
        everyone = sorted((v for v in range(len(self.loads)) if v != worst),
                          key=lambda v: (finishes[v], v))
        others = self._helpers(worst, everyone)
        relief = _Relief(self, worst, target)
        for w in others:
            if finishes[w] >= target - 1e-6:
                break
            relief.try_moves_to(w)
        if relief.apply():
            return True
        if self._swap(worst, target, others, finishes):
            return True
        return self._eject(worst, target, everyone, finishes)

    def _helpers(self, worst: int, everyone: list[int]) -> list[int]:
        """Those who may take some of the last finisher's households (its zone), the
        earliest finishers first, and as many of its own kind: on a compound with
        hundreds of volunteers, looking at every one for every move makes one step
        take seconds."""
        mine = self.loads[worst].trips
        helpers = frozenset().union(*(self._eligible_sets[parcel.index]
                                      for t in mine for parcel in t.parcels))
        able = [v for v in everyone if v in helpers]
        kind = self.ctx.representative[worst]
        alike = set([v for v in able if self.ctx.representative[v] == kind]
                    [:self.same_kind_width])
        return [v for v in able if v in alike or v in able[:self.width]]

    def _swap(self, worst: int, target: float, others: list[int],
              finishes: list[float]) -> bool:
        """A trip of the last finisher swapped for a shorter one of a helper, if both
        then finish before its old finish."""
        mine = self.loads[worst].trips
        by_length = sorted(range(len(mine)), key=lambda i: (-mine[i].return_off, i))
        for w in others:
            if finishes[w] >= target - 1e-6:
                break
            theirs = self.loads[w].trips
            for i in by_length:
                for j in sorted(range(len(theirs)), key=lambda j: (theirs[j].return_off, j)):
                    if theirs[j].return_off >= mine[i].return_off:
                        break
                    a = self.shape(w, mine[i].parcels, mine[i].key)
                    b = self.shape(worst, theirs[j].parcels, theirs[j].key)
                    if a is None or b is None:
                        continue
                    new_mine = mine[:i] + [b] + mine[i + 1:]
                    new_theirs = theirs[:j] + [a] + theirs[j + 1:]
                    if self._accept(worst, w, target, new_mine, new_theirs):
                        return True
        return False

    def _eject(self, worst: int, target: float, others: list[int],
               finishes: list[float]) -> bool:
        """A chain of two moves: a trip of the last volunteer goes to ``w``, who passes
        one of its own trips on to ``u``; both stay below the old latest finish."""
        mine = self.loads[worst].trips
        helpers = [v for v in others if finishes[v] < target - 1e-6][:EJECTION_WIDTH]
        for i in sorted(range(len(mine)), key=lambda i: (-mine[i].return_off, i)):
            new_mine = mine[:i] + mine[i + 1:]
            if self._finish_with(worst, new_mine) >= target - 1e-6:
                continue
            for w in helpers:
                moved = self.shape(w, mine[i].parcels, mine[i].key)
                if moved is None:
                    continue
                theirs = [*self.loads[w].trips, moved]
                excess = self._finish_with(w, theirs) - target
                for j in sorted(range(len(theirs) - 1),
                                key=lambda j: (-theirs[j].return_off, j)):
                    if theirs[j].return_off <= excess:
                        break
                    new_theirs = theirs[:j] + theirs[j + 1:]
                    if self._finish_with(w, new_theirs) >= target - 1e-6:
                        continue
                    for u in helpers:
                        if u == w:
                            continue
                        passed = self.shape(u, theirs[j].parcels, theirs[j].key)
                        if passed is None:
                            continue
                        new_u = [*self.loads[u].trips, passed]
                        if self._finish_with(u, new_u) < target - 1e-6 and self._in_time(
                                (worst, new_mine), (w, new_theirs), (u, new_u)):
                            self.loads[worst].trips = new_mine
                            self.loads[w].trips = new_theirs
                            self.loads[u].trips = new_u
                            return True
        return False

    def _accept(self, worst: int, w: int, target: float, mine: list[TripShape],
                theirs: list[TripShape]) -> bool:
        if max(self._finish_with(worst, mine), self._finish_with(w, theirs)) < target - 1e-6 \
                and self._in_time((worst, mine), (w, theirs)):
            self.loads[worst].trips = mine
            self.loads[w].trips = theirs
            return True
        return False

    def _in_time(self, *changes: tuple[int, list[TripShape]]) -> bool:
        """Whether each volunteer, with its new trips, is done with its priority
        households no later than the search allows."""
        return all(priority_done_s(self.loads[v], trips) <= self.priority_by_s + EPS_S
                   for v, trips in changes)


def rescue_priority(ctx: PreparedCompound, loads: list[Workload]) -> int:
    """When the shifts cannot hold every trip: the priority trips that would end after
    their volunteer's shift go to volunteers who can still make them within theirs.
    A volunteer's priority trips go first, so what its shift then cuts is standard:
    the urgent and vulnerable are served before the rest (on a generated 4,389-
    household compound a walker held 16 vulnerable households in high-rises, and the
    shift cut one). Returns the trips moved."""
    ends = [vol.shift.end for vol in ctx.volunteers]
    done = [priority_done_s(load) for load in loads]
    moved = 0
    for v in sorted(range(len(loads)), key=lambda v: (ends[v] - done[v], v)):
        while done[v] > ends[v] + EPS_S:
            best: tuple[float, int, TripShape, TripShape] | None = None
            for trip in (t for t in loads[v].trips if not t.standard):
                first, *rest = trip.parcels
                allowed = set(ctx.eligible[first.index]).intersection(
                    *(ctx.eligible[parcel.index] for parcel in rest))
                for w in sorted(allowed - {v}):
                    if not ctx.builder.fits(w, trip.parcels):
                        continue
                    theirs = ctx.builder.shape(w, trip.parcels)
                    after = done[w] + theirs.free_off
                    if after <= ends[w] + EPS_S and (best is None or after < best[0]):
                        best = (after, w, trip, theirs)
            if best is None:
                break
            after, w, trip, theirs = best
            loads[v].trips = [t for t in loads[v].trips if t is not trip]
            loads[w].trips = [*loads[w].trips, theirs]
            done[v] -= trip.free_off
            done[w] = after
            moved += 1
    return moved


class _Relief:
    """The moves that relieve the last finisher: one of its trips, or one household of
    one, to a helper (alone, or into a trip of the helper's with room in the same
    building). The best is kept: the one whose two sides end soonest, a second of work
    added anywhere counting :data:`WORK_WEIGHT` against it."""

    def __init__(self, balancer: Balancer, worst: int, target: float):
        self.balancer = balancer
        self.worst = worst
        self.target = target
        self.mine = mine = balancer.loads[worst].trips
        self.by_length = sorted(range(len(mine)), key=lambda i: (-mine[i].return_off, i))
        self.summed = SummedWorkload(balancer.loads[worst])
        # Each of its shared trips less one household: the same for every helper.
        self.rest_of = {(i, parcel.index): balancer.shape(worst, [p for p in mine[i].parcels
                                                                 if p is not parcel])
                        for i in self.by_length if len(mine[i].parcels) > 1
                        for parcel in mine[i].parcels}
        #: the best move: (key, helper, trip i of mine, what replaces it, trip j of
        #: theirs that is replaced or None, the helper's new trip).
        self.best: tuple[tuple[float, float, int], int, int, TripShape | None, int | None,
                         TripShape] | None = None

    def consider(self, w: int, theirs_summed: SummedWorkload, i: int,
                 new_i: TripShape | None, j: int | None, new_j: TripShape) -> None:
        """Trip i of mine becomes ``new_i`` (None: gone); the helper gets ``new_j`` (in
        place of its trip j, or added)."""
        mine, summed = self.mine, self.summed
        priority_by_s = self.balancer.priority_by_s
        old_j = None if j is None else theirs_summed.trips[j]
        latest = max(summed.finish_s(mine[i], new_i), theirs_summed.finish_s(old_j, new_j))
        if latest >= self.target - 1e-6:
            return
        if not new_j.standard and (
                theirs_summed.priority_done_s(old_j, new_j) > priority_by_s + EPS_S
                or summed.priority_done_s(mine[i], new_i) > priority_by_s + EPS_S):
            return
        added = ((new_i.free_off if new_i is not None else 0.0) - mine[i].free_off
                 + new_j.free_off - (old_j.free_off if old_j is not None else 0.0))
        key = (round(latest + WORK_WEIGHT * added, 6), latest, w)
        if self.best is None or key < self.best[0]:
            self.best = (key, w, i, new_i, j, new_j)

    def try_moves_to(self, w: int) -> None:
        """Every move to helper ``w``: a whole trip, one household out of a shared trip,
        one household into a trip of theirs with room in the same building."""
        balancer, mine, rest_of = self.balancer, self.mine, self.rest_of
        theirs = balancer.loads[w].trips
        theirs_summed = SummedWorkload(balancer.loads[w])
        for i in self.by_length:
            moved = balancer.shape(w, mine[i].parcels, mine[i].key)
            if moved is not None:
                self.consider(w, theirs_summed, i, None, None, moved)
        for i in self.by_length:
            if len(mine[i].parcels) < 2:
                continue
            for parcel in sorted(mine[i].parcels, key=lambda p: (-p.floor, p.index)):
                rest = rest_of[i, parcel.index]
                if rest is None:
                    continue
                alone = balancer.shape(w, [parcel])
                if alone is not None:
                    self.consider(w, theirs_summed, i, rest, None, alone)
        cap_bags = balancer.ctx.builder.capacity(w)[0]
        roomy = [j for j, t in enumerate(theirs) if t.bags < cap_bags]
        for i in self.by_length if roomy else ():
            for parcel in mine[i].parcels:
                shrunk = rest_of.get((i, parcel.index))
                if len(mine[i].parcels) > 1 and shrunk is None:
                    continue
                for j in roomy:
                    if all(p.building != parcel.building for p in theirs[j].parcels):
                        continue
                    grown = balancer.shape(w, [*theirs[j].parcels, parcel])
                    if grown is not None:
                        self.consider(w, theirs_summed, i, shrunk, j, grown)

    def apply(self) -> bool:
        """Make the best move, if there is one."""
        if self.best is None:
            return False
        _, w, i, new_i, j, new_j = self.best
        loads, mine = self.balancer.loads, self.mine
        theirs = loads[w].trips
        loads[self.worst].trips = mine[:i] + ([new_i] if new_i else []) + mine[i + 1:]
        loads[w].trips = ([*theirs, new_j] if j is None
                          else theirs[:j] + [new_j] + theirs[j + 1:])
        return True

"""Trips as the planner builds them: which parcels, in which order, how long.

A :class:`TripShape` is one volunteer's trip with a given set of parcels, timed from
the moment loading begins: its stops (stairwells in walking order), its stair runs
(a stairwell's door parcels sorted by floor from the top and grouped while the hands
can hold them, which minimises the climbing), and the offset of every delivery. It does
not depend on when the trip starts, so the solvers compare and move shapes cheaply and
turn them into plan ``Trip`` models only at the end. A *shuttle* (a household's bags
more than a volunteer without a cart holds, brought on several trips by hand one after
another) is one shape of several legs, and several ``Trip`` models (:func:`to_trips`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

from supplyroute.compound.demand import PRIORITY_RANK, Demand, Parcel
from supplyroute.compound.travel import Travel
from supplyroute.models import (
    Door,
    EntranceDrop,
    Priority,
    RelayDrop,
    Risk,
    StairRun,
    Stop,
    Trip,
    Volunteer,
)

MAX_EXACT_STOPS = 6
STANDARD_RANK = PRIORITY_RANK[Priority.STANDARD]
#: Households after whose trip the volunteer disinfects (``parameters.disinfection_s``).
RISKY = frozenset((Risk.RED, Risk.ORANGE))


@dataclass(frozen=True)
class RunShape:
    start_off: float
    end_off: float
    top_floor: int
    bags: int
    kg: float
    doors: tuple[tuple[Parcel, tuple[int, ...], float], ...]  #: parcel, bag indices, offset.


@dataclass(frozen=True)
class StopShape:
    stairwell: str
    arrive_off: float
    leave_off: float
    drops: tuple[tuple[Parcel, tuple[int, ...], float], ...]
    runs: tuple[RunShape, ...]
    #: relay rounds: bags put down in the entrance buffer for a climber.
    relays: tuple[tuple[Parcel, tuple[int, ...], float], ...] = ()


@dataclass(frozen=True)
class TripShape:
    volunteer: int
    parcels: tuple[Parcel, ...]
    stops: tuple[StopShape, ...]
    depart_off: float
    return_off: float  #: the trip's duration.
    #: When the next trip may start loading: ``return_off``, plus ``disinfection_s`` if
    #: the trip served a red or orange household (computed once, read in hot loops).
    free_off: float
    last_delivery_off: float
    walk_m: float
    floors_climbed: int
    bags: int
    kg: float
    key: tuple[int, ...] = ()  #: the parcels' indices, sorted: identifies the load.
    standard: bool = True  #: no urgent or vulnerable household on board.
    #: relay rounds: the indices of the parcels left at their entrance for a climber.
    relayed: frozenset[int] = frozenset()
    #: A shuttle's trips by hand, each timed from its own loading, and when each starts
    #: loading after the shuttle's start (the stops above are theirs, shifted so).
    legs: tuple[TripShape, ...] = ()
    leg_starts: tuple[float, ...] = ()

    @property
    def saving(self) -> float:
        """What the return (and disinfection) adds after the last hand-over: free if the
        trip comes last."""
        return self.free_off - self.last_delivery_off

    @property
    def first_offsets(self) -> dict[str, float]:
        """Each household's first hand-over on the trip: a window must be open by then
        (a household with more bags than the hands hold gets them on several runs)."""
        out: dict[str, float] = {}
        for stop in self.stops:
            for parcel, _, off in stop.drops:
                out[parcel.id] = min(out.get(parcel.id, math.inf), off)
            for run in stop.runs:
                for parcel, _, off in run.doors:
                    out[parcel.id] = min(out.get(parcel.id, math.inf), off)
        return out

    @property
    def delivered_offsets(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for stop in self.stops:
            for parcel, _, off in stop.drops:
                out[parcel.id] = max(out.get(parcel.id, 0.0), off)
            for run in stop.runs:
                for parcel, _, off in run.doors:
                    out[parcel.id] = max(out.get(parcel.id, 0.0), off)
        return out


class TripBuilder:
    """Builds trip shapes for the volunteers of one scenario."""

    def __init__(self, demand: Demand, travel: Travel):
        self.demand = demand
        self.travel = travel
        self.scenario = demand.scenario
        self.volunteers = list(self.scenario.volunteers)
        self.gate_place = [travel.place(v.gate, gate=True) for v in self.volunteers]
        self.speed = [self.scenario.speed_mps(v) for v in self.volunteers]

    def capacity(self, v: int) -> tuple[int, float]:
        return self.scenario.trip_capacity(self.volunteers[v])

    def fits(self, v: int, parcels: list[Parcel] | tuple[Parcel, ...]) -> bool:
        """One trip holds the parcels, or a shuttle brings the one parcel by hand."""
        cap_bags, cap_kg = self.capacity(v)
        return ((sum(p.bags for p in parcels) <= cap_bags
                 and sum(p.kg for p in parcels) <= cap_kg + 1e-9)
                or (len(parcels) == 1 and self.demand.shuttles(parcels[0], self.volunteers[v])))

    def walk_s(self, v: int, a: int, b: int) -> float:
        return float(self.travel.dist_m[a, b]) / self.speed[v]

    def stop_order(self, v: int, stairwells: list[str]) -> list[str]:
        """Stairwells in the order that walks least from the gate and back."""
        places = {s: self.travel.place(s) for s in stairwells}
        gate = self.gate_place[v]
        dist = self.travel.dist_m

        def length(order: tuple[str, ...]) -> float:
            seq = [gate, *(places[s] for s in order), gate]
            return float(sum(dist[a, b] for a, b in itertools.pairwise(seq)))

        ordered = sorted(stairwells, key=lambda s: places[s])
        if len(ordered) <= MAX_EXACT_STOPS:
            return list(min(itertools.permutations(ordered), key=length))
        route, here, left = [], gate, ordered
        while left:
            nxt = min(left, key=lambda s: (dist[here, places[s]], places[s]))
            route.append(nxt)
            left = [s for s in left if s != nxt]
            here = places[nxt]
        return route

    def runs(self, v: int, parcels: list[Parcel]) -> list[list[tuple[Parcel, tuple[int, ...]]]]:
        """Group a stairwell's door parcels into climbs, from the top floor down."""
        volunteer: Volunteer = self.volunteers[v]
        cap_bags, cap_kg = self.scenario.hand_capacity(volunteer)
        runs: list[list[tuple[Parcel, tuple[int, ...]]]] = []
        load_bags, load_kg = cap_bags, cap_kg  # forces a new run at the start
        for parcel in sorted(parcels, key=lambda p: (-p.floor, p.index)):
            weights = [b.weight_kg for b in self.scenario.bags_of(parcel.household)]
            chunk: list[int] = []
            for i in parcel.bag_indices:
                w = weights[i]
                if load_bags + 1 > cap_bags or load_kg + w > cap_kg + 1e-9:
                    if chunk:
                        runs[-1].append((parcel, tuple(chunk)))
                        chunk = []
                    runs.append([])
                    load_bags, load_kg = 0, 0.0
                chunk.append(i)
                load_bags += 1
                load_kg += w
            runs[-1].append((parcel, tuple(chunk)))
        return runs

    def time_run(self, stairwell: str, group: list[tuple[Parcel, tuple[int, ...]]],
                 start: float) -> RunShape:
        """One climb from ``stairwell``'s entrance with ``group`` in the hands, from
        ``start``: doors in rising floor order, then down from the top."""
        p = self.scenario.parameters
        stairs = self.travel.stairs[stairwell]
        t = start
        floor_now = 1
        doors = []
        for parcel, bag_idx in sorted(group, key=lambda d: (d[0].floor, d[0].index)):
            t += stairs.between_s(floor_now, parcel.floor)
            floor_now = parcel.floor
            t += p.handover_s
            doors.append((parcel, bag_idx, t))
        t += stairs.down_s(floor_now)
        weights = self.scenario.bags_of
        return RunShape(
            start_off=start,
            end_off=t,
            top_floor=floor_now,
            bags=sum(len(idx) for _, idx in group),
            kg=sum(weights(q.household)[i].weight_kg for q, idx in group for i in idx),
            doors=tuple(doors),
        )

    def shape(self, v: int, parcels: list[Parcel] | tuple[Parcel, ...],
              order: list[str] | tuple[str, ...] | None = None,
              relayed: frozenset[int] = frozenset()) -> TripShape:
        """Time a trip of volunteer ``v`` carrying ``parcels``, from loading onwards,
        visiting the stairwells in ``order`` (default: the shortest walk). The parcels
        whose index is in ``relayed`` are left at their entrance for a climber. One
        parcel more than the hands of a volunteer without a cart hold: a shuttle."""
        p = self.scenario.parameters
        if (len(parcels) == 1 and parcels[0].index not in relayed and parcels[0].part is None
                and self.demand.shuttles(parcels[0], self.volunteers[v])):
            return self.shuttle(v, parcels[0])
        by_stairwell: dict[str, list[Parcel]] = {}
        for parcel in parcels:
            by_stairwell.setdefault(parcel.stairwell, []).append(parcel)
        if order is None:
            order = self.stop_order(v, list(by_stairwell))

        t = p.load_s
        depart = t
        here = self.gate_place[v]
        walk_m = 0.0
        climbed = 0
        last = 0.0
        stops: list[StopShape] = []
        for stairwell in order:
            place = self.travel.place(stairwell)
            walk_m += float(self.travel.dist_m[here, place])
            t += self.walk_s(v, here, place)
            here = place
            arrive = t
            drops = []
            for parcel in sorted(by_stairwell[stairwell], key=lambda q: (q.rank, q.index)):
                if not parcel.door:
                    t += parcel.bags * p.entrance_drop_s_per_bag
                    drops.append((parcel, parcel.bag_indices, t))
                    last = max(last, t)
            # Low floors first: their climbs start first, and the climb to the top
            # floor, whose descent comes after the last hand-over, comes last.
            relays = []
            for parcel in sorted(by_stairwell[stairwell], key=lambda q: (q.rank, q.floor,
                                                                          q.index)):
                if parcel.door and parcel.index in relayed:
                    t += parcel.bags * p.relay_drop_s
                    relays.append((parcel, parcel.bag_indices, t))
            stairs = self.travel.stairs[stairwell]
            run_groups = self.runs(v, [q for q in by_stairwell[stairwell]
                                       if q.door and q.index not in relayed])
            run_groups.sort(key=lambda r: (min(q.rank for q, _ in r), max(q.floor for q, _ in r)))
            run_shapes = []
            for group in run_groups:
                run = self.time_run(stairwell, group, t)
                t = run.end_off
                last = max([last, *(off for _, _, off in run.doors)])
                climbed += stairs.floors_climbed(run.top_floor)
                run_shapes.append(run)
            stops.append(StopShape(stairwell, arrive, t, tuple(drops), tuple(run_shapes),
                                   tuple(relays)))
        gate = self.gate_place[v]
        walk_m += float(self.travel.dist_m[here, gate])
        t += self.walk_s(v, here, gate)
        return TripShape(
            volunteer=v,
            parcels=tuple(parcels),
            stops=tuple(stops),
            depart_off=depart,
            return_off=t,
            free_off=t + p.disinfection_s if any(q.household.risk in RISKY for q in parcels)
            else t,
            last_delivery_off=last,
            walk_m=walk_m,
            floors_climbed=climbed,
            bags=sum(q.bags for q in parcels),
            kg=sum(q.kg for q in parcels),
            key=tuple(sorted(q.index for q in parcels)),
            standard=all(q.rank == STANDARD_RANK for q in parcels),
            relayed=frozenset(q.index for q in parcels if q.door and q.index in relayed),
        )


    def shuttle(self, v: int, parcel: Parcel) -> TripShape:
        """A household's bags brought by hand on several trips, one after another (the
        next loads when the previous is back, and disinfected after a red or orange
        home): the bags packed heaviest first into as few hand loads as fit."""
        cap_bags, cap_kg = self.scenario.hand_capacity(self.volunteers[v])
        weights = [b.weight_kg for b in self.scenario.bags_of(parcel.household)]
        loads: list[list[int]] = []
        for i in sorted(parcel.bag_indices, key=lambda i: (-weights[i], i)):
            home = next((load for load in loads if len(load) < cap_bags
                         and sum(weights[j] for j in load) + weights[i] <= cap_kg + 1e-9), None)
            if home is None:
                loads.append(home := [])
            home.append(i)
        legs, starts, t = [], [], 0.0
        for load in loads:
            part = replace(parcel, bags=len(load), kg=sum(weights[i] for i in load),
                           part=tuple(sorted(load)))
            leg = self.shape(v, [part])
            legs.append(leg)
            starts.append(t)
            t += leg.free_off
        stops = tuple(_shifted(stop, at) for leg, at in zip(legs, starts, strict=True)
                      for stop in leg.stops)
        return TripShape(
            volunteer=v,
            parcels=(parcel,),
            stops=stops,
            depart_off=legs[0].depart_off,
            return_off=starts[-1] + legs[-1].return_off,
            free_off=starts[-1] + legs[-1].free_off,
            last_delivery_off=max(at + leg.last_delivery_off
                                  for leg, at in zip(legs, starts, strict=True)),
            walk_m=sum(leg.walk_m for leg in legs),
            floors_climbed=sum(leg.floors_climbed for leg in legs),
            bags=parcel.bags,
            kg=parcel.kg,
            key=(parcel.index,),
            standard=parcel.rank == STANDARD_RANK,
            legs=tuple(legs),
            leg_starts=tuple(starts),
        )


def _shifted(stop: StopShape, by: float) -> StopShape:
    """A stop's offsets moved ``by`` seconds later."""
    def moved(items: tuple[tuple[Parcel, tuple[int, ...], float], ...]
              ) -> tuple[tuple[Parcel, tuple[int, ...], float], ...]:
        return tuple((q, idx, off + by) for q, idx, off in items)

    return StopShape(stop.stairwell, stop.arrive_off + by, stop.leave_off + by,
                     moved(stop.drops),
                     tuple(replace(run, start_off=run.start_off + by, end_off=run.end_off + by,
                                   doors=moved(run.doors)) for run in stop.runs),
                     moved(stop.relays))


def _r(x: float) -> float:
    return round(x, 2)


def to_run(run: RunShape, at_s: float) -> StairRun:
    """The plan model of a stair run timed from ``at_s``."""
    return StairRun(
        start_s=_r(at_s + run.start_off),
        end_s=_r(at_s + run.end_off),
        top_floor=run.top_floor,
        bags=run.bags,
        carry_kg=_r(run.kg),
        doors=tuple(
            Door(household=q.id, floor=q.floor, bags=idx, delivered_s=_r(at_s + off))
            for q, idx, off in run.doors
        ),
    )


def to_trips(builder: TripBuilder, shape: TripShape, start_s: float,
             waits: dict[int, float] | None = None) -> list[Trip]:
    """The plan models of a timed trip (one) or shuttle (one per leg, the last handing
    the last bags over) that starts loading at ``start_s``."""
    if not shape.legs:
        return [to_trip(builder, shape, start_s, waits)]
    return [to_trip(builder, leg, start_s + at)
            for leg, at in zip(shape.legs, shape.leg_starts, strict=True)]


def to_trip(builder: TripBuilder, shape: TripShape, start_s: float,
            waits: dict[int, float] | None = None) -> Trip:
    """The plan model of a timed trip that starts loading at ``start_s``; ``waits``
    (relay rounds) maps a relayed parcel's index to the seconds its ferry waited for
    room in the entrance buffer before putting it down. A shuttle is several trips:
    :func:`to_trips`."""
    if shape.legs:
        raise ValueError("a shuttle is several trips: use to_trips")
    volunteer = builder.volunteers[shape.volunteer]
    waits = waits or {}
    shift = 0.0
    stops = []
    for stop in shape.stops:
        at = start_s + shift
        arrive, drops = at + stop.arrive_off, tuple(
            EntranceDrop(household=q.id, bags=idx, delivered_s=_r(at + off))
            for q, idx, off in stop.drops
        )
        relays = []
        for q, idx, off in stop.relays:
            shift += waits.get(q.index, 0.0)
            relays.append(RelayDrop(household=q.id, bags=idx,
                                    dropped_s=_r(start_s + shift + off)))
        at = start_s + shift
        stops.append(Stop(
            stairwell=stop.stairwell,
            arrive_s=_r(arrive),
            leave_s=_r(at + stop.leave_off),
            drops=drops,
            relays=tuple(relays),
            runs=tuple(to_run(run, at) for run in stop.runs),
        ))
    return Trip(
        gate=volunteer.gate,
        mode="cart" if volunteer.cart is not None else "hands",
        start_s=_r(start_s),
        depart_s=_r(start_s + shape.depart_off),
        return_s=_r(start_s + shift + shape.return_off),
        bags=shape.bags,
        carry_kg=_r(shape.kg),
        walk_m=_r(shape.walk_m),
        stops=tuple(stops),
    )

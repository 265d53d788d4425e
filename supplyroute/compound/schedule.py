"""Putting trips on the clock: shifts, release batches, deadlines, priorities.

Each volunteer has a queue of *timed* trips (parcels with a deadline or window, in
order of their latest start) and a queue of *regular* trips (in preference order:
vulnerable first). A simulation moves forward in time, one decision at a time, always
at the earliest moment some volunteer is free, so that the gates' pools of
interchangeable bags are drawn in time order:

- a timed trip goes as soon as it may (urgent households come first); a regular trip
  fills the wait before it only if it is back by the time the timed trip may leave;
- a trip waits for its bags (named batch, or enough bags in the pool);
- after a trip that served a red or orange household, the volunteer's next trip waits
  ``parameters.disinfection_s`` more after the return (``TripShape.free_off``);
- a trip that would end after the shift, or miss a deadline, is not made, and its
  households are reported unserved with the reason.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from supplyroute.clock import hhmm
from supplyroute.compound.demand import Demand, Parcel
from supplyroute.compound.trips import TripShape
from supplyroute.models import UnservedReason

EPS = 1e-6


@dataclass
class Scheduled:
    """A trip shape with its start time."""

    shape: TripShape
    start_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.shape.return_off

    @property
    def last_delivery_s(self) -> float:
        return self.start_s + self.shape.last_delivery_off


@dataclass
class Timetable:
    """The outcome of scheduling: trips per volunteer, and what could not be done."""

    trips: list[list[Scheduled]]
    unserved: list[tuple[Parcel, UnservedReason, str]] = field(default_factory=list)

    @property
    def last_delivery_s(self) -> float:
        return max((t.last_delivery_s for ts in self.trips for t in ts), default=math.nan)


def latest_start(shape: TripShape) -> float:
    """The latest start at which every deadline on the trip is still met."""
    offsets = shape.delivered_offsets
    limits = [q.latest_s - offsets[q.id] for q in shape.parcels
              if q.latest_s is not None and q.id in offsets]  # relayed: the climber's
    return min(limits, default=math.inf)


def earliest_start(demand: Demand, shape: TripShape) -> float:
    """No earlier than the named releases and the windows' openings allow."""
    volunteer = demand.scenario.volunteers[shape.volunteer]
    offsets = shape.first_offsets
    t = volunteer.shift.start
    for q in shape.parcels:
        if q.named_gate is not None:
            t = max(t, q.named_release_s or 0.0)
        if q.id in offsets:  # a relayed household's window is the climber's to keep
            t = max(t, q.earliest_s - offsets[q.id])
    return t


def pooled_bags(shape: TripShape) -> int:
    return sum(q.bags for q in shape.parcels if q.named_gate is None)


class GateStock:
    """The gates' pools of interchangeable bags, drawn in the order trips start."""

    def __init__(self, demand: Demand):
        self.demand = demand
        self.used = {gate: 0 for gate in demand.pools}

    def ready_at(self, shape: TripShape, now: float) -> float | None:
        """The earliest start at or after ``now`` (None: the bags never come)."""
        volunteer = self.demand.scenario.volunteers[shape.volunteer]
        t = max(now, earliest_start(self.demand, shape))
        bags = pooled_bags(shape)
        if bags:
            pool = self.demand.pools[volunteer.gate]
            when = pool.time_for(self.used[volunteer.gate] + bags)
            if when is None:
                return None
            t = max(t, when)
        return t

    def commit(self, shape: TripShape) -> None:
        gate = self.demand.scenario.volunteers[shape.volunteer].gate
        self.used[gate] += pooled_bags(shape)


def schedule(demand: Demand, timed: list[list[TripShape]],
             regular: list[list[TripShape]]) -> Timetable:
    """Start every trip as early as its rules allow, in the queues' order."""
    volunteers = demand.scenario.volunteers
    sim = GateStock(demand)
    table = Timetable(trips=[[] for _ in volunteers])
    timed_q = [sorted(q, key=lambda s: (latest_start(s), s.parcels[0].index)) for q in timed]
    regular_q = [list(q) for q in regular]
    heap = [(v.shift.start, i) for i, v in enumerate(volunteers) if timed_q[i] or regular_q[i]]
    heapq.heapify(heap)

    def drop(shape: TripShape, reason: UnservedReason, detail: str) -> None:
        table.unserved.extend((q, reason, detail) for q in shape.parcels)

    while heap:
        now, v = heapq.heappop(heap)
        end_of_shift = volunteers[v].shift.end
        choice: TripShape | None = None
        wait_until = math.inf
        if timed_q[v]:
            first = timed_q[v][0]
            ready = sim.ready_at(first, now)
            if ready is None:
                timed_q[v].pop(0)
                drop(first, UnservedReason.NOT_RELEASED, "its bags are never released at the gate")
            elif ready > latest_start(first) + EPS:
                timed_q[v].pop(0)
                drop(first, UnservedReason.DEADLINE_UNREACHABLE,
                     f"the earliest start {hhmm(ready)} misses the deadline")
            elif ready <= now + EPS:
                choice = first
            else:
                wait_until = ready
                for shape in regular_q[v]:
                    r = sim.ready_at(shape, now)
                    if r is None or r + shape.free_off > ready + EPS:
                        continue
                    if r <= now + EPS:
                        choice = shape
                        break
                    wait_until = min(wait_until, r)  # its bags come before the timed trip
        else:
            for shape in list(regular_q[v]):
                r = sim.ready_at(shape, now)
                if r is None:
                    _remove((timed_q[v], regular_q[v]), shape)
                    drop(shape, UnservedReason.NOT_RELEASED,
                         "the gate's release batches run out before these bags")
                    continue
                if r <= now + EPS:
                    choice = shape
                    break
                wait_until = min(wait_until, r)

        if choice is None:
            if math.isfinite(wait_until):
                heapq.heappush(heap, (wait_until, v))
            elif timed_q[v] or regular_q[v]:
                heapq.heappush(heap, (now, v))
            continue
        if now + choice.return_off > end_of_shift + EPS:
            _remove((timed_q[v], regular_q[v]), choice)
            drop(choice, UnservedReason.NO_VOLUNTEER_TIME,
                 f"volunteer {volunteers[v].id!r} would be back after the shift ends "
                 f"({hhmm(end_of_shift)})")
            heapq.heappush(heap, (now, v))
            continue
        _remove((timed_q[v], regular_q[v]), choice)
        sim.commit(choice)
        table.trips[v].append(Scheduled(choice, now))
        if timed_q[v] or regular_q[v]:
            heapq.heappush(heap, (now + choice.free_off, v))
    return table


def _remove(queues: tuple[list[TripShape], ...], item: TripShape) -> None:
    """Remove ``item`` by identity (shapes are compared field by field otherwise)."""
    for queue in queues:
        for i, candidate in enumerate(queue):
            if candidate is item:
                del queue[i]
                return


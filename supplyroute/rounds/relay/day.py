"""A relay day, simulated: step 5 of the relay planner (:mod:`supplyroute.rounds.relay`).

Events in time order: a trip-maker starts its next load as soon as the gate has the
bags; a drop waits while the entrance buffer is full; each climb goes to the climber
allowed there who can finish it first. Every time is computed once and is what the
plan states.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field

from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import EPS, GateStock, latest_start
from supplyroute.compound.trips import RunShape, TripShape
from supplyroute.models import (
    UnservedReason,
)

#: When a run is given to a climber, a second of walking to it counts this much more
#: than a second later done: walking is work that no one else can do meanwhile.
WALK_WEIGHT = 3.0

# Event kinds, in the order they are handled at equal times: a bag picked up frees room
# before a ferry looks for room; a climber chooses before the next drops arrive.
_PICKUP, _CLIMBER, _DROP, _FERRY = range(4)


@dataclass
class ClimbTask:
    """One stair run a climber will make with bags a ferry leaves at an entrance."""

    id: int
    climber: int  #: the climber the LP's shares designate (whose hands shaped the run).
    takers: frozenset[int]  #: every climber who may take it (zone, station, skills, hands).
    stairwell: str
    run: RunShape  #: timed from 0 at the entrance.
    parcels: tuple[int, ...]  #: parcel indices whose bags it takes (all of them).
    rank: int
    missing: int = 0  #: parcels not yet down at the entrance.
    expected_s: float | None = None  #: when the bags are due, once their ferry left.
    ready_s: float | None = None  #: when the last of them was put down.
    done: bool = False
    cancelled: bool = False

    @property
    def duration_s(self) -> float:
        return self.run.end_off - self.run.start_off

    @property
    def opens_s(self) -> float:
        """The earliest start at which every door of the run is within its window."""
        return max((q.earliest_s - (off - self.run.start_off) for q, _, off in self.run.doors),
                   default=-math.inf)

    @property
    def closes_s(self) -> float:
        """The latest start at which every door of the run is by its deadline."""
        return min((q.latest_s - (off - self.run.start_off) for q, _, off in self.run.doors
                    if q.latest_s is not None), default=math.inf)


@dataclass
class Load:
    """A trip-maker's load: its shape, the climbs it feeds, whether it is timed."""

    id: int
    volunteer: int
    shape: TripShape
    tasks: list[int]
    timed: bool = False


@dataclass
class DoneTrip:
    shape: TripShape
    start_s: float
    waits: dict[int, float] = field(default_factory=dict)  #: parcel index -> s waited.


@dataclass
class DoneClimb:
    stairwell: str
    walk_m: float
    arrive_s: float
    start_s: float
    task: ClimbTask


@dataclass
class RelayTimetable:
    """A relay day: every trip-maker's trips, every climber's climbs, and what could
    not be done."""

    trips: list[list[DoneTrip]]
    climbs: list[list[DoneClimb]]
    unserved: list[tuple[Parcel, UnservedReason, str]]
    delivered: dict[int, float]  #: parcel index -> last hand-over.
    ferry_of: dict[int, tuple[int, int]]  #: relayed parcel -> (ferry, trip index).
    #: relayed parcels some of whose climbs were made and another one cancelled.
    partial: set[int] = field(default_factory=set)

    @property
    def last_delivery_s(self) -> float:
        return max(self.delivered.values(), default=math.nan)


class RelayDay:
    """The event simulation of a relay day."""

    def __init__(self, ctx: PreparedCompound, loads: list[Load], tasks: list[ClimbTask],
                 ahead: bool):
        self.ctx = ctx
        self.s = ctx.scenario
        self.loads = loads
        self.tasks = tasks
        self.stock = GateStock(ctx.demand)
        self.heap: list[tuple[float, int, int, tuple]] = []
        self.seq = itertools.count()
        self.queue: dict[int, list[Load]] = defaultdict(list)
        for load in loads:
            self.queue[load.volunteer].append(load)
        for q in self.queue.values():
            q.sort(key=lambda load: (not load.timed, latest_start(load.shape) if load.timed
                                     else 0.0, load.id))
        self.tasks_of_parcel: dict[int, list[int]] = defaultdict(list)
        self.tasks_of_climber: dict[int, list[int]] = defaultdict(list)
        for task in tasks:
            task.missing = len(task.parcels)
            task.expected_s = task.ready_s = None
            task.done = task.cancelled = False
            for i in task.parcels:
                self.tasks_of_parcel[i].append(task.id)
            for w in sorted(task.takers):
                self.tasks_of_climber[w].append(task.id)
        self.occupancy: dict[str, int] = defaultdict(int)
        self.room_waiters: dict[str, list[tuple]] = defaultdict(list)
        self.table = RelayTimetable(
            trips=[[] for _ in ctx.volunteers], climbs=[[] for _ in ctx.volunteers],
            unserved=[], delivered={}, ferry_of={})
        # Climbers: where they are, when they are free, and the runs given to them.
        self.place: dict[int, int] = {}
        self.free_s: dict[int, float] = {}
        self.idle: set[int] = set()
        self.assigned: dict[int, list[ClimbTask]] = defaultdict(list)
        self.trips_until: dict[int, float] = {}  #: a trip-maker's trips end (estimate).
        self.waiting: dict[int, tuple[ClimbTask, float, float]] = {}  # task, walk_m, arrive
        # ``ahead``: a run is given out as soon as its ferry leaves, and its climber walks
        # there ahead of the bags. Else once its bags are down: where a ferry may wait
        # for room, a climber waiting for that ferry could make both wait for ever.
        self.ahead = ahead
        self.stalled = False
        # A volunteer with loads makes its trips first, then climbs (if it may).
        for w in self.tasks_of_climber:
            vol = ctx.volunteers[w]
            self.place[w] = ctx.travel.place(vol.gate, gate=True)
            self.free_s[w] = vol.shift.start
            if w not in self.queue:
                self.idle.add(w)
        for v, loads in self.queue.items():
            self.trips_until[v] = ctx.volunteers[v].shift.start + sum(
                load.shape.free_off for load in loads)
        for v in list(self.queue):
            self.push(ctx.volunteers[v].shift.start, _FERRY, (v,))

    def push(self, t: float, kind: int, data: tuple) -> None:
        heapq.heappush(self.heap, (t, kind, next(self.seq), data))

    def run(self) -> RelayTimetable:
        while self.heap:
            t, kind, _, data = heapq.heappop(self.heap)
            if kind == _FERRY:
                self.ferry_free(data[0], t)
            elif kind == _DROP:
                self.drop(t, *data)
            elif kind == _PICKUP:
                self.pickup(t, *data)
            else:
                self.climber_free(data[0], t)
        self.stalled = any(self.room_waiters.values())
        for task in self.tasks:
            if not task.done and not task.cancelled:
                self.cancel(task, UnservedReason.NO_VOLUNTEER_TIME,
                            "no climber could take these bags up in time")
        return self.table

    # Trip-makers.
    def drop_parcels(self, parcels, reason: UnservedReason, detail: str) -> None:
        for q in parcels:
            if q.index in self.table.delivered:
                if q.index in self.table.ferry_of:
                    self.table.partial.add(q.index)  # some bags up, others left below
                continue
            self.table.unserved.append((q, reason, detail))
            for task_id in self.tasks_of_parcel.get(q.index, ()):
                self.tasks[task_id].cancelled = True

    def cancel(self, task: ClimbTask, reason: UnservedReason, detail: str) -> None:
        task.cancelled = True
        parcels = [self.ctx.demand.parcels[i] for i in task.parcels]
        self.drop_parcels(parcels, reason, detail)

    def ferry_free(self, v: int, now: float) -> None:
        queue = self.queue[v]
        vol = self.ctx.volunteers[v]
        if not queue and v in self.tasks_of_climber:  # the trips are done: climb now
            self.free_s[v] = now
            self.trips_until.pop(v, None)
            self.push(now, _CLIMBER, (v,))
            return
        while queue:
            timed = [load for load in queue if load.timed]
            candidates = timed[:1] if timed else queue
            wait_until = math.inf
            chosen = None
            for load in candidates:
                ready = self.stock.ready_at(load.shape, now)
                if ready is None:
                    queue.remove(load)
                    self.drop_parcels(load.shape.parcels, UnservedReason.NOT_RELEASED,
                                      "its bags are never released at the gate")
                    break
                if load.timed and ready > latest_start(load.shape) + EPS:
                    queue.remove(load)
                    self.drop_parcels(load.shape.parcels, UnservedReason.DEADLINE_UNREACHABLE,
                                      "the earliest start misses the deadline")
                    break
                if ready <= now + EPS:
                    chosen = load
                    break
                wait_until = min(wait_until, ready)
            else:
                if chosen is None:
                    self.push(wait_until, _FERRY, (v,))
                    return
            if chosen is None:
                continue  # a load was dropped: look again
            queue.remove(chosen)
            if now + chosen.shape.free_off > vol.shift.end + EPS:
                self.drop_parcels(chosen.shape.parcels, UnservedReason.NO_VOLUNTEER_TIME,
                                  f"volunteer {vol.id!r} would be back after the shift ends")
                continue
            self.start_trip(v, chosen, now)
            return

    def start_trip(self, v: int, load: Load, now: float) -> None:
        self.stock.commit(load.shape)
        self.trips_until[v] = now + sum(ld.shape.free_off for ld in [load, *self.queue[v]])
        done = DoneTrip(load.shape, now)
        index = len(self.table.trips[v])
        self.table.trips[v].append(done)
        offsets = load.shape.delivered_offsets
        for q in load.shape.parcels:
            if q.id in offsets:
                self.table.delivered[q.index] = now + offsets[q.id]
        relays = [(q, off) for stop in load.shape.stops for q, _, off in stop.relays]
        for q, off in relays:
            self.table.ferry_of[q.index] = (v, index)
            for task_id in self.tasks_of_parcel[q.index]:
                task = self.tasks[task_id]
                task.expected_s = now + off if task.expected_s is None else max(
                    task.expected_s, now + off)
        if self.ahead:
            for task_id in sorted(load.tasks, key=lambda i: (self.tasks[i].expected_s, i)):
                self.assign(self.tasks[task_id], now)
        if relays:
            self.push(now + relays[0][1], _DROP, (v, done, relays, 0, now + relays[0][1]))
        else:
            self.push(now + load.shape.free_off, _FERRY, (v,))

    def drop(self, t: float, v: int, done: DoneTrip, relays: list, k: int,
             wanted: float) -> None:
        """The ferry puts relay ``k`` of its trip down, if the buffer has room."""
        q, off = relays[k]
        limit = self.s.buffer_bags(q.stairwell)
        if limit is not None and self.occupancy[q.stairwell] + q.bags > limit:
            self.room_waiters[q.stairwell].append((v, done, relays, k, wanted))
            return
        done.waits[q.index] = t - wanted
        self.occupancy[q.stairwell] += q.bags
        for task_id in self.tasks_of_parcel[q.index]:
            task = self.tasks[task_id]
            task.missing -= 1
            if task.missing == 0:
                task.ready_s = t
                if not self.ahead:
                    self.assign(task, t)
                else:
                    waiter = next((w for w, wt in self.waiting.items() if wt[0] is task), None)
                    if waiter is not None:
                        self.push(t, _CLIMBER, (waiter,))
        if k + 1 < len(relays):
            nxt = t + relays[k + 1][1] - off
            self.push(nxt, _DROP, (v, done, relays, k + 1, nxt))
        else:
            self.push(t + done.shape.free_off - off, _FERRY, (v,))

    def pickup(self, t: float, stairwell: str, bags: int) -> None:
        self.occupancy[stairwell] -= bags
        waiters, self.room_waiters[stairwell] = self.room_waiters[stairwell], []
        for v, done, relays, k, wanted in waiters:
            self.push(t, _DROP, (v, done, relays, k, wanted))

    # Climbers.
    def walk_s(self, w: int, a: int, b: int) -> float:
        vol = self.ctx.volunteers[w]
        speed = vol.walk_speed_mps or self.s.parameters.walk_speed_mps
        return float(self.ctx.travel.dist_m[a, b]) / speed

    def projected(self, w: int, now: float, rank: int) -> tuple[float, int]:
        """When and where climber ``w`` will be free for a run of priority ``rank``:
        after its trips (if it still makes any), its current climb and the runs it was
        given that come before (of the same or a higher priority)."""
        if w in self.trips_until:
            t, here = max(now, self.trips_until[w]), self.ctx.travel.place(
                self.ctx.volunteers[w].gate, gate=True)
        else:
            t, here = max(now, self.free_s[w]), self.place[w]
        for task in self.assigned[w]:
            if task.rank > rank:
                break
            there = self.ctx.travel.place(task.stairwell)
            due = task.ready_s if task.ready_s is not None else task.expected_s
            t = max(t + self.walk_s(w, here, there), due or t) + task.duration_s
            here = there
        return t, here

    def assign(self, task: ClimbTask, now: float) -> None:
        """Give a run whose bags are all down to the climber who can finish it first,
        walking included: a climber already at the door keeps taking its bags up
        unless another would be done sooner."""
        there = self.ctx.travel.place(task.stairwell)
        best: tuple[float, int] | None = None
        for w in sorted(task.takers):
            t, here = self.projected(w, now, task.rank)
            walk = self.walk_s(w, here, there)
            due = task.ready_s if task.ready_s is not None else task.expected_s
            done = max(t + walk, now, due or now, task.opens_s) + task.duration_s
            if done > self.ctx.volunteers[w].shift.end + EPS:
                continue
            score = done + WALK_WEIGHT * walk
            if best is None or score < best[0] - EPS:
                best = (score, w)
        if best is None:
            self.cancel(task, UnservedReason.NO_VOLUNTEER_TIME,
                        "every climber allowed there would finish after the shift ends")
            return
        w = best[1]
        queue = self.assigned[w]
        at = next((i for i, other in enumerate(queue) if other.rank > task.rank), len(queue))
        queue.insert(at, task)
        if w in self.idle:
            self.idle.discard(w)
            self.push(max(now, self.free_s[w]), _CLIMBER, (w,))  # not before its shift

    def climber_free(self, w: int, now: float) -> None:
        """Take the next run given to this climber: walk to its entrance and, if its
        bags are not all down yet, wait there for them."""
        if w in self.waiting:
            task, walk_m, arrive = self.waiting[w]
            if task.ready_s is None:
                return  # a stale wake-up: the drop will wake it
            del self.waiting[w]
            self.climb(w, task, walk_m, arrive, max(arrive, task.ready_s))
            return
        if now < self.free_s[w] - EPS or w in self.idle or w in self.trips_until:
            return  # a stale wake-up, or still making trips
        queue = self.assigned[w]
        while queue and (queue[0].cancelled or queue[0].done):
            queue.pop(0)
        if not queue:
            self.idle.add(w)
            return
        task = queue.pop(0)
        travel = self.ctx.travel
        here, there = self.place[w], travel.place(task.stairwell)
        arrive = now + self.walk_s(w, here, there)
        walk_m = float(travel.dist_m[here, there])
        if task.ready_s is None:
            self.waiting[w] = (task, walk_m, arrive)
            self.place[w] = there
            return
        self.climb(w, task, walk_m, arrive, max(arrive, task.ready_s))

    def climb(self, w: int, task: ClimbTask, walk_m: float, arrive: float,
              start: float) -> None:
        vol = self.ctx.volunteers[w]
        start = max(start, task.opens_s)  # a window opens later: the climber waits
        end = start + task.duration_s
        if start > task.closes_s + EPS:
            self.cancel(task, UnservedReason.DEADLINE_UNREACHABLE,
                        f"climber {vol.id!r} would reach the door after its deadline")
            self.push(self.free_s[w], _CLIMBER, (w,))
            return
        if end > vol.shift.end + EPS:
            self.cancel(task, UnservedReason.NO_VOLUNTEER_TIME,
                        f"climber {vol.id!r} would finish after the shift ends")
            self.push(self.free_s[w], _CLIMBER, (w,))
            return
        task.done = True
        self.table.climbs[w].append(DoneClimb(task.stairwell, walk_m, arrive, start, task))
        for parcel, _, off in task.run.doors:
            self.table.delivered[parcel.index] = max(
                self.table.delivered.get(parcel.index, -math.inf), start + off)
        self.place[w] = self.ctx.travel.place(task.stairwell)
        self.free_s[w] = end
        self.push(start, _PICKUP, (task.stairwell, task.run.bags))
        self.push(end, _CLIMBER, (w,))

"""The relay planner: ferries bring bags to the entrances, climbers take them up.

What the reports describe (seed 004): goods moved from the gate to the building doors,
often by cart, and volunteers stationed in the buildings carry them up. A relay saves
the walk from the gate on every climb and the climbs on every cart trip.

1. **Timed households** (deadline or window) are carried, each on a trip of its own,
   as in carry mode.
2. **Roles.** The relay work LP (:func:`~supplyroute.bounds.relay.relay_work_lp`),
   with whole stairwells as units, shares the work out in three kinds: carried (the
   volunteer brings and climbs), ferried, climbed. Each volunteer the scenario leaves
   free becomes a *trip-maker* (carries and ferries) or a *climber*, by the larger of
   its two kinds of work; the LP is solved again within those roles.
3. **Rounding.** Households are handed out by systematic rounding of the LP's
   amounts (each to the volunteer furthest behind its LP work), then each ferried
   household to a climber with work in its stairwell; interchangeable volunteers then
   pool their households and take compact stretches of stairwells, the urgent and
   vulnerable dealt out in turn. Urgent and vulnerable households are carried, not
   relayed (where someone may carry them): they ride in the first loads instead of
   waiting at a door for a climber who makes its trips first.
4. **Loads and climbs.** Each trip-maker's households are packed into loads as in
   carry mode (priority households first); at every stop the ferried households are
   put down in the entrance buffer, and each climber's share of them is cut into stair
   runs (top floors first, as much as the hands and the buffer hold).
5. **The day, simulated.** Events in time order: a trip-maker starts its next load as
   soon as the gate has the bags; a drop waits while the buffer is full; each climb
   goes to the climber allowed there who can finish it first, a second of walking
   counted as three (it is work nobody else can do meanwhile): where no buffer has a
   limit, as soon as its ferry leaves, so that the climber walks ahead and waits at
   the door; else once its bags are down (a ferry waiting for room must never wait
   for a climber who waits for that ferry). A volunteer may make trips first and
   climb after. Every time is computed once and is what the plan states.
6. **Steering.** The LP is solved again with each volunteer's measured overhead
   (waiting, walking between stations, partial loads) as a fixed offset, while time
   is left; the best day is kept.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field

from supplyroute.bounds.carry import Bound, parcel_cost, stair_cost, trip_cost
from supplyroute.bounds.lp import CARRY, CLIMB, FERRY
from supplyroute.bounds.relay import RelayEligibility, relay_work_lp
from supplyroute.demand import Parcel
from supplyroute.models import Priority, Role, UnservedReason
from supplyroute.rounds.base import Budget, Context
from supplyroute.rounds.carry import assign_timed, pack_trips
from supplyroute.schedule import EPS, GateStock, latest_start
from supplyroute.trips import RunShape, TripShape

log = logging.getLogger("supplyroute.relay")

#: Steering rounds in deterministic mode (otherwise they run until the time limit).
DETERMINISTIC_ROUNDS = 4
#: When a run is given to a climber, a second of walking to it counts this much more
#: than a second later done: walking is work that no one else can do meanwhile.
WALK_WEIGHT = 3.0
#: Days planned again with stranded households carried before relaying stops.
MAX_SETTLING = 3
#: How much of the measured overhead each steering round feeds back.
STEERING_DAMPING = 0.7

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

    @property
    def last_delivery_s(self) -> float:
        return max(self.delivered.values(), default=math.nan)


class _Day:
    """The event simulation of step 5."""

    def __init__(self, ctx: Context, loads: list[Load], tasks: list[ClimbTask],
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
            done = max(t + walk, now, due or now) + task.duration_s
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
            self.push(now, _CLIMBER, (w,))

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
        end = start + task.duration_s
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


def _systematic(units: list[tuple[list[Parcel], list[tuple[tuple[str, int], float, float]]]]
                ) -> dict[int, tuple[str, int]]:
    """Each parcel of each unit to a (kind, volunteer) slot; slots are (key, amount,
    cost per parcel). How many each slot gets is decided by systematic rounding (the
    next parcel goes to the volunteer furthest behind the work the LP gave it, so
    every total stays within about one parcel of the LP's); which ones, in blocks of
    neighbouring floors, so that a climber stays in a stairwell and a load fills up
    with neighbours."""
    behind: dict[int, float] = defaultdict(float)
    out: dict[int, tuple[str, int]] = {}
    for parcels, slots in units:
        room = {key: math.ceil(amount - 1e-9) for key, amount, _ in slots}
        cost = {key: c for key, _, c in slots}
        count: dict[tuple[str, int], int] = defaultdict(int)
        for key, amount, c in slots:
            behind[key[1]] += amount * c
        for _ in parcels:
            open_slots = [key for key, _, _ in slots if room[key] > 0]
            key = max(open_slots, key=lambda k: (behind[k[1]], k[0] == FERRY, -k[1]))
            count[key] += 1
            room[key] -= 1
            behind[key[1]] -= cost[key]
        ordered = sorted(parcels, key=lambda q: (-q.floor, q.index))
        i = 0
        for key, _, _ in slots:
            for q in ordered[i:i + count[key]]:
                out[q.index] = key
            i += count[key]
    return out


class RelayPlanner:
    """Steps 2-6 for one scenario."""

    def __init__(self, ctx: Context, eligible: RelayEligibility, budget: Budget):
        self.ctx = ctx
        self.budget = budget
        self.s = ctx.scenario
        # A household whose bags the entrance buffer cannot hold at once is carried; so
        # is an urgent or vulnerable one where someone may carry it: it rides in the
        # first loads, and no climber's queue (a volunteer who climbs after its trips,
        # say) holds its bags back.
        ferry = {i: list(vs) for i, vs in eligible.ferry.items()}
        for q in ctx.demand.parcels:
            limit = self.s.buffer_bags(q.stairwell)
            if limit is not None and q.bags > limit:
                ferry[q.index] = []
            if q.household.priority is not Priority.STANDARD and eligible.carry[q.index]:
                ferry[q.index] = []
        original = eligible
        self.eligible = eligible = RelayEligibility(eligible.carry, ferry, eligible.climb)
        parcels = [q for q in ctx.demand.parcels if eligible.servable(q)]
        # Timed households are carried on trips of their own, by volunteers who make
        # trips anyway (never by one who will climb).
        self.timed = [q for q in parcels if q.timed and eligible.carry[q.index]]
        timed = {q.index for q in self.timed}
        self.regular = [q for q in parcels if q.index not in timed]
        self.too_big = [q for q in ctx.demand.parcels
                        if original.servable(q) and not eligible.servable(q)]
        #: households never to relay: their climb could not be fitted in (:meth:`settle`).
        self.carry_only: set[int] = set()

    def roles(self, offsets: list[float]) -> dict[int, str]:
        """Trip-maker, climber or both (trips first, then climbs): the scenario's role.
        A volunteer it leaves free does both where no entrance buffer has a limit;
        else (a ferry that waits for room must never wait for itself) it becomes the
        one of the two that the LP gives more work."""
        limited = any(self.s.buffer_bags(w) is not None for w in self.s.stairwells)
        work: dict[int, dict[str, float]] = defaultdict(lambda: {"trips": 0.0, "climbs": 0.0})
        if self.regular and limited:
            _, assignment = relay_work_lp(self.ctx.demand, self.ctx.travel, self.regular,
                                          self.eligible, offsets, by_stairwell=True)
            for kind, v, unit, amount in assignment:
                cost = self.cost(kind, v, unit[0])
                work[v]["climbs" if kind == CLIMB else "trips"] += amount * cost
        roles = {}
        for v, vol in enumerate(self.ctx.volunteers):
            if vol.role is Role.CLIMBER:
                roles[v] = "climbs"
            elif vol.role is Role.FERRY or not self.s.relay:
                roles[v] = "trips"
            elif not limited:
                roles[v] = "both"
            else:
                roles[v] = "climbs" if work[v]["climbs"] > work[v]["trips"] else "trips"
        return roles

    def cost(self, kind: str, v: int, q: Parcel) -> float:
        d, t = self.ctx.demand, self.ctx.travel
        if kind == CARRY:
            return parcel_cost(d, t, v, q)
        if kind == FERRY:
            return trip_cost(d, t, v, q) + q.bags * self.s.parameters.relay_drop_s
        return stair_cost(d, t, v, q)

    def within(self, roles: dict[int, str]) -> RelayEligibility:
        """The eligibility left once each volunteer has its role."""
        e = self.eligible

        def keep(table: dict[int, list[int]], role: str) -> dict[int, list[int]]:
            return {i: [v for v in vs if roles[v] in (role, "both")]
                    for i, vs in table.items()}

        return RelayEligibility(keep(e.carry, "trips"), keep(e.ferry, "trips"),
                                keep(e.climb, "climbs"))

    def day(self, roles: dict[int, str], offsets: list[float],
            timed_queues: list[list[TripShape]]) -> tuple[RelayTimetable, list[float]]:
        """Share out, pack, simulate; returns the day and each volunteer's LP work."""
        ctx = self.ctx
        eligible = self.within(roles)
        for i in self.carry_only:
            eligible.ferry[i] = []
        servable = [q for q in self.regular if eligible.servable(q)]
        lost = [q for q in self.regular if not eligible.servable(q)]
        lp_work = [0.0] * len(ctx.volunteers)
        kind_of: dict[int, tuple[str, int]] = {}
        climber_of: dict[int, int] = {}
        if servable:
            _, assignment = relay_work_lp(ctx.demand, ctx.travel, servable, eligible,
                                          offsets, by_stairwell=True)
            units: dict[tuple[int, ...], list] = {}
            members: dict[tuple[int, ...], list[Parcel]] = {}
            for kind, v, unit, amount in assignment:
                key = tuple(q.index for q in unit)
                members[key] = list(unit)
                units.setdefault(key, []).append(((kind, v), amount,
                                                  self.cost(kind, v, unit[0])))
            trips = [(members[k], [s for s in slots if s[0][0] != CLIMB])
                     for k, slots in sorted(units.items())]
            kind_of = _systematic(trips)
            climbs = []
            for k, slots in sorted(units.items()):
                ferried = [q for q in members[k] if kind_of[q.index][0] == FERRY]
                climb_slots = [s for s in slots if s[0][0] == CLIMB]
                total = sum(a for _, a, _ in climb_slots)
                if ferried and total > 0:
                    scale = len(ferried) / total
                    climbs.append((ferried, [(key, a * scale, c) for key, a, c in climb_slots]))
            for kind, allowed in ((CARRY, eligible.carry), (FERRY, eligible.ferry)):
                owner = {i: v for i, (k, v) in kind_of.items() if k == kind}
                for i, v in self.regroup(owner, kind, servable, allowed).items():
                    kind_of[i] = (kind, v)
            climber_of = {i: key[1] for i, key in _systematic(climbs).items()}
            climber_of = self.regroup(climber_of, CLIMB, servable, eligible.climb)
            for q in servable:
                kind, v = kind_of[q.index]
                lp_work[v] += self.cost(kind, v, q)
                if kind == FERRY:
                    lp_work[climber_of[q.index]] += self.cost(CLIMB, climber_of[q.index], q)

        loads: list[Load] = []
        tasks: list[ClimbTask] = []
        for v, queue in enumerate(timed_queues):
            for shape in queue:
                loads.append(Load(len(loads), v, shape, [], timed=True))
        for v in range(len(ctx.volunteers)):
            mine = [q for q in servable if kind_of[q.index][1] == v]
            if not mine:
                continue
            relayed = frozenset(q.index for q in mine if kind_of[q.index][0] == FERRY)
            for shape in pack_trips(ctx, v, mine, True, relayed):
                load = Load(len(loads), v, shape, [])
                loads.append(load)
                for stop in shape.stops:
                    by_climber: dict[int, list[Parcel]] = defaultdict(list)
                    for q, _, _ in stop.relays:
                        by_climber[climber_of[q.index]].append(q)
                    for w, parcels in sorted(by_climber.items()):
                        for group in self.runs(w, stop.stairwell, parcels):
                            run = ctx.builder.time_run(stop.stairwell, group, 0.0)
                            task = ClimbTask(
                                id=len(tasks), climber=w, stairwell=stop.stairwell, run=run,
                                takers=self.takers(eligible, group, run),
                                parcels=tuple(sorted({q.index for q, _ in group})),
                                rank=min(q.rank for q, _ in group))
                            tasks.append(task)
                            load.tasks.append(task.id)
        # Climbers walk ahead of their bags; where buffers have limits that may leave a
        # ferry and a climber waiting for each other, and then the runs are given out
        # only once their bags are down.
        limited = any(self.s.buffer_bags(w) is not None for w in self.s.stairwells)
        day = _Day(ctx, loads, tasks, ahead=True)
        table = day.run()
        if limited and day.stalled:
            table = _Day(ctx, loads, tasks, ahead=False).run()
        for q in lost:
            reason, detail = LOST
            table.unserved.append((q, reason, detail))
        return table, lp_work

    def settle(self, roles: dict[int, str], offsets: list[float],
               timed_queues: list[list[TripShape]]) -> tuple[RelayTimetable, list[float]]:
        """A day in which every bag put down at an entrance is taken up: a household
        whose climb did not fit (a shift ended) is carried instead and the day planned
        again; after a few tries, nothing is relayed."""
        for attempt in itertools.count():
            table, lp_work = self.day(roles, offsets, timed_queues)
            stranded = {i for i in table.ferry_of if i not in table.delivered}
            if not stranded:
                return table, lp_work
            if attempt < MAX_SETTLING:
                self.carry_only |= stranded
            else:
                self.carry_only |= {q.index for q in self.regular}
        raise AssertionError("unreachable")

    def regroup(self, owner: dict[int, int], kind: str, parcels: list[Parcel],
                allowed: dict[int, list[int]]) -> dict[int, int]:
        """Among interchangeable volunteers (same gate, cart, speeds, hands, rules), give
        each a compact region for one kind of work: the LP prices a household alike for
        all of them, so which of them gets which is arbitrary to it, but a load pays
        for every extra stairwell it visits and a climber for every walk between
        stations. Their households (``owner``: parcel index -> volunteer) are pooled in
        walking order and cut into consecutive stretches, each volunteer keeping the
        work it was given; the urgent and vulnerable ones are dealt out in turn."""
        ctx = self.ctx
        place = ctx.travel.place
        classes: dict[tuple, list[int]] = defaultdict(list)
        for v, vol in enumerate(ctx.volunteers):
            key = (vol.gate, vol.cart, vol.walk_speed_mps, vol.hand_capacity_bags,
                   vol.hand_capacity_kg, vol.zone, vol.skills, vol.role, vol.station)
            classes[key].append(v)
        out = dict(owner)
        for members in classes.values():
            group = set(members)
            mine = {v: [q for q in parcels if owner.get(q.index) == v] for v in members}
            pooled = sorted((q for v in members for q in mine[v]),
                            key=lambda q: (place(q.stairwell), -q.floor, q.index))
            # Interchangeable only where every member may do it.
            if len(members) < 2 or not pooled or any(not group <= set(allowed[q.index])
                                                     for q in pooled):
                continue
            # Urgent and vulnerable households are dealt out in turn, so that each
            # member's first loads serve a few of them (a stretch of stairwells could
            # hold a dozen, all waiting for one volunteer's trips); the others are cut
            # into stretches.
            first = [q for q in pooled if q.household.priority is not Priority.STANDARD]
            rest = [q for q in pooled if q.household.priority is Priority.STANDARD]
            goals = [sum(self.cost(kind, v, q) for q in mine[v]) for v in members]
            for k, q in enumerate(first):
                v = members[k % len(members)]
                out[q.index] = v
                goals[k % len(members)] -= self.cost(kind, v, q)
            cost = [self.cost(kind, members[0], q) for q in rest]
            i, done, goal = 0, 0.0, 0.0
            for k, v in enumerate(members):
                goal += goals[k]
                while i < len(rest) and (k == len(members) - 1
                                         or done + cost[i] / 2 <= goal):
                    out[rest[i].index] = v
                    done += cost[i]
                    i += 1
        return out

    def takers(self, eligible: RelayEligibility,
               group: list[tuple[Parcel, tuple[int, ...]]], run: RunShape) -> frozenset[int]:
        """The climbers who may make this run: allowed at every door, hands that hold it."""
        allowed = frozenset.intersection(*(frozenset(eligible.climb[q.index])
                                           for q, _ in group))
        return frozenset(w for w in allowed
                         if self.s.hand_capacity(self.ctx.volunteers[w])[0] >= run.bags
                         and self.s.hand_capacity(self.ctx.volunteers[w])[1] >= run.kg - 1e-9)

    def runs(self, w: int, stairwell: str, parcels: list[Parcel]
             ) -> list[list[tuple[Parcel, tuple[int, ...]]]]:
        """A climber's runs with these bags: top floors first, as much as the hands and
        the entrance buffer hold."""
        groups = self.ctx.builder.runs(w, parcels)
        limit = self.s.buffer_bags(stairwell)
        if limit is None:
            return groups
        out: list[list[tuple[Parcel, tuple[int, ...]]]] = []
        for group in groups:
            current: list[tuple[Parcel, tuple[int, ...]]] = []
            for q, idx in group:
                if current and sum(len(i) for _, i in current) + len(idx) > limit:
                    out.append(current)
                    current = []
                current.append((q, idx))
            out.append(current)
        return out


#: Why a household is left out when the roles given leave nobody for it.
LOST = (UnservedReason.NO_ELIGIBLE_VOLUNTEER,
        "once roles were given, no trip-maker and climber, nor carrier, may serve it")


def _score(table: RelayTimetable) -> tuple[int, float]:
    """Fewer households left out first, then the earlier last hand-over."""
    return len(table.unserved), table.last_delivery_s


def solve(ctx: Context, budget: Budget, bound: Bound, eligible: RelayEligibility
          ) -> RelayTimetable:
    """Plan a relay round (the module docstring's steps)."""
    planner = RelayPlanner(ctx, eligible, budget)
    n = len(ctx.volunteers)
    t0 = ctx.demand.round_start_s
    roles = planner.roles([0.0] * n)
    # Timed households go to trip-makers only.
    carry_eligible = {i: [v for v in vs if roles[v] != "climbs"]
                      for i, vs in ctx.eligible.items()}
    timed_queues, dropped = assign_timed(
        ctx, [q for q in planner.timed if carry_eligible[q.index]], carry_eligible)
    timed_s = [sum(t.free_off for t in queue) for queue in timed_queues]
    lost_timed = [q for q in planner.timed if not carry_eligible[q.index]]
    budget.tell("relay roles given", lower_bound_s=bound.value_s)

    best: RelayTimetable | None = None
    overhead = [0.0] * n
    rounds = 0
    while best is None or (not budget.expired() if not budget.deterministic
                           else rounds < DETERMINISTIC_ROUNDS and not budget.interrupted()):
        offsets = [timed_s[v] + overhead[v] for v in range(n)]
        table, lp_work = planner.settle(roles, offsets, timed_queues)
        rounds += 1
        if best is None or _score(table) < _score(best):
            best = table
            budget.tell("relay day simulated", makespan_s=table.last_delivery_s - t0,
                        lower_bound_s=bound.value_s)
        finish = _finishes(ctx, table)
        target = max(finish)
        overhead = [max(0.0, overhead[v] + STEERING_DAMPING * (
            (finish[v] - ctx.volunteers[v].shift.start) - timed_s[v] - overhead[v]
            - lp_work[v])) if finish[v] > -math.inf else overhead[v] for v in range(n)]
        log.info("relay round %d: makespan %.0f s, latest finish %.0f", rounds,
                 table.last_delivery_s - t0, target - t0)
    assert best is not None
    best.unserved = dropped + [
        (q, *LOST) for q in lost_timed] + [
        (q, UnservedReason.NO_ELIGIBLE_VOLUNTEER,
         "its bags are more than the entrance buffer holds, and nobody may carry them up")
        for q in planner.too_big] + best.unserved
    return best


def _finishes(ctx: Context, table: RelayTimetable) -> list[float]:
    """When each volunteer's last drop or hand-over happens."""
    out = [-math.inf] * len(ctx.volunteers)
    for v, trips in enumerate(table.trips):
        for trip in trips:
            last = trip.start_s + max(
                [trip.shape.last_delivery_off,
                 *(off for stop in trip.shape.stops for _, _, off in stop.relays)])
            out[v] = max(out[v], last + sum(trip.waits.values()))
    for w, climbs in enumerate(table.climbs):
        for climb in climbs:
            out[w] = max(out[w], climb.start_s + climb.task.run.doors[-1][2])
    return out


__all__ = ["RelayTimetable", "solve"]

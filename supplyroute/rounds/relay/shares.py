"""Steps 2-4 and the settling of the relay planner (:mod:`supplyroute.rounds.relay`):
roles, the work shared out by the relay work LP, loads and climbs, and days planned
again until every bag put down at an entrance is taken up."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

from supplyroute.bounds.lp import CARRY, CLIMB, FERRY
from supplyroute.bounds.relay import RelayEligibility, relay_work_lp
from supplyroute.compound.costs import parcel_cost, stair_cost, trip_cost
from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.trips import RunShape, TripShape
from supplyroute.models import (
    Priority,
    Role,
    UnservedReason,
)
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.carry.packing import pack_trips
from supplyroute.rounds.relay.day import ClimbTask, Load, RelayDay, RelayTimetable

#: Days planned again with stranded households carried before relaying stops.
MAX_SETTLING = 3


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


class RelaySearch:
    """Steps 2-4 for one scenario, and the settling of a day."""

    def __init__(self, ctx: PreparedCompound, eligible: RelayEligibility, budget: Budget):
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
        return self.cover(roles)

    def cover(self, roles: dict[int, str]) -> dict[int, str]:
        """Roles that leave no household without a trip-maker and climber (or a
        carrier) that the volunteers' own roles would allow: a volunteer free to do
        either swaps while a swap serves more households than it loses."""
        def lost(r: dict[int, str]) -> list[Parcel]:
            eligible = self.within(r)
            return [q for q in self.regular if not eligible.servable(q)]

        gone = lost(roles)
        e = self.eligible
        may = {v for q in gone for table in (e.carry, e.ferry, e.climb)
               for v in table.get(q.index, ())}
        free = [v for v in sorted(may)
                if self.ctx.volunteers[v].role is Role.ANY and roles[v] != "both"]
        now = len(gone)
        while now:
            best = None
            for v in free:
                swapped = {**roles, v: "climbs" if roles[v] == "trips" else "trips"}
                count = len(lost(swapped))
                if count < now and (best is None or count < best[0]):
                    best = (count, swapped)
            if best is None:
                break
            now, roles = best
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
        kind_of, climber_of, lp_work = self.share_out(eligible, servable, offsets)
        loads, tasks = self.loads_and_climbs(eligible, servable, kind_of, climber_of,
                                             timed_queues)
        # Climbers walk ahead of their bags; where buffers have limits that may leave a
        # ferry and a climber waiting for each other, and then the runs are given out
        # only once their bags are down.
        limited = any(self.s.buffer_bags(w) is not None for w in self.s.stairwells)
        day = RelayDay(ctx, loads, tasks, ahead=True)
        table = day.run()
        if limited and day.stalled:
            table = RelayDay(ctx, loads, tasks, ahead=False).run()
        for q in lost:
            reason, detail = STRANDED if q.index in self.carry_only else LOST
            table.unserved.append((q, reason, detail))
        return table, lp_work

    def share_out(self, eligible: RelayEligibility, servable: list[Parcel],
                  offsets: list[float]
                  ) -> tuple[dict[int, tuple[str, int]], dict[int, int], list[float]]:
        """The relay work LP's shares as whole households: each carried or ferried by a
        volunteer (``kind_of``), each ferried one climbed by a climber (``climber_of``),
        and each volunteer's LP work."""
        ctx = self.ctx
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
        return kind_of, climber_of, lp_work

    def loads_and_climbs(self, eligible: RelayEligibility, servable: list[Parcel],
                         kind_of: dict[int, tuple[str, int]], climber_of: dict[int, int],
                         timed_queues: list[list[TripShape]]
                         ) -> tuple[list[Load], list[ClimbTask]]:
        """Each trip-maker's loads (the timed ones first) and, at every stop, the climbs
        that take up what it leaves in the entrance buffer."""
        ctx = self.ctx
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
        return loads, tasks

    def settle(self, roles: dict[int, str], offsets: list[float],
               timed_queues: list[list[TripShape]]) -> tuple[RelayTimetable, list[float]]:
        """A day in which every bag put down at an entrance is taken up: a household
        whose climb did not fit (a shift ended) is carried instead and the day planned
        again; after a few tries, nothing is relayed."""
        for attempt in itertools.count():
            table, lp_work = self.day(roles, offsets, timed_queues)
            stranded = {i for i in table.ferry_of
                        if i not in table.delivered or i in table.partial}
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


#: Why a household is left out when the relay day could not fit its climb in and
#: nobody may carry its bags up whole.
STRANDED = (UnservedReason.NO_VOLUNTEER_TIME,
            "the relay day could not fit its climb in (tried again, its bags would "
            "wait at the entrance with no climber to take them up), and no volunteer "
            "may carry its bags up whole")
#: Why a household is left out when the roles given leave nobody for it.
LOST = (UnservedReason.NO_ELIGIBLE_VOLUNTEER,
        "once roles were given, no trip-maker and climber, nor carrier, may serve it")

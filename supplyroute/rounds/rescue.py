"""No household left out while a volunteer could still bring it its bags.

A planner shares the work out before it knows exactly where each shift ends: a
volunteer whose shift is cut short may be handed a load it cannot finish, while others
are free until the evening. Whatever a round's planner leaves out is offered here, in
order of priority, to every volunteer who may serve it, as one more trip from the gate
after their last (or onto the extra trip they already got, while it holds the bags):
the trip that ends their day soonest is taken, if it is back within the shift, meets
the household's deadline and window, and the gate has its bags by then. A household
still left out gets a reason that says what binds: the earliest any volunteer allowed
to serve it could be back, or hand it over, against their shift or its deadline.

The checker holds every plan to the same rule with its own arithmetic
(:mod:`supplyroute.checks.left_out`): a household is left out only if no trip appended
to any volunteer's day serves it within the shift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from supplyroute.clock import hhmm
from supplyroute.compound.demand import PRIORITY_RANK, Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import (
    EPS,
    Scheduled,
    earliest_start,
    latest_start,
    pooled_bags,
)
from supplyroute.compound.trips import RISKY, TripShape, to_trips
from supplyroute.models import Unserved, UnservedReason, VolunteerPlan
from supplyroute.rounds.interface import RoundResult, delivery


@dataclass(frozen=True)
class _Offer:
    volunteer: int
    trip: Scheduled
    extends: bool  #: onto the volunteer's last extra trip rather than a new one.


class Rescue:
    """The round's left-out households offered to the volunteers' free time."""

    def __init__(self, ctx: PreparedCompound, result: RoundResult):
        self.ctx = ctx
        self.result = result
        by_id = {vp.volunteer: vp for vp in result.volunteers}
        self.plans = [by_id.get(v.id) for v in ctx.volunteers]
        self.parcels = {q.id: q for q in ctx.demand.parcels}
        self.used = self._pooled_bags_drawn()
        self.free_s = [self._free_from(v) for v in range(len(ctx.volunteers))]
        self.extra: dict[int, list[Scheduled]] = {}

    def _pooled_bags_drawn(self) -> dict[str, int]:
        """Each gate's interchangeable bags the round already takes."""
        used = {gate: 0 for gate in self.ctx.demand.pools}
        for vp in self.result.volunteers:
            for trip in vp.trips:
                for hid, bags in trip.bags_by_household().items():
                    if self.parcels[hid].named_gate is None:
                        used[trip.gate] += bags
        return used

    def _free_from(self, v: int) -> float | None:
        """When the volunteer may start another trip from the gate (None: not this
        volunteer: its day holds climbs, which end away from the gate)."""
        vp = self.plans[v]
        volunteer = self.ctx.volunteers[v]
        if vp is None:
            return volunteer.shift.start
        if vp.climbs:
            return None
        free = volunteer.shift.start
        wait = self.ctx.scenario.parameters.disinfection_s
        for trip in vp.trips:
            risky = any(self.parcels[hid].household.risk in RISKY
                        for hid in trip.bags_by_household())
            free = max(free, trip.return_s + (wait if risky else 0.0))
        return free

    def offer(self, v: int, q: Parcel) -> _Offer | None:
        """The volunteer's soonest-ending trip for ``q`` within its shift, if any: onto
        its last extra trip while that holds the bags, or a new one after it."""
        builder = self.ctx.builder
        options = []
        extras = self.extra.get(v, [])
        if extras and builder.fits(v, [*extras[-1].shape.parcels, q]):
            last = extras[-1]
            options.append((builder.shape(v, [*last.shape.parcels, q]), last.start_s, True))
        free = self.free_s[v]
        if extras:
            free = extras[-1].start_s + extras[-1].shape.free_off
        if free is not None:
            options.append((builder.shape(v, [q]), free, False))
        best = None
        for shape, not_before, extends in options:
            start = self._start(v, shape, not_before, extends)
            if start is None or start > latest_start(shape) + EPS:
                continue
            trip = Scheduled(shape, start)
            if trip.end_s > self.ctx.volunteers[v].shift.end + EPS:
                continue
            if best is None or trip.end_s < best.trip.end_s - EPS:
                best = _Offer(v, trip, extends)
        return best

    def _start(self, v: int, shape: TripShape, not_before: float, extends: bool) -> float | None:
        """The earliest start: after ``not_before``, the releases and windows, and once
        the gate has released every pooled bag the round takes, these included."""
        t = max(not_before, earliest_start(self.ctx.demand, shape))
        gate = self.ctx.volunteers[v].gate
        more = pooled_bags(shape) - (pooled_bags(self.extra[v][-1].shape) if extends else 0)
        if pooled_bags(shape):
            when = self.ctx.demand.pools[gate].time_for(self.used[gate] + more)
            if when is None:
                return None
            t = max(t, when)
        if extends and t > not_before + EPS:
            return None  # the extra trip is set to leave: it does not wait for these bags
        return t

    def take(self, offer: _Offer) -> None:
        v = offer.volunteer
        extras = self.extra.setdefault(v, [])
        before = pooled_bags(extras[-1].shape) if offer.extends else 0
        self.used[self.ctx.volunteers[v].gate] += pooled_bags(offer.trip.shape) - before
        if offer.extends:
            extras[-1] = offer.trip
        else:
            extras.append(offer.trip)

    def run(self) -> RoundResult:
        left = sorted(self.result.unserved, key=lambda u: _urgency(self.parcels[u.household]))
        still: list[Unserved] = []
        for u in left:
            q = self.parcels[u.household]
            offers = [o for v in self.ctx.eligible[q.index]
                      if (o := self.offer(v, q)) is not None]
            if offers:
                self.take(min(offers, key=lambda o: (o.trip.end_s, o.volunteer)))
            else:
                still.append(u)
        still = [self._reason(u, self.parcels[u.household]) for u in still]
        if not self.extra:
            return RoundResult(self.result.volunteers, self.result.deliveries, still,
                               self.result.proven_optimal)
        return self._with_extra_trips(still)

    def _with_extra_trips(self, still: list[Unserved]) -> RoundResult:
        """The round's volunteers' days with their extra trips, and the ledger."""
        scenario, builder = self.ctx.scenario, self.ctx.builder
        volunteers = list(self.result.volunteers)
        deliveries = list(self.result.deliveries)
        index = {vp.volunteer: i for i, vp in enumerate(volunteers)}
        for v, extras in sorted(self.extra.items()):
            vid = self.ctx.volunteers[v].id
            if vid not in index:
                index[vid] = len(volunteers)
                volunteers.append(VolunteerPlan(volunteer=vid))
            for extra in extras:
                vp = volunteers[index[vid]]
                trips = (*vp.trips, *to_trips(builder, extra.shape, extra.start_s))
                volunteers[index[vid]] = vp.model_copy(update={  # no climbs: trips only
                    "trips": trips,
                    "busy_s": round(sum(t.return_s - t.start_s for t in trips), 2),
                    "walk_m": round(sum(t.walk_m for t in trips), 1),
                    "floors_climbed": vp.floors_climbed + extra.shape.floors_climbed,
                })
                deliveries += [delivery(scenario, hid, vid, extra.start_s + offset,
                                        trip=len(trips) - 1)
                               for hid, offset in extra.shape.delivered_offsets.items()]
        return RoundResult(volunteers, deliveries, still, proven_optimal=False)

    def _reason(self, u: Unserved, q: Parcel) -> Unserved:
        """A time-bound reason restated with what binds: the earliest return (or
        hand-over) of any volunteer allowed to serve it, against their shift (or its
        deadline)."""
        timely = u.reason in (UnservedReason.NO_VOLUNTEER_TIME,
                              UnservedReason.DEADLINE_UNREACHABLE)
        # a planner's own restriction (by hand, the carts left behind; a relay's
        # roles) is not the scenario's: someone may serve it, time is what binds
        restated = u.reason is UnservedReason.NO_ELIGIBLE_VOLUNTEER and self.ctx.eligible[q.index]
        if not (timely or restated):
            return u
        best: tuple[float, int, TripShape, float] | None = None
        for v in self.ctx.eligible[q.index]:
            extras = self.extra.get(v)
            free = extras[-1].start_s + extras[-1].shape.free_off if extras else self.free_s[v]
            if free is None:
                continue
            shape = self.ctx.builder.shape(v, [q])
            start = self._start(v, shape, free, extends=False)
            if start is not None and (best is None or start + shape.return_off < best[0]):
                best = (start + shape.return_off, v, shape, start)
        if best is None:
            if restated and all(self.free_s[v] is not None for v in self.ctx.eligible[q.index]):
                return Unserved(household=u.household, reason=UnservedReason.NOT_RELEASED,
                                detail="the gate's batches run out before its bags")
            return u
        end, v, shape, start = best
        volunteer = self.ctx.volunteers[v]
        if start > latest_start(shape) + EPS:
            handed = start + shape.delivered_offsets[q.id]
            return Unserved(household=u.household,
                            reason=UnservedReason.DEADLINE_UNREACHABLE,
                            detail=f"the earliest hand-over any volunteer allowed to serve it "
                                   f"could make is {hhmm(handed)} ({volunteer.id!r}), after "
                                   f"its deadline {hhmm(q.latest_s or math.inf)}")
        return Unserved(household=u.household, reason=UnservedReason.NO_VOLUNTEER_TIME,
                        detail=f"no volunteer allowed to serve it is free long enough: the "
                               f"earliest back from its trip would be {volunteer.id!r} at "
                               f"{hhmm(end)}, after the shift ends ({hhmm(volunteer.shift.end)})")


def rescue(ctx: PreparedCompound, result: RoundResult) -> RoundResult:
    """The round with every left-out household some volunteer can still serve within
    their shift on one more trip served, and the others' reasons saying what binds."""
    if not result.unserved:
        return result
    return Rescue(ctx, result).run()


def _urgency(q: Parcel) -> tuple:
    return (PRIORITY_RANK[q.household.priority], q.latest_s if q.latest_s is not None
            else math.inf, q.index)

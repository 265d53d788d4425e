"""The day cut at the replan's time: what is kept of the plan being followed, the
rest of the day as a scenario of its own, and a plan of the rest merged back."""

from __future__ import annotations

import math
from collections import Counter
from functools import cached_property

from supplyroute.bounds.carry import Bound
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.travel import Travel
from supplyroute.compound.trips import RISKY
from supplyroute.io import validate_document
from supplyroute.models import Plan, Scenario, Trip, Unserved, UnservedReason, VolunteerPlan
from supplyroute.models.events import (
    CartBroken,
    Closed,
    Events,
    HouseholdsRemoved,
    ReleaseChanged,
    UrgentOrder,
    VolunteerLate,
    VolunteerLeaves,
)
from supplyroute.models.plan import BagsBack, CutTrip, Delivery
from supplyroute.replan.events import DayScenario
from supplyroute.replan.stops import households_of, stop_households, stop_key
from supplyroute.rounds.assemble import only_unservable, plan_model

#: Each volunteer's next stops that the middle way holds as planned.
HOLD_STOPS = 3


def out_of_time(hid: str) -> Unserved:
    """A household someone may serve, but nobody has time for after the replan."""
    return Unserved(household=hid, reason=UnservedReason.NO_VOLUNTEER_TIME,
                    detail="no volunteer has time left after the replan")



class ReplanDay:
    """The original plan cut at ``at_s``: what is kept (done, under way, held), and the
    day's scenario with the events."""

    def __init__(self, scenario: Scenario, original: Plan, events: Events, at_s: float,
                 hold_stops: int = 0, free: frozenset[str] = frozenset()):
        self.base = scenario
        self.original = original
        self.events = events.events
        self.at_s = at_s
        self.t0 = min(v.shift.start for v in scenario.volunteers)
        leaves = {e.volunteer: e.at for e in self.events if isinstance(e, VolunteerLeaves)}
        self.leaves = leaves
        #: each volunteer's trips kept (models), the stops kept of a cut one.
        self.kept: dict[str, list[Trip]] = {}
        #: how many of them had started before ``at_s`` (the others are held: the
        #: volunteer's next stops, kept as planned so that its sheet does not change).
        self.started: dict[str, int] = {}
        self.cut: list[CutTrip] = []
        self.bags_back: list[BagsBack] = []
        travel = Travel(scenario)
        self.travel = travel
        for vp in original.volunteers:
            cut_s = min(at_s, leaves.get(vp.volunteer, math.inf))
            kept = []
            for index, trip in enumerate(vp.trips):
                if trip.start_s >= cut_s - 1e-9:
                    break
                if vp.volunteer in leaves and leaves[vp.volunteer] <= at_s and \
                        trip.return_s > cut_s:
                    cut = self._cut(vp.volunteer, index, trip, cut_s)
                    if cut is None:
                        break
                    trip = cut
                kept.append(trip)
            self.started[vp.volunteer] = len(kept)
            if hold_stops and cut_s >= at_s and vp.volunteer not in free:
                held = 0
                for trip in vp.trips[len(kept):]:
                    if held >= hold_stops or not self._may_hold(vp.volunteer, trip):
                        break
                    kept.append(trip)
                    held += len(trip.stops)
            self.kept[vp.volunteer] = kept
        self.locked: dict[str, Delivery] = {}
        for d in original.deliveries:
            kept = self.kept.get(d.volunteer, [])
            if d.trip is not None and d.trip < len(kept) and d.household in \
                    households_of(kept[d.trip]):
                self.locked[d.household] = d
        self.locked_last_s = max((d.delivered_s for d in self.locked.values()),
                                 default=self.t0)
        self.scenario = DayScenario(scenario, original, self.events, at_s, self.kept,
                                    self.locked, self.bags_back).build()

    def _may_hold(self, volunteer: str, trip: Trip) -> bool:
        """Whether a trip after the replan may stay exactly as planned: nothing the
        events change is on it (a household removed, made urgent or closed in, a cart
        broken, a batch moved before it, a volunteer late or leaving before it ends)."""
        touched: set[str] = set()
        for e in self.events:
            if isinstance(e, HouseholdsRemoved):
                touched.update(e.households)
            elif isinstance(e, UrgentOrder):
                touched.add(e.household)
            elif getattr(e, "volunteer", None) == volunteer and (
                    isinstance(e, (CartBroken, VolunteerLate))
                    or isinstance(e, VolunteerLeaves) and trip.return_s > e.at):
                return False
            elif isinstance(e, ReleaseChanged):
                was = self.base.gates[[g.id for g in self.base.gates].index(e.gate)] \
                    .releases[e.release].at
                if trip.start_s >= min(was, e.at if e.at is not None else was):
                    return False
            elif isinstance(e, Closed):
                closed = {e.stairwell} if e.stairwell else {
                    w.id for b in self.base.buildings if b.id == e.building
                    for w in b.stairwells}
                if any(st.stairwell in closed and st.arrive_s < e.until for st in trip.stops):
                    return False
        return not touched.intersection(households_of(trip))

    def _cut(self, volunteer: str, index: int, trip: Trip, cut_s: float) -> Trip | None:
        """The trip of a volunteer who left at ``cut_s``: the stairwell in hand is
        finished, then straight back with the rest (None: still loading, nothing done)."""
        stops = [] if trip.depart_s > cut_s else [st for st in trip.stops
                                                  if st.arrive_s < cut_s]
        if len(stops) == len(trip.stops):
            return trip  # past its last stairwell: back as planned
        returned = [h for st in trip.stops[len(stops):] for h in stop_households(st)]
        if not stops:
            back_s = round(cut_s, 2)
            kept = None
        else:
            volunteer_model = self.base.volunteer_by_id[volunteer]
            p = self.base.parameters
            speed = (volunteer_model.cart.speed_mps or p.cart_speed_mps) \
                if trip.mode == "cart" and volunteer_model.cart else \
                volunteer_model.walk_speed_mps or p.walk_speed_mps
            gate = self.travel.place(trip.gate, gate=True)
            walked, here = 0.0, gate
            for st in stops:
                there = self.travel.place(st.stairwell)
                walked += float(self.travel.dist_m[here, there])
                here = there
            walk_back = float(self.travel.dist_m[here, gate])
            back_s = round(stops[-1].leave_s + walk_back / speed, 2)
            bags_of = self.base.bags_of
            handed = [(d.household, d.bags) for st in stops for d in st.drops] + [
                (d.household, d.bags) for st in stops for r in st.runs for d in r.doors]
            kept = trip.model_copy(update={
                "stops": tuple(stops), "return_s": back_s,
                "bags": sum(len(bags) for _, bags in handed),
                "carry_kg": round(sum(bags_of(self.base.household_by_id[h])[i].weight_kg
                                      for h, bags in handed for i in bags), 2),
                "walk_m": round(walked + walk_back, 2)})
        self.bags_back += [BagsBack(household=h, gate=trip.gate, back_s=back_s)
                           for h in returned]
        self.cut.append(CutTrip(volunteer=volunteer, trip=index, stops_kept=len(stops)))
        return kept

    @cached_property
    def context(self) -> PreparedCompound:
        """The day's scenario prepared once, for every candidate merged on it."""
        return PreparedCompound(self.scenario)

    # -- the rest of the day ---------------------------------------------------------

    def free_from(self, volunteer: str) -> float:
        """When a volunteer can start a new trip: after its kept trips (and the
        disinfection after a risky one), not before the replan."""
        s = self.scenario
        t = self.at_s
        for trip in self.kept.get(volunteer, []):
            end = trip.return_s
            if any(s.household_by_id[h].risk in RISKY for h in households_of(trip)
                   if h in s.household_by_id):
                end += s.parameters.disinfection_s
            t = max(t, end)
        return t

    def rest_scenario(self) -> Scenario | None:
        """The households not served by the kept trips, each volunteer from the moment
        it is free, what is left at the gates. None if nobody is left to plan."""
        s = self.scenario
        data = s.model_dump(mode="json")
        data["households"] = [h for h in data["households"] if h["id"] not in self.locked]
        broken = {e.volunteer for e in self.events if isinstance(e, CartBroken)}
        volunteers = []
        for v in data["volunteers"]:
            start = max(v["shift"]["start"], self.free_from(v["id"]))
            if start >= v["shift"]["end"]:
                continue  # no time left today
            v["shift"]["start"] = start
            if v["id"] in broken:
                v["cart"] = None
            volunteers.append(v)
        if not data["households"] or not volunteers:
            return None
        data["volunteers"] = volunteers
        # Pooled bags the kept trips took from each gate's batches are gone.
        taken: Counter[str] = Counter()
        named = {h for g in s.gates for r in g.releases for h in r.households or ()}
        for trips in self.kept.values():
            for trip in trips:
                for hid in households_of(trip):
                    if hid not in named and hid in s.household_by_id:
                        taken[trip.gate] += len(s.bags_of(s.household_by_id[hid]))
        rest_ids = {h["id"] for h in data["households"]}
        for gate in data["gates"]:
            counted = sorted((r for r in gate["releases"] if r.get("bags") is not None),
                             key=lambda r: r["at"])
            left = taken[gate["id"]]
            for r in counted:
                used = min(left, r["bags"])
                r["bags"] -= used
                left -= used
            releases = []
            for r in gate["releases"]:
                if r.get("households") is not None:
                    r["households"] = [h for h in r["households"] if h in rest_ids]
                    if not r["households"]:
                        continue
                releases.append(r)
            gate["releases"] = releases
        data["name"] = s.name
        return validate_document(Scenario, data)

    def merge(self, rest: Plan | None, bound: Bound, solve_s: float | None) -> Plan:
        """The day's plan: the kept trips, then the rest's trips of each volunteer."""
        s = self.scenario
        ctx = self.context
        by_volunteer = {vp.volunteer: vp for vp in rest.volunteers} if rest else {}
        deliveries = [d for d in self.locked.values() if d.household in s.household_by_id]
        volunteer_plans = []
        for v in s.volunteers:
            kept = self.kept.get(v.id, [])
            new = by_volunteer.get(v.id)
            trips = [*kept, *(new.trips if new else ())]
            floors = sum(self.travel.stairs[st.stairwell].floors_climbed(r.top_floor)
                         for t in kept for st in t.stops for r in st.runs)
            volunteer_plans.append(VolunteerPlan(
                volunteer=v.id, trips=tuple(trips),
                busy_s=round(sum(t.return_s - t.start_s for t in trips), 2),
                walk_m=round(sum(t.walk_m for t in trips), 1),
                floors_climbed=floors + (new.floors_climbed if new else 0)))
        offset = {v.id: len(self.kept.get(v.id, [])) for v in s.volunteers}
        if rest is not None:
            deliveries += [d.model_copy(update={"trip": offset[d.volunteer] + d.trip})
                           for d in rest.deliveries]
        unserved = []
        for u in rest.unserved if rest is not None else ():
            q = ctx.demand.parcels[ctx.household_index[u.household]]
            if u.reason is UnservedReason.NO_ELIGIBLE_VOLUNTEER and ctx.eligible[q.index]:
                u = out_of_time(u.household)  # someone may serve it, but has no time left
            unserved.append(u)
        served = {d.household for d in deliveries} | {u.household for u in unserved}
        for h in s.households:  # nobody left to serve them
            if h.id not in served:
                unserved.append(out_of_time(h.id))
        return plan_model(ctx, volunteer_plans, deliveries, unserved, bound, "replan",
                          solve_s, False, "carry",
                          gap_allowed=only_unservable(ctx, unserved))

    def bound(self, fresh: Plan | None) -> Bound:
        """No replan ends before its last kept hand-over, nor before the rest's own
        bound after the rest can start."""
        locked = self.locked_last_s - self.t0
        value, kind = locked, "replan: kept hand-overs"
        if fresh is not None and fresh.summary.lower_bound_s > 0:
            rest = fresh.summary.round_start_s - self.t0 + fresh.summary.lower_bound_s
            if rest > value:
                value, kind = rest, f"replan: {fresh.summary.bound} of the rest"
        return Bound(value, kind, 0.0, 0.0, 0.0)

    def changes(self, merged: Plan) -> tuple[int, list[str]]:
        """Stops of the remaining sheets added or taken away, and the volunteers whose
        next three stops changed."""
        old = {vp.volunteer: vp for vp in self.original.volunteers}
        changed = 0
        next_three = []
        for vp in merged.volunteers:
            kept = self.started.get(vp.volunteer, 0)
            before = [stop_key(st) for t in old[vp.volunteer].trips[kept:]
                      for st in t.stops] if vp.volunteer in old else []
            after = [stop_key(st) for t in vp.trips[kept:] for st in t.stops]
            changed += sum(((Counter(before) - Counter(after))
                            + (Counter(after) - Counter(before))).values())
            # Stops only added after the old sheet's end do not change what comes next.
            shown = min(HOLD_STOPS, len(before))
            if before[:shown] != after[:shown] and vp.volunteer not in self.leaves:
                next_three.append(vp.volunteer)
        return changed, next_three

"""``replan(scenario, plan, events, at_s) -> Replanned``: the day as it happens.

At ``at_s`` the coordinator takes in what has happened (a volunteer left, an urgent
order came in, a batch is late, a stairwell closed) and needs a new plan that keeps what
is done and under way and changes as little as possible for everyone else:

1. **Kept.** Every trip that started before ``at_s`` stays as it was: its hand-overs
   are done or under way. A volunteer who left during a trip finishes the stairwell in
   hand and walks back with the bags of the stairwells not reached; those bags are back
   at the gate when the volunteer is, named for another volunteer to take.
2. **The day's scenario.** The original scenario with the events in it: households
   added, removed or made urgent, closures as windows that open at ``until``, shifts
   that end when a volunteer leaves, batches moved. The replan is a plan of it.
3. **The rest.** What is left is a scenario of its own: the households not served,
   each volunteer from the moment it is free, what is left at the gates. Two plans of
   it are made: the old sheets repaired (each volunteer keeps the stops it still has,
   in order; the orphaned households are packed into trips of their own, urgent ones
   timed to their deadline) and a fresh plan. The fresh one is taken only if it is
   shorter by :data:`FRESH_SHORTER_BY` or serves more households; both figures are
   reported, with the stops the chosen one changes.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from supplyroute.bounds.carry import Bound, lower_bound
from supplyroute.clock import hhmm
from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import schedule
from supplyroute.compound.travel import Travel
from supplyroute.compound.trips import RISKY, TripShape
from supplyroute.errors import InputError, InputIssue
from supplyroute.io import validate_document
from supplyroute.models import Plan, Scenario, Trip, UnservedReason, VolunteerPlan
from supplyroute.models.digest import plan_sha256, scenario_sha256
from supplyroute.models.events import (
    CartBroken,
    Closed,
    Events,
    HouseholdsAdded,
    HouseholdsRemoved,
    ReleaseChanged,
    UrgentOrder,
    VolunteerJoins,
    VolunteerLate,
    VolunteerLeaves,
)
from supplyroute.models.plan import BagsBack, CutTrip, Delivery, Replan, Stop
from supplyroute.models.scenario import MAX_TIME_S
from supplyroute.planner import PlanOptions, plan
from supplyroute.rounds.assemble import assemble, only_unservable, plan_model, timetable_round
from supplyroute.rounds.budget import Progress

#: A fresh plan of the rest replaces the repaired sheets only if its round is shorter
#: by this share: a coordinator would rather not reshuffle everyone for a minute.
FRESH_SHORTER_BY = 0.02


@dataclass(frozen=True)
class Replanned:
    """A replan and the day's scenario it is a plan of (the original with the events)."""

    plan: Plan
    scenario: Scenario


def replan(scenario: Scenario, original: Plan, events: Events, at_s: float,
           options: PlanOptions | None = None) -> Replanned:
    """Replan ``original`` (a plan of ``scenario``) at ``at_s`` with ``events``."""
    options = options or PlanOptions()
    started = time.monotonic()
    _refuse_mismatch(scenario, original, events)
    # What must be kept (done and under way), and the rest planned afresh: the bound.
    day = _Day(scenario, original, events, at_s)
    rest = day.rest_scenario()
    half = replace(options, method="optimized", mode="carry",
                   time_limit_s=options.time_limit_s / 2,
                   progress=_labelled(options.progress, "the rest afresh"))
    fresh = plan(rest, half) if rest is not None else None
    bound = day.bound(fresh)
    # Three ways to go on, fewest changes first: the old sheets repaired; each
    # volunteer's next stops held as planned and the rest planned afresh; all of it
    # afresh. The first within FRESH_SHORTER_BY of the best is taken.
    rest_ctx = PreparedCompound(rest) if rest is not None else None  # the repair's and the takers'
    held = _Day(scenario, original, events, at_s, hold_stops=HOLD_STOPS,
                free=_takers(rest_ctx, day) if rest_ctx is not None else frozenset())
    held_rest = held.rest_scenario()
    candidates: list[tuple[str, _Day, Plan | None]] = [
        ("sheets kept", day, _repair(rest_ctx, day) if rest_ctx is not None else None),
        ("next stops kept", held, plan(held_rest, replace(
            half, progress=_labelled(options.progress, "the rest after the next stops")))
         if held_rest is not None else None),
        ("fresh", day, fresh),
    ]
    solve_s = None if options.deterministic else round(time.monotonic() - started, 3)
    merged = [(name, d, d.merge(p, bound, solve_s)) for name, d, p in candidates]
    best = min(merged, key=lambda c: _score(c[2]))
    chosen, chosen_day, result = next(c for c in merged if _good_as(c[2], best[2]))
    changed, next_three = day.changes(result)
    info = Replan(
        at_s=at_s, original_sha256=plan_sha256(original),
        base_scenario_sha256=original.scenario_sha256, events=len(events.events),
        trips_kept=sum(chosen_day.started.values()), cut_trips=tuple(chosen_day.cut),
        left={v: t for v, t in sorted(chosen_day.leaves.items()) if t < at_s},
        bags_back=tuple(chosen_day.bags_back), chosen=chosen,  # type: ignore[arg-type]
        candidates={name: p.summary.makespan_s for name, _, p in merged},
        changed_stops=changed, next_three_changed=tuple(next_three))
    if options.stop is not None and options.stop():  # Ctrl-C: the best found until then
        result = result.model_copy(update={"summary": result.summary.model_copy(
            update={"interrupted": True})})
    return Replanned(result.model_copy(update={"replan": info}), chosen_day.scenario)


def _takers(ctx: PreparedCompound, day: _Day) -> frozenset[str]:
    """The volunteers who would hand over each new timed delivery soonest (an urgent
    order, a new household with a deadline): their sheets change for it; the others'
    next stops are held."""
    new = {e.household for e in day.events if isinstance(e, UrgentOrder)}
    new |= {f"{hid}/order" for hid in new}
    new |= {h.id for e in day.events if isinstance(e, HouseholdsAdded) for h in e.households}
    takers = set()
    for q in ctx.demand.parcels:
        if not (q.timed and (q.id in new or q.id.split("/order")[0] in new)):
            continue
        options = [(ctx.volunteers[v].shift.start
                    + ctx.builder.shape(v, [q]).last_delivery_off, v)
                   for v in ctx.eligible[q.index] if ctx.builder.fits(v, [q])]
        if options:
            takers.add(ctx.volunteers[min(options)[1]].id)
    return frozenset(takers)


def _labelled(report: Callable[[Progress], None] | None,
              label: str) -> Callable[[Progress], None] | None:
    """Progress of a plan of the rest, said as such (its makespan counts from when
    the rest can start, not from the round's start)."""
    if report is None:
        return None
    return lambda p: report(replace(p, stage=f"{label}: {p.stage}"))


#: Each volunteer's next stops that the middle way holds as planned.
HOLD_STOPS = 3


def _score(p: Plan) -> tuple[int, int, float]:
    sm = p.summary
    return -sm.households_served, -sm.deadlines_met, sm.makespan_s


def _good_as(p: Plan, best: Plan) -> bool:
    """Serves as many, meets as many deadlines, and ends at most FRESH_SHORTER_BY later."""
    a, b = p.summary, best.summary
    return (a.households_served, a.deadlines_met) == (b.households_served, b.deadlines_met) \
        and a.makespan_s <= b.makespan_s * (1 + FRESH_SHORTER_BY) + 1e-6


def _refuse_mismatch(scenario: Scenario, original: Plan, events: Events) -> None:
    """The plan must be of this scenario, a carry round, and the events must name
    what the scenario has."""
    if original.scenario != scenario.name:
        raise InputError(InputIssue("plan", f"the plan is for scenario {original.scenario!r}"
                                    f", not {scenario.name!r}"))
    if original.scenario_sha256 not in (None, scenario_sha256(scenario)):
        raise InputError(InputIssue("plan", "the plan was made for another version of "
                                    "this scenario"))
    if any(vp.climbs for vp in original.volunteers):
        raise InputError(InputIssue("plan", "replanning a relay round is not supported: "
                                    "replan a carry plan"))
    volunteers = {v.id for v in scenario.volunteers}
    households = set(scenario.household_by_id)
    gates = {g.id: g for g in scenario.gates}
    stairwells = set(scenario.stairwell_building)
    buildings = {b.id for b in scenario.buildings}
    joined: set[str] = set()
    for i, e in enumerate(events.events):
        where = f"events[{i}]"
        if isinstance(e, (VolunteerLeaves, VolunteerLate, CartBroken)) and \
                e.volunteer not in volunteers | joined:
            raise InputError(InputIssue(f"{where}.volunteer", f"unknown volunteer {e.volunteer!r}"))
        if isinstance(e, CartBroken) and \
                scenario.volunteer_by_id.get(e.volunteer, None) is not None and \
                scenario.volunteer_by_id[e.volunteer].cart is None:
            raise InputError(InputIssue(f"{where}.volunteer", f"{e.volunteer!r} has no cart"))
        if isinstance(e, VolunteerJoins):
            if e.volunteer.id in volunteers | joined:
                raise InputError(InputIssue(f"{where}.volunteer.id",
                                            f"volunteer {e.volunteer.id!r} already exists"))
            if e.volunteer.gate not in gates:
                raise InputError(InputIssue(f"{where}.volunteer.gate",
                                            f"unknown gate {e.volunteer.gate!r}"))
            joined.add(e.volunteer.id)
        if isinstance(e, HouseholdsRemoved):
            for k, hid in enumerate(e.households):
                if hid not in households:
                    raise InputError(InputIssue(f"{where}.households[{k}]",
                                                f"unknown household {hid!r}"))
        if isinstance(e, HouseholdsAdded):
            for k, h in enumerate(e.households):
                if h.id in households:
                    raise InputError(InputIssue(f"{where}.households[{k}].id",
                                                f"household {h.id!r} already exists"))
                households.add(h.id)
        if isinstance(e, UrgentOrder):
            if e.household not in households:
                raise InputError(InputIssue(f"{where}.household",
                                            f"unknown household {e.household!r}"))
            if e.gate is not None and e.gate not in gates:
                raise InputError(InputIssue(f"{where}.gate", f"unknown gate {e.gate!r}"))
        if isinstance(e, ReleaseChanged):
            if e.gate not in gates:
                raise InputError(InputIssue(f"{where}.gate", f"unknown gate {e.gate!r}"))
            if e.release >= len(gates[e.gate].releases):
                raise InputError(InputIssue(f"{where}.release", f"gate {e.gate!r} has "
                                            f"{len(gates[e.gate].releases)} releases"))
            if e.bags is not None and gates[e.gate].releases[e.release].bags is None:
                raise InputError(InputIssue(f"{where}.bags", "this release names its "
                                            "households: it cannot shrink by a count"))
        if isinstance(e, Closed):
            if e.stairwell is not None and e.stairwell not in stairwells:
                raise InputError(InputIssue(f"{where}.stairwell",
                                            f"unknown stairwell {e.stairwell!r}"))
            if e.building is not None and e.building not in buildings:
                raise InputError(InputIssue(f"{where}.building",
                                            f"unknown building {e.building!r}"))


def _stop_households(stop: Stop) -> list[str]:
    """The households a stop serves, in hand-over order, each once."""
    seen = [d.household for d in stop.drops] + [d.household for r in stop.runs
                                                for d in r.doors]
    return list(dict.fromkeys(seen))


def _households_of(trip: Trip) -> list[str]:
    return list(dict.fromkeys(h for st in trip.stops for h in _stop_households(st)))


def _stop_key(stop: Stop) -> tuple[str, frozenset[str]]:
    """A stop as a volunteer's sheet shows it: where, and for whom."""
    return stop.stairwell, frozenset(_stop_households(stop))


class _Day:
    """The original plan cut at ``at_s`` and the day's scenario with the events."""

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
                    _households_of(kept[d.trip]):
                self.locked[d.household] = d
        self.locked_last_s = max((d.delivered_s for d in self.locked.values()),
                                 default=self.t0)
        self.scenario = self._day_scenario()

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
        return not touched.intersection(_households_of(trip))

    def _cut(self, volunteer: str, index: int, trip: Trip, cut_s: float) -> Trip | None:
        """The trip of a volunteer who left at ``cut_s``: the stairwell in hand is
        finished, then straight back with the rest (None: still loading, nothing done)."""
        stops = [] if trip.depart_s > cut_s else [st for st in trip.stops
                                                  if st.arrive_s < cut_s]
        if len(stops) == len(trip.stops):
            return trip  # past its last stairwell: back as planned
        returned = [h for st in trip.stops[len(stops):] for h in _stop_households(st)]
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

    # -- the day's scenario --------------------------------------------------------

    def _day_scenario(self) -> Scenario:
        s = self.base
        data = s.model_dump(mode="json")
        hh = {h["id"]: h for h in data["households"]}
        order = [h["id"] for h in data["households"]]
        renamed: dict[str, tuple[str, float]] = {}
        vols = {v["id"]: v for v in data["volunteers"]}
        vorder = [v["id"] for v in data["volunteers"]]
        closures: dict[str, tuple[int, float]] = {}
        for e_i, e in enumerate(self.events):
            if isinstance(e, HouseholdsRemoved):
                for hid in e.households:
                    if hid in self.locked:
                        raise InputError(InputIssue("events", f"household {hid!r} was "
                                                    "already served: it cannot be removed"))
                    hh.pop(hid, None)
            elif isinstance(e, HouseholdsAdded):
                for h in e.households:
                    hh[h.id] = h.model_dump(mode="json")
                    order.append(h.id)
            elif isinstance(e, UrgentOrder):
                self._urgent(e, hh, order, renamed, data)
            elif isinstance(e, Closed):
                closed = {e.stairwell} if e.stairwell else {
                    w.id for b in s.buildings if b.id == e.building for w in b.stairwells}
                for hid, h in hh.items():
                    if h["stairwell"] in closed and hid not in self.locked:
                        window = h.get("window")
                        start = max(e.until, window["start"] if window else 0)
                        end = window["end"] if window else MAX_TIME_S
                        h["window"] = {"start": start, "end": max(start, end)}
                        closures[hid] = (e_i, e.until)
            elif isinstance(e, ReleaseChanged):
                gate = next(g for g in data["gates"] if g["id"] == e.gate)
                r = gate["releases"][e.release]
                if e.at is not None:
                    r["at"] = e.at
                if e.bags is not None:
                    r["bags"] = e.bags
            elif isinstance(e, VolunteerJoins):
                vols[e.volunteer.id] = e.volunteer.model_dump(mode="json")
                vorder.append(e.volunteer.id)
            elif isinstance(e, VolunteerLate):
                if self.kept.get(e.volunteer):
                    raise InputError(InputIssue("events", f"volunteer {e.volunteer!r} has "
                                                "already made trips: it cannot come late"))
                vols[e.volunteer]["shift"]["start"] = max(vols[e.volunteer]["shift"]["start"],
                                                          e.arrives)
            elif isinstance(e, VolunteerLeaves):
                last = max((t.return_s for t in self.kept.get(e.volunteer, [])),
                           default=e.at)
                shift = vols[e.volunteer]["shift"]
                shift["end"] = max(min(shift["end"], e.at), last, shift["start"])
        # A volunteer who left before its shift began, or comes after it ends, with no
        # trip kept, is not there today.
        vorder = [v for v in vorder if self.kept.get(v)
                  or vols[v]["shift"]["end"] > vols[v]["shift"]["start"]]
        # Bags a volunteer who left brought back: at the gate again, named for them.
        for back in self.bags_back:
            renamed[back.household] = (back.gate, back.back_s)
        extra_releases: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for hid, (gate_id, at) in renamed.items():
            extra_releases[gate_id].append({"at": at, "households": [hid]})
        for gate in data["gates"]:
            releases = []
            for r in gate["releases"]:
                if r.get("households") is not None:
                    r["households"] = [h for h in r["households"]
                                       if h in hh and h not in renamed]
                    if not r["households"]:
                        continue
                releases.append(r)
            gate["releases"] = releases + extra_releases.get(gate["id"], [])
        data["households"] = [hh[h] for h in order if h in hh]
        data["volunteers"] = [vols[v] for v in vorder]
        for hid, (e_i, until) in closures.items():
            h = hh.get(hid)
            if h is not None and h.get("deadline") is not None and h["deadline"] < until:
                raise InputError(InputIssue(f"events[{e_i}]", f"household {hid!r} is due by "
                                            f"{hhmm(h['deadline'])}, before the closure ends "
                                            f"at {hhmm(until)}: serve it first or move its "
                                            "deadline"))
        day = validate_document(Scenario, data)
        self._refuse_untaken_bags(day)
        return day

    def _refuse_untaken_bags(self, day: Scenario) -> None:
        """A batch moved later or made smaller cannot take back bags that kept trips
        already carried away: that is a mistake in the events, said as such."""
        named = {h for g in day.gates for r in g.releases for h in r.households or ()}
        for gate in day.gates:
            counted = sorted((r.at, r.bags) for r in gate.releases if r.bags is not None)
            if not counted:
                continue
            trips = sorted((t.start_s, sum(len(day.bags_of(day.household_by_id[h]))
                                           for h in _households_of(t)
                                           if h in day.household_by_id and h not in named))
                           for ts in self.kept.values() for t in ts if t.gate == gate.id)
            taken = 0
            for start, bags in trips:
                taken += bags
                released = sum(n or 0 for at, n in counted if at <= start + 1e-6)
                if taken > released:
                    where = next((f"events[{i}]" for i, e in enumerate(self.events)
                                  if isinstance(e, ReleaseChanged) and e.gate == gate.id),
                                 "events")
                    raise InputError(InputIssue(where, f"by {hhmm(start)} trips already "
                                                f"under way had taken {taken} bags from gate "
                                                f"{gate.id!r}; the batches as changed release "
                                                f"only {released} by then"))

    def _urgent(self, e: UrgentOrder, hh: dict[str, dict[str, Any]], order: list[str],
                renamed: dict[str, tuple[str, float]], data: dict[str, Any]) -> None:
        h = hh[e.household]
        bags = [b.model_dump(mode="json") for b in e.bags]
        ready = e.ready if e.ready is not None else self.at_s
        # The order's bags come to a gate of their own accord (the pharmacy's): named
        # there, so that they draw nothing from the batches counted for everyone.
        planned = next((d.volunteer for d in self.original.deliveries
                        if d.household == e.household), None)
        named = next(((g["id"], r["at"]) for g in data["gates"] for r in g["releases"]
                      if e.household in (r.get("households") or ())), None)
        gate = e.gate or (named[0] if named else None) or (
            self.base.volunteer_by_id[planned].gate if planned in self.base.volunteer_by_id
            else data["gates"][0]["id"])
        if e.household not in self.locked:
            own = h.get("bags") or [b.model_dump(mode="json")
                                    for b in self.base.parameters.default_bags]
            h["bags"] = own + bags
            h["priority"] = "urgent"
            h["deadline"] = min(e.deadline, h.get("deadline") or math.inf)
            renamed[e.household] = (gate, max(ready, named[1] if named else ready))
            return
        new_id = f"{e.household}/order"
        k = 2
        while new_id in hh:
            new_id, k = f"{e.household}/order{k}", k + 1
        hh[new_id] = {"id": new_id, "stairwell": h["stairwell"], "floor": h["floor"],
                      "bags": bags, "priority": "urgent", "deadline": e.deadline,
                      "risk": h.get("risk", "green"), "delivery": h.get("delivery", "door"),
                      "needs": ["urgent_order"]}
        order.append(new_id)
        renamed[new_id] = (gate, ready)

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
            if any(s.household_by_id[h].risk in RISKY for h in _households_of(trip)
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
                for hid in _households_of(trip):
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
                u = _unserved(u.household)  # someone may serve it, but has no time left
            unserved.append(u)
        served = {d.household for d in deliveries} | {u.household for u in unserved}
        for h in s.households:  # nobody left to serve them
            if h.id not in served:
                unserved.append(_unserved(h.id))
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
            before = [_stop_key(st) for t in old[vp.volunteer].trips[kept:]
                      for st in t.stops] if vp.volunteer in old else []
            after = [_stop_key(st) for t in vp.trips[kept:] for st in t.stops]
            changed += sum(((Counter(before) - Counter(after))
                            + (Counter(after) - Counter(before))).values())
            # Stops only added after the old sheet's end do not change what comes next.
            shown = min(HOLD_STOPS, len(before))
            if before[:shown] != after[:shown] and vp.volunteer not in self.leaves:
                next_three.append(vp.volunteer)
        return changed, next_three


def _unserved(hid: str):
    from supplyroute.models import Unserved

    return Unserved(household=hid, reason=UnservedReason.NO_VOLUNTEER_TIME,
                    detail="no volunteer has time left after the replan")


def _repair(ctx: PreparedCompound, day: _Day) -> Plan:
    """The old sheets, repaired: each volunteer keeps its remaining stops in order (less
    the households that left or became urgent); the others go into trips of their own,
    each to the volunteer who ends soonest with it, urgent ones timed."""
    builder = ctx.builder
    parcels = {q.id: q for q in ctx.demand.parcels}
    index = {v.id: i for i, v in enumerate(ctx.volunteers)}
    old = {vp.volunteer: vp for vp in day.original.volunteers}
    placed: set[str] = set()
    regular: list[list[TripShape]] = [[] for _ in ctx.volunteers]
    timed: list[list[TripShape]] = [[] for _ in ctx.volunteers]
    base = day.base.household_by_id
    for vid, v in index.items():
        if vid not in old:
            continue
        for trip in old[vid].trips[len(day.kept.get(vid, [])):]:
            load = []
            for hid in _households_of(trip):
                q = parcels.get(hid)
                # Unchanged households stay on their trip; urgent now or windowed by a
                # closure, they go to a timed trip of their own.
                if q is None or hid in placed or v not in ctx.eligible[q.index] or \
                        q.timed or q.household != base.get(hid):
                    continue
                load.append(q)
            for chunk in _fitting(builder, v, load):
                order = [st.stairwell for st in trip.stops
                         if any(q.stairwell == st.stairwell for q in chunk)]
                regular[v].append(builder.shape(v, chunk, list(dict.fromkeys(order))))
                placed.update(q.id for q in chunk)
    finish = [v.shift.start + sum(t.free_off for t in regular[i])
              for i, v in enumerate(ctx.volunteers)]

    def give(load: list[Parcel], order: list[str] | None, is_timed: bool) -> None:
        """A load, a trip's worth at a time, each to the volunteer done with it soonest
        (a timed one: who hands it over soonest)."""
        load = list(load)
        while load:
            best = None
            for v in sorted(set.intersection(*(set(ctx.eligible[q.index]) for q in load))):
                chunk = _fitting(builder, v, load)[:1]
                if not chunk:
                    continue
                shape = builder.shape(v, chunk[0], None if order is None else [
                    w for w in order if any(q.stairwell == w for q in chunk[0])])
                if is_timed:
                    score = (ctx.volunteers[v].shift.start + shape.last_delivery_off,
                             finish[v])
                else:
                    score = (finish[v] + shape.free_off, 0.0)
                if best is None or score < best[0]:
                    best = (score, v, shape)
            if best is None:  # nobody may take them all together: one at a time
                if len(load) > 1:
                    for q in load:
                        give([q], None, is_timed)
                return
            _, v, shape = best
            (timed if is_timed else regular)[v].append(shape)
            finish[v] += shape.free_off
            placed.update(q.id for q in shape.parcels)
            load = [q for q in load if q.id not in placed]

    # The sheets of volunteers with no time left go whole, trip by trip, to others.
    for vid, vp in old.items():
        if vid in index:
            continue
        for trip in vp.trips[len(day.kept.get(vid, [])):]:
            load = [parcels[h] for h in _households_of(trip) if h in parcels
                    and h not in placed and not parcels[h].timed
                    and parcels[h].household == base.get(h)]
            if load and all(ctx.eligible[q.index] for q in load):
                give(load, [st.stairwell for st in trip.stops], False)
    # Then the rest (new, urgent, closed until later, bags brought back): timed ones
    # alone, the others a stairwell's worth at a time.
    orphans = [q for q in ctx.servable if q.id not in placed]
    for q in sorted((q for q in orphans if q.timed),
                    key=lambda q: (q.latest_s or math.inf, q.earliest_s, q.index)):
        give([q], None, True)
    by_stairwell: dict[str, list[Parcel]] = defaultdict(list)
    for q in orphans:
        if not q.timed:
            by_stairwell[q.stairwell].append(q)
    for stairwell, load in sorted(by_stairwell.items()):
        give(sorted(load, key=lambda q: (q.rank, q.index)), [stairwell], False)
    table = schedule(ctx.demand, timed, regular)
    bound = lower_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible, with_lp=False)
    return assemble(ctx, timetable_round(ctx, table), bound, "replan", None)


def _fitting(builder: Any, v: int, load: list[Parcel]) -> list[list[Parcel]]:
    """A load split, in order, into what the volunteer can carry in one trip."""
    chunks: list[list[Parcel]] = []
    for q in load:
        if chunks and builder.fits(v, [*chunks[-1], q]):
            chunks[-1].append(q)
        elif builder.fits(v, [q]):
            chunks.append([q])
    return chunks


__all__ = ["FRESH_SHORTER_BY", "HOLD_STOPS", "Replanned", "replan"]

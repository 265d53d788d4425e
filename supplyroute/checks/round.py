"""``check(scenario, plan) -> list[Violation]``: the independent oracle of a round.

Recomputes every plan from the scenario and the physical model of ``docs/domain.md``
with the checkers' own arithmetic (:mod:`supplyroute.checks.physics`): walking
distances (straight line times the detour factor, or the walkway graph), stairs and
lifts, loading, hand-overs, capacities, releases, shifts, zones, skills, deadlines and
the disinfection after risky trips; in relay rounds also the ferries' drops into the
entrance buffers, the climbers' walks and stair runs, their roles and stations, that no
climb starts before its bags are down at the entrance, and that no buffer holds more
bags than it may (:mod:`supplyroute.checks.walk`). Then every household served or
listed as unserved, the ledger, the summary and what the summary claims. It imports
none of the planner's modules, so a planner bug cannot hide behind a shared helper.

Every field of a plan is recomputed here, in :mod:`.claims` (the bound, its label,
optimality) or in :mod:`.replan` (a replan's block), but these free labels: the
summary's ``method`` (only ``proven_optimal`` depends on it), ``solve_s`` and
``interrupted`` (which only forbids ``proven_optimal``), an unserved ``detail``, and the
``service_bound`` beyond never being below the households served (the service LP is not
argued again here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from supplyroute.checks.left_out import left_out
from supplyroute.checks.round_rules import TOLERANCE_S, RoundRule
from supplyroute.checks.violations import Checker, Violation
from supplyroute.checks.walk import RoundWalk
from supplyroute.models import Plan, Priority, Risk, Role, Scenario, Volunteer
from supplyroute.models.digest import scenario_sha256
from supplyroute.models.plan import Climb, Delivery, Trip, UnservedReason, VolunteerPlan


class RoundChecker(Checker):
    """The doorstep checker: the walk through the volunteers' days, then coverage, the
    summary, the ledger and the claims."""

    def __init__(self, scenario: Scenario, plan: Plan):
        super().__init__()
        self.s = scenario
        self.plan = plan
        self.walk = RoundWalk(scenario, self.flag)

    def near(self, stated: float, computed: float) -> bool:
        return abs(stated - computed) <= TOLERANCE_S

    def identity(self) -> bool:
        """The plan names this scenario and, if it records one, its fingerprint."""
        if self.plan.scenario != self.s.name:
            self.flag(RoundRule.SCENARIO, "scenario",
                      f"the plan is for scenario {self.plan.scenario!r}, not {self.s.name!r}")
        stated = self.plan.scenario_sha256
        if stated is not None and stated != scenario_sha256(self.s):
            self.flag(RoundRule.SCENARIO, "scenario_sha256",
                      "the plan was made for another version of this scenario (its "
                      "households, volunteers or parameters differ): plan it again")
        return self.plan.scenario == self.s.name  # else nothing else can be compared

    def steps(self) -> Iterable[Callable[[], None]]:
        return (self.volunteers, self.walk.releases, self.walk.sync, self.walk.buffers,
                self.coverage, self.reasons, self.summary, self.claims, self.left_out)

    def left_out(self) -> None:
        """No household left out that a volunteer could still serve on one more trip."""
        self.out += left_out(self.s, self.plan)

    def volunteers(self) -> None:
        """Each volunteer of the plan is one of the scenario's, once, and its day is
        walked through."""
        seen: set[str] = set()
        for v_i, vp in enumerate(self.plan.volunteers):
            where = f"volunteers[{v_i}]"
            volunteer = self.s.volunteer_by_id.get(vp.volunteer)
            if volunteer is None:
                self.flag(RoundRule.UNKNOWN, f"{where}.volunteer",
                          f"unknown volunteer {vp.volunteer!r}")
                continue
            if vp.volunteer in seen:
                self.flag(RoundRule.DUPLICATE, f"{where}.volunteer",
                          f"volunteer {vp.volunteer!r} listed twice")
            seen.add(vp.volunteer)
            self.walk.activities(volunteer, vp, where)

    def claims(self) -> None:
        """What the summary claims beyond its figures: a lower bound is never above the
        makespan of a plan that serves the households it covers, and optimality is
        proved only by exhaustive search of a carry round that serves everyone it may,
        run to its end."""
        sm = self.plan.summary
        left_out = [u.household for u in self.plan.unserved
                    if u.household not in self.s.household_by_id
                    or not self.nobody_may_serve(u.household)]
        covered = sm.bound_covers == "served" or not left_out
        if covered and self.walk.delivered and sm.lower_bound_s > sm.makespan_s + TOLERANCE_S:
            self.flag(RoundRule.CLAIM, "summary.lower_bound_s",
                      f"{sm.lower_bound_s} s is above the plan's own makespan of "
                      f"{sm.makespan_s} s: no plan can beat a true lower bound")
        if sm.gap is not None and sm.gap < -1e-4:
            self.flag(RoundRule.CLAIM, "summary.gap",
                      f"{sm.gap} is negative: the makespan is below the lower bound")
        if not sm.proven_optimal:
            return
        why = None
        if sm.method != "optimized":
            why = f"the {sm.method!r} method does not search for the optimum"
        elif sm.mode != "carry" or sm.mode_makespans_s is not None:
            why = "only carry rounds are searched exhaustively"
        elif sm.interrupted:
            why = "the search was interrupted"
        elif left_out:
            why = f"households some plan could serve are left out ({left_out[0]!r})"
        if why:
            self.flag(RoundRule.CLAIM, "summary.proven_optimal", f"claimed, but {why}")

    def coverage(self) -> None:
        unserved = {}
        for u_i, u in enumerate(self.plan.unserved):
            if u.household in unserved:
                self.flag(RoundRule.DUPLICATE, f"unserved[{u_i}]",
                          f"household {u.household!r} listed twice")
            unserved[u.household] = u_i
            if u.household not in self.s.household_by_id:
                self.flag(RoundRule.UNKNOWN, f"unserved[{u_i}]",
                          f"unknown household {u.household!r}")
        for h in self.s.households:
            given = self.walk.bags_given.get(h.id)
            if given is None:
                if h.id not in unserved:
                    self.flag(RoundRule.MISSING, "unserved",
                              f"household {h.id!r} is neither served nor listed as unserved")
                continue
            if h.id in unserved:
                self.flag(RoundRule.DUPLICATE, f"unserved[{unserved[h.id]}]",
                          f"household {h.id!r} is served and listed as unserved")
            count = len(h.bags if h.bags is not None else self.s.parameters.default_bags)
            if len(given) != len(set(given)):
                self.flag(RoundRule.DUPLICATE, "volunteers",
                          f"household {h.id!r} gets some bag more than once")
            if set(given) != set(range(count)):
                self.flag(RoundRule.BAGS, "volunteers",
                          f"household {h.id!r} gets bags {sorted(set(given))} of {count}")

    def nobody_may_serve(self, hid: str, gates: bool = True) -> bool:
        """No volunteer's role, zone, skills, trip capacity and gate allow this household at all;
        in a relay or auto plan (measured against the relay bound), no ferry and climber
        pair either."""
        h = self.s.household_by_id[hid]
        p = self.s.parameters
        bags = h.bags if h.bags is not None else p.default_bags
        building = self.s.stairwell_building[h.stairwell].id
        needs_ppe = h.risk is Risk.RED or (h.risk is Risk.ORANGE and p.ppe_for_orange)
        door = h.delivery.value == "door"

        def fits_trip(v: Volunteer) -> bool:
            cap_bags, cap_kg = ((v.cart.capacity_bags, v.cart.capacity_kg) if v.cart else
                                (v.hand_capacity_bags or p.hand_capacity_bags,
                                 v.hand_capacity_kg or p.hand_capacity_kg))
            return len(bags) <= cap_bags and sum(b.weight_kg for b in bags) <= cap_kg + 1e-9

        def shuttles(v: Volunteer) -> bool:
            """Without a cart, the bags on several trips by hand: each within the hands."""
            hand_kg = v.hand_capacity_kg or p.hand_capacity_kg
            return v.cart is None and all(b.weight_kg <= hand_kg + 1e-9 for b in bags)

        named = [g.id for g in self.s.gates for r in g.releases if hid in (r.households or ())]

        def gate_has_bags(v: Volunteer) -> bool:
            """The volunteer's gate releases the household's bags: the batch naming it,
            else its count batches (if any) release some bags."""
            if not gates:
                return True
            if named:
                return v.gate in named
            gate = self.s.gate_by_id.get(v.gate)
            counts = [r.bags for r in gate.releases if r.bags is not None] if gate else []
            return not counts or sum(counts) > 0

        in_zone = [v for v in self.s.volunteers if v.zone is None or building in v.zone]
        for v in filter(gate_has_bags, in_zone):
            if v.role is Role.CLIMBER or (v.role is Role.FERRY and door):
                continue
            if needs_ppe and "ppe" not in v.skills:
                continue
            if fits_trip(v) or shuttles(v):
                return False
        sm = self.plan.summary
        if not (self.s.relay and door and (sm.mode == "relay"
                                           or sm.mode_makespans_s is not None)):
            return True
        buffer = self.s.buffer_bags(h.stairwell)
        if buffer is not None and len(bags) > buffer:
            return True  # a household's bags go down at its entrance together
        heaviest = max(b.weight_kg for b in bags)
        ferries = [v for v in in_zone if v.role is not Role.CLIMBER and fits_trip(v)
                   and gate_has_bags(v)]
        climbers = [v for v in in_zone if v.role is not Role.FERRY
                    and (v.station is None or h.stairwell in v.station
                         or building in v.station)
                    and (not needs_ppe or "ppe" in v.skills)
                    and heaviest <= (v.hand_capacity_kg or p.hand_capacity_kg) + 1e-9]
        return not (ferries and climbers)

    def floors(self, trip: Trip) -> int:
        """Floors climbed on a trip: each run to its top floor (none where a lift runs)."""
        climbed = 0
        for stop in trip.stops:
            building = self.s.stairwell_building.get(stop.stairwell)
            if building is None or building.lift:
                continue
            climbed += sum(run.top_floor - 1 for run in stop.runs)
        return climbed

    def climb_floors(self, climb: Climb) -> int:
        """Floors climbed on a climb: its run to its top floor (none where a lift runs)."""
        building = self.s.stairwell_building.get(climb.stairwell)
        return 0 if building is None or building.lift else climb.run.top_floor - 1

    def volunteer_totals(self, vp: VolunteerPlan) -> dict[str, float]:
        """A volunteer's busy time (trips from loading to return, climbs' walks and runs),
        walk and floors climbed."""
        volunteer = self.s.volunteer_by_id.get(vp.volunteer)
        speed = (volunteer.walk_speed_mps if volunteer is not None else None) \
            or self.s.parameters.walk_speed_mps
        return {
            "busy_s": sum(t.return_s - t.start_s for t in vp.trips)
            + sum(c.run.end_s - c.run.start_s + c.walk_m / speed for c in vp.climbs),
            "walk_m": sum(t.walk_m for t in vp.trips) + sum(c.walk_m for c in vp.climbs),
            "floors_climbed": sum(self.floors(t) for t in vp.trips)
            + sum(self.climb_floors(c) for c in vp.climbs),
        }

    def summary(self) -> None:
        """The summary's figures, each volunteer's totals, the mode, the gap and the
        ledger, recomputed from the trips and climbs."""
        totals = [self.volunteer_totals(vp) for vp in self.plan.volunteers]
        self.figures(totals)
        self.gap_and_service()
        self.volunteer_figures(totals)
        self.modes([c for vp in self.plan.volunteers for c in vp.climbs])
        self.gap()
        self.ledger()

    def figures(self, totals: list[dict[str, float]]) -> None:
        """Each figure of the summary against the one the trips and climbs give."""
        sm = self.plan.summary
        delivered = self.walk.delivered
        t0 = min(v.shift.start for v in self.s.volunteers)
        last = max(delivered.values(), default=t0)
        trips = [t for vp in self.plan.volunteers for t in vp.trips]
        climbs = [c for vp in self.plan.volunteers for c in vp.climbs]
        households = self.s.household_by_id
        limited = [h for h in self.s.households if h.latest_s is not None]
        expected: dict[str, float | None] = {
            "makespan_s": last - t0,
            "round_start_s": t0,
            "last_delivery_s": last,
            # the last trip back at its gate, or the last climb back down at its entrance.
            "finish_s": max([t.return_s for t in trips] + [c.run.end_s for c in climbs],
                            default=t0),
            "households_served": len(delivered),
            "households_unserved": len(self.plan.unserved),
            "trips": len(trips),
            "climbs": len(climbs),
            "bags_delivered": sum(t.bags for t in trips),  # relayed bags: once, on trips
            "walk_m": sum(own["walk_m"] for own in totals),
            "floors_climbed": sum(own["floors_climbed"] for own in totals),
            "deadlines_total": len(limited),
            "deadlines_met": sum(1 for h in limited if h.id in delivered
                                 and delivered[h.id] <= h.latest_s + TOLERANCE_S),
        }
        for priority in (Priority.URGENT, Priority.VULNERABLE):
            times = [t for hid, t in delivered.items()
                     if hid in households and households[hid].priority is priority]
            expected[f"{priority.value}_served_by_s"] = max(times) if times else None
        for name, value in expected.items():
            stated = getattr(sm, name)
            # Walking is rounded to 0.1 m per trip, per volunteer and in the summary.
            slack = 0.1 * (len(self.plan.volunteers) + 1 + len(climbs)) if name == "walk_m" \
                else TOLERANCE_S
            if (stated is None) != (value is None) or (
                    value is not None and abs(stated - value) > max(TOLERANCE_S, slack)):
                self.flag(RoundRule.SUMMARY, f"summary.{name}",
                          f"stated {stated}, the trips give "
                          f"{'none' if value is None else format(value, 'g')}")

    def gap(self) -> None:
        """The gap is makespan / bound - 1: none without a bound above 0, and stated
        whenever a bound above 0 is and every household is served."""
        sm = self.plan.summary
        if sm.gap is not None and sm.lower_bound_s <= 0:
            self.flag(RoundRule.SUMMARY, "summary.gap",
                      f"states {sm.gap} over a lower bound of {sm.lower_bound_s}: no gap "
                      "without a bound")
        elif sm.gap is not None and abs(sm.gap - (sm.makespan_s / sm.lower_bound_s - 1)) > 1e-4:
            self.flag(RoundRule.SUMMARY, "summary.gap",
                      "is not makespan_s / lower_bound_s - 1")
        if sm.gap is None and sm.lower_bound_s > 0 and self.walk.delivered \
                and not self.plan.unserved:
            self.flag(RoundRule.SUMMARY, "summary.gap",
                      "is null, while every household is served and the bound is "
                      f"{sm.lower_bound_s} s: the gap is makespan_s / lower_bound_s - 1")

    def gap_and_service(self) -> None:
        """A gap compares with a bound over the households any plan could serve: it may
        be stated only when every household left out is one that no volunteer may
        serve, or when the bound says it covers only the households served. The
        service bound is an upper bound on what any plan serves: this one included."""
        sm = self.plan.summary
        households = self.s.household_by_id
        if sm.gap is not None and sm.bound_covers == "servable" and any(
                u.household not in households or not self.nobody_may_serve(u.household)
                for u in self.plan.unserved):
            self.flag(RoundRule.SUMMARY, "summary.gap",
                      "states a gap while households that a plan could serve are unserved")
        if sm.bound_covers == "served" and not self.plan.unserved:
            self.flag(RoundRule.SUMMARY, "summary.bound_covers",
                      "says the bound covers only the households served, but the plan "
                      "serves every household: it covers all of them (servable)")
        served = len(self.walk.delivered)
        if sm.service_bound is not None and served > sm.service_bound:
            self.flag(RoundRule.SUMMARY, "summary.service_bound",
                      f"says at most {sm.service_bound} households can be served, and the "
                      f"plan serves {served}")

    def volunteer_figures(self, totals: list[dict[str, float]]) -> None:
        """Each volunteer's stated busy time, walk and floors against its trips and climbs."""
        for v_i, (vp, own) in enumerate(zip(self.plan.volunteers, totals, strict=True)):
            for name, value in own.items():
                slack = 0.1 * (len(vp.trips) + len(vp.climbs) + 1) if name == "walk_m" \
                    else TOLERANCE_S
                if abs(getattr(vp, name) - value) > max(TOLERANCE_S, slack):
                    self.flag(RoundRule.SUMMARY, f"volunteers[{v_i}].{name}",
                              f"stated {getattr(vp, name)}, its trips and climbs give "
                              f"{value:g}")

    def ledger(self) -> None:
        """One ledger line per household handed its bags, each as the trips and climbs
        have it: its priority, its deadline, when and by whom."""
        households = self.s.household_by_id
        delivered = self.walk.delivered
        ledger = {d.household: (d_i, d) for d_i, d in enumerate(self.plan.deliveries)}
        self.ledger_names()
        for hid, (d_i, d) in ledger.items():
            h = households.get(hid)
            if h is not None and (d.priority != h.priority.value or d.latest_s != h.latest_s):
                self.flag(RoundRule.SUMMARY, f"deliveries[{d_i}]",
                          f"household {hid!r} is {h.priority.value} with latest "
                          f"{h.latest_s}, the ledger says {d.priority} with {d.latest_s}")
        for hid, when in delivered.items():
            if hid not in ledger:
                self.flag(RoundRule.SUMMARY, "deliveries",
                          f"household {hid!r} is served but not in the ledger")
            elif not self.near(ledger[hid][1].delivered_s, when):
                self.flag(RoundRule.SUMMARY, f"deliveries[{ledger[hid][0]}].delivered_s",
                          f"stated {ledger[hid][1].delivered_s}, the trips give {when:.2f}")
        for hid, (d_i, _) in ledger.items():
            if hid not in delivered:
                self.flag(RoundRule.SUMMARY, f"deliveries[{d_i}]",
                          f"household {hid!r} is in the ledger but on no trip or climb")
        for hid, (d_i, d) in ledger.items():
            self.ledger_line(hid, d_i, d)

    def ledger_names(self) -> None:
        """One ledger line a household, naming volunteers (and ferries) of the scenario."""
        lines: dict[str, int] = {}
        for d_i, d in enumerate(self.plan.deliveries):
            if d.household in lines:
                self.flag(RoundRule.DUPLICATE, f"deliveries[{d_i}]",
                          f"household {d.household!r} is in the ledger twice (first at "
                          f"deliveries[{lines[d.household]}])")
            lines.setdefault(d.household, d_i)
            for field, who in (("volunteer", d.volunteer), ("ferry", d.ferry)):
                if who is not None and who not in self.s.volunteer_by_id:
                    self.flag(RoundRule.UNKNOWN, f"deliveries[{d_i}].{field}",
                              f"unknown volunteer {who!r}")

    def ledger_line(self, hid: str, d_i: int, d: Delivery) -> None:
        """A ledger line names who handed the bags over, as the trips and climbs have
        it: for a relayed household the climber, its climb and the ferry, and no trip;
        else the volunteer and its trip, and neither climb nor ferry."""
        where = f"deliveries[{d_i}]"
        if d.volunteer not in self.s.volunteer_by_id:
            return  # flagged as unknown: nothing to match
        if hid in self.walk.by_climb:
            if d.climb is None or (d.volunteer, d.climb) not in self.walk.by_climb[hid]:
                self.flag(RoundRule.SUMMARY, where,
                          f"household {hid!r} is taken up on "
                          f"{sorted(self.walk.by_climb[hid])} (climber, climb), the ledger says "
                          f"{d.volunteer!r}, climb {d.climb}")
            ferries = self.walk.ferries.get(hid, set())
            if d.ferry is None or (ferries and d.ferry not in ferries):
                self.flag(RoundRule.SUMMARY, f"{where}.ferry",
                          f"household {hid!r}'s bags are ferried by "
                          f"{sorted(ferries)}, the ledger says {d.ferry!r}")
            if d.trip is not None:
                self.flag(RoundRule.SUMMARY, f"{where}.trip",
                          f"household {hid!r} is relayed: its line names a climb, not trip "
                          f"{d.trip}")
        elif hid in self.walk.by_trip:
            trips = self.walk.by_trip[hid]
            if d.trip is None or (d.volunteer, d.trip) not in trips:
                self.flag(RoundRule.SUMMARY, where,
                          f"household {hid!r} is carried on {sorted(trips)} (volunteer, "
                          f"trip); the ledger says {d.volunteer!r}, trip {d.trip}")
            if d.climb is not None or d.ferry is not None:
                self.flag(RoundRule.SUMMARY, where,
                          f"household {hid!r} is carried on a trip; the ledger names climb "
                          f"{d.climb}, ferry {d.ferry!r}")

    def modes(self, climbs: list[Climb]) -> None:
        """A carry plan has no relays. With ``--mode auto`` both modes were planned: the
        kept mode's makespan is the plan's, and the other mode's is not shorter (auto
        keeps the shorter; carry on a tie) unless the kept plan serves more."""
        sm = self.plan.summary
        relays = any(st.relays for vp in self.plan.volunteers for t in vp.trips
                     for st in t.stops)
        if sm.mode == "carry" and (climbs or relays):
            self.flag(RoundRule.SUMMARY, "summary.mode",
                      "a carry plan with relay drops or climbs")
        stated = sm.mode_makespans_s
        if stated is None:
            return
        if set(stated) != {"carry", "relay"}:
            self.flag(RoundRule.SUMMARY, "summary.mode_makespans_s",
                      f"names modes {sorted(stated)}; auto plans both, carry and relay")
        kept = stated.get(sm.mode)
        if kept is None or not self.near(kept, sm.makespan_s):
            self.flag(RoundRule.SUMMARY, f"summary.mode_makespans_s.{sm.mode}",
                      f"stated {kept}, the plan kept ({sm.mode}) has makespan "
                      f"{sm.makespan_s}")
        other = "relay" if sm.mode == "carry" else "carry"
        left = sm.mode_unserved or {}
        if set(left) != {"carry", "relay"} or left[sm.mode] != len(self.plan.unserved):
            self.flag(RoundRule.SUMMARY, "summary.mode_unserved",
                      f"stated {sm.mode_unserved}: auto names the households each mode "
                      f"left out, and the {sm.mode} plan kept leaves out "
                      f"{len(self.plan.unserved)}")
            return
        if other in stated and (
                left[other] < left[sm.mode]
                or left[other] == left[sm.mode]
                and (stated[other] < sm.makespan_s - TOLERANCE_S
                     or other == "carry" and stated[other] <= sm.makespan_s)):
            self.flag(RoundRule.SUMMARY, f"summary.mode_makespans_s.{other}",
                      f"{other} left out {left[other]} households and reached "
                      f"{stated[other]} s: better than the {sm.mode} plan kept "
                      f"({left[sm.mode]} left out, {sm.makespan_s} s); auto keeps the one "
                      "that leaves fewer out, then the shorter (carry on a tie)")

    def reasons(self) -> None:
        """An unserved household's reason, where its facts can refute it: no eligible
        volunteer only where no volunteer's role, zone, skills and capacity allow it;
        not released only where some do but a gate holds back its bags (batches, or
        the batch naming it at a gate where none of them works); an unreachable
        deadline only where it has one; a lack of time only where some volunteer at a
        gate with its bags may serve it."""
        batches = any(g.releases for g in self.s.gates)
        for u_i, u in enumerate(self.plan.unserved):
            h = self.s.household_by_id.get(u.household)
            if h is None:
                continue
            nobody = self.nobody_may_serve(u.household)
            rules_allow = not self.nobody_may_serve(u.household, gates=False)
            why = None
            if u.reason is UnservedReason.NO_ELIGIBLE_VOLUNTEER and rules_allow:
                why = "some volunteer's role, zone, skills and capacity allow it"
            elif u.reason is UnservedReason.DEADLINE_UNREACHABLE and h.latest_s is None:
                why = "it has no deadline or window"
            elif u.reason is UnservedReason.NOT_RELEASED and not batches:
                why = "no gate releases bags in batches: every bag is there from the start"
            elif u.reason is UnservedReason.NOT_RELEASED and not rules_allow:
                why = "no volunteer may serve it at all (no_eligible_volunteer)"
            elif u.reason not in (UnservedReason.NO_ELIGIBLE_VOLUNTEER,
                                  UnservedReason.NOT_RELEASED) and nobody:
                why = ("no volunteer may serve it at all (no_eligible_volunteer, or "
                       "not_released where no volunteer works at a gate with its bags)")
            if why:
                self.flag(RoundRule.UNSERVED, f"unserved[{u_i}].reason",
                          f"{u.reason.value} for household {u.household!r}, but {why}")

def check(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every way ``plan`` breaks the rules of ``scenario``; empty when it is sound."""
    return RoundChecker(scenario, plan).run()

"""``check_horizon(cycle_scenario, folder) -> list[Violation]``: the independent oracle
of a supply cycle.

Recomputes a horizon plan from the cycle scenario alone with its own arithmetic: the
days' derived doorstep scenarios, who is served when (the cycle, the daily visits, the
garbage), the gate's stock lot by lot, diets, rations and their fair shares, the bags,
the packing staff's batches (:mod:`supplyroute.checks.horizon_supplies`), the
allocation by the documented ration fill (:mod:`supplyroute.checks.horizon_shares`),
the volunteers on duty and the relabels (:mod:`supplyroute.checks.horizon_claims`), the
pick lists read back (:mod:`supplyroute.checks.horizon_picklists`) and the horizon's
summary; every day's rounds go through the doorstep checker
(:mod:`supplyroute.checks.round`) and their bounds, gaps and optimality are argued again
(:func:`supplyroute.checks.claims.verify_claims`). Coordinators need it because a horizon is many
rounds and a ledger of supplies planned together: a round can check clean on its own
while the day's scenario it was planned for is not the day's, a household waits past
its cycle or the summary they report from does not add up. It imports none of the
planner's modules (calendar, days, supplies), so a planner bug cannot hide behind a
shared helper; it uses only the models (and the helpers of
:class:`~supplyroute.models.cycle.CycleScenario`, which define the input), the doorstep
checker and the horizon folder's type.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable

from supplyroute.checks.horizon_claims import HorizonClaims
from supplyroute.checks.horizon_not_served import HorizonNotServed
from supplyroute.checks.horizon_picklists import HorizonPicklists
from supplyroute.checks.horizon_rules import (
    GARBAGE_TOLERANCE_KG,
    KG_TOLERANCE,
    RATIO_TOLERANCE,
    TIME_TOLERANCE_S,
    HorizonRule,
)
from supplyroute.checks.horizon_shares import HorizonShares
from supplyroute.checks.horizon_supplies import HorizonSupplies
from supplyroute.checks.round import check
from supplyroute.checks.violations import Checker, Violation
from supplyroute.models import Plan, Risk, Scenario
from supplyroute.models.cycle import CycleScenario, Garbage
from supplyroute.models.digest import cycle_sha256
from supplyroute.models.horizon import DayPlan, HorizonFolder


def _served(planned: Plan | None) -> set[str]:
    return set() if planned is None else {d.household for d in planned.deliveries}


def _ratio(values: list[float]) -> float:
    mean = statistics.fmean(values) if values else 0.0
    return max(values) / mean if mean > 0 else 1.0


class _HorizonChecker(HorizonSupplies, HorizonShares, HorizonClaims, HorizonPicklists,
                      HorizonNotServed, Checker):
    """The horizon checker: the horizon's shape, its rounds and their day scenarios, the
    cycle, the visits and the garbage (here), the rounds' claims, duty and relabels
    (:class:`HorizonClaims`), the supplies (:class:`HorizonSupplies`), the allocation
    (:class:`HorizonShares`), the pick lists (:class:`HorizonPicklists`) and the
    summary."""

    def __init__(self, cs: CycleScenario, folder: HorizonFolder):
        super().__init__()
        self.cs = cs
        self.folder = folder
        self.horizon = folder.horizon
        self.items = cs.item_by_id
        self.households = cs.compound.household_by_id
        #: The households that get anything: an empty flat (residents 0) gets nothing.
        self.occupied = [h for h in cs.compound.households if h.residents > 0]
        # Per day index in the horizon (after the structure check).
        self.days = list(enumerate(self.horizon.days))
        self.closing = {}  # day -> item -> units, recomputed
        self.opened = {}  # day -> item -> units after expiry and arrivals, recomputed
        self.freshness = {}  # day -> item -> its oldest lot's expiry day

    def round_of(self, day: DayPlan, kind: str) -> tuple[Scenario, Plan] | None:
        summary = day.delivery_round if kind == "delivery" else day.garbage_round
        if summary is None:
            return None
        return self.folder.rounds.get((day.day, kind))

    def identity(self) -> bool:
        """The horizon was made from this version of the cycle scenario, if it records
        its fingerprint: if not, that one violation says so and nothing else is compared
        (every day would differ). It names this cycle scenario; if not, it is flagged
        and still compared (a renamed horizon is otherwise comparable)."""
        h, cs = self.horizon, self.cs
        if h.scenario_sha256 is not None and h.scenario_sha256 != cycle_sha256(cs):
            self.flag(HorizonRule.STRUCTURE, "scenario_sha256",
                      "the horizon was made from another version of this cycle scenario "
                      "(its households, volunteers, stock, rations or parameters differ): "
                      "plan the cycle again")
            return False
        if h.scenario != cs.name:
            self.flag(HorizonRule.STRUCTURE, "scenario",
                      f"stated {h.scenario!r}, the cycle scenario is {cs.name!r}")
        return True

    def steps(self) -> Iterable[Callable[[], None]]:
        return (self.structure, self.rounds, self.round_claims, self.day_scenarios,
                self.relabels, self.duty_and_lists, self.not_served, self.cycle,
                self.visits, self.garbage,
                self.stock, self.bags_and_diets, self.rations, self.allocations, self.orders,
                self.packing, self.picklists, self.summary)

    # 1. The horizon's shape (its scenario name: :meth:`identity`).
    def structure(self) -> None:
        h, cs = self.horizon, self.cs
        if len(h.days) != cs.days:
            self.flag(HorizonRule.STRUCTURE, "days",
                      f"{len(h.days)} days, the cycle has {cs.days}")
        empty = {h.id for h in cs.compound.households if h.residents == 0}
        for d_i, day in self.days:
            where = f"days[{d_i}]"
            for rule, field, hids in (
                    (HorizonRule.CYCLE, "deliveries", [x.household for x in day.deliveries]),
                    (HorizonRule.VISIT, "visits", day.visits),
                    (HorizonRule.GARBAGE, "garbage", day.garbage)):
                for i, hid in enumerate(hids):
                    if hid in empty:
                        self.flag(rule, f"{where}.{field}[{i}]",
                                  f"household {hid!r} is an empty flat (residents 0): it "
                                  "gets nothing")
            if day.day != d_i:
                self.flag(HorizonRule.STRUCTURE, f"{where}.day",
                          f"stated day {day.day}, expected {d_i} (days 0..D-1 in order)")
            if day.delivery_round is None and (any(x.bags for x in day.deliveries)
                                               or day.visits):
                self.flag(HorizonRule.STRUCTURE, f"{where}.delivery_round",
                          "the day has deliveries or visits but no delivery round")
            for kind, summary in (("delivery", day.delivery_round),
                                  ("garbage", day.garbage_round)):
                if summary is None:
                    continue
                swhere = f"{where}.{kind}_round"
                pair = self.folder.rounds.get((day.day, kind))
                if pair is None:
                    self.flag(HorizonRule.STRUCTURE, swhere,
                              f"{summary.scenario_file} / {summary.plan_file} not in the folder")
                    continue
                scenario, planned = pair
                s = planned.summary
                stated = {"households": len(scenario.households),
                          "served": s.households_served, "makespan_s": s.makespan_s,
                          "lower_bound_s": s.lower_bound_s, "gap": s.gap,
                          "last_delivery_s": s.last_delivery_s}
                for name, value in stated.items():
                    mine = getattr(summary, name)
                    same = (mine is None and value is None) or (
                        mine is not None and value is not None
                        and abs(mine - value) <= 1e-6 * max(1.0, abs(value)))
                    if not same:
                        self.flag(HorizonRule.STRUCTURE, f"{swhere}.{name}",
                                  f"stated {mine}, {summary.plan_file} says {value}")

    # 2. Every round passes the doorstep checker.
    def rounds(self) -> None:
        for _d_i, day in self.days:
            for kind, summary in (("delivery", day.delivery_round),
                                  ("garbage", day.garbage_round)):
                pair = self.round_of(day, kind)
                if pair is None or summary is None:
                    continue
                for v in check(*pair):
                    self.flag(HorizonRule.ROUND, f"{summary.plan_file}: {v.path}",
                              f"{v.rule.value}: {v.message}")

    # 3. The delivery round's scenario is the day's derived one.
    def day_scenarios(self) -> None:
        cs, compound = self.cs, self.cs.compound
        gate = cs.packing_gate()
        for d_i, day in self.days:
            pair = self.round_of(day, "delivery")
            if pair is None:
                continue
            scenario = pair[0]
            f = day.delivery_round.scenario_file  # type: ignore[union-attr]
            for name in ("buildings", "parameters", "walkways"):
                if getattr(scenario, name) != getattr(compound, name):
                    self.flag(HorizonRule.DAY_SCENARIO, f"{f}: {name}",
                              f"differ from the compound's {name}")
            bagged = {x.household: x for x in day.deliveries if x.bags}
            wanted = set(bagged) | set(day.visits)
            for h_i, h in enumerate(scenario.households):
                where = f"{f}: households[{h_i}]"
                if h.id not in wanted:
                    self.flag(HorizonRule.DAY_SCENARIO, where,
                              f"household {h.id!r} has neither bags nor a visit on day {d_i}")
                    continue
                base = self.households.get(h.id)
                if base is None:
                    self.flag(HorizonRule.DAY_SCENARIO, where, f"unknown household {h.id!r}")
                    continue
                for name in ("stairwell", "floor", "residents", "priority", "deadline",
                             "window", "risk", "delivery"):
                    if getattr(h, name) != getattr(base, name):
                        self.flag(HorizonRule.DAY_SCENARIO, f"{where}.{name}",
                                  f"stated {getattr(h, name)!r}, the compound says "
                                  f"{getattr(base, name)!r}")
                got = [(b.kind, b.weight_kg) for b in scenario.bags_of(h)]
                if h.id in bagged:
                    expected = [(b.kind, b.weight_kg) for b in bagged[h.id].bags]
                    same = len(got) == len(expected) and all(
                        k == ek and abs(w - ew) <= KG_TOLERANCE
                        for (k, w), (ek, ew) in zip(got, expected, strict=True))
                else:
                    expected = [("visit", "any")]
                    same = len(got) == 1 and got[0][0] == "visit"
                if not same:
                    self.flag(HorizonRule.DAY_SCENARIO, f"{where}.bags",
                              f"bags {got}, the day's plan packs {expected}")
            missing = wanted - {h.id for h in scenario.households}
            for hid in sorted(missing):
                self.flag(HorizonRule.DAY_SCENARIO, f"{f}: households",
                          f"household {hid!r} is due bags or a visit on day {d_i} but is "
                          "not in the round")
            on_duty = list(cs.on_duty(day.day))
            ids = [v.id for v in scenario.volunteers]
            if sorted(ids) != sorted(on_duty):
                self.flag(HorizonRule.DAY_SCENARIO, f"{f}: volunteers",
                          f"volunteers {sorted(ids)}, on duty {sorted(on_duty)}")
            self.volunteers_of_day(f, scenario, on_duty)
            if [(g.id, g.position, g.node) for g in scenario.gates] != \
                    [(g.id, g.position, g.node) for g in compound.gates]:
                self.flag(HorizonRule.DAY_SCENARIO, f"{f}: gates",
                          "differ from the compound's gates")
            for g_i, g in enumerate(scenario.gates):
                releases = [(r.at, tuple(r.households or ()), r.bags) for r in g.releases]
                if g.id != gate:
                    if releases:
                        self.flag(HorizonRule.DAY_SCENARIO, f"{f}: gates[{g_i}].releases",
                                  f"gate {g.id!r} is not the packing gate but has releases")
                    continue
                expected_r = [(b.at, b.households, None) for b in day.releases]
                same = len(releases) == len(expected_r) and all(
                    abs(a - ea) <= TIME_TOLERANCE_S and hs == ehs and n == en
                    for (a, hs, n), (ea, ehs, en) in zip(releases, expected_r, strict=True))
                if not same:
                    self.flag(HorizonRule.DAY_SCENARIO, f"{f}: gates[{g_i}].releases",
                              f"releases {releases} are not the day's batches {expected_r}")

    def volunteers_of_day(self, f: str, scenario: Scenario, on_duty: list[str]) -> None:
        """Each volunteer as in the compound; with rotating carts, its cart may be another
        of the same group's (volunteers alike in all but id and cart), each cart once."""
        compound = self.cs.compound
        rotate = getattr(self.cs, "rotate_carts", False)
        carts: dict[str, list[str]] = defaultdict(list)  # group -> carts, the compound's
        for vid in on_duty:
            v = compound.volunteer_by_id.get(vid)
            if v is not None:
                carts[v.model_dump_json(exclude={"id", "cart"})].append(
                    v.cart.model_dump_json() if v.cart else "")
        taken: dict[str, list[str]] = defaultdict(list)
        for v_i, v in enumerate(scenario.volunteers):
            base = compound.volunteer_by_id.get(v.id)
            if base is None:
                self.flag(HorizonRule.DAY_SCENARIO, f"{f}: volunteers[{v_i}]",
                          f"unknown volunteer {v.id!r}")
                continue
            if rotate:
                same = base.model_copy(update={"cart": None}) == v.model_copy(
                    update={"cart": None})
                taken[base.model_dump_json(exclude={"id", "cart"})].append(
                    v.cart.model_dump_json() if v.cart else "")
            else:
                same = base == v
            if not same:
                self.flag(HorizonRule.DAY_SCENARIO, f"{f}: volunteers[{v_i}]",
                          f"volunteer {v.id!r} differs from the compound's")
        for group, got in taken.items():
            if sorted(got) != sorted(carts.get(group, [])):
                self.flag(HorizonRule.DAY_SCENARIO, f"{f}: volunteers",
                          "carts handed round that the group of volunteers does not have: "
                          f"{sorted(got)} for {sorted(carts.get(group, []))}")

    def served_days(self, kind: str) -> dict[str, list[int]]:
        """Per household, the days a round of this kind served it, left it unserved
        with a reason, or the day named it as not served: the days it is accounted for."""
        out: dict[str, list[int]] = defaultdict(list)
        for _d_i, day in self.days:
            pair = self.round_of(day, kind)
            accounted = _served(pair[1] if pair else None) | self.named(day, kind)
            if pair is not None:
                accounted |= {u.household for u in pair[1].unserved}
            for hid in accounted:
                out[hid].append(day.day)
        return out

    # 4. Every household delivered within its cycle, each delivery covering the gap. A
    # delivery that could not be made counts when the plan says why: nothing packed for
    # it (no bags, a reason; the stock and fairness rules check the reason) or the
    # day's round lists it as unserved with a reason (the doorstep checker checks it).
    def cycle(self) -> None:
        cs = self.cs
        served: dict[int, set[str]] = {}
        for _d_i, day in self.days:
            pair = self.round_of(day, "delivery")
            served[day.day] = set(_served(pair[1] if pair else None))
            if pair is not None:
                served[day.day] |= {u.household for u in pair[1].unserved}
            served[day.day] |= {x.household for x in day.deliveries
                                if not x.bags and x.short}
        rationed: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for d_i, day in self.days:
            for x_i, x in enumerate(day.deliveries):
                if x.days_covered > 0 and x.household in served[day.day]:
                    rationed[x.household].append((day.day, x.days_covered,
                                                  f"days[{d_i}].deliveries[{x_i}]"))
            # named as not served (the not_served rule argues why): accounted for that day
            for n_i, n in enumerate(day.not_served):
                if n.round == "delivery" and n.days_covered > 0:
                    rationed[n.household].append((day.day, n.days_covered,
                                                  f"days[{d_i}].not_served[{n_i}]"))
        for h in self.occupied:
            k = cs.cycle_of(h.id)
            # overdue from before the horizon: day 0 is the earliest it can be delivered
            due = max(0, cs.settings[h.id].last_delivery_day + k)
            got = sorted(rationed.get(h.id, []))
            if not got:
                if due < cs.days:
                    self.flag(HorizonRule.CYCLE, "days",
                              f"household {h.id!r} is due by day {due} and never delivered")
                continue
            if got[0][0] > due:
                self.flag(HorizonRule.CYCLE, got[0][2],
                          f"household {h.id!r}'s first delivery on day {got[0][0]}, due by "
                          f"day {due} (cycle {k})")
            for (d, covered, where), nxt in zip(got, [*got[1:], None], strict=True):
                until = nxt[0] if nxt is not None else cs.days
                if nxt is not None and until - d > k:
                    self.flag(HorizonRule.CYCLE, nxt[2],
                              f"household {h.id!r} delivered on days {d} and {until}: more "
                              f"than its cycle of {k} days apart")
                if covered < until - d:
                    self.flag(HorizonRule.CYCLE, f"{where}.days_covered",
                              f"covers {covered} days, the next delivery is "
                              f"{'on day ' + str(until) if nxt else 'past the horizon'} "
                              f"({until - d} days)")

    # 5. The ledger visited every day: served, left unserved by the round with a reason
    # (the doorstep checker checks it), or named as not served (the not_served rule).
    def visits(self) -> None:
        cs = self.cs
        for d_i, day in self.days:
            pair = self.round_of(day, "delivery")
            served = _served(pair[1] if pair else None) | self.named(day, "delivery", "visit")
            if pair is not None:
                served |= {u.household for u in pair[1].unserved}
            for h in self.occupied:
                if cs.visits_daily(h.id) and h.id not in served:
                    self.flag(HorizonRule.VISIT, f"days[{d_i}]",
                              f"household {h.id!r} is on the ledger but not served on "
                              f"day {day.day}")

    # 6. Garbage.
    def garbage(self) -> None:
        cs, g = self.cs, self.cs.garbage
        for d_i, day in self.days:
            pair = self.round_of(day, "delivery")
            if pair is not None:
                f = day.delivery_round.scenario_file  # type: ignore[union-attr]
                for h_i, h in enumerate(pair[0].households):
                    if any(b.kind == "garbage" for b in pair[0].bags_of(h)):
                        self.flag(HorizonRule.GARBAGE, f"{f}: households[{h_i}].bags",
                                  f"household {h.id!r}: garbage in the delivery round")
            if g is None:
                if day.garbage_round is not None or day.garbage:
                    self.flag(HorizonRule.GARBAGE, f"days[{d_i}].garbage",
                              "garbage collected but the cycle has no garbage collection")
                continue
            gpair = self.round_of(day, "garbage")
            if gpair is None:
                continue
            self.garbage_round(d_i, day, gpair, pair)
        if g is None:
            return
        collected = self.served_days("garbage")
        e = g.every_days
        for h in self.occupied:
            days = sorted(collected.get(h.id, []))
            if not days:
                if e - 1 < cs.days:
                    self.flag(HorizonRule.GARBAGE, "days",
                              f"household {h.id!r}'s garbage is never collected")
                continue
            if days[0] > e - 1:
                self.flag(HorizonRule.GARBAGE, "days",
                          f"household {h.id!r}'s garbage first collected on day {days[0]}, "
                          f"due by day {e - 1}")
            for a, b in zip(days, days[1:], strict=False):
                if b - a > e:
                    self.flag(HorizonRule.GARBAGE, "days",
                              f"household {h.id!r}'s garbage collected on days {a} and {b}: "
                              f"more than {e} days apart")
            if days[-1] + e < cs.days:
                self.flag(HorizonRule.GARBAGE, "days",
                          f"household {h.id!r}'s garbage last collected on day {days[-1]}, "
                          f"due again by day {days[-1] + e}")

    def garbage_round(self, d_i: int, day: DayPlan, gpair: tuple[Scenario, Plan],
                      dpair: tuple[Scenario, Plan] | None) -> None:
        """A day's garbage round: its households and their bags, its gates and
        disinfection, PPE for red and orange homes, and the volunteers' times against
        their deliveries."""
        g = self.cs.garbage
        assert g is not None
        scenario, planned = gpair
        f = day.garbage_round.scenario_file  # type: ignore[union-attr]
        pf = day.garbage_round.plan_file  # type: ignore[union-attr]
        self.garbage_households(d_i, day, f, scenario, g)
        for g_i, gate in enumerate(scenario.gates):
            if gate.position != g.collection_point:
                self.flag(HorizonRule.GARBAGE, f"{f}: gates[{g_i}]",
                          f"gate {gate.id!r} is not at the collection point")
        if scenario.parameters.disinfection_s < g.disinfection_s:
            self.flag(HorizonRule.GARBAGE, f"{f}: parameters.disinfection_s",
                      f"{scenario.parameters.disinfection_s} s, the cycle asks for "
                      f"{g.disinfection_s} s")
        compound_v = self.cs.compound.volunteer_by_id
        for x_i, x in enumerate(planned.deliveries):
            base = self.households.get(x.household)
            if base is None or base.risk not in (Risk.RED, Risk.ORANGE):
                continue
            v = compound_v.get(x.volunteer)
            if v is None or "ppe" not in v.skills:
                self.flag(HorizonRule.GARBAGE, f"{pf}: deliveries[{x_i}]",
                          f"{base.risk.value} home {x.household!r}'s garbage collected by "
                          f"{x.volunteer!r}, who has no full PPE")
        self.garbage_times(day, f, pf, gpair, dpair, g)

    def garbage_households(self, d_i: int, day: DayPlan, f: str, scenario: Scenario,
                           g: Garbage) -> None:
        """The garbage round's households: those listed for the day, where the compound
        puts them, their garbage's bags and weight, and red for red and orange homes."""
        limit = self.cs.bag_limit_kg()
        listed = set(day.garbage)
        for h_i, h in enumerate(scenario.households):
            where = f"{f}: households[{h_i}]"
            base = self.households.get(h.id)
            if base is None:
                self.flag(HorizonRule.GARBAGE, where, f"unknown household {h.id!r}")
                continue
            if h.id not in listed:
                self.flag(HorizonRule.GARBAGE, where,
                          f"household {h.id!r} is not in days[{d_i}].garbage")
            bags = scenario.bags_of(h)
            for b_i, b in enumerate(bags):
                if b.kind != "garbage":
                    self.flag(HorizonRule.GARBAGE, f"{where}.bags[{b_i}]",
                              f"a {b.kind!r} bag in the garbage round")
                if b.weight_kg > limit + 1e-9:
                    self.flag(HorizonRule.GARBAGE, f"{where}.bags[{b_i}]",
                              f"{b.weight_kg} kg, over the bag limit of {limit:g} kg")
            expected = base.residents * g.kg_per_resident_day * g.every_days
            total = sum(b.weight_kg for b in bags)
            if abs(total - expected) > GARBAGE_TOLERANCE_KG:
                self.flag(HorizonRule.GARBAGE, f"{where}.bags",
                          f"{total:.3f} kg of garbage, {base.residents} residents give "
                          f"{expected:.3f} kg")
            if h.stairwell != base.stairwell or h.floor != base.floor:
                self.flag(HorizonRule.GARBAGE, where,
                          f"household {h.id!r} is not where the compound puts it")
            if base.risk in (Risk.RED, Risk.ORANGE) and h.risk is not Risk.RED:
                self.flag(HorizonRule.GARBAGE, f"{where}.risk",
                          f"{base.risk.value} home {h.id!r} is {h.risk.value} in the garbage "
                          "round, not red")
        missing = listed - {h.id for h in scenario.households}
        for hid in sorted(missing):
            self.flag(HorizonRule.GARBAGE, f"{f}: households",
                      f"household {hid!r} is listed for collection but not in the round")

    def garbage_times(self, day: DayPlan, f: str, pf: str, gpair: tuple[Scenario, Plan],
                      dpair: tuple[Scenario, Plan] | None, g: Garbage) -> None:
        """Garbage never shares time with the same volunteer's deliveries: its volunteers
        are on duty, start no earlier than the round and their return from deliveries, and
        no garbage trip overlaps a delivery trip."""
        scenario, planned = gpair
        delivery_trips: dict[str, list[tuple[float, float]]] = {}
        if dpair is not None:
            for vp in dpair[1].volunteers:
                delivery_trips[vp.volunteer] = [(t.start_s, t.return_s) for t in vp.trips]
        on_duty = set(self.cs.on_duty(day.day))
        for v_i, v in enumerate(scenario.volunteers):
            where = f"{f}: volunteers[{v_i}]"
            if v.id not in on_duty:
                self.flag(HorizonRule.GARBAGE, where,
                          f"volunteer {v.id!r} is not on duty on day {day.day}")
            back = max((r for _, r in delivery_trips.get(v.id, [])), default=-math.inf)
            earliest = max(g.start, back)
            if v.shift.start < earliest - TIME_TOLERANCE_S:
                self.flag(HorizonRule.GARBAGE, f"{where}.shift.start",
                          f"starts at {v.shift.start}, before {earliest:.2f} (the round's "
                          "start or the volunteer's return from deliveries)")
        for v_i, vp in enumerate(planned.volunteers):
            for t_i, t in enumerate(vp.trips):
                for s, r in delivery_trips.get(vp.volunteer, []):
                    if t.start_s < r - TIME_TOLERANCE_S and s < t.return_s - TIME_TOLERANCE_S:
                        self.flag(HorizonRule.GARBAGE, f"{pf}: volunteers[{v_i}].trips[{t_i}]",
                                  f"volunteer {vp.volunteer!r}'s garbage trip "
                                  f"{t.start_s:.0f}-{t.return_s:.0f} overlaps a delivery "
                                  f"trip {s:.0f}-{r:.0f}")

    # 12. The summary and the volunteers' loads.
    def summary(self) -> None:
        h, s = self.horizon, self.horizon.summary
        rounds = [(day, kind, pair) for _d_i, day in self.days
                  for kind in ("delivery", "garbage")
                  if (pair := self.round_of(day, kind)) is not None]
        loads: dict[str, list[float]] = {}
        worked: dict[str, set[int]] = defaultdict(set)
        work: dict[int, float] = defaultdict(float)
        for day, _kind, (_sc, planned) in rounds:
            for vp in planned.volunteers:
                t = loads.setdefault(vp.volunteer, [0.0, 0.0, 0.0])
                t[0] += vp.floors_climbed
                t[1] += sum(trip.carry_kg for trip in vp.trips)
                t[2] += vp.busy_s
                work[day.day] += vp.busy_s
                if vp.trips:
                    worked[vp.volunteer].add(day.day)
        gaps = [p[1].summary.gap for day, kind, p in rounds
                if kind == "delivery" and p[1].summary.gap is not None]
        short_days = 0
        for d_i, day in self.days:
            if abs(day.work_s - work[day.day]) > 0.1:
                self.flag(HorizonRule.SUMMARY, f"days[{d_i}].work_s",
                          f"stated {day.work_s}, the rounds' busy time is "
                          f"{work[day.day]:.1f}")
            short = sum(1 for x in day.deliveries if x.coverage < 1)
            if day.allocation.households_short != short:
                self.flag(HorizonRule.SUMMARY, f"days[{d_i}].allocation.households_short",
                          f"stated {day.allocation.households_short}, {short} deliveries "
                          "cover less than their need")
            short_days += bool(short)
        expected: dict[str, float | None] = {
            "days": len(h.days),
            "deliveries": sum(len(d.deliveries) for _, d in self.days),
            "visits": sum(len(d.visits) for _, d in self.days),
            "garbage_pickups": sum(len(d.garbage) for _, d in self.days),
            "unserved": sum(len(p[1].unserved) for _, _, p in rounds)
            + sum(1 for _, d in self.days for x in d.not_served
                  if x.moved_to_day is None or x.moved_to_day > d.day),
            "undelivered": sum(1 for _, d in self.days for x in d.deliveries if not x.bags),
            "short_days": short_days,
            "worst_gap": max(gaps) if gaps else None,
            "busiest_day_over_mean": _ratio([d.work_s for _, d in self.days]),
        }
        fairness = {
            "floors_max_over_mean": _ratio([t[0] for t in loads.values()]),
            "kg_max_over_mean": _ratio([t[1] for t in loads.values()]),
            "hours_max_over_mean": _ratio([t[2] for t in loads.values()]),
            "floors_alike_max_over_mean": self.alike_floors(loads),
        }
        for name, value in expected.items():
            self.compare(f"summary.{name}", getattr(s, name), value)
        for name, value in fairness.items():
            self.compare(f"summary.fairness.{name}", getattr(s.fairness, name), value)
        listed: set[str] = set()
        for l_i, load in enumerate(h.volunteers):
            where = f"volunteers[{l_i}]"
            if load.volunteer not in self.cs.compound.volunteer_by_id:
                self.flag(HorizonRule.SUMMARY, where, f"unknown volunteer {load.volunteer!r}")
                continue
            if load.volunteer in listed:
                self.flag(HorizonRule.SUMMARY, where, f"volunteer {load.volunteer!r} twice")
            listed.add(load.volunteer)
            t = loads.get(load.volunteer, [0.0, 0.0, 0.0])
            self.compare(f"{where}.days", load.days, len(worked.get(load.volunteer, ())))
            self.compare(f"{where}.floors_climbed", load.floors_climbed, t[0])
            self.compare(f"{where}.carry_kg", load.carry_kg, t[1], absolute=0.051)
            self.compare(f"{where}.hours", load.hours, t[2] / 3600, absolute=0.0051)
        for vid in sorted(set(loads) - listed):
            self.flag(HorizonRule.SUMMARY, "volunteers",
                      f"volunteer {vid!r} works in some round but has no load line")
        for vid in sorted(set(self.cs.compound.volunteer_by_id) - listed - set(loads)):
            self.flag(HorizonRule.SUMMARY, "volunteers",
                      f"volunteer {vid!r} of the compound has no load line")

    def alike_floors(self, loads: dict[str, list[float]]) -> float:
        """Per group of volunteers who could swap days (two or more on duty some day),
        max/mean of floors per day on duty; the largest over the groups."""
        cs = self.cs
        groups: dict[str, list[float]] = defaultdict(list)
        for v in cs.compound.volunteers:
            on = sum(1 for _, d in self.days if v.id in cs.on_duty(d.day))
            if on:
                key = v.model_dump_json(exclude={"id", "cart"} if cs.rotate_carts else {"id"})
                groups[key].append(loads.get(v.id, [0.0])[0] / on)
        return max((_ratio(rates) for rates in groups.values() if len(rates) >= 2),
                   default=1.0)

    def compare(self, where: str, stated: float | None, value: float | None,
                absolute: float = 0.0) -> None:
        if stated is None or value is None:
            ok = stated is None and value is None
        else:
            ok = abs(stated - value) <= max(absolute, RATIO_TOLERANCE * max(1.0, abs(value)))
        if not ok:
            shown = f"{value:.4g}" if value is not None else "none"
            self.flag(HorizonRule.SUMMARY, where, f"stated {stated}, the plans give {shown}")


def check_horizon(cs: CycleScenario, folder: HorizonFolder) -> list[Violation]:
    """Every way the horizon in ``folder`` breaks the rules of ``cs``; empty when sound."""
    return _HorizonChecker(cs, folder).run()


__all__ = ["HorizonRule", "check_horizon"]

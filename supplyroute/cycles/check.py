"""``check_horizon(cycle_scenario, folder) -> list[CycleViolation]``: the independent
oracle of a supply cycle.

Recomputes a horizon plan from the cycle scenario alone with its own arithmetic: the
days' derived doorstep scenarios, who is served when (the cycle, the daily visits, the
garbage), the gate's stock lot by lot, diets, rations and their fair shares, the bags,
the packing staff's batches and the horizon's summary; every day's rounds go through the
doorstep checker. It imports none of the planner's modules (calendar, days, supplies),
so a planner bug cannot hide behind a shared helper; it uses only the models (and the
helpers of :class:`~supplyroute.models.cycle.CycleScenario`, which define the input),
the doorstep checker and the horizon folder's type.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from enum import Enum

from supplyroute.checks import check
from supplyroute.cycles.folder import HorizonFolder
from supplyroute.models import Plan, Priority, Risk, Scenario
from supplyroute.models.cycle import MEDICINE, PREVENTION, CycleScenario
from supplyroute.models.horizon import DayPlan

KG_TOLERANCE = 0.001  #: bags and shares are stated to the gram.
GARBAGE_TOLERANCE_KG = 0.01  #: a household's garbage, split into bags of rounded weights.
COVERAGE_TOLERANCE = 0.0005  #: coverage is stated to four decimals.
TIME_TOLERANCE_S = 0.01  #: release times are stated to the hundredth of a second.
RATIO_TOLERANCE = 0.001  #: ratios are stated to four decimals.


class CycleRule(str, Enum):
    #: the horizon's shape: its scenario name, days 0..D-1 in order, each day's round files
    #: present, each round summary equal to its plan's summary.
    STRUCTURE = "structure"
    #: a day's delivery or garbage plan breaks a doorstep rule (the doorstep checker).
    ROUND = "round"
    #: a delivery round's scenario is not the day's derived one (buildings, parameters,
    #: walkways, households and their bags, volunteers on duty, gates and releases).
    DAY_SCENARIO = "day_scenario"
    #: a household waits longer than its cycle for a delivery, or a delivery covers fewer
    #: days than there are to the next one (or to the horizon's end).
    CYCLE = "cycle"
    #: a household on the ledger is not served in some day's delivery round.
    VISIT = "visit"
    #: garbage: its own bags and round, collected every ``every_days`` days, weights, bag
    #: limit, the collection point, PPE for red and orange homes, disinfection, and no
    #: overlap with the volunteer's deliveries.
    GARBAGE = "garbage"
    #: a stock line that does not match the gate's lots (arrivals, shelf lives, soonest to
    #: expire first), or more used than is on hand.
    STOCK = "stock"
    #: a food item that does not suit the household's diets (beyond what it ordered).
    DIET = "diet"
    #: a delivery's stated need, packed kg, coverage or shortfall note that does not
    #: match its bags and rations.
    RATION = "ration"
    #: a household short of a category while a suitable item of it is left at the gate,
    #: or urgent and vulnerable households worse off than standard ones.
    FAIRNESS = "fairness"
    #: a bag whose weight does not match its contents, over the bag limit, or holding
    #: items of another kind of bag.
    BAGS = "bags"
    #: an order line neither in the next day's bags nor reported short.
    ORDER = "order"
    #: release batches: release times, bag counts, every packed household in one batch,
    #: and no more bags than the packing staff can have packed by then.
    PACKING = "packing"
    #: the horizon summary, the days' work and the volunteers' loads do not add up.
    SUMMARY = "summary"


@dataclass(frozen=True)
class CycleViolation:
    kind: CycleRule
    where: str  #: a path in the horizon, or "<file>: <path in it>" for a round's files.
    message: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.where}: {self.message}"


@dataclass
class _Lot:
    units: int
    expires: int | None  #: thrown away at the start of this day (None: keeps).


def _served(planned: Plan | None) -> set[str]:
    return set() if planned is None else {d.household for d in planned.deliveries}


def _ratio(values: list[float]) -> float:
    mean = statistics.fmean(values) if values else 0.0
    return max(values) / mean if mean > 0 else 1.0


class _HorizonChecker:
    def __init__(self, cs: CycleScenario, folder: HorizonFolder):
        self.cs = cs
        self.folder = folder
        self.horizon = folder.horizon
        self.out: list[CycleViolation] = []
        self.items = cs.item_by_id
        self.households = cs.compound.household_by_id
        # Per day index in the horizon (after the structure check).
        self.days: list[tuple[int, DayPlan]] = list(enumerate(self.horizon.days))
        self.closing: dict[int, dict[str, int]] = {}  # day -> item -> units, recomputed

    def flag(self, kind: CycleRule, where: str, message: str) -> None:
        self.out.append(CycleViolation(kind, where, message))

    def round_of(self, day: DayPlan, kind: str) -> tuple[Scenario, Plan] | None:
        summary = day.delivery_round if kind == "delivery" else day.garbage_round
        if summary is None:
            return None
        return self.folder.rounds.get((day.day, kind))

    def run(self) -> list[CycleViolation]:
        self.structure()
        self.rounds()
        self.day_scenarios()
        self.cycle()
        self.visits()
        self.garbage()
        self.stock()
        self.bags_and_diets()
        self.rations()
        self.orders()
        self.packing()
        self.summary()
        return self.out

    # 1. The horizon's shape.
    def structure(self) -> None:
        h, cs = self.horizon, self.cs
        if h.scenario != cs.name:
            self.flag(CycleRule.STRUCTURE, "scenario",
                      f"stated {h.scenario!r}, the cycle scenario is {cs.name!r}")
        if len(h.days) != cs.days:
            self.flag(CycleRule.STRUCTURE, "days",
                      f"{len(h.days)} days, the cycle has {cs.days}")
        for d_i, day in self.days:
            where = f"days[{d_i}]"
            if day.day != d_i:
                self.flag(CycleRule.STRUCTURE, f"{where}.day",
                          f"stated day {day.day}, expected {d_i} (days 0..D-1 in order)")
            if day.delivery_round is None and (any(x.bags for x in day.deliveries)
                                               or day.visits):
                self.flag(CycleRule.STRUCTURE, f"{where}.delivery_round",
                          "the day has deliveries or visits but no delivery round")
            for kind, summary in (("delivery", day.delivery_round),
                                  ("garbage", day.garbage_round)):
                if summary is None:
                    continue
                swhere = f"{where}.{kind}_round"
                pair = self.folder.rounds.get((day.day, kind))
                if pair is None:
                    self.flag(CycleRule.STRUCTURE, swhere,
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
                        self.flag(CycleRule.STRUCTURE, f"{swhere}.{name}",
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
                    self.flag(CycleRule.ROUND, f"{summary.plan_file}: {v.path}",
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
                    self.flag(CycleRule.DAY_SCENARIO, f"{f}: {name}",
                              f"differ from the compound's {name}")
            bagged = {x.household: x for x in day.deliveries if x.bags}
            wanted = set(bagged) | set(day.visits)
            for h_i, h in enumerate(scenario.households):
                where = f"{f}: households[{h_i}]"
                if h.id not in wanted:
                    self.flag(CycleRule.DAY_SCENARIO, where,
                              f"household {h.id!r} has neither bags nor a visit on day {d_i}")
                    continue
                base = self.households.get(h.id)
                if base is None:
                    self.flag(CycleRule.DAY_SCENARIO, where, f"unknown household {h.id!r}")
                    continue
                for name in ("stairwell", "floor", "residents", "priority", "deadline",
                             "window", "risk", "delivery"):
                    if getattr(h, name) != getattr(base, name):
                        self.flag(CycleRule.DAY_SCENARIO, f"{where}.{name}",
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
                    self.flag(CycleRule.DAY_SCENARIO, f"{where}.bags",
                              f"bags {got}, the day's plan packs {expected}")
            missing = wanted - {h.id for h in scenario.households}
            for hid in sorted(missing):
                self.flag(CycleRule.DAY_SCENARIO, f"{f}: households",
                          f"household {hid!r} is due bags or a visit on day {d_i} but is "
                          "not in the round")
            on_duty = list(cs.on_duty(day.day))
            ids = [v.id for v in scenario.volunteers]
            if sorted(ids) != sorted(on_duty):
                self.flag(CycleRule.DAY_SCENARIO, f"{f}: volunteers",
                          f"volunteers {sorted(ids)}, on duty {sorted(on_duty)}")
            self.volunteers_of_day(f, scenario, on_duty)
            if [(g.id, g.position, g.node) for g in scenario.gates] != \
                    [(g.id, g.position, g.node) for g in compound.gates]:
                self.flag(CycleRule.DAY_SCENARIO, f"{f}: gates",
                          "differ from the compound's gates")
            for g_i, g in enumerate(scenario.gates):
                releases = [(r.at, tuple(r.households or ()), r.bags) for r in g.releases]
                if g.id != gate:
                    if releases:
                        self.flag(CycleRule.DAY_SCENARIO, f"{f}: gates[{g_i}].releases",
                                  f"gate {g.id!r} is not the packing gate but has releases")
                    continue
                expected_r = [(b.at, b.households, None) for b in day.releases]
                same = len(releases) == len(expected_r) and all(
                    abs(a - ea) <= TIME_TOLERANCE_S and hs == ehs and n == en
                    for (a, hs, n), (ea, ehs, en) in zip(releases, expected_r, strict=True))
                if not same:
                    self.flag(CycleRule.DAY_SCENARIO, f"{f}: gates[{g_i}].releases",
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
                self.flag(CycleRule.DAY_SCENARIO, f"{f}: volunteers[{v_i}]",
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
                self.flag(CycleRule.DAY_SCENARIO, f"{f}: volunteers[{v_i}]",
                          f"volunteer {v.id!r} differs from the compound's")
        for group, got in taken.items():
            if sorted(got) != sorted(carts.get(group, [])):
                self.flag(CycleRule.DAY_SCENARIO, f"{f}: volunteers",
                          "carts handed round that the group of volunteers does not have: "
                          f"{sorted(got)} for {sorted(carts.get(group, []))}")

    def served_days(self, kind: str) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for _d_i, day in self.days:
            pair = self.round_of(day, kind)
            for hid in _served(pair[1] if pair else None):
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
        for h in cs.compound.households:
            k = cs.cycle_of(h.id)
            due = cs.settings[h.id].last_delivery_day + k
            got = sorted(rationed.get(h.id, []))
            if not got:
                if due < cs.days:
                    self.flag(CycleRule.CYCLE, "days",
                              f"household {h.id!r} is due by day {due} and never delivered")
                continue
            if got[0][0] > due:
                self.flag(CycleRule.CYCLE, got[0][2],
                          f"household {h.id!r}'s first delivery on day {got[0][0]}, due by "
                          f"day {due} (cycle {k})")
            for (d, covered, where), nxt in zip(got, [*got[1:], None], strict=True):
                until = nxt[0] if nxt is not None else cs.days
                if nxt is not None and until - d > k:
                    self.flag(CycleRule.CYCLE, nxt[2],
                              f"household {h.id!r} delivered on days {d} and {until}: more "
                              f"than its cycle of {k} days apart")
                if covered < until - d:
                    self.flag(CycleRule.CYCLE, f"{where}.days_covered",
                              f"covers {covered} days, the next delivery is "
                              f"{'on day ' + str(until) if nxt else 'past the horizon'} "
                              f"({until - d} days)")

    # 5. The ledger visited every day.
    def visits(self) -> None:
        cs = self.cs
        for d_i, day in self.days:
            pair = self.round_of(day, "delivery")
            served = _served(pair[1] if pair else None)
            for h in cs.compound.households:
                if cs.visits_daily(h.id) and h.id not in served:
                    self.flag(CycleRule.VISIT, f"days[{d_i}]",
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
                        self.flag(CycleRule.GARBAGE, f"{f}: households[{h_i}].bags",
                                  f"household {h.id!r}: garbage in the delivery round")
            if g is None:
                if day.garbage_round is not None or day.garbage:
                    self.flag(CycleRule.GARBAGE, f"days[{d_i}].garbage",
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
        for h in cs.compound.households:
            days = sorted(collected.get(h.id, []))
            if not days:
                if e - 1 < cs.days:
                    self.flag(CycleRule.GARBAGE, "days",
                              f"household {h.id!r}'s garbage is never collected")
                continue
            if days[0] > e - 1:
                self.flag(CycleRule.GARBAGE, "days",
                          f"household {h.id!r}'s garbage first collected on day {days[0]}, "
                          f"due by day {e - 1}")
            for a, b in zip(days, days[1:], strict=False):
                if b - a > e:
                    self.flag(CycleRule.GARBAGE, "days",
                              f"household {h.id!r}'s garbage collected on days {a} and {b}: "
                              f"more than {e} days apart")
            if days[-1] + e < cs.days:
                self.flag(CycleRule.GARBAGE, "days",
                          f"household {h.id!r}'s garbage last collected on day {days[-1]}, "
                          f"due again by day {days[-1] + e}")

    def garbage_round(self, d_i: int, day: DayPlan, gpair: tuple[Scenario, Plan],
                      dpair: tuple[Scenario, Plan] | None) -> None:
        cs, g = self.cs, self.cs.garbage
        assert g is not None
        scenario, planned = gpair
        f = day.garbage_round.scenario_file  # type: ignore[union-attr]
        pf = day.garbage_round.plan_file  # type: ignore[union-attr]
        limit = cs.bag_limit_kg()
        listed = set(day.garbage)
        for h_i, h in enumerate(scenario.households):
            where = f"{f}: households[{h_i}]"
            base = self.households.get(h.id)
            if base is None:
                self.flag(CycleRule.GARBAGE, where, f"unknown household {h.id!r}")
                continue
            if h.id not in listed:
                self.flag(CycleRule.GARBAGE, where,
                          f"household {h.id!r} is not in days[{d_i}].garbage")
            bags = scenario.bags_of(h)
            for b_i, b in enumerate(bags):
                if b.kind != "garbage":
                    self.flag(CycleRule.GARBAGE, f"{where}.bags[{b_i}]",
                              f"a {b.kind!r} bag in the garbage round")
                if b.weight_kg > limit + 1e-9:
                    self.flag(CycleRule.GARBAGE, f"{where}.bags[{b_i}]",
                              f"{b.weight_kg} kg, over the bag limit of {limit:g} kg")
            expected = base.residents * g.kg_per_resident_day * g.every_days
            total = sum(b.weight_kg for b in bags)
            if abs(total - expected) > GARBAGE_TOLERANCE_KG:
                self.flag(CycleRule.GARBAGE, f"{where}.bags",
                          f"{total:.3f} kg of garbage, {base.residents} residents give "
                          f"{expected:.3f} kg")
            if h.stairwell != base.stairwell or h.floor != base.floor:
                self.flag(CycleRule.GARBAGE, where,
                          f"household {h.id!r} is not where the compound puts it")
            if base.risk in (Risk.RED, Risk.ORANGE) and h.risk is not Risk.RED:
                self.flag(CycleRule.GARBAGE, f"{where}.risk",
                          f"{base.risk.value} home {h.id!r} is {h.risk.value} in the garbage "
                          "round, not red")
        missing = listed - {h.id for h in scenario.households}
        for hid in sorted(missing):
            self.flag(CycleRule.GARBAGE, f"{f}: households",
                      f"household {hid!r} is listed for collection but not in the round")
        for g_i, gate in enumerate(scenario.gates):
            if gate.position != g.collection_point:
                self.flag(CycleRule.GARBAGE, f"{f}: gates[{g_i}]",
                          f"gate {gate.id!r} is not at the collection point")
        if scenario.parameters.disinfection_s < g.disinfection_s:
            self.flag(CycleRule.GARBAGE, f"{f}: parameters.disinfection_s",
                      f"{scenario.parameters.disinfection_s} s, the cycle asks for "
                      f"{g.disinfection_s} s")
        compound_v = self.cs.compound.volunteer_by_id
        for x_i, x in enumerate(planned.deliveries):
            base = self.households.get(x.household)
            if base is None or base.risk not in (Risk.RED, Risk.ORANGE):
                continue
            v = compound_v.get(x.volunteer)
            if v is None or "ppe" not in v.skills:
                self.flag(CycleRule.GARBAGE, f"{pf}: deliveries[{x_i}]",
                          f"{base.risk.value} home {x.household!r}'s garbage collected by "
                          f"{x.volunteer!r}, who has no full PPE")
        # Garbage never shares time with the same volunteer's deliveries.
        delivery_trips: dict[str, list[tuple[float, float]]] = {}
        if dpair is not None:
            for vp in dpair[1].volunteers:
                delivery_trips[vp.volunteer] = [(t.start_s, t.return_s) for t in vp.trips]
        on_duty = set(cs.on_duty(day.day))
        for v_i, v in enumerate(scenario.volunteers):
            where = f"{f}: volunteers[{v_i}]"
            if v.id not in on_duty:
                self.flag(CycleRule.GARBAGE, where,
                          f"volunteer {v.id!r} is not on duty on day {day.day}")
            back = max((r for _, r in delivery_trips.get(v.id, [])), default=-math.inf)
            earliest = max(g.start, back)
            if v.shift.start < earliest - TIME_TOLERANCE_S:
                self.flag(CycleRule.GARBAGE, f"{where}.shift.start",
                          f"starts at {v.shift.start}, before {earliest:.2f} (the round's "
                          "start or the volunteer's return from deliveries)")
        for v_i, vp in enumerate(planned.volunteers):
            for t_i, t in enumerate(vp.trips):
                for s, r in delivery_trips.get(vp.volunteer, []):
                    if t.start_s < r - TIME_TOLERANCE_S and s < t.return_s - TIME_TOLERANCE_S:
                        self.flag(CycleRule.GARBAGE, f"{pf}: volunteers[{v_i}].trips[{t_i}]",
                                  f"volunteer {vp.volunteer!r}'s garbage trip "
                                  f"{t.start_s:.0f}-{t.return_s:.0f} overlaps a delivery "
                                  f"trip {s:.0f}-{r:.0f}")

    # 7. The gate's stock, recomputed lot by lot.
    def stock(self) -> None:
        cs = self.cs
        lots: dict[str, list[_Lot]] = {i.id: [] for i in cs.catalogue}
        for d_i, day in self.days:
            d = day.day
            opening = {i: sum(lot.units for lot in ls) for i, ls in lots.items()}
            expired = {}
            for item, ls in lots.items():
                kept = [lot for lot in ls if lot.expires is None or lot.expires > d]
                expired[item] = opening[item] - sum(lot.units for lot in kept)
                lots[item] = kept
            arrived: dict[str, int] = defaultdict(int)
            for a in cs.stock:
                if a.day != d or a.units == 0:
                    continue
                shelf = self.items[a.item].shelf_life_days
                lots[a.item].append(_Lot(a.units, d + shelf if shelf is not None else None))
                arrived[a.item] += a.units
            used: dict[str, int] = defaultdict(int)
            for x in day.deliveries:
                for b in x.bags:
                    for u in b.contents:
                        used[u.item] += u.units
            for item in sorted(used):
                if item not in lots:
                    self.flag(CycleRule.STOCK, f"days[{d_i}].deliveries",
                              f"item {item!r} is not in the catalogue")
                    continue
                ls = sorted(lots[item], key=lambda lot: (lot.expires is None, lot.expires or 0))
                left = used[item]
                on_hand = sum(lot.units for lot in ls)
                for lot in ls:
                    take = min(left, lot.units)
                    lot.units -= take
                    left -= take
                if left:
                    self.flag(CycleRule.STOCK, f"days[{d_i}].stock",
                              f"{used[item]} units of {item!r} packed, {on_hand} on hand: "
                              "the stock goes negative")
                lots[item] = [lot for lot in ls if lot.units]
            closing = {i: sum(lot.units for lot in ls) for i, ls in lots.items()}
            self.closing[d] = closing
            lines = {}
            for l_i, line in enumerate(day.stock):
                where = f"days[{d_i}].stock[{l_i}]"
                if line.item not in lots:
                    self.flag(CycleRule.STOCK, where, f"unknown item {line.item!r}")
                    continue
                if line.item in lines:
                    self.flag(CycleRule.STOCK, where, f"item {line.item!r} listed twice")
                lines[line.item] = line
                if line.closing < 0:
                    self.flag(CycleRule.STOCK, f"{where}.closing",
                              f"negative stock of {line.item!r}: {line.closing}")
                mine = {"opening": opening[line.item], "arrived": arrived[line.item],
                        "expired": expired[line.item], "used": used[line.item],
                        "closing": closing[line.item]}
                for name, value in mine.items():
                    if getattr(line, name) != value:
                        self.flag(CycleRule.STOCK, f"{where}.{name}",
                                  f"stated {getattr(line, name)} units of {line.item!r}, "
                                  f"the lots give {value}")
            for item in lots:
                if item not in lines:
                    self.flag(CycleRule.STOCK, f"days[{d_i}].stock",
                              f"no line for item {item!r}")

    def ordered(self, day: int) -> dict[str, dict[str, int]]:
        """household -> item -> units ordered the day before ``day``."""
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for o in self.cs.orders:
            if o.day + 1 == day:
                for line in o.items:
                    out[o.household][line.item] += line.units
        return out

    # 8 and 10. Diets and bags.
    def bags_and_diets(self) -> None:
        cs = self.cs
        limit = cs.bag_limit_kg()
        for d_i, day in self.days:
            ordered = self.ordered(day.day)
            for x_i, x in enumerate(day.deliveries):
                where = f"days[{d_i}].deliveries[{x_i}]"
                if x.household not in self.households:
                    self.flag(CycleRule.BAGS, f"{where}.household",
                              f"unknown household {x.household!r}")
                    continue
                unsuited: dict[str, int] = defaultdict(int)
                for b_i, b in enumerate(x.bags):
                    bwhere = f"{where}.bags[{b_i}]"
                    weight = 0.0
                    for u in b.contents:
                        item = self.items.get(u.item)
                        if item is None:
                            self.flag(CycleRule.BAGS, bwhere, f"unknown item {u.item!r}")
                            continue
                        weight += u.units * item.unit_kg
                        c = item.category
                        allowed = {"living": c not in (PREVENTION, MEDICINE),
                                   "prevention": c in (PREVENTION, MEDICINE),
                                   "medicine": c == MEDICINE}.get(b.kind)
                        if allowed is None:
                            self.flag(CycleRule.BAGS, f"{bwhere}.kind",
                                      f"unknown bag kind {b.kind!r} for supplies")
                        elif not allowed:
                            self.flag(CycleRule.BAGS, bwhere,
                                      f"a {b.kind} bag holds {u.item!r} ({c})")
                        if c not in (PREVENTION, MEDICINE) and \
                                not set(cs.settings[x.household].diets) <= set(item.diets):
                            unsuited[u.item] += u.units
                    if abs(weight - b.weight_kg) > KG_TOLERANCE:
                        self.flag(CycleRule.BAGS, f"{bwhere}.weight_kg",
                                  f"stated {b.weight_kg} kg, the contents weigh {weight:.3f}")
                    if b.weight_kg > limit + 1e-9:
                        self.flag(CycleRule.BAGS, f"{bwhere}.weight_kg",
                                  f"{b.weight_kg} kg, over the bag limit of {limit:g} kg")
                for item, n in sorted(unsuited.items()):
                    allowed_n = ordered.get(x.household, {}).get(item, 0)
                    if n > allowed_n:
                        self.flag(CycleRule.DIET, f"{where}.bags",
                                  f"{n} units of {item!r} do not suit household "
                                  f"{x.household!r}'s diets "
                                  f"{list(cs.settings[x.household].diets)}"
                                  + (f" ({allowed_n} ordered)" if allowed_n else ""))

    # 9. Rations and fair shares.
    def rations(self) -> None:
        cs = self.cs
        for d_i, day in self.days:
            closing = self.closing.get(day.day, {})
            by_category: dict[str, list[tuple[bool, float, str]]] = defaultdict(list)
            for x_i, x in enumerate(day.deliveries):
                if x.days_covered <= 0 or x.household not in self.households:
                    continue
                where = f"days[{d_i}].deliveries[{x_i}]"
                h = self.households[x.household]
                need = {c: h.residents * kg * x.days_covered
                        for c, kg in cs.rations_of(h.id).items()}
                packed = dict.fromkeys(need, 0.0)
                for b in x.bags:
                    for u in b.contents:
                        item = self.items.get(u.item)
                        if item is not None and item.category in packed:
                            packed[item.category] += u.units * item.unit_kg
                stated = {}
                for s_i, s in enumerate(x.shares):
                    if s.category in stated or s.category not in need:
                        self.flag(CycleRule.RATION, f"{where}.shares[{s_i}]",
                                  f"category {s.category!r} is not rationed once")
                        continue
                    stated[s.category] = s
                    if abs(s.need_kg - need[s.category]) > KG_TOLERANCE:
                        self.flag(CycleRule.RATION, f"{where}.shares[{s_i}].need_kg",
                                  f"stated {s.need_kg}, the ration gives "
                                  f"{need[s.category]:.3f}")
                    if abs(s.packed_kg - packed[s.category]) > KG_TOLERANCE:
                        self.flag(CycleRule.RATION, f"{where}.shares[{s_i}].packed_kg",
                                  f"stated {s.packed_kg}, the bags hold "
                                  f"{packed[s.category]:.3f}")
                for c in sorted(set(need) - set(stated)):
                    self.flag(CycleRule.RATION, f"{where}.shares",
                              f"no share for rationed category {c!r}")
                share = {c: min(1.0, packed[c] / n) if n > 0 else 1.0 for c, n in need.items()}
                cover = min(share.values(), default=1.0)
                if abs(x.coverage - cover) > COVERAGE_TOLERANCE:
                    self.flag(CycleRule.RATION, f"{where}.coverage",
                              f"stated {x.coverage}, the bags cover {cover:.4f}")
                if cover < 1 - COVERAGE_TOLERANCE and not x.short:
                    self.flag(CycleRule.RATION, f"{where}.short",
                              f"covers {cover:.4f} of its need but says nothing of it")
                priority = h.priority is not Priority.STANDARD
                for c, value in share.items():
                    by_category[c].append((priority, value, where))
                    if value >= 1 - 1e-9:
                        continue
                    left = [i.id for i in cs.catalogue if i.category == c
                            and cs.suits(i, h.id) and closing.get(i.id, 0) > 0]
                    if left:
                        self.flag(CycleRule.FAIRNESS, where,
                                  f"household {h.id!r} gets {share[c]:.3f} of its {c!r} "
                                  f"while {left} stay at the gate")
            for c, values in sorted(by_category.items()):
                first = [v for p, v, _ in values if p]
                rest = [v for p, v, _ in values if not p]
                if first and rest and min(first) < min(rest) - 1e-9:
                    w = min((v, wh) for p, v, wh in values if p)[1]
                    self.flag(CycleRule.FAIRNESS, w,
                              f"{c!r}: the smallest share among urgent and vulnerable "
                              f"households ({min(first):.3f}) is below the smallest among "
                              f"standard ones ({min(rest):.3f})")

    # 10. Orders.
    def orders(self) -> None:
        for d_i, day in self.days:
            deliveries = {x.household: (x_i, x) for x_i, x in enumerate(day.deliveries)}
            for hid, lines in sorted(self.ordered(day.day).items()):
                if hid not in deliveries:
                    self.flag(CycleRule.ORDER, f"days[{d_i}].deliveries",
                              f"household {hid!r} ordered {dict(lines)} but gets no delivery")
                    continue
                x_i, x = deliveries[hid]
                packed: dict[str, int] = defaultdict(int)
                for b in x.bags:
                    for u in b.contents:
                        packed[u.item] += u.units
                for item, n in sorted(lines.items()):
                    if packed[item] < n and not (x.short and item in x.short):
                        self.flag(CycleRule.ORDER, f"days[{d_i}].deliveries[{x_i}]",
                                  f"household {hid!r} ordered {n} x {item!r}, {packed[item]} "
                                  "packed and nothing said of it")

    # 11. Packing.
    def packing(self) -> None:
        p = self.cs.packing
        spans = [(s.staff, *s.span_s()) for s in p.shifts]

        def capacity(by_s: float) -> int:
            total = 0
            for staff, start, end in spans:
                total += staff * max(0, math.floor((min(by_s, end) - start) / p.bag_s + 1e-9))
            return total

        for d_i, day in self.days:
            bag_count = {x.household: len(x.bags) for x in day.deliveries if x.bags}
            batch_of: dict[str, int] = {}
            for r_i, r in enumerate(day.releases):
                where = f"days[{d_i}].releases[{r_i}]"
                at = max(0.0, r.packed_s + p.dwell_s)
                if abs(r.at - at) > TIME_TOLERANCE_S:
                    self.flag(CycleRule.PACKING, f"{where}.at",
                              f"stated {r.at}, packed at {r.packed_s} plus {p.dwell_s} s of "
                              f"disinfection gives {at:.2f}")
                for hid in r.households:
                    if hid in batch_of:
                        self.flag(CycleRule.PACKING, where,
                                  f"household {hid!r} also in releases[{batch_of[hid]}]")
                    elif hid not in bag_count:
                        self.flag(CycleRule.PACKING, where,
                                  f"household {hid!r} has no bags on day {day.day}")
                    batch_of.setdefault(hid, r_i)
                bags = sum(bag_count.get(hid, 0) for hid in r.households)
                if r.bags != bags:
                    self.flag(CycleRule.PACKING, f"{where}.bags",
                              f"stated {r.bags}, its households have {bags} bags")
                done = sum(o.bags for o in day.releases if o.packed_s <= r.packed_s + 1e-6)
                can = capacity(r.packed_s)
                if done > can:
                    self.flag(CycleRule.PACKING, f"{where}.packed_s",
                              f"{done} bags packed by {r.packed_s}, the staff can pack {can}")
            for hid in bag_count:
                if hid not in batch_of:
                    self.flag(CycleRule.PACKING, f"days[{d_i}].releases",
                              f"household {hid!r}'s bags are in no release batch")

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
                self.flag(CycleRule.SUMMARY, f"days[{d_i}].work_s",
                          f"stated {day.work_s}, the rounds' busy time is "
                          f"{work[day.day]:.1f}")
            short = sum(1 for x in day.deliveries if x.coverage < 1)
            if day.allocation.households_short != short:
                self.flag(CycleRule.SUMMARY, f"days[{d_i}].allocation.households_short",
                          f"stated {day.allocation.households_short}, {short} deliveries "
                          "cover less than their need")
            short_days += bool(short)
        expected: dict[str, float | None] = {
            "days": len(h.days),
            "deliveries": sum(len(d.deliveries) for _, d in self.days),
            "visits": sum(len(d.visits) for _, d in self.days),
            "garbage_pickups": sum(len(d.garbage) for _, d in self.days),
            "unserved": sum(len(p[1].unserved) for _, _, p in rounds),
            "undelivered": sum(1 for _, d in self.days for x in d.deliveries if not x.bags),
            "short_days": short_days,
            "worst_gap": max(gaps) if gaps else None,
            "busiest_day_over_mean": _ratio([d.work_s for _, d in self.days]),
        }
        fairness = {
            "floors_max_over_mean": _ratio([t[0] for t in loads.values()]),
            "kg_max_over_mean": _ratio([t[1] for t in loads.values()]),
            "hours_max_over_mean": _ratio([t[2] for t in loads.values()]),
        }
        for name, value in expected.items():
            self.compare(f"summary.{name}", getattr(s, name), value)
        for name, value in fairness.items():
            self.compare(f"summary.fairness.{name}", getattr(s.fairness, name), value)
        listed: set[str] = set()
        for l_i, load in enumerate(h.volunteers):
            where = f"volunteers[{l_i}]"
            if load.volunteer not in self.cs.compound.volunteer_by_id:
                self.flag(CycleRule.SUMMARY, where, f"unknown volunteer {load.volunteer!r}")
                continue
            if load.volunteer in listed:
                self.flag(CycleRule.SUMMARY, where, f"volunteer {load.volunteer!r} twice")
            listed.add(load.volunteer)
            t = loads.get(load.volunteer, [0.0, 0.0, 0.0])
            self.compare(f"{where}.days", load.days, len(worked.get(load.volunteer, ())))
            self.compare(f"{where}.floors_climbed", load.floors_climbed, t[0])
            self.compare(f"{where}.carry_kg", load.carry_kg, t[1], absolute=0.051)
            self.compare(f"{where}.hours", load.hours, t[2] / 3600, absolute=0.0051)
        for vid in sorted(set(loads) - listed):
            self.flag(CycleRule.SUMMARY, "volunteers",
                      f"volunteer {vid!r} works in some round but has no load line")

    def compare(self, where: str, stated: float | None, value: float | None,
                absolute: float = 0.0) -> None:
        if stated is None or value is None:
            ok = stated is None and value is None
        else:
            ok = abs(stated - value) <= max(absolute, RATIO_TOLERANCE * max(1.0, abs(value)))
        if not ok:
            shown = f"{value:.4g}" if value is not None else "none"
            self.flag(CycleRule.SUMMARY, where, f"stated {stated}, the plans give {shown}")


def check_horizon(cs: CycleScenario, folder: HorizonFolder) -> list[CycleViolation]:
    """Every way the horizon in ``folder`` breaks the rules of ``cs``; empty when sound."""
    return _HorizonChecker(cs, folder).run()

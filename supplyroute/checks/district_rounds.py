"""The second half of the district checker: what the vans' goods and rides make of the
day. Each lot's arrival, release and contents (every household's goods in exactly one
lot), the medicine orders at the door by their deadlines, the patients' rides to the
hospital and back, each compound's day scenario rebuilt from the lots and its round put
through the doorstep checker (:mod:`supplyroute.checks.round`), and the summary.

Coordinators need it because a van schedule can be sound on the road and still leave a
compound's volunteers waiting for goods that arrive too late, a patient at the gate or
an order past its deadline; this is where the vans' plan meets the rounds' plans.
:class:`DistrictRounds` is a part of the district checker
(:mod:`supplyroute.checks.district`), which runs these steps after the routes, the
stock, the pickups, the bays and the staging.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from supplyroute.checks.claims import verify_claims
from supplyroute.checks.district_rules import (
    KG_TOLERANCE,
    KM_TOLERANCE,
    TIME_TOLERANCE_S,
    DistrictRule,
    Visit,
)
from supplyroute.checks.driving import Driving
from supplyroute.checks.round import check
from supplyroute.checks.round_rules import RoundRule
from supplyroute.checks.violations import Checker
from supplyroute.models.district import Compound, DistrictScenario, MedicineOrder, Vehicle
from supplyroute.models.district_plan import DistrictPlan, Lot, Shipment, VehicleRoute
from supplyroute.models.plan import Plan
from supplyroute.models.scenario import Release, Scenario


def _kg_by_kind(items: Iterable[tuple[str, float]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for kind, kg in items:
        out[kind] += kg
    return dict(out)


def _same_kg(a: dict[str, float], b: dict[str, float]) -> bool:
    return all(abs(a.get(k, 0.0) - b.get(k, 0.0)) <= KG_TOLERANCE for k in set(a) | set(b))


def _show(kg: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:g} kg" for k, v in sorted(kg.items()) if abs(v) > 1e-9) or "nothing"


class DistrictRounds(Checker):
    """The district checker's steps from the lots on (releases, medicine orders, rides,
    rounds, summary), a part of :class:`~supplyroute.checks.district._DistrictChecker`,
    which sets the attributes below (the plan indexed by :meth:`structure` and the route
    steps)."""

    d: DistrictScenario
    plan: DistrictPlan
    compounds: dict[str, Compound]
    shipments: dict[str, Shipment]
    lots: dict[str, Lot]
    driving: Driving
    #: shipment id -> the stops that load it, and the stops that unload it.
    picks: dict[str, list[Visit]]
    drops: dict[str, list[Visit]]
    #: transport id -> the stops where its passenger gets in, and out.
    boards: dict[str, list[Visit]]
    alights: dict[str, list[Visit]]
    route_metres: dict[str, float]
    routes: list[tuple[int, VehicleRoute, Vehicle]]
    met_orders: int
    met_transports: int

    def flag_unless(self, request: str, rule: DistrictRule, where: str, message: str) -> None:
        """A medicine order's or transport's rule, unless the plan lists it as missed
        (a partial plan of a day that cannot meet it: the summary counts it unmet)."""
        if request not in {m.id for m in self.plan.missed}:
            self.flag(rule, where, message)

    def relaxed(self) -> set[str]:
        """The medicine orders the plan gave up (listed missed, ``relaxed``): their
        households' rounds go without the orders' deadlines, and they are never met."""
        return {m.id for m in self.plan.missed if m.kind == "order" and m.relaxed}

    def without_medicine(self, compound_id: str) -> set[str]:
        """Households of the compound whose medicine order's lot never arrives: their
        round brings their other bags only."""
        return {h for lot in self.lots.values() if lot.compound == compound_id
                and lot.order is not None and lot.released_s is None for h in lot.households}

    def listed_missed(self, request: str, met: bool) -> None:
        for m_i, m in enumerate(self.plan.missed):
            if m.id == request and met:
                self.flag(DistrictRule.SUMMARY, f"missed[{m_i}]",
                          f"{m.id!r} is listed as missed, but the plan meets it")

    # 7. Lots: arrivals, releases, contents; every household's goods in exactly one lot.
    def shipments_of(self, lot: Lot) -> list[Shipment]:
        return [sh for sh in self.shipments.values()
                if sh.lot == lot.id or (sh.lot is None and lot.order is not None
                                        and sh.order == lot.order)]

    def releases(self) -> None:
        """Each lot in the plan order, then every household in exactly one lot, then each
        medicine order's lot."""
        normal: dict[tuple[str, str], list[str]] = defaultdict(list)
        order_lots: dict[str, list[int]] = defaultdict(list)
        for l_i, lot in enumerate(self.plan.lots):
            if self.lots.get(lot.id) is not lot or lot.compound not in self.compounds:
                continue
            self.lot_released(l_i, lot)
            if lot.order is not None:
                order_lots[lot.order].append(l_i)
                continue
            self.lot_bags(l_i, lot, normal)
        for compound in self.d.compounds:
            for h in compound.scenario.households:
                holders = normal.get((compound.id, h.id), [])
                if len(holders) != 1:
                    self.flag(DistrictRule.RELEASE, "lots",
                              f"household {h.id!r} of {compound.id!r} is in "
                              f"{len(holders)} lots ({', '.join(holders) or 'none'}), expected one")
        for order in self.d.orders:
            self.order_lot(order, order_lots.get(order.id, []))

    def lot_released(self, l_i: int, lot: Lot) -> None:
        """A lot's shipments go to its compound and arrive; it arrives with its last one
        and is released after the gate's dwell (neither, if a shipment is unshipped); its
        stated kg are what its shipments carry."""
        where = f"lots[{l_i}]"
        compound = self.compounds[lot.compound]
        shipments = self.shipments_of(lot)
        arrivals: list[float] = []
        for sh in shipments:
            if sh.compound != lot.compound:
                self.flag(DistrictRule.RELEASE, where,
                          f"shipment {sh.id!r} of lot {lot.id!r} goes to {sh.compound!r}")
            drops = self.drops.get(sh.id, [])
            if not drops and sh.id not in self.plan.unshipped:
                self.flag(DistrictRule.RELEASE, where,
                          f"shipment {sh.id!r} of lot {lot.id!r} never arrives")
            arrivals += [v.stop.leave_s for v in drops]
        never = any(sh.id in self.plan.unshipped for sh in shipments)
        if never or lot.arrived_s is None or lot.released_s is None:
            if not (never and lot.arrived_s is None and lot.released_s is None):
                self.flag(DistrictRule.RELEASE, where,
                          f"lot {lot.id!r}: a lot arrives and is released if and only "
                          "if none of its shipments is unshipped")
        elif arrivals and abs(lot.arrived_s - max(arrivals)) > TIME_TOLERANCE_S:
            self.flag(DistrictRule.RELEASE, f"{where}.arrived_s",
                      f"stated {lot.arrived_s:g} s, its last shipment is unloaded at "
                      f"{max(arrivals):g} s")
        dwell = compound.supply_gate.dwell_s
        if (lot.released_s is not None and lot.arrived_s is not None
                and lot.released_s < lot.arrived_s + dwell - TIME_TOLERANCE_S):
            self.flag(DistrictRule.RELEASE, f"{where}.released_s",
                      f"released at {lot.released_s:g} s, before its arrival at "
                      f"{lot.arrived_s:g} s and the {dwell:g} s dwell are over")
        carried = _kg_by_kind((sh.kind, sh.kg) for sh in shipments)
        if not _same_kg(lot.kg, carried):
            self.flag(DistrictRule.RELEASE, f"{where}.kg",
                      f"stated {_show(lot.kg)}, its shipments carry {_show(carried)}")

    def lot_bags(self, l_i: int, lot: Lot, normal: dict[tuple[str, str], list[str]]) -> None:
        """A household's lot (not a medicine order's) holds its households' bags, bar the
        bags of their medicine orders; each household's lots are noted in ``normal``."""
        compound = self.compounds[lot.compound]
        ordered = {o.household: o.bag_kind for o in self.d.orders
                   if o.compound == lot.compound}
        bags: list[tuple[str, float]] = []
        for h in lot.households:
            normal[lot.compound, h].append(lot.id)
            household = compound.scenario.household_by_id.get(h)
            if household is None:
                continue
            bags += [(b.kind, b.weight_kg) for b in compound.scenario.bags_of(household)
                     if b.kind != ordered.get(h)]
        due = _kg_by_kind(bags)
        if not _same_kg(lot.kg, due):
            self.flag(DistrictRule.RELEASE, f"lots[{l_i}].kg",
                      f"stated {_show(lot.kg)}, its households' bags weigh {_show(due)}")

    def order_lot(self, order: MedicineOrder, listed: list[int]) -> None:
        """A medicine order has one lot, for its household, bringing what it asks of each
        depot and nothing but its kind of bag."""
        if len(listed) != 1:
            self.flag(DistrictRule.RELEASE, "lots",
                      f"medicine order {order.id!r} has {len(listed)} lots, "
                      "expected one")
            return
        lot = self.plan.lots[listed[0]]
        where = f"lots[{listed[0]}]"
        if lot.compound != order.compound or tuple(lot.households) != (order.household,):
            self.flag(DistrictRule.RELEASE, where,
                      f"the lot of order {order.id!r} is for {lot.households} of "
                      f"{lot.compound!r}, not ({order.household!r},) of {order.compound!r}")
        brought = _kg_by_kind((sh.depot, sh.kg) for sh in self.shipments_of(lot))
        wanted = _kg_by_kind((p.depot, p.kg) for p in order.pickups)
        if not _same_kg(brought, wanted):
            self.flag(DistrictRule.RELEASE, where,
                      f"the lot of order {order.id!r} brings {_show(brought)} by depot, "
                      f"the order asks {_show(wanted)}")
        kinds = {sh.kind for sh in self.shipments_of(lot)} - {order.bag_kind}
        if kinds:
            self.flag(DistrictRule.RELEASE, where,
                      f"the lot of order {order.id!r} carries {sorted(kinds)[0]!r}, not "
                      f"only {order.bag_kind!r}")

    # 8. Medicine orders: every depot visited, at the door by the deadline.
    def handed_over(self, compound_id: str, household: str) -> tuple[str, float] | None:
        """Where in the plan the compound's round hands the household its bags, and when."""
        for c_i, cr in enumerate(self.plan.compounds):
            if cr.compound != compound_id:
                continue
            for j, x in enumerate(cr.plan.deliveries):
                if x.household == household:
                    return f"compounds[{c_i}].plan.deliveries[{j}]", x.delivered_s
        return None

    def orders_met(self) -> None:
        for order in self.d.orders:
            where = next((f"lots[{l_i}]" for l_i, lot in enumerate(self.plan.lots)
                          if lot.order == order.id), "lots")
            met = True
            fetched = {v.stop.place for sh in self.shipments.values() if sh.order == order.id
                       for v in self.picks.get(sh.id, [])}
            for pickup in order.pickups:
                if pickup.depot not in fetched:
                    met = False
                    self.flag_unless(order.id, DistrictRule.ORDER, where,
                                     f"medicine order {order.id!r}: nothing picked up at "
                                     f"{pickup.depot!r}")
            handed = self.handed_over(order.compound, order.household)
            if handed is None:
                met = False
                self.flag_unless(order.id, DistrictRule.ORDER, "compounds",
                                 f"medicine order {order.id!r}: household {order.household!r} of "
                                 f"{order.compound!r} is not served")
            elif handed[1] > order.deadline + TIME_TOLERANCE_S:
                met = False
                self.flag_unless(order.id, DistrictRule.ORDER, f"{handed[0]}.delivered_s",
                                 f"medicine order {order.id!r}: at the door at {handed[1]:g} s, "
                                 f"after its deadline {order.deadline:g} s")
            if order.id in self.relaxed():
                met = False  # given up: its deadline was not held to
            self.met_orders += met
            self.listed_missed(order.id, met)

    # 9. Patients' rides.
    def rides(self) -> None:
        """Each getting-in is paired with the next getting-out in the same vehicle: a
        ride from the gate to the hospital, or back; each transport needs one ride there
        (from ``ready``, by ``deadline``) and, with ``back_from``, one back."""
        legs: list[tuple[str, str, float, float, bool]] = []
        for transport in self.d.transports:
            tid = transport.id
            boards = sorted(self.boards.get(tid, []), key=lambda v: (v.stop.start_s, v.index))
            alights = sorted(self.alights.get(tid, []), key=lambda v: (v.stop.start_s, v.index))
            rides: dict[bool, list[tuple[Visit, Visit]]] = {False: [], True: []}
            for b in boards:
                a = next((x for x in alights if x.vehicle == b.vehicle and x.index > b.index),
                         None)
                if a is None:
                    self.flag(DistrictRule.TRANSPORT, f"{b.where}.boarded",
                              f"transport {tid!r}: gets in and never out")
                    continue
                alights.remove(a)
                if (b.stop.place, a.stop.place) == (transport.compound, transport.hospital):
                    rides[False].append((b, a))
                elif (b.stop.place, a.stop.place) == (transport.hospital, transport.compound):
                    rides[True].append((b, a))
                else:
                    self.flag(DistrictRule.TRANSPORT, f"{b.where}.boarded",
                              f"transport {tid!r}: a ride from {b.stop.place!r} to "
                              f"{a.stop.place!r}, neither from its gate to {transport.hospital!r} "
                              "nor back")
            for a in alights:
                self.flag(DistrictRule.TRANSPORT, f"{a.where}.alighted",
                          f"transport {tid!r}: gets out without getting in")
            met = True
            for back, ready, deadline in ((False, transport.ready, transport.deadline),
                                          (True, transport.back_from, None)):
                what = "back" if back else "to the hospital"
                wanted = 0 if ready is None else 1
                if len(rides[back]) < wanted:
                    met = False
                if len(rides[back]) != wanted:
                    self.flag_unless(tid, DistrictRule.TRANSPORT, "vehicles",
                                     f"transport {tid!r}: {len(rides[back])} rides {what}, "
                                     f"expected {wanted}")
                for b, a in rides[back]:
                    legs.append((tid, b.vehicle, b.stop.leave_s, a.stop.leave_s, back))
                    if ready is not None and b.stop.start_s < ready - TIME_TOLERANCE_S:
                        met = False
                        self.flag_unless(tid, DistrictRule.TRANSPORT, f"{b.where}.start_s",
                                         f"transport {tid!r} ({what}): picked up at "
                                         f"{b.stop.start_s:g} s, ready only at {ready:g} s")
                    if deadline is not None and a.stop.leave_s > deadline + TIME_TOLERANCE_S:
                        met = False
                        self.flag_unless(tid, DistrictRule.TRANSPORT, f"{a.where}.leave_s",
                                         f"transport {tid!r}: at the hospital at "
                                         f"{a.stop.leave_s:g} s, after its deadline {deadline:g} s")
            self.met_transports += met
            self.listed_missed(tid, met)
        stated = [(x.transport, x.vehicle, x.picked_s, x.dropped_s, x.back)
                  for x in self.plan.transports]
        unmatched = list(range(len(stated)))
        for leg in legs:
            what = "back" if leg[4] else "to the hospital"
            match = [i for i in unmatched if stated[i][0] == leg[0] and stated[i][4] == leg[4]
                     and stated[i][1] == leg[1]
                     and abs(stated[i][2] - leg[2]) <= TIME_TOLERANCE_S
                     and abs(stated[i][3] - leg[3]) <= TIME_TOLERANCE_S]
            if match:
                unmatched.remove(match[0])
            else:
                self.flag(DistrictRule.TRANSPORT, "transports",
                          f"transport {leg[0]!r} ({what}) rides in {leg[1]!r} from {leg[2]:g} s "
                          f"to {leg[3]:g} s, and no leg says so")
        for i in unmatched:
            s = stated[i]
            self.flag(DistrictRule.TRANSPORT, f"transports[{i}]",
                      f"a leg of transport {s[0]!r} in {s[1]!r} from {s[2]:g} s to {s[3]:g} s "
                      "that the stops do not make")

    # 10. Each compound's round, on its rebuilt day scenario.
    def day_scenario(self, compound: Compound, released: dict[str, float]) -> Scenario:
        """The compound's round scenario: one release per release time (to the
        millisecond) at the supply gate, the households in scenario order, and households
        whose goods never came never released; other gates release nothing; each
        medicine order's deadline on its household unless the plan gave the order up;
        a household whose medicine never comes without the order's bags (never
        released if it has no others)."""
        s = compound.scenario
        gate = compound.supply_gate.gate or s.gates[0].id
        orders = [o for o in self.d.orders if o.compound == compound.id]
        kinds = {o.household: o.bag_kind for o in orders}
        without = self.without_medicine(compound.id)
        released = dict(released)
        stripped: dict[str, object] = {}
        for h in s.households:
            if h.id in without and h.id in kinds:
                rest = tuple(b for b in s.bags_of(h) if b.kind != kinds[h.id])
                if rest:
                    stripped[h.id] = rest
                else:
                    released.pop(h.id, None)
        at: dict[float, list[str]] = defaultdict(list)
        for h in s.households:
            if h.id in released:
                at[round(released[h.id], 3)].append(h.id)
        batches = tuple(Release(at=t, households=tuple(at[t])) for t in sorted(at))
        if any(h.id not in released for h in s.households):
            # Goods that never came: a count of no bags, so that the households no
            # release names get nothing (without it, their bags would be at the gate
            # from the start).
            batches += (Release(at=0, bags=0),)
        gates = tuple(g.model_copy(update={"releases": batches if g.id == gate else ()})
                      for g in s.gates)
        given_up = self.relaxed()
        deadlines = {o.household: o.deadline for o in orders if o.id not in given_up}
        households = []
        for h in s.households:
            if h.id in stripped:
                h = h.model_copy(update={"bags": stripped[h.id]})
            if h.id in deadlines:
                due = deadlines[h.id] if h.deadline is None else min(h.deadline, deadlines[h.id])
                h = h.model_copy(update={"deadline": due})
            households.append(h)
        return s.with_changes(gates=gates, households=tuple(households),
                              name=f"{s.name} ({self.d.name})")

    def round_checked(self, compound: Compound, scenario: Scenario, plan: Plan,
                      where: str) -> None:
        """The round through the doorstep checker on its day scenario, then its bound
        and optimality argued again there (:func:`supplyroute.checks.claims.verify_claims`:
        the releases are the lots' as this plan gives them). A claim the doorstep
        checkers refuse is the district's ``claim``; any other rule its ``round``."""
        found = check(scenario, plan)
        if not any(v.rule is RoundRule.SCENARIO for v in found):
            found += verify_claims(scenario, plan)[0]
        for v in found:
            rule = DistrictRule.CLAIM if v.rule is RoundRule.CLAIM else DistrictRule.ROUND
            self.flag(rule, f"{where}.plan.{v.path}",
                      f"compound {compound.id!r}: {v.rule.value}: {v.message}")

    def rounds(self) -> None:
        by_compound: dict[str, list[int]] = defaultdict(list)
        for c_i, cr in enumerate(self.plan.compounds):
            by_compound[cr.compound].append(c_i)
        for compound in self.d.compounds:
            listed = by_compound.get(compound.id, [])
            if len(listed) != 1:
                self.flag(DistrictRule.ROUND, "compounds",
                          f"{len(listed)} rounds for compound {compound.id!r}, expected one")
                continue
            c_i = listed[0]
            cr = self.plan.compounds[c_i]
            where = f"compounds[{c_i}]"
            lots = [lot for lot in self.lots.values() if lot.compound == compound.id]
            released: dict[str, float] = {}
            goods_in: dict[str, float] = {}
            never: set[str] = set()
            for lot in lots:
                for h in lot.households:
                    if lot.released_s is None or lot.arrived_s is None:
                        if lot.order is None:  # its goods never come: never released
                            never.add(h)
                        continue  # medicine that never comes holds nothing else back
                    released[h] = max(released.get(h, lot.released_s), lot.released_s)
                    goods_in[h] = max(goods_in.get(h, lot.arrived_s), lot.arrived_s)
            for h in never:
                released.pop(h, None)
                goods_in.pop(h, None)
            scenario = self.day_scenario(compound, released)
            self.round_checked(compound, scenario, cr.plan, where)
            delivered = {x.household: x.delivered_s for x in cr.plan.deliveries}
            rows: set[str] = set()
            for h_i, row in enumerate(cr.households):
                hwhere = f"{where}.households[{h_i}]"
                if row.household not in compound.scenario.household_by_id:
                    self.flag(DistrictRule.ROUND, hwhere,
                              f"unknown household {row.household!r} of {compound.id!r}")
                    continue
                if row.household in rows:
                    self.flag(DistrictRule.ROUND, hwhere,
                              f"household {row.household!r} listed twice")
                rows.add(row.household)
                mine = (goods_in.get(row.household), released.get(row.household),
                        delivered.get(row.household))
                theirs = (row.goods_in_s, row.released_s, row.delivered_s)
                for name, m, t in zip(("goods_in_s", "released_s", "delivered_s"), mine, theirs,
                                      strict=True):
                    if (m is None) != (t is None) or (
                            m is not None and t is not None and abs(m - t) > TIME_TOLERANCE_S):
                        self.flag(DistrictRule.ROUND, f"{hwhere}.{name}",
                                  f"household {row.household!r}: stated {t}, the lots and the "
                                  f"round make {m}")
            missing = [h.id for h in compound.scenario.households
                       if h.id in released and h.id not in rows]
            if missing:
                self.flag(DistrictRule.ROUND, f"{where}.households",
                          f"{len(missing)} households of {compound.id!r} whose goods arrive "
                          f"without a row, e.g. {missing[0]!r}")

    # 11. The summary.
    def summary(self) -> None:
        """Every figure of the summary recomputed from the routes and the rounds (its
        bound, gap and free labels: :class:`~supplyroute.checks.district_claims.DistrictClaims`)."""
        sm = self.plan.summary

        def differs(name: str, stated: float | None, mine: float | None,
                    tolerance: float = 1e-6) -> None:
            if (stated is None) != (mine is None) or (
                    stated is not None and mine is not None
                    and abs(stated - mine) > tolerance):
                self.flag(DistrictRule.SUMMARY, f"summary.{name}",
                          f"stated {stated}, the plan makes {mine}")

        day_start = min(v.shift.start for v in self.d.vehicles)
        differs("day_start_s", sm.day_start_s, day_start, TIME_TOLERANCE_S)
        times = [x.delivered_s for cr in self.plan.compounds for x in cr.plan.deliveries]
        served = {(cr.compound, x.household) for cr in self.plan.compounds
                  for x in cr.plan.deliveries}
        last = max(times) if times else day_start
        differs("last_delivery_s", sm.last_delivery_s, last, TIME_TOLERANCE_S)
        makespan = last - day_start
        differs("makespan_s", sm.makespan_s, makespan, TIME_TOLERANCE_S)
        households = sum(len(c.scenario.households) for c in self.d.compounds)
        differs("households", sm.households, households)
        differs("households_served", sm.households_served, len(served))
        differs("households_unserved", sm.households_unserved, households - len(served))
        used = sum(1 for _r_i, route, _v in self.routes if len(route.stops) > 2)
        differs("vehicles_used", sm.vehicles_used, used)
        if self.driving.problem is None:
            km = sum(self.route_metres.values()) / 1000.0
            differs("truck_km", sm.truck_km, km, KM_TOLERANCE)
        differs("orders_met", sm.orders_met, self.met_orders)
        differs("orders_total", sm.orders_total, len(self.d.orders))
        differs("transports_met", sm.transports_met, self.met_transports)
        differs("transports_total", sm.transports_total, len(self.d.transports))

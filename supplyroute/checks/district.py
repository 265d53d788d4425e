"""``check_district(district, plan) -> list[Violation]``: the independent oracle of a
district's joint plan.

Recomputes a district plan from the district scenario alone with its own arithmetic:
driving distances (the straight line times the road factor, or shortest paths on the
road network: :mod:`supplyroute.checks.driving`), each van's loads, seats, drives,
loading and unloading, its shift, the depots' hours and stock, the shipments from depot
to gate, the bays and the staging room at each gate (here); then the lots' arrivals and
releases, the medicine orders and the patients' rides, and it rebuilds each compound's
day scenario (the releases the vans made possible, the orders' deadlines) and puts each
compound's round through the doorstep checker and its claims argued again
(:mod:`supplyroute.checks.district_rounds`); last, the summary's own claims: the
district's bound argued again with its own arithmetic, its named argument, its gap
(:mod:`supplyroute.checks.district_claims`, :mod:`supplyroute.checks.district_bound`).
Coordinators need it because the vans and the rounds are planned together: a plan they
hand to drivers and volunteers must hold on the road, at the gates and in every
compound at once. It imports none of the planner's modules (roads, day, goods, trucks,
joint), so a planner bug cannot hide behind a shared helper; it uses only the models,
the checkers' own physics and the doorstep checker.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from supplyroute.checks.district_claims import DistrictClaims
from supplyroute.checks.district_rounds import DistrictRounds
from supplyroute.checks.district_rules import (
    KG_TOLERANCE,
    KM_TOLERANCE,
    OVERLAP_TOLERANCE_S,
    TIME_TOLERANCE_S,
    DistrictRule,
    Visit,
)
from supplyroute.checks.driving import Driving
from supplyroute.checks.violations import Checker, Violation
from supplyroute.models.digest import district_sha256
from supplyroute.models.district import Depot, DistrictScenario, Transport, Vehicle
from supplyroute.models.district_plan import DistrictPlan, VehicleRoute, VehicleStop


def _peak(intervals: list[tuple[float, float, float]]) -> float:
    """The most kg held at once by intervals ``[start, end)`` of ``kg``."""
    events = sorted([(s, 1, kg) for s, e, kg in intervals if e > s]
                    + [(e, 0, -kg) for s, e, kg in intervals if e > s])
    held = peak = 0.0
    for _t, _order, delta in events:
        held += delta
        peak = max(peak, held)
    return peak


class _DistrictChecker(DistrictRounds, DistrictClaims, Checker):
    """The district checker: the plan's shape, each van's route, the depots' stock, the
    pickups, the bays and the staging (here), then the lots, orders, rides, rounds and
    summary (:class:`DistrictRounds`), and the summary's claims argued again
    (:class:`DistrictClaims`)."""

    def __init__(self, district: DistrictScenario, plan: DistrictPlan):
        super().__init__()
        self.d = district
        self.plan = plan
        self.depots: dict[str, Depot] = {x.id: x for x in district.depots}
        self.compounds = {c.id: c for c in district.compounds}
        self.vehicles: dict[str, Vehicle] = {v.id: v for v in district.vehicles}
        self.transports: dict[str, Transport] = {t.id: t for t in district.transports}
        self.orders = {o.id: o for o in district.orders}
        self.shipments = {}
        self.lots = {}
        self.driving = Driving(district)
        #: shipment id -> the stops that load it, and the stops that unload it.
        self.picks = defaultdict(list)
        self.drops = defaultdict(list)
        #: transport id -> the stops where its passenger gets in, and out.
        self.boards = defaultdict(list)
        self.alights = defaultdict(list)
        self.route_metres = {}
        self.routes = []
        self.met_orders = 0
        self.met_transports = 0

    def identity(self) -> bool:
        """The plan names this district (else nothing else can be compared) and, if it
        records one, its fingerprint."""
        if self.plan.scenario != self.d.name:
            self.flag(DistrictRule.STRUCTURE, "scenario",
                      f"the plan is for district {self.plan.scenario!r}, not {self.d.name!r}")
            return False  # nothing else can be compared
        stated = self.plan.scenario_sha256
        if stated is not None and stated != district_sha256(self.d):
            self.flag(DistrictRule.STRUCTURE, "scenario_sha256",
                      "the plan was made for another version of this district (its depots, "
                      "vehicles, compounds or orders differ): plan it again")
        return True

    def steps(self) -> Iterable[Callable[[], None]]:
        return (self.drivable, self.structure, self.vehicle_routes, self.stock, self.pickups,
                self.bays, self.staging, self.releases, self.orders_met, self.rides,
                self.rounds, self.summary, self.claims)

    def drivable(self) -> None:
        """The driving distances can be computed (the road network can be read, its nodes
        are known, and the places use one system of coordinates)."""
        if self.driving.problem is not None:
            self.flag(DistrictRule.STRUCTURE, "vehicles", self.driving.problem)

    def vehicle_routes(self) -> None:
        """Each vehicle's route that :meth:`structure` accepted, in the plan's order."""
        for r_i, route, vehicle in self.routes:
            self.route(r_i, route, vehicle)

    # 1. The plan's shape.
    def structure(self) -> None:
        for s_i, sh in enumerate(self.plan.shipments):
            where = f"shipments[{s_i}]"
            if sh.id in self.shipments:
                self.flag(DistrictRule.STRUCTURE, f"{where}.id", f"shipment {sh.id!r} listed twice")
                continue
            self.shipments[sh.id] = sh
            if sh.compound not in self.compounds:
                self.flag(DistrictRule.STRUCTURE, f"{where}.compound",
                          f"unknown compound {sh.compound!r}")
            if sh.depot not in self.depots:
                self.flag(DistrictRule.STRUCTURE, f"{where}.depot", f"unknown depot {sh.depot!r}")
            if sh.order is not None and sh.order not in self.orders:
                self.flag(DistrictRule.STRUCTURE, f"{where}.order",
                          f"unknown medicine order {sh.order!r}")
            if (sh.lot is None) == (sh.order is None):
                self.flag(DistrictRule.STRUCTURE, where,
                          "a shipment of no lot and no order" if sh.lot is None else
                          f"a shipment of lot {sh.lot!r} and of medicine order {sh.order!r}: "
                          "a medicine order's shipments belong to its lot by the order only")
        lot_ids = {lot.id for lot in self.plan.lots}
        for l_i, lot in enumerate(self.plan.lots):
            where = f"lots[{l_i}]"
            if lot.id in self.lots:
                self.flag(DistrictRule.STRUCTURE, f"{where}.id", f"lot {lot.id!r} listed twice")
                continue
            self.lots[lot.id] = lot
            compound = self.compounds.get(lot.compound)
            if compound is None:
                self.flag(DistrictRule.STRUCTURE, f"{where}.compound",
                          f"unknown compound {lot.compound!r}")
            else:
                for h_i, h in enumerate(lot.households):
                    if h not in compound.scenario.household_by_id:
                        self.flag(DistrictRule.STRUCTURE, f"{where}.households[{h_i}]",
                                  f"unknown household {h!r} of {lot.compound!r}")
            if lot.order is not None and lot.order not in self.orders:
                self.flag(DistrictRule.STRUCTURE, f"{where}.order",
                          f"unknown medicine order {lot.order!r}")
        for s_i, sh in enumerate(self.plan.shipments):
            if sh.lot is not None and sh.lot not in lot_ids:
                self.flag(DistrictRule.STRUCTURE, f"shipments[{s_i}].lot",
                          f"unknown lot {sh.lot!r}")
        seen: set[str] = set()
        for r_i, route in enumerate(self.plan.vehicles):
            where = f"vehicles[{r_i}]"
            vehicle = self.vehicles.get(route.vehicle)
            if vehicle is None:
                self.flag(DistrictRule.STRUCTURE, f"{where}.vehicle",
                          f"unknown vehicle {route.vehicle!r}")
                continue
            if route.vehicle in seen:
                self.flag(DistrictRule.STRUCTURE, f"{where}.vehicle",
                          f"vehicle {route.vehicle!r} has two routes")
                continue
            seen.add(route.vehicle)
            self.routes.append((r_i, route, vehicle))
            self.route_shape(where, route, vehicle)
        for g_i, day in enumerate(self.plan.gates):
            if day.compound not in self.compounds:
                self.flag(DistrictRule.STRUCTURE, f"gates[{g_i}].compound",
                          f"unknown compound {day.compound!r}")
        for t_i, leg in enumerate(self.plan.transports):
            if leg.transport not in self.transports:
                self.flag(DistrictRule.STRUCTURE, f"transports[{t_i}].transport",
                          f"unknown transport {leg.transport!r}")
            if leg.vehicle not in self.vehicles:
                self.flag(DistrictRule.STRUCTURE, f"transports[{t_i}].vehicle",
                          f"unknown vehicle {leg.vehicle!r}")
        for c_i, cr in enumerate(self.plan.compounds):
            if cr.compound not in self.compounds:
                self.flag(DistrictRule.STRUCTURE, f"compounds[{c_i}].compound",
                          f"unknown compound {cr.compound!r}")
        self.missed_listed()

    def missed_listed(self) -> None:
        """Each missed request is one of the district's orders or transports, of its
        kind, listed once (its reason is a free label)."""
        known = {"order": self.orders, "transport": self.transports}
        seen: set[str] = set()
        for m_i, m in enumerate(self.plan.missed):
            if m.id not in known[m.kind]:
                self.flag(DistrictRule.STRUCTURE, f"missed[{m_i}].id",
                          f"no {m.kind} {m.id!r} in the district")
            if m.id in seen:
                self.flag(DistrictRule.STRUCTURE, f"missed[{m_i}]", f"{m.id!r} listed twice")
            seen.add(m.id)

    def route_shape(self, where: str, route: VehicleRoute, vehicle: Vehicle) -> None:
        """A route runs from a "start" at the start depot to an "end" at the end depot;
        goods are loaded at depots and unloaded at gates; what it names exists."""
        stops = route.stops
        end = vehicle.end or vehicle.start
        first, last = stops[0], stops[-1]
        if first.kind != "start" or first.place != vehicle.start:
            self.flag(DistrictRule.STRUCTURE, f"{where}.stops[0]",
                      f"the route starts with a {first.kind!r} stop at {first.place!r}, not "
                      f"a 'start' at its start depot {vehicle.start!r}")
        if last.kind != "end" or last.place != end:
            self.flag(DistrictRule.STRUCTURE, f"{where}.stops[{len(stops) - 1}]",
                      f"the route ends with a {last.kind!r} stop at {last.place!r}, not an "
                      f"'end' at its end depot {end!r}")
        for k, stop in enumerate(stops):
            swhere = f"{where}.stops[{k}]"
            if stop.kind in ("start", "end") and 0 < k < len(stops) - 1:
                self.flag(DistrictRule.STRUCTURE, f"{swhere}.kind",
                          f"a {stop.kind!r} stop in the middle of the route")
            if stop.place not in self.depots and stop.place not in self.compounds:
                self.flag(DistrictRule.STRUCTURE, f"{swhere}.place",
                          f"unknown place {stop.place!r} (neither a depot nor a compound)")
            if stop.picked and stop.place not in self.depots:
                self.flag(DistrictRule.STRUCTURE, f"{swhere}.picked",
                          f"goods loaded at {stop.place!r}, which is not a depot")
            if stop.dropped and stop.place not in self.compounds:
                self.flag(DistrictRule.STRUCTURE, f"{swhere}.dropped",
                          f"goods unloaded at {stop.place!r}, which is not a compound's gate")
            self.stop_kind(swhere, stop)
            visit = Visit(route.vehicle, k, stop, swhere)
            for field, ids, index in (("picked", stop.picked, self.picks),
                                      ("dropped", stop.dropped, self.drops)):
                for i, sid in enumerate(ids):
                    if sid not in self.shipments:
                        self.flag(DistrictRule.STRUCTURE, f"{swhere}.{field}[{i}]",
                                  f"unknown shipment {sid!r}")
                    else:
                        index[sid].append(visit)
            for field, ids, index in (("boarded", stop.boarded, self.boards),
                                      ("alighted", stop.alighted, self.alights)):
                for i, tid in enumerate(ids):
                    if tid not in self.transports:
                        self.flag(DistrictRule.STRUCTURE, f"{swhere}.{field}[{i}]",
                                  f"unknown transport {tid!r}")
                    else:
                        index[tid].append(visit)

    def stop_kind(self, where: str, stop: VehicleStop) -> None:
        """A stop's kind says what is done there, and nothing else is: goods loaded at a
        "pickup", unloaded at a "delivery", a passenger getting in at a "board" and out at
        an "alight"; nothing at the "start" and the "end" (drivers read the kind)."""
        done = {kind for kind, ids in (("pickup", stop.picked), ("delivery", stop.dropped),
                                       ("board", stop.boarded), ("alight", stop.alighted))
                if ids}
        if stop.kind in ("start", "end"):
            wrong = sorted(done)
        else:
            wrong = sorted(done - {stop.kind}) or ([] if done else ["nothing"])
        if wrong:
            said = {"pickup": "goods are loaded", "delivery": "goods are unloaded",
                    "board": "a passenger gets in", "alight": "a passenger gets out",
                    "nothing": "nothing is done"}
            self.flag(DistrictRule.STRUCTURE, f"{where}.kind",
                      f"a {stop.kind!r} stop where {' and '.join(said[w] for w in wrong)}")

    # 2. Each route: loads and seats, shift, drives and services, hours, loading rights.
    def kg_of(self, ids: Iterable[str]) -> float:
        return sum(self.shipments[s].kg for s in ids if s in self.shipments)

    def service_s(self, stop: VehicleStop) -> float:
        """Loading, unloading and boarding at one stop."""
        seconds = 0.0
        depot = self.depots.get(stop.place)
        if depot is not None:
            seconds += depot.load_s_per_kg * self.kg_of(stop.picked)
        compound = self.compounds.get(stop.place)
        if compound is not None:
            seconds += compound.supply_gate.unload_s_per_kg * self.kg_of(stop.dropped)
        for tid in stop.boarded + stop.alighted:
            transport = self.transports.get(tid)
            if transport is not None:
                seconds += transport.board_s
        return seconds

    def route(self, r_i: int, route: VehicleRoute, vehicle: Vehicle) -> None:
        where = f"vehicles[{r_i}]"
        stops = route.stops
        kg = 0.0
        riders = 0
        metres = 0.0
        per_m3 = self.d.parameters.kg_per_m3
        speed_mps = vehicle.speed_kmh / 3.6
        for k, stop in enumerate(stops):
            swhere = f"{where}.stops[{k}]"
            kg += self.kg_of(stop.picked) - self.kg_of(stop.dropped)
            riders += len(stop.boarded) - len(stop.alighted)
            if kg > vehicle.capacity_kg + KG_TOLERANCE:
                self.flag(DistrictRule.CAPACITY, swhere,
                          f"{kg:g} kg on board, {vehicle.id!r} carries {vehicle.capacity_kg:g} kg")
            if vehicle.capacity_m3 is not None and kg / per_m3 > vehicle.capacity_m3 + 1e-6:
                self.flag(DistrictRule.CAPACITY, swhere,
                          f"{kg / per_m3:.3f} m³ of goods on board, {vehicle.id!r} holds "
                          f"{vehicle.capacity_m3:g} m³")
            if riders > vehicle.seats:
                self.flag(DistrictRule.CAPACITY, swhere,
                          f"{riders} passengers on board, {vehicle.id!r} has {vehicle.seats} "
                          "seats")
            if riders < 0:
                self.flag(DistrictRule.CAPACITY, f"{swhere}.alighted",
                          "a passenger gets out who never got in")
            if abs(stop.load_kg - kg) > KG_TOLERANCE:
                self.flag(DistrictRule.CAPACITY, f"{swhere}.load_kg",
                          f"stated {stop.load_kg:g} kg on board, the loads and unloads leave "
                          f"{kg:g} kg")
            # Timing.
            if k > 0:
                prev = stops[k - 1]
                leg = self.driving.metres(prev.place, stop.place)
                if leg is not None:
                    metres += leg
                    drive = leg / speed_mps
                    if stop.arrive_s < prev.leave_s + drive - TIME_TOLERANCE_S:
                        self.flag(DistrictRule.TIMING, f"{swhere}.arrive_s",
                                  f"arrives at {stop.arrive_s:g} s, but the drive from "
                                  f"{prev.place!r} ({leg:.0f} m) takes {drive:.1f} s after "
                                  f"leaving at {prev.leave_s:g} s")
            if stop.start_s < stop.arrive_s - TIME_TOLERANCE_S:
                self.flag(DistrictRule.TIMING, f"{swhere}.start_s",
                          f"service starts at {stop.start_s:g} s, before arriving at "
                          f"{stop.arrive_s:g} s")
            service = self.service_s(stop)
            if stop.leave_s < stop.start_s + service - TIME_TOLERANCE_S:
                self.flag(DistrictRule.TIMING, f"{swhere}.leave_s",
                          f"leaves at {stop.leave_s:g} s, but service from {stop.start_s:g} s "
                          f"takes {service:.1f} s")
            depot = self.depots.get(stop.place)
            if stop.picked and depot is not None:
                if (stop.start_s < depot.open.start - TIME_TOLERANCE_S
                        or stop.leave_s > depot.open.end + TIME_TOLERANCE_S):
                    self.flag(DistrictRule.OPENING, swhere,
                              f"loads at {depot.id!r} from {stop.start_s:g} s to "
                              f"{stop.leave_s:g} s, it is open {depot.open.start:g} s to "
                              f"{depot.open.end:g} s")
                if vehicle.loads_at is not None and depot.id not in vehicle.loads_at:
                    self.flag(DistrictRule.LOADS_AT, f"{swhere}.place",
                              f"{vehicle.id!r} loads only at {', '.join(vehicle.loads_at)}, "
                              f"not at {depot.id!r}")
        if stops[0].start_s < vehicle.shift.start - TIME_TOLERANCE_S:
            self.flag(DistrictRule.SHIFT, f"{where}.stops[0].start_s",
                      f"starts at {stops[0].start_s:g} s, the shift starts at "
                      f"{vehicle.shift.start:g} s")
        if stops[-1].leave_s > vehicle.shift.end + TIME_TOLERANCE_S:
            self.flag(DistrictRule.SHIFT, f"{where}.stops[{len(stops) - 1}].leave_s",
                      f"ends at {stops[-1].leave_s:g} s, the shift ends at "
                      f"{vehicle.shift.end:g} s")
        if self.driving.problem is None:
            self.route_metres[route.vehicle] = metres
            if abs(route.km - metres / 1000.0) > KM_TOLERANCE:
                self.flag(DistrictRule.SUMMARY, f"{where}.km",
                          f"stated {route.km:g} km, its drives make {metres / 1000.0:.3f} km")

    # 3. The depots' stock.
    def stock(self) -> None:
        """Loads of each kind at each depot, in time order, against its stock: the stop
        that takes more than is left is named."""
        loads: list[tuple[float, str, str, float, str]] = []
        for sid, visits in self.picks.items():
            sh = self.shipments[sid]
            if sh.order is not None:
                continue  # medicine orders name their depots; not from stock
            for visit in visits:
                if visit.stop.place in self.depots:
                    loads.append((visit.stop.start_s, visit.stop.place, sh.kind, sh.kg,
                                  visit.where))
        taken: dict[tuple[str, str], float] = defaultdict(float)
        flagged: set[tuple[str, str]] = set()
        for _at, depot_id, kind, kg, where in sorted(loads):
            taken[depot_id, kind] += kg
            if (depot_id, kind) in flagged:
                continue
            line = next((x for x in self.depots[depot_id].stock if x.kind == kind), None)
            if line is None:
                flagged.add((depot_id, kind))
                self.flag(DistrictRule.STOCK, f"{where}.picked",
                          f"{kind!r} loaded at {depot_id!r}, which has none")
            elif line.kg is not None and taken[depot_id, kind] > line.kg + KG_TOLERANCE:
                flagged.add((depot_id, kind))
                total = sum(x[3] for x in loads if x[1] == depot_id and x[2] == kind)
                self.flag(DistrictRule.STOCK, f"{where}.picked",
                          f"{taken[depot_id, kind]:g} kg of {kind!r} loaded at {depot_id!r} by "
                          f"then ({total:g} kg in the day), which has {line.kg:g} kg")

    # 4. Each shipment: picked up once at its depot, dropped once at its gate, by one van.
    def pickups(self) -> None:
        for s_i, sh in enumerate(self.plan.shipments):
            if self.shipments.get(sh.id) is not sh:
                continue  # a duplicate
            where = f"shipments[{s_i}]"
            picks, drops = self.picks.get(sh.id, []), self.drops.get(sh.id, [])
            if sh.id in self.plan.unshipped:
                if picks or drops:
                    self.flag(DistrictRule.PICKUP, where, f"shipment {sh.id!r} is listed as "
                              "unshipped but a vehicle carries it")
                continue
            if len(picks) != 1:
                self.flag(DistrictRule.PICKUP, where,
                          f"shipment {sh.id!r} is picked up {len(picks)} times")
            if len(drops) != 1:
                self.flag(DistrictRule.PICKUP, where,
                          f"shipment {sh.id!r} is dropped {len(drops)} times")
            for p in picks:
                if p.stop.place != sh.depot:
                    self.flag(DistrictRule.PICKUP, p.where,
                              f"shipment {sh.id!r} of {sh.depot!r} picked up at {p.stop.place!r}")
            for dv in drops:
                if dv.stop.place != sh.compound:
                    self.flag(DistrictRule.PICKUP, dv.where,
                              f"shipment {sh.id!r} for {sh.compound!r} dropped at "
                              f"{dv.stop.place!r}")
            if len(picks) == 1 and len(drops) == 1:
                p, dv = picks[0], drops[0]
                if p.vehicle != dv.vehicle:
                    self.flag(DistrictRule.PICKUP, dv.where,
                              f"shipment {sh.id!r} picked up by {p.vehicle!r} and dropped by "
                              f"{dv.vehicle!r}")
                elif dv.index <= p.index:
                    self.flag(DistrictRule.PICKUP, dv.where,
                              f"shipment {sh.id!r} dropped before it is picked up ({p.where})")

    # 5. Bays at each gate.
    def unloadings(self) -> dict[str, list[Visit]]:
        """Compound id -> the stops unloading goods at its gate."""
        out: dict[str, list[Visit]] = defaultdict(list)
        for r_i, route, _vehicle in self.routes:
            for k, stop in enumerate(route.stops):
                if stop.place in self.compounds and (stop.dropped or stop.kind == "delivery"):
                    out[stop.place].append(Visit(route.vehicle, k, stop,
                                                  f"vehicles[{r_i}].stops[{k}]"))
        return out

    def bays(self) -> None:
        for compound_id, visits in sorted(self.unloadings().items()):
            bays = self.compounds[compound_id].supply_gate.bays
            events = sorted([(v.stop.start_s, 1, v) for v in visits
                             if v.stop.leave_s > v.stop.start_s]
                            + [(v.stop.leave_s - OVERLAP_TOLERANCE_S, 0, v) for v in visits
                               if v.stop.leave_s > v.stop.start_s],
                            key=lambda e: (e[0], e[1]))
            busy = 0
            for _t, opening, v in events:
                busy += 1 if opening else -1
                if opening and busy > bays:
                    self.flag(DistrictRule.BAYS, v.where,
                              f"{busy} vans unloading at {compound_id!r} at {v.stop.start_s:g} "
                              f"s, its gate has {bays} bays")
            for v in visits:
                if v.stop.bay is None or not 0 <= v.stop.bay < bays:
                    self.flag(DistrictRule.BAYS, f"{v.where}.bay",
                              f"bay {v.stop.bay} at {compound_id!r}, which has bays 0.."
                              f"{bays - 1}")
            for i, a in enumerate(visits):
                for b in visits[i + 1:]:
                    if (a.stop.bay is not None and a.stop.bay == b.stop.bay
                            and a.stop.start_s < b.stop.leave_s - OVERLAP_TOLERANCE_S
                            and b.stop.start_s < a.stop.leave_s - OVERLAP_TOLERANCE_S):
                        self.flag(DistrictRule.BAYS, f"{b.where}.bay",
                                  f"bay {b.stop.bay} at {compound_id!r} is used by {a.where} "
                                  "at the same time")

    # 6. Staging at each gate.
    def staged(self, compound_id: str) -> list[tuple[float, float, float]]:
        """The goods in staging at a compound's gate: (from, until, kg) per shipment, from
        the end of its unloading for the gate's dwell."""
        dwell = self.compounds[compound_id].supply_gate.dwell_s
        out: list[tuple[float, float, float]] = []
        for sid, visits in self.drops.items():
            for visit in visits:
                if visit.stop.place == compound_id:
                    out.append((visit.stop.leave_s, visit.stop.leave_s + dwell,
                                self.shipments[sid].kg))
        return out

    def staging(self) -> None:
        days: dict[str, list[int]] = defaultdict(list)
        for g_i, day in enumerate(self.plan.gates):
            days[day.compound].append(g_i)
        unloadings = self.unloadings()
        for compound in self.d.compounds:
            intervals = self.staged(compound.id)
            peak = _peak(intervals)
            room = compound.supply_gate.staging_kg
            if peak > room + KG_TOLERANCE:
                self.flag(DistrictRule.STAGING, f"gates[{days[compound.id][0]}]"
                          if days.get(compound.id) else "gates",
                          f"{peak:g} kg in staging at once at {compound.id!r}, it holds "
                          f"{room:g} kg")
            listed = days.get(compound.id, [])
            if len(listed) != 1:
                if listed or intervals:
                    self.flag(DistrictRule.STAGING, "gates",
                              f"{len(listed)} gate days for {compound.id!r}, expected one")
                continue
            g_i = listed[0]
            day = self.plan.gates[g_i]
            where = f"gates[{g_i}]"
            gate = compound.supply_gate.gate or compound.scenario.gates[0].id
            if day.gate != gate:
                self.flag(DistrictRule.STAGING, f"{where}.gate",
                          f"stated gate {day.gate!r}, goods arrive at {gate!r}")
            count = len(unloadings.get(compound.id, []))
            if day.unloadings != count:
                self.flag(DistrictRule.STAGING, f"{where}.unloadings",
                          f"stated {day.unloadings}, the routes unload {count} times there")
            if abs(day.staging_peak_kg - peak) > KG_TOLERANCE:
                self.flag(DistrictRule.STAGING, f"{where}.staging_peak_kg",
                          f"stated {day.staging_peak_kg:g} kg, the unloadings make {peak:g} kg")
            edges = sorted({t for start, end, _kg in intervals for t in (start, end)})
            for p_i, point in enumerate(day.staging):
                following = day.staging[p_i + 1] if p_i + 1 < len(day.staging) else None
                if following is not None and following.at_s - point.at_s <= TIME_TOLERANCE_S:
                    continue  # a moment shorter than the times are stated to
                # Stated times may round the unloadings' ends: any time within the
                # tolerance will do.
                near = [point.at_s] + [t for t in edges
                                       if abs(t - point.at_s) <= TIME_TOLERANCE_S]
                held = [sum(kg for start, end, kg in intervals if start <= t + 1e-6 < end)
                        for t in near]
                if all(abs(h - point.kg) > KG_TOLERANCE for h in held):
                    self.flag(DistrictRule.STAGING, f"{where}.staging[{p_i}]",
                              f"stated {point.kg:g} kg in staging from {point.at_s:g} s, the "
                              f"unloadings make {held[0]:g} kg")


def check_district(district: DistrictScenario, plan: DistrictPlan) -> list[Violation]:
    """Every way ``plan`` breaks the rules of ``district``; empty when it is sound."""
    return _DistrictChecker(district, plan).run()


__all__ = ["DistrictRule", "check_district"]

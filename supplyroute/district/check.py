"""``check_district(district, plan) -> list[DistrictViolation]``: the independent oracle
of a district's joint plan.

Recomputes a district plan from the district scenario alone with its own arithmetic:
driving distances (the straight line times the road factor, or shortest paths on the
road network), each van's loads, seats, drives, loading and unloading, its shift, the
depots' hours and stock, the shipments from depot to gate, the bays and the staging
room at each gate, the lots' arrivals and releases, the medicine orders and the
patients' rides; it rebuilds each compound's day scenario (the releases the vans made
possible, the orders' deadlines) and puts each compound's round through the doorstep
checker. It imports none of the planner's modules (roads, day, goods, trucks, joint),
so a planner bug cannot hide behind a shared helper; it uses only the models, the
projection of latitude/longitude and the doorstep checker.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import networkx as nx
import numpy as np

from supplyroute.checks import check
from supplyroute.compound.travel import project
from supplyroute.models.district import Compound, Depot, DistrictScenario, Transport, Vehicle
from supplyroute.models.district_plan import (
    DistrictPlan,
    Lot,
    Shipment,
    VehicleRoute,
    VehicleStop,
)
from supplyroute.models.scenario import Position, Release, Scenario

TIME_TOLERANCE_S = 1.0  #: plans round times; drives and services sum a few of them.
KG_TOLERANCE = 0.01  #: loads, lots and staging are stated to the gram or so.
KM_TOLERANCE = 0.01  #: route lengths are stated to the metre.
GAP_TOLERANCE = 1e-3
OVERLAP_TOLERANCE_S = 0.01  #: unloadings that merely touch do not share a bay.


class DistrictRule(str, Enum):
    #: the plan's shape: its scenario name; vehicles, depots, compounds, shipments, lots
    #: and transports it names exist; each vehicle has one route, from a "start" stop at
    #: its start depot to an "end" stop at its end depot; goods are loaded at depots and
    #: unloaded at compounds' gates.
    STRUCTURE = "structure"
    #: the goods on board above the vehicle's kg or room, passengers above its seats, or a
    #: stated load that is not what is on board.
    CAPACITY = "capacity"
    #: a route that starts before the vehicle's shift or ends after it.
    SHIFT = "shift"
    #: stated times that do not add up: arriving before the drive from the previous stop
    #: is over, service before arrival, or leaving before loading, unloading and boarding
    #: are done.
    TIMING = "timing"
    #: loading at a depot outside its opening hours.
    OPENING = "opening"
    #: a vehicle loading at a depot it may not load at (``loads_at``).
    LOADS_AT = "loads_at"
    #: more of a kind taken from a depot than it has (or of a kind it does not stock).
    STOCK = "stock"
    #: a shipment not picked up exactly once at its depot and dropped exactly once, after,
    #: by the same vehicle, at its compound's gate.
    PICKUP = "pickup"
    #: more vans unloading at a gate at once than it has bays, a bay out of range, or one
    #: bay used by two unloadings at once.
    BAYS = "bays"
    #: more goods waiting out their dwell at a gate than its staging room holds, or a
    #: stated staging curve or peak that is not the recomputed one.
    STAGING = "staging"
    #: a lot released before all its goods are in and have dwelled, or whose goods are not
    #: its households' bags (a household in no lot or in two, a medicine order's lot that
    #: is not its pickups).
    RELEASE = "release"
    #: a medicine order not at the door by its deadline, or a depot of it not visited.
    ORDER = "order"
    #: a patient not taken from the gate (from ``ready``) to the hospital by the
    #: deadline, or not brought back (from ``back_from``); stated legs that are not the
    #: stops'.
    TRANSPORT = "transport"
    #: a compound's round breaks a doorstep rule of its day scenario (the doorstep
    #: checker), a compound without exactly one round, or household times that do not
    #: match the lots and the round.
    ROUND = "round"
    #: the summary's figures do not match the routes and the rounds, or its bound and gap
    #: do not hold.
    SUMMARY = "summary"


@dataclass(frozen=True)
class DistrictViolation:
    rule: DistrictRule
    where: str  #: a JSON path in the district plan.
    message: str

    def __str__(self) -> str:
        return f"{self.rule.value}: {self.where}: {self.message}"


@dataclass(frozen=True)
class _Visit:
    """A stop of a route, located: which vehicle, which stop, where in the plan."""

    vehicle: str
    index: int  #: index of the stop in its route.
    stop: VehicleStop
    where: str


class _Driving:
    """Driving metres between the district's places (depots and compounds' gates),
    recomputed from their positions and the road network."""

    def __init__(self, district: DistrictScenario):
        self.district = district
        self.positions: dict[str, Position] = {d.id: d.position for d in district.depots}
        self.nodes: dict[str, str | None] = {d.id: d.node for d in district.depots}
        for c in district.compounds:
            self.positions[c.id] = c.supply_gate.position
            self.nodes[c.id] = c.supply_gate.node
        self.places = list(self.positions)
        self.problem: str | None = None
        self.metres_between: dict[tuple[str, str], float] = {}
        try:
            self._compute()
        except (OSError, nx.NetworkXError, ValueError, KeyError) as exc:
            self.problem = f"driving distances cannot be computed: {exc}"

    def _compute(self) -> None:
        roads = self.district.roads
        positions = [self.positions[p] for p in self.places]
        if roads is None:
            if len({p.is_geographic for p in positions}) > 1:
                raise ValueError("places mix metres and latitude/longitude")
            xy = project(positions)
            factor = self.district.parameters.road_factor
            for i, a in enumerate(self.places):
                for j, b in enumerate(self.places):
                    self.metres_between[a, b] = float(math.dist(xy[i], xy[j])) * factor
            return
        node_positions, edges = self._network()
        node_ids = list(node_positions)
        everything = positions + [node_positions[n] for n in node_ids]
        if len({p.is_geographic for p in everything}) > 1:
            raise ValueError("places and road nodes mix metres and latitude/longitude")
        xy = project(everything)
        place_xy = xy[: len(positions)]
        node_xy = {n: xy[len(positions) + k] for k, n in enumerate(node_ids)}
        graph = nx.Graph()
        graph.add_nodes_from(node_ids)
        for a, b, length in edges:
            metres = float(math.dist(node_xy[a], node_xy[b])) if length is None else length
            if not graph.has_edge(a, b) or graph[a][b]["metres"] > metres:
                graph.add_edge(a, b, metres=metres)
        joins: dict[str, tuple[str, float]] = {}
        all_node_xy = np.array([node_xy[n] for n in node_ids])
        for k, place in enumerate(self.places):
            node = self.nodes[place]
            if node is not None:
                if node not in node_xy:
                    raise ValueError(f"{place!r} stands at unknown road node {node!r}")
                joins[place] = (node, 0.0)  # it stands at that node
            else:
                gaps = np.linalg.norm(all_node_xy - place_xy[k], axis=1)
                nearest = int(np.argmin(gaps))
                joins[place] = (node_ids[nearest], float(gaps[nearest]))
        for a in self.places:
            node_a, link_a = joins[a]
            reach = nx.single_source_dijkstra_path_length(graph, node_a, weight="metres")
            for b in self.places:
                node_b, link_b = joins[b]
                if a == b:
                    self.metres_between[a, b] = 0.0
                elif node_b in reach:
                    self.metres_between[a, b] = link_a + reach[node_b] + link_b
                else:
                    self.metres_between[a, b] = math.inf

    def _network(self) -> tuple[dict[str, Position], list[tuple[str, str, float | None]]]:
        roads = self.district.roads
        assert roads is not None
        if roads.graphml is None:
            nodes = {n.id: n.position for n in roads.nodes}
            return nodes, [(e.a, e.b, e.length_m) for e in roads.edges]
        raw = nx.read_graphml(roads.graphml)
        nodes = {}
        for node, data in raw.nodes(data=True):
            if "x" in data and "y" in data:
                nodes[str(node)] = Position(x=float(data["x"]), y=float(data["y"]))
            else:
                nodes[str(node)] = Position(lat=float(data["lat"]), lon=float(data["lon"]))
        edges: list[tuple[str, str, float | None]] = []
        for a, b, data in raw.edges(data=True):
            length = data.get("length_m", data.get("length"))
            edges.append((str(a), str(b), None if length is None else float(length)))
        return nodes, edges

    def metres(self, a: str, b: str) -> float | None:
        """Driving metres from place ``a`` to ``b``; None if either is unknown."""
        return self.metres_between.get((a, b))


def district_sha256(district: DistrictScenario) -> str:
    """The district's fingerprint, as plans record it: its validated content with the
    defaults left out."""
    text = district.model_dump_json(exclude_defaults=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _kg_by_kind(items: Iterable[tuple[str, float]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for kind, kg in items:
        out[kind] += kg
    return dict(out)


def _same_kg(a: dict[str, float], b: dict[str, float]) -> bool:
    return all(abs(a.get(k, 0.0) - b.get(k, 0.0)) <= KG_TOLERANCE for k in set(a) | set(b))


def _show(kg: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:g} kg" for k, v in sorted(kg.items()) if abs(v) > 1e-9) or "nothing"


def _peak(intervals: list[tuple[float, float, float]]) -> float:
    """The most kg held at once by intervals ``[start, end)`` of ``kg``."""
    events = sorted([(s, 1, kg) for s, e, kg in intervals if e > s]
                    + [(e, 0, -kg) for s, e, kg in intervals if e > s])
    held = peak = 0.0
    for _t, _order, delta in events:
        held += delta
        peak = max(peak, held)
    return peak


class _DistrictChecker:
    def __init__(self, district: DistrictScenario, plan: DistrictPlan):
        self.d = district
        self.plan = plan
        self.out: list[DistrictViolation] = []
        self.depots: dict[str, Depot] = {x.id: x for x in district.depots}
        self.compounds: dict[str, Compound] = {c.id: c for c in district.compounds}
        self.vehicles: dict[str, Vehicle] = {v.id: v for v in district.vehicles}
        self.transports: dict[str, Transport] = {t.id: t for t in district.transports}
        self.orders = {o.id: o for o in district.orders}
        self.shipments: dict[str, Shipment] = {}
        self.lots: dict[str, Lot] = {}
        self.driving = _Driving(district)
        #: shipment id -> the stops that load it, and the stops that unload it.
        self.picks: dict[str, list[_Visit]] = defaultdict(list)
        self.drops: dict[str, list[_Visit]] = defaultdict(list)
        #: transport id -> the stops where its passenger gets in, and out.
        self.boards: dict[str, list[_Visit]] = defaultdict(list)
        self.alights: dict[str, list[_Visit]] = defaultdict(list)
        self.route_metres: dict[str, float] = {}
        self.routes: list[tuple[int, VehicleRoute, Vehicle]] = []
        self.met_orders = 0
        self.met_transports = 0

    def flag_unless(self, request: str, rule: DistrictRule, where: str, message: str) -> None:
        """A medicine order's or transport's rule, unless the plan lists it as missed
        (a partial plan of a day that cannot meet it: the summary counts it unmet)."""
        if request not in {m.id for m in self.plan.missed}:
            self.flag(rule, where, message)

    def listed_missed(self, request: str, met: bool) -> None:
        for m_i, m in enumerate(self.plan.missed):
            if m.id == request and met:
                self.flag(DistrictRule.SUMMARY, f"missed[{m_i}]",
                          f"{m.id!r} is listed as missed, but the plan meets it")

    def flag(self, rule: DistrictRule, where: str, message: str) -> None:
        self.out.append(DistrictViolation(rule, where, message))

    def run(self) -> list[DistrictViolation]:
        if self.plan.scenario != self.d.name:
            self.flag(DistrictRule.STRUCTURE, "scenario",
                      f"the plan is for district {self.plan.scenario!r}, not {self.d.name!r}")
            return self.out  # nothing else can be compared
        stated = self.plan.scenario_sha256
        if stated is not None and stated != district_sha256(self.d):
            self.flag(DistrictRule.STRUCTURE, "scenario_sha256",
                      "the plan was made for another version of this district (its depots, "
                      "vehicles, compounds or orders differ): plan it again")
        if self.driving.problem is not None:
            self.flag(DistrictRule.STRUCTURE, "vehicles", self.driving.problem)
        self.structure()
        for r_i, route, vehicle in self.routes:
            self.route(r_i, route, vehicle)
        self.stock()
        self.pickups()
        self.bays()
        self.staging()
        self.releases()
        self.orders_met()
        self.rides()
        self.rounds()
        self.summary()
        return self.out

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
            if sh.lot is None and sh.order is None:
                self.flag(DistrictRule.STRUCTURE, where, "a shipment of no lot and no order")
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
            visit = _Visit(route.vehicle, k, stop, swhere)
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
    def unloadings(self) -> dict[str, list[_Visit]]:
        """Compound id -> the stops unloading goods at its gate."""
        out: dict[str, list[_Visit]] = defaultdict(list)
        for r_i, route, _vehicle in self.routes:
            for k, stop in enumerate(route.stops):
                if stop.place in self.compounds and (stop.dropped or stop.kind == "delivery"):
                    out[stop.place].append(_Visit(route.vehicle, k, stop,
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

    # 7. Lots: arrivals, releases, contents; every household's goods in exactly one lot.
    def shipments_of(self, lot: Lot) -> list[Shipment]:
        return [sh for sh in self.shipments.values()
                if sh.lot == lot.id or (sh.lot is None and lot.order is not None
                                        and sh.order == lot.order)]

    def releases(self) -> None:
        normal: dict[tuple[str, str], list[str]] = defaultdict(list)
        order_lots: dict[str, list[int]] = defaultdict(list)
        for l_i, lot in enumerate(self.plan.lots):
            if self.lots.get(lot.id) is not lot or lot.compound not in self.compounds:
                continue
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
            if lot.order is not None:
                order_lots[lot.order].append(l_i)
                continue
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
                self.flag(DistrictRule.RELEASE, f"{where}.kg",
                          f"stated {_show(lot.kg)}, its households' bags weigh {_show(due)}")
        for compound in self.d.compounds:
            for h in compound.scenario.households:
                holders = normal.get((compound.id, h.id), [])
                if len(holders) != 1:
                    self.flag(DistrictRule.RELEASE, "lots",
                              f"household {h.id!r} of {compound.id!r} is in "
                              f"{len(holders)} lots ({', '.join(holders) or 'none'}), expected one")
        for order in self.d.orders:
            listed = order_lots.get(order.id, [])
            if len(listed) != 1:
                self.flag(DistrictRule.RELEASE, "lots",
                          f"medicine order {order.id!r} has {len(listed)} lots, "
                          "expected one")
                continue
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
                          f"medicine order {order.id!r}: at the door at {handed[1]:g} s, after "
                          f"its deadline {order.deadline:g} s")
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
            rides: dict[bool, list[tuple[_Visit, _Visit]]] = {False: [], True: []}
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
                              f"transport {tid!r}: {len(rides[back])} rides {what}, expected "
                              f"{wanted}")
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
                                  f"transport {tid!r}: at the hospital at {a.stop.leave_s:g} s, "
                                  f"after its deadline {deadline:g} s")
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
        medicine order's deadline on its household."""
        s = compound.scenario
        gate = compound.supply_gate.gate or s.gates[0].id
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
        deadlines = {o.household: o.deadline for o in self.d.orders
                     if o.compound == compound.id}
        households = []
        for h in s.households:
            if h.id in deadlines:
                due = deadlines[h.id] if h.deadline is None else min(h.deadline, deadlines[h.id])
                h = h.model_copy(update={"deadline": due})
            households.append(h)
        return s.with_changes(gates=gates, households=tuple(households),
                              name=f"{s.name} ({self.d.name})")

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
                        never.add(h)  # goods that never come: never released
                        continue
                    released[h] = max(released.get(h, lot.released_s), lot.released_s)
                    goods_in[h] = max(goods_in.get(h, lot.arrived_s), lot.arrived_s)
            for h in never:
                released.pop(h, None)
                goods_in.pop(h, None)
            scenario = self.day_scenario(compound, released)
            for v in check(scenario, cr.plan):
                self.flag(DistrictRule.ROUND, f"{where}.plan.{v.path}",
                          f"compound {compound.id!r}: {v.rule.value}: {v.message}")
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
        if sm.lower_bound_s > sm.makespan_s + 1e-6:
            self.flag(DistrictRule.SUMMARY, "summary.lower_bound_s",
                      f"a lower bound of {sm.lower_bound_s:g} s above the plan's own makespan "
                      f"of {sm.makespan_s:g} s")
        if sm.gap is not None:
            if sm.gap < 0:
                self.flag(DistrictRule.SUMMARY, "summary.gap", f"a negative gap {sm.gap}")
            if sm.lower_bound_s > 0:
                gap = (sm.makespan_s - sm.lower_bound_s) / sm.lower_bound_s
                if abs(sm.gap - gap) > GAP_TOLERANCE:
                    self.flag(DistrictRule.SUMMARY, "summary.gap",
                              f"stated {sm.gap}, makespan and bound make {gap:.4f}")
        elif sm.lower_bound_s > 0 and len(served) == households:
            self.flag(DistrictRule.SUMMARY, "summary.gap",
                      "no gap stated, though every household is served")


def check_district(district: DistrictScenario, plan: DistrictPlan) -> list[DistrictViolation]:
    """Every way ``plan`` breaks the rules of ``district``; empty when it is sound."""
    return _DistrictChecker(district, plan).run()


__all__ = ["DistrictRule", "DistrictViolation", "check_district"]

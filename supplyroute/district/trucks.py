"""The vans' day: routes through the routing layer, then times with the gates' limits.

The routes come from :func:`supplyroute.routing.shipments.solve_shipments`: every
shipment a pickup at its depot and a delivery at its compound's gate, every transport a
boarding and an alighting, with opening hours, shifts, capacities, loading and
unloading times, the medicine orders' latest arrival (so the round can still reach the
door by the deadline) and, for the joint plan, a soft target per delivery (when the
round needs that lot).

Bays and staging are shared between vans, which the routing model does not see, so
the times are then worked out again by :func:`schedule`, van by van in order of
arrival: a van waits for a free bay, and for room in staging for what it unloads
(goods stand in staging while they dwell). Those times are the plan's.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from supplyroute.district.goods import LotSpec
from supplyroute.district.roads import Roads, km
from supplyroute.models.district import DistrictScenario, Transport, Vehicle
from supplyroute.models.district_plan import (
    GateDay,
    Lot,
    Shipment,
    StagingPoint,
    TransportLeg,
    VehicleRoute,
    VehicleStop,
)
from supplyroute.routing.problem import SearchLimit
from supplyroute.routing.shipments import Fleet, Pair, ShipmentProblem, solve_shipments

#: A shipment left out of the routes costs this much (in metres of driving): far above
#: any route, so every shipment goes if any routes can take it.
MISSING_PENALTY = 10**9
TIME_DIGITS = 1
#: The routes aim to meet a patient's or a medicine order's deadline this much early:
#: the vans' waits for bays and staging, worked out after routing, must not make them
#: late...
DEADLINE_MARGIN_S = 600.0
#: ...a soft target: each second later costs this much (a kilometre for 10 s).
DEADLINE_COST_PER_S = 100


@dataclass(frozen=True)
class Node:
    kind: str  #: "start", "end", "pickup", "delivery", "board", "alight".
    place: str
    shipment: str | None = None
    transport: str | None = None
    back: bool = False


@dataclass
class TruckProblem:
    """The routing problem of a district's vans, with what each node stands for."""

    problem: ShipmentProblem
    nodes: list[Node]
    delivery_of: dict[str, int] = field(default_factory=dict)  #: shipment -> node.


def build(district: DistrictScenario, roads: Roads, shipments: list[Shipment],
          latest_in: dict[str, float], targets: dict[str, tuple[float, float]],
          span_cost: int = 0, margins: dict[str, float] | None = None) -> TruckProblem:
    """The vans' routing problem. ``latest_in``: shipment -> latest unloading start
    (medicine orders); ``targets``: shipment -> (time, cost per second later);
    ``margins``: shipment or transport id -> how early the routes aim to meet its
    deadline (default :data:`DEADLINE_MARGIN_S`; a soft target, the deadline itself
    being hard)."""
    margins = margins or {}
    early: dict[int, tuple[int, int]] = {}  # deadline nodes' soft targets
    nodes: list[Node] = []
    window: list[tuple[int, int]] = []
    service: list[float] = []
    horizon = int(max(v.shift.end for v in district.vehicles)) + 1

    def add(node: Node, lo: float, hi: float, svc: float) -> int:
        nodes.append(node)
        window.append((int(np.ceil(lo)), int(hi)))
        service.append(svc)
        return len(nodes) - 1

    fleet_nodes = []
    for v in district.vehicles:
        start = add(Node("start", v.start), 0, horizon, 0.0)
        end = add(Node("end", v.end or v.start), 0, horizon, 0.0)
        fleet_nodes.append((start, end))
    pairs: list[Pair] = []
    delivery_of: dict[str, int] = {}
    compounds = district.compound_by_id
    for s in shipments:
        depot = district.depot_by_id[s.depot]
        gate = compounds[s.compound].supply_gate
        load = depot.load_s_per_kg * s.kg
        unload = gate.unload_s_per_kg * s.kg
        p = add(Node("pickup", s.depot, shipment=s.id), depot.open.start,
                depot.open.end - load, load)
        d = add(Node("delivery", s.compound, shipment=s.id), 0,
                latest_in.get(s.id, horizon), unload)
        if s.id in latest_in:
            early[d] = (int(latest_in[s.id] - margins.get(s.id, DEADLINE_MARGIN_S)),
                        DEADLINE_COST_PER_S)
        delivery_of[s.id] = d
        allowed = tuple(k for k, v in enumerate(district.vehicles)
                        if v.loads_at is None or s.depot in v.loads_at)
        pairs.append(Pair(p, d, kg=s.kg, m3=s.kg / district.parameters.kg_per_m3,
                          vehicles=allowed, penalty=MISSING_PENALTY))
    seated = tuple(k for k, v in enumerate(district.vehicles) if v.seats > 0)
    for t in district.transports:
        board = add(Node("board", t.compound, transport=t.id), t.ready, horizon, t.board_s)
        alight = add(Node("alight", t.hospital, transport=t.id), 0, t.deadline - t.board_s,
                     t.board_s)
        early[alight] = (int(t.deadline - t.board_s - margins.get(t.id, DEADLINE_MARGIN_S)),
                         DEADLINE_COST_PER_S)
        pairs.append(Pair(board, alight, seats=1, vehicles=seated, penalty=MISSING_PENALTY))
        if t.back_from is not None:
            board = add(Node("board", t.hospital, transport=t.id, back=True), t.back_from,
                        horizon, t.board_s)
            alight = add(Node("alight", t.compound, transport=t.id, back=True), 0, horizon,
                         t.board_s)
            pairs.append(Pair(board, alight, seats=1, vehicles=seated, penalty=MISSING_PENALTY))

    index = [roads.index[n.place] for n in nodes]
    distance = roads.distance_m[np.ix_(index, index)]
    fleet = [Fleet(start=s, end=e, speed_mps=v.speed_kmh / 3.6,
                   shift=(int(v.shift.start), int(v.shift.end)), capacity_kg=v.capacity_kg,
                   capacity_m3=v.capacity_m3, seats=v.seats, cost_per_km=v.cost_per_km)
             for v, (s, e) in zip(district.vehicles, fleet_nodes, strict=True)]
    soft = {delivery_of[sid]: (int(t), max(1, int(round(w))))
            for sid, (t, w) in targets.items() if sid in delivery_of}
    for node, (t, w) in early.items():  # the earlier time, the heavier weight
        t0, w0 = soft.get(node, (t, w))
        soft[node] = (min(t, t0), max(w, w0))
    problem = ShipmentProblem(distance_m=distance, service_s=np.array(service), window=window,
                              pairs=pairs, fleet=fleet, targets=soft, span_cost=span_cost)
    return TruckProblem(problem, nodes, delivery_of)


def route(truck: TruckProblem, limit: SearchLimit,
          start: list[list[int]] | None = None) -> list[list[int]] | None:
    return solve_shipments(truck.problem, limit, start)


@dataclass
class TruckDay:
    """The vans' day as it will run: routes with times, lots, gates, transport legs."""

    routes: list[VehicleRoute]
    lots: list[Lot]
    gates: list[GateDay]
    legs: list[TransportLeg]
    missing: list[str]  #: shipments no route carries.
    node_routes: list[list[int]]  #: the routing layer's answer (a warm start).


@dataclass
class _Gate:
    bays_free: list[float]
    staging: list[tuple[float, float, float]] = field(default_factory=list)  #: start, end, kg


def schedule(district: DistrictScenario, roads: Roads, shipments: list[Shipment],
             lots: list[LotSpec], truck: TruckProblem, node_routes: list[list[int]]) -> TruckDay:
    """Times for the routes: each van waits for opening hours, passengers, a free bay
    and room in staging; stops at one place in a row are one stop."""
    by_id = {s.id: s for s in shipments}
    compounds = district.compound_by_id
    gates = {c.id: _Gate([0.0] * c.supply_gate.bays) for c in district.compounds}
    transports = {t.id: t for t in district.transports}
    plans = _van_stop_groups(district, truck, node_routes, by_id)
    stops: list[list[VehicleStop]] = [[] for _ in district.vehicles]
    load = [0.0] * len(district.vehicles)
    queue: list[tuple[float, int, int]] = []
    for v, vehicle in enumerate(district.vehicles):
        heapq.heappush(queue, (vehicle.shift.start, v, 0))
    boarded: dict[tuple[str, bool], tuple[str, float]] = {}
    legs: list[TransportLeg] = []
    while queue:
        arrive, v, k = heapq.heappop(queue)
        kind, place, group = plans[v][k]
        vehicle = district.vehicles[v]
        picked = tuple(n.shipment for n in group if kind == "pickup")
        dropped = tuple(n.shipment for n in group if kind == "delivery")
        kg_in = sum(by_id[s].kg for s in picked)
        kg_out = sum(by_id[s].kg for s in dropped)
        arrive, start, service, bay = _stop_start(district, gates, transports, vehicle,
                                                  plans[v][k], arrive, kg_in, kg_out)
        leave = start + service
        if kind == "delivery":
            done = _t(leave)
            gates[place].bays_free[bay] = done
            gates[place].staging.append((done, done + compounds[place].supply_gate.dwell_s,
                                         kg_out))
        load[v] += kg_in - kg_out
        stops[v].append(VehicleStop(
            kind=kind, place=place, arrive_s=_t(arrive), start_s=_t(start), leave_s=_t(leave),
            picked=picked, dropped=dropped,
            boarded=tuple(n.transport for n in group if kind == "board"),
            alighted=tuple(n.transport for n in group if kind == "alight"),
            bay=bay, load_kg=round(max(load[v], 0.0), 3)))
        _note_passengers(group, kind, vehicle.id, _t(leave), boarded, legs)
        if k + 1 < len(plans[v]):
            nxt = plans[v][k + 1][1]
            heapq.heappush(queue, (_t(leave) + roads.drive_s(vehicle, place, nxt), v, k + 1))

    routes = _van_routes(district, roads, stops)
    return TruckDay(routes=routes, lots=_lots(district, shipments, lots, routes),
                    gates=_gate_days(district, gates),
                    legs=sorted(legs, key=lambda leg: (leg.transport, leg.back)),
                    missing=sorted(set(by_id) - {s for r in routes for st in r.stops
                                                 for s in st.dropped}),
                    node_routes=node_routes)


def _van_stop_groups(district: DistrictScenario, truck: TruckProblem,
                     node_routes: list[list[int]], by_id: dict[str, Shipment]
                     ) -> list[list[tuple[str, str, list[Node]]]]:
    """Each van's nodes grouped into stops (one place, one kind, in a row), between its
    start and its end. An unloading is split in several drops when together they are
    more than the gate's staging holds: each drop then waits for room of its own."""
    plans: list[list[tuple[str, str, list[Node]]]] = []
    for v, nodes in enumerate(node_routes):
        vehicle = district.vehicles[v]
        groups: list[tuple[str, str, list[Node]]] = [("start", vehicle.start, [])]
        for k in nodes:
            node = truck.nodes[k]
            if groups[-1][0] == node.kind and groups[-1][1] == node.place and not (
                    node.kind == "delivery" and _overflows(district, by_id, groups[-1][2], node)):
                groups[-1][2].append(node)
            else:
                groups.append((node.kind, node.place, [node]))
        groups.append(("end", vehicle.end or vehicle.start, []))
        plans.append(groups)
    return plans


def _overflows(district: DistrictScenario, by_id: dict[str, Shipment], group: list[Node],
               node: Node) -> bool:
    """Would adding this delivery to the drop make it more than the gate's staging room?"""
    room = district.compound_by_id[node.place].supply_gate.staging_kg
    kg = sum(by_id[n.shipment].kg for n in group if n.shipment is not None)
    return kg + by_id[node.shipment or ""].kg > room + 1e-9


def _stop_start(district: DistrictScenario, gates: dict[str, _Gate],
                transports: dict[str, Transport], vehicle: Vehicle,
                stop: tuple[str, str, list[Node]], arrive: float, kg_in: float,
                kg_out: float) -> tuple[float, float, float, int | None]:
    """A van's arrival, service start, service time and unloading bay at a stop: a depot
    opens, a gate's bay and staging free up, passengers are ready, a shift starts."""
    kind, place, group = stop
    start, bay = arrive, None
    if kind == "pickup":
        depot = district.depot_by_id[place]
        start = max(arrive, depot.open.start)
        service = depot.load_s_per_kg * kg_in
    elif kind == "delivery":
        gate_spec = district.compound_by_id[place].supply_gate
        service = gate_spec.unload_s_per_kg * kg_out
        start, bay = _unload_slot(gates[place], arrive, service, kg_out,
                                  gate_spec.dwell_s, gate_spec.staging_kg)
    elif kind in ("board", "alight"):
        service = sum(transports[n.transport].board_s for n in group)
        ready = [transports[n.transport].back_from if n.back else transports[n.transport].ready
                 for n in group if kind == "board"]
        start = max([arrive, *[r for r in ready if r is not None]])
    else:
        service = 0.0
        if kind == "start":
            start = arrive = vehicle.shift.start
    return arrive, start, service, bay


def _note_passengers(group: list[Node], kind: str, vehicle: str, leave: float,
                     boarded: dict[tuple[str, bool], tuple[str, float]],
                     legs: list[TransportLeg]) -> None:
    """Note who boards the van as it leaves a stop, and add a transport leg for each
    passenger who alights."""
    for n in group:
        if kind == "board":
            boarded[(n.transport, n.back)] = (vehicle, leave)
        elif kind == "alight" and (n.transport, n.back) in boarded:
            who, picked_s = boarded[(n.transport, n.back)]
            legs.append(TransportLeg(transport=n.transport, vehicle=who, picked_s=picked_s,
                                     dropped_s=leave, back=n.back))


def _van_routes(district: DistrictScenario, roads: Roads,
                stops: list[list[VehicleStop]]) -> list[VehicleRoute]:
    """The routes of the vans that do anything, with their stops and kilometres."""
    routes = []
    for v, vehicle in enumerate(district.vehicles):
        if len(stops[v]) <= 2 and not any(s.kind not in ("start", "end") for s in stops[v]):
            continue
        legs_m = zip(stops[v], stops[v][1:], strict=False)
        metres = sum(roads.metres(a.place, b.place) for a, b in legs_m)
        routes.append(VehicleRoute(vehicle=vehicle.id, stops=tuple(stops[v]), km=km(metres)))
    return routes


def _t(seconds: float) -> float:
    """Times stated to a tenth of a second, rounded up: never earlier than worked out."""
    return float(np.ceil(seconds * 10 ** TIME_DIGITS - 1e-6) / 10 ** TIME_DIGITS)


def _unload_slot(gate: _Gate, arrive: float, service: float, kg: float, dwell: float,
                 capacity: float) -> tuple[float, int]:
    """The earliest start of unloading at or after ``arrive`` with a bay free and room
    in staging for ``kg`` over its dwell; the bay."""
    bay = min(range(len(gate.bays_free)), key=lambda b: (gate.bays_free[b], b))
    start = max(arrive, gate.bays_free[bay])
    candidates = sorted({start, *(end - service for _, end, _ in gate.staging
                                  if end - service > start)})
    for t in candidates:
        t = _t(t)
        lo, hi = _t(t + service), _t(t + service) + dwell
        if _peak(gate.staging, lo, hi) + kg <= capacity + 1e-9:
            return t, bay
    # Once every earlier drop has dwelled staging is empty, and no drop is more than it
    # holds (shipments and drops are cut to it): unloading from then fits.
    return _t(max([start, *(end for _, end, _ in gate.staging)])), bay


def _peak(staging: list[tuple[float, float, float]], lo: float, hi: float) -> float:
    """Most kg in staging at any time of [lo, hi)."""
    points = sorted({lo, *(s for s, _, _ in staging if lo <= s < hi)})
    return max((sum(kg for s, e, kg in staging if s <= t < e) for t in points), default=0.0)


def _lots(district: DistrictScenario, shipments: list[Shipment], lots: list[LotSpec],
          routes: list[VehicleRoute]) -> list[Lot]:
    dropped_at = {s: stop.leave_s for r in routes for stop in r.stops for s in stop.dropped}
    parts: dict[str, list[str]] = defaultdict(list)
    for s in shipments:
        parts[s.lot or f"{s.compound}/{s.order}"].append(s.id)
    out = []
    for lot in lots:
        dwell = district.compound_by_id[lot.compound].supply_gate.dwell_s
        times = [dropped_at.get(s) for s in parts[lot.id]]
        if any(t is None for t in times):  # never arrives: its households are not released
            out.append(Lot(id=lot.id, compound=lot.compound, order=lot.order,
                           households=lot.households, kg=lot.kg, arrived_s=None,
                           released_s=None))
            continue
        arrived = max((t for t in times if t is not None), default=district_start(district))
        out.append(Lot(id=lot.id, compound=lot.compound, order=lot.order,
                       households=lot.households, kg=lot.kg, arrived_s=arrived,
                       released_s=_t(arrived + dwell)))
    return out


def district_start(district: DistrictScenario) -> float:
    """The day's start: the first vehicle's shift."""
    return min(v.shift.start for v in district.vehicles)


def _gate_days(district: DistrictScenario, gates: dict[str, _Gate]) -> list[GateDay]:
    out = []
    for c in district.compounds:
        g = gates[c.id]
        events = sorted({t for s, e, _ in g.staging for t in (s, e)})
        points = [StagingPoint(at_s=t, kg=round(sum(kg for s, e, kg in g.staging if s <= t < e), 3))
                  for t in events]
        out.append(GateDay(compound=c.id, gate=district.gate_id(c), unloadings=len(g.staging),
                           staging=tuple(points),
                           staging_peak_kg=max((p.kg for p in points), default=0.0)))
    return out

"""A lower bound on the district's end-to-end makespan: no plan ends its last hand-over
sooner.

**Fleet envelope.** A van ``v`` reaches compound ``c``'s gate with goods no earlier than
``a_v(c)``: its shift start, the drive to a depot it may load at that stocks what ``c``
needs (waiting for opening), and the drive on to ``c``. Between two deliveries to ``c``
it must drive to a depot and back, at least ``2 m_v(c)`` (the nearest such depot). So by
time ``t`` it has unloaded at most ``cap_v * (floor((t - a_v(c)) / 2 m_v(c)) + 1)`` kg
at ``c``, and the fleet at most the sum ``U_c(t)``, whatever else it does (the other
compounds, loading and unloading times, bays and staging only make it less).

**Compound bound.** Goods are released no earlier than the dwell after they are
unloaded, so by ``t + dwell`` at most the bags that fit in ``U_c(t)`` kg, lightest
first, are released. The compound's scenario with those counted releases instead of
the plan's named lots is a relaxation of every round the vans allow (any round of the
named releases takes no bag before the counted pool has it), so the doorstep bound of
that scenario (:func:`supplyroute.bounds.carry.lower_bound`: work LP, single parcel,
release pool) bounds the compound's last hand-over.

**Fleet bound.** All compounds' goods, ``K`` kg, are unloaded no earlier than the first
``t`` with ``U(t) >= K``, where ``U`` is the envelope with each van's earliest arrival
and shortest cycle over all compounds. The last lot unloaded is released a dwell later
and one of its households is served after that: at least the quickest single delivery
from a gate in any compound.

The bound is the largest of these, minus the day's start (the first vehicle's shift).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from functools import cached_property

from supplyroute.bounds.carry import lower_bound
from supplyroute.compound.costs import solo_delivery_s
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.district.goods import compound_kg
from supplyroute.district.roads import Roads
from supplyroute.models.district import Compound, DistrictScenario, Vehicle
from supplyroute.models.scenario import Release, Scenario


@dataclass(frozen=True)
class DistrictBound:
    value_s: float  #: from the day's start.
    kind: str  #: "compound <id>" or "fleet".
    #: Each compound's earliest possible last hand-over (absolute), and the rounds'
    #: own bound with every bag at the gate from the start (for the joint plan's targets).
    compound_s: dict[str, float]
    rounds_only_s: dict[str, float]


def _reach(district: DistrictScenario, roads: Roads, vehicle: Vehicle,
           compound: Compound, kinds: set[str]) -> tuple[float, float] | None:
    """The van's earliest arrival at the compound's gate with goods, and its shortest
    depot-and-back cycle from there; None if it may load nothing the compound needs."""
    depots = [d for d in district.depots
              if (vehicle.loads_at is None or d.id in vehicle.loads_at)
              and kinds & {s.kind for s in d.stock}]
    if not depots:
        return None
    first = min(max(vehicle.shift.start + roads.drive_s(vehicle, vehicle.start, d.id),
                    d.open.start) + roads.drive_s(vehicle, d.id, compound.id) for d in depots)
    cycle = min(roads.drive_s(vehicle, compound.id, d.id)
                + roads.drive_s(vehicle, d.id, compound.id) for d in depots)
    return first, cycle


def _envelope(reaches: list[tuple[float, float, float]],
              total_kg: float) -> list[tuple[float, float]]:
    """(time, kg unloaded by then at most) at each step of the envelope, up to ``total_kg``.
    ``reaches``: (first arrival, cycle, capacity) per van."""
    steps: list[tuple[float, float]] = []
    queue = [(first, k) for k, (first, _, _) in enumerate(reaches)]
    heapq.heapify(queue)
    kg = 0.0
    while queue and kg < total_kg - 1e-9:
        t, k = heapq.heappop(queue)
        first, cycle, capacity = reaches[k]
        kg += capacity
        if cycle <= 0:
            kg = math.inf
        if steps and steps[-1][0] == t:
            steps[-1] = (t, kg)
        else:
            steps.append((t, kg))
        heapq.heappush(queue, (t + cycle, k))
    return steps


def relaxed_scenario(district: DistrictScenario, compound: Compound,
                     steps: list[tuple[float, float]]) -> Scenario:
    """The compound with counted releases: by each step's time plus the dwell, the bags
    that fit in that step's kg, lightest first (medicine orders' bags from the first)."""
    s = compound.scenario
    ordered = district.order_bags(compound)
    weights: list[float] = []
    free = 0
    for h in s.households:
        for bag in s.bags_of(h):
            if ordered.get(h.id) == bag.kind:
                free += 1
            else:
                weights.append(bag.weight_kg)
    weights.sort()
    dwell = compound.supply_gate.dwell_s
    batches: list[Release] = []
    released = 0
    for t, kg in steps:
        fit, total = released, sum(weights[:released])
        while fit < len(weights) and total + weights[fit] <= kg + 1e-9:
            total += weights[fit]
            fit += 1
        extra = fit - released + (free if not batches else 0)
        if extra:
            batches.append(Release(at=t + dwell, bags=extra))
        released = fit
    if released < len(weights):  # the vans never bring it all: the rest never comes
        batches.append(Release(at=batches[-1].at if batches else 0.0, bags=0))
    gate = district.gate_id(compound)
    gates = tuple(g.model_copy(update={"releases": tuple(batches) if g.id == gate else ()})
                  for g in s.gates)
    return s.with_changes(gates=gates)


def served_district(district: DistrictScenario, served: dict[str, set[str]],
                    without: dict[str, set[str]]) -> DistrictScenario | None:
    """The district as a partial plan serves it: each compound with only the households
    ``served`` (compound id -> household ids; compounds serving none left out), a
    household ``without`` its medicine keeping its other bags only, and the orders of
    the served households whose medicine comes; None if nobody is served. Its bound is
    the partial plan's (a relaxation: a plan that serves these households serves them
    in this district too)."""
    compounds = []
    for c in district.compounds:
        mine = served.get(c.id, set())
        if not mine:
            continue
        kinds = district.order_bags(c)
        gone = without.get(c.id, set())
        households = []
        for h in c.scenario.households:
            if h.id not in mine:
                continue
            if h.id in gone and h.id in kinds:
                bags = tuple(b for b in c.scenario.bags_of(h) if b.kind != kinds[h.id])
                h = h.model_copy(update={"bags": bags})
            households.append(h)
        compounds.append(c.model_copy(update={
            "scenario": c.scenario.with_changes(households=tuple(households))}))
    if not compounds:
        return None
    kept = {c.id: {h.id for h in c.scenario.households} for c in compounds}
    orders = tuple(o for o in district.orders if o.household in kept.get(o.compound, set())
                   and o.household not in without.get(o.compound, set()))
    transports = tuple(t for t in district.transports if t.compound in kept)
    part = district.model_copy(update={"compounds": tuple(compounds), "orders": orders,
                                       "transports": transports})
    for name, value in type(district).__dict__.items():  # lookups of the whole district
        if isinstance(value, cached_property):
            part.__dict__.pop(name, None)
    return part


def district_bound(district: DistrictScenario, roads: Roads) -> DistrictBound:
    day_start = min(v.shift.start for v in district.vehicles)
    compound_s: dict[str, float] = {}
    rounds_only: dict[str, float] = {}
    quickest = math.inf
    all_reaches: dict[int, tuple[float, float]] = {}
    total_kg = 0.0
    for compound in district.compounds:
        need = compound_kg(district, compound)
        kg = sum(need.values())
        total_kg += kg
        reaches = []
        for k, v in enumerate(district.vehicles):
            reach = _reach(district, roads, v, compound, set(need))
            if reach is None:
                continue
            reaches.append((*reach, v.capacity_kg))
            best = all_reaches.get(k, (math.inf, math.inf))
            all_reaches[k] = (min(best[0], reach[0]), min(best[1], reach[1]))
        steps = _envelope(reaches, kg)
        relaxed = PreparedCompound(relaxed_scenario(district, compound, steps))
        bound = lower_bound(relaxed.demand, relaxed.travel, relaxed.servable, relaxed.eligible)
        t0 = relaxed.demand.round_start_s
        compound_s[compound.id] = t0 + bound.value_s
        whole = PreparedCompound(compound.scenario.with_changes(gates=tuple(
            g.model_copy(update={"releases": ()}) for g in compound.scenario.gates)))
        rounds_only[compound.id] = lower_bound(whole.demand, whole.travel, whole.servable,
                                               whole.eligible, with_lp=True).value_s
        for q in relaxed.servable:
            for v in relaxed.eligible[q.index]:
                if relaxed.representative[v] == v:
                    quickest = min(quickest, compound.supply_gate.dwell_s
                                   + solo_delivery_s(relaxed.demand, relaxed.travel, v, q))
    fleet = [(first, cycle, district.vehicles[k].capacity_kg)
             for k, (first, cycle) in sorted(all_reaches.items())]
    steps = _envelope(fleet, total_kg)
    fleet_s = steps[-1][0] + quickest if steps and steps[-1][1] >= total_kg - 1e-9 else 0.0
    best_compound = max(compound_s, key=lambda c: compound_s[c])
    if fleet_s > compound_s[best_compound]:
        return DistrictBound(fleet_s - day_start, "fleet", compound_s, rounds_only)
    return DistrictBound(compound_s[best_compound] - day_start, f"compound {best_compound}",
                         compound_s, rounds_only)

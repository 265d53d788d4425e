"""The district checker's own lower bound on a district's end-to-end makespan.

A district plan states ``lower_bound_s`` (no plan of the district, serving every
household, hands its last bags over sooner after the day's start) and the argument
that gives it (``bound``: ``compound <id>`` or ``fleet``). Coordinators read the gap
against it as "how far from the best possible"; so the checker makes the argument again
here, from the district scenario alone, with its own driving distances
(:mod:`supplyroute.checks.driving`) and the round checkers' own bounds
(:mod:`supplyroute.checks.bound`), never the planner's, and refuses a stated bound
above what the named argument gives (:meth:`ArguedDistrictBound.allows`).

**Envelope.** Van ``v`` reaches compound ``c``'s gate with goods no earlier than
``a_v(c)``: its shift start, the drive to a depot it may load at that stocks a kind of
goods ``c``'s households need (waiting for it to open), and the drive on to ``c``.
Between two loads it must drive from a gate to a depot and back, at least ``m_v(c)``
(the shortest such round trip). So by time ``t`` it has unloaded at ``c`` at most its
load limit (kg, or room times ``kg_per_m3``) times the loads begun by then,
``floor((t - a_v(c)) / m_v(c)) + 1``; the fleet at most the sum ``U_c(t)``. Loading,
unloading, bays, staging and the other compounds only make it less.

**Compound argument.** Goods are released a dwell after they are unloaded, so by
``t + dwell`` at most the bags that fit in ``U_c(t)`` kg, lightest first, are
released; a medicine order's bags (which come with the order, not the compound's goods)
no earlier than the first moment any vehicle can be at the gate with anything. The
compound's scenario with these counted releases lets every round of the plan's releases
take its bags at least as early, so the doorstep bound of that scenario (work LP,
single household, release pool: :func:`~supplyroute.checks.bound.carry_bound`, or
:func:`~supplyroute.checks.bound.relay_bound` where the plan's round relays) bounds
the compound's last hand-over.

**Fleet argument.** All compounds' goods, ``K`` kg, are unloaded no earlier than the
first ``t`` with ``U(t) >= K``, ``U`` the envelope with each van's earliest arrival and
shortest round trip over all compounds (a round trip between two gates through a depot
is at least the shorter of the two gates' own). Some goods are unloaded at ``t`` or
later; their household is served a dwell later at the earliest, and after at least the
quickest single delivery from that gate.

The district's bound is the largest of these, minus the day's start (the first
vehicle's shift). Every argument is cheap (the work LPs pool alike households), so the
checker always makes the exact argument the plan names (``only``: that one alone); it
does not fall back to refusing bounds above a cheaper one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from supplyroute.checks.bound import (
    ArgumentError,
    Grounds,
    Home,
    carry_bound,
    relay_bound,
)
from supplyroute.checks.driving import Driving
from supplyroute.models import Volunteer
from supplyroute.models.district import Compound, DistrictScenario, Vehicle
from supplyroute.models.district_plan import DistrictPlan
from supplyroute.models.plan import Plan
from supplyroute.models.scenario import Release, Scenario

#: A stated bound may exceed the argued one by the planner's rounding (it floors to
#: 0.1 s), the linear programs' tolerance and the float sums of the drives.
DISTRICT_BOUND_TOLERANCE_S = 0.5
DISTRICT_BOUND_RELATIVE_TOLERANCE = 1e-6
FLEET = "fleet"


def compound_kind(compound_id: str) -> str:
    """The label of a compound's argument, as a plan states it."""
    return f"compound {compound_id}"


@dataclass(frozen=True)
class Reach:
    """One van as the envelope sees it at a gate (or at every gate)."""

    first_s: float  #: its earliest arrival with goods.
    cycle_s: float  #: its shortest gate-depot-gate round trip.
    load_kg: float  #: the most it carries.


@dataclass
class ArguedDistrictBound:
    """Each argument's bound, in seconds from the day's start (``kinds``: label ->
    value), or why none can be made (``problem``)."""

    kinds: dict[str, float] = field(default_factory=dict)
    problem: str | None = None

    @property
    def value_s(self) -> float:
        return max(self.kinds.values(), default=0.0)

    def allows(self, kind: str, stated_s: float) -> bool:
        """The argument ``kind`` gives at least ``stated_s``, to rounding."""
        if kind not in self.kinds:
            return False
        argued = self.kinds[kind]
        return stated_s <= argued * (1 + DISTRICT_BOUND_RELATIVE_TOLERANCE) \
            + DISTRICT_BOUND_TOLERANCE_S


def load_limit_kg(district: DistrictScenario, vehicle: Vehicle) -> float:
    """The most a vehicle carries: its kg, or its room if that binds first."""
    if vehicle.capacity_m3 is None:
        return vehicle.capacity_kg
    return min(vehicle.capacity_kg, vehicle.capacity_m3 * district.parameters.kg_per_m3)


class _Arguments:
    """The arguments over one district, with the checker's driving distances."""

    def __init__(self, district: DistrictScenario, driving: Driving):
        self.d = district
        self.driving = driving

    def drive_s(self, vehicle: Vehicle, a: str, b: str) -> float:
        metres = self.driving.metres(a, b)
        return math.inf if metres is None else metres / (vehicle.speed_kmh / 3.6)

    def loads_at(self, vehicle: Vehicle, kinds: set[str] | None) -> list[str]:
        """The depots the vehicle may load at that stock one of ``kinds`` (any depot it
        may load at, with ``None``)."""
        return [x.id for x in self.d.depots
                if (vehicle.loads_at is None or x.id in vehicle.loads_at)
                and (kinds is None or kinds & {line.kind for line in x.stock})]

    def arrival_s(self, vehicle: Vehicle, depot: str, compound: Compound) -> float:
        """Shift start, drive to the depot, wait for it to open, drive to the gate."""
        opens = self.d.depot_by_id[depot].open.start
        at_depot = max(vehicle.shift.start + self.drive_s(vehicle, vehicle.start, depot), opens)
        return at_depot + self.drive_s(vehicle, depot, compound.id)

    def reach(self, vehicle: Vehicle, compound: Compound, kinds: set[str]) -> Reach | None:
        depots = self.loads_at(vehicle, kinds)
        if not depots:
            return None
        first = min(self.arrival_s(vehicle, x, compound) for x in depots)
        cycle = min(self.drive_s(vehicle, compound.id, x) + self.drive_s(vehicle, x, compound.id)
                    for x in depots)
        if not math.isfinite(first):
            return None
        return Reach(first, cycle, load_limit_kg(self.d, vehicle))

    def anything_at_s(self, compound: Compound) -> float:
        """The first moment any vehicle can be at the gate with anything loaded."""
        return min((self.arrival_s(v, x, compound) for v in self.d.vehicles
                    for x in self.loads_at(v, None)), default=math.inf)

    def needs(self, compound: Compound) -> tuple[list[float], int, int]:
        """The weights of the compound's goods (bar medicine orders' bags), and the
        number of medicine orders' bags of households with other goods, and of
        households with none."""
        s = compound.scenario
        ordered = self.d.order_bags(compound)
        weights: list[float] = []
        mixed = alone = 0
        for h in s.households:
            bags = s.bags_of(h)
            theirs = sum(1 for bag in bags if ordered.get(h.id) == bag.kind)
            weights += [bag.weight_kg for bag in bags if ordered.get(h.id) != bag.kind]
            if theirs == len(bags):
                alone += theirs
            else:
                mixed += theirs
        return weights, mixed, alone

    def kinds(self, compound: Compound) -> set[str]:
        s = compound.scenario
        ordered = self.d.order_bags(compound)
        return {bag.kind for h in s.households for bag in s.bags_of(h)
                if ordered.get(h.id) != bag.kind}


def envelope(vans: list[Reach], total_kg: float) -> list[tuple[float, float]]:
    """(time, kg unloaded by then at most) at each time a van may begin another load's
    unloading, until ``total_kg`` is reached or no van can come."""
    upcoming = {k: van.first_s for k, van in enumerate(vans)}
    steps: list[tuple[float, float]] = []
    kg = 0.0
    while upcoming and kg < total_kg - 1e-9:
        now = min(upcoming.values())
        for k in [k for k, at in upcoming.items() if at == now]:
            kg += vans[k].load_kg
            if vans[k].cycle_s <= 0:  # a depot at the gate: no limit from driving
                kg = math.inf
            upcoming[k] = now + vans[k].cycle_s
        steps.append((now, kg))
    return steps


def counted_scenario(compound: Compound, gate: str, needs: tuple[list[float], int, int],
                     alone_at_s: float, steps: list[tuple[float, float]],
                     dwell_s: float) -> Scenario:
    """The compound with counted releases at its supply gate: after each step's time and
    the dwell, the bags that fit in that step's kg, lightest first. Medicine orders'
    bags come with the first step (their households are served with their other goods,
    which come no sooner), or, for a household with no other goods, from ``alone_at_s``
    and the dwell. Goods the envelope never brings never come (a last count of none)."""
    weights, mixed, alone = needs
    light = sorted(weights)
    counts: list[tuple[float, int]] = []
    if alone:
        counts.append((alone_at_s + dwell_s, alone))
    fit, held = 0, 0.0
    for k, (at, kg) in enumerate(steps):
        before = fit
        while fit < len(light) and held + light[fit] <= kg + 1e-9:
            held += light[fit]
            fit += 1
        extra = fit - before + (mixed if k == 0 else 0)
        if extra:
            counts.append((at + dwell_s, extra))
    batches = [Release(at=at, bags=bags) for at, bags in sorted(counts)]
    if fit < len(light):
        batches.append(Release(at=batches[-1].at if batches else 0.0, bags=0))
    s = compound.scenario
    gates = tuple(g.model_copy(update={"releases": tuple(batches) if g.id == gate else ()})
                  for g in s.gates)
    return s.with_changes(gates=gates)


def _relays(plan: Plan | None) -> bool:
    return plan is not None and (plan.summary.mode == "relay"
                                 or plan.summary.mode_makespans_s is not None)


def _quickest_s(g: Grounds, relays: bool) -> float:
    """The quickest single delivery of any household from its gate: loading, the walk
    at the fastest mode, the climb and the hand-over (or the drops); in a relay round
    also a ferry's drop and the climb, whoever is quicker."""
    p = g.scenario.parameters
    carry = g.allowed(g.may_carry)
    ferry = g.allowed(g.may_ferry) if relays else {}
    climb = g.allowed(g.may_climb) if relays else {}
    best = math.inf
    for h in g.homes:
        for c in carry[h.index]:
            best = min(best, g.solo_s(g.crews[c].volunteer, h))
        if ferry.get(h.index) and climb.get(h.index):
            best = min(best, min(_dropped_s(g, g.crews[c].volunteer, h) for c in ferry[h.index])
                       + (g.up_s(h.stairwell, h.floor) + p.handover_s if h.door else 0.0))
    return best


def _dropped_s(g: Grounds, vol: Volunteer, h: Home) -> float:
    """Loading start to a ferry's drop of the household's bags at its entrance."""
    p = g.scenario.parameters
    fastest = max(speed for _, _, speed in g.modes(vol))
    walk = g.metres(vol.gate, h.stairwell) / fastest
    return p.load_s + walk + h.bags * p.relay_drop_s


def served_part(district: DistrictScenario, plan: DistrictPlan) -> DistrictScenario | None:
    """The district as a partial plan serves it, for its bound: each compound with only
    the households its round hands bags to (compounds serving none left out), those
    whose medicine order's lot never arrives without that order's bags, and the orders
    of the served households whose medicine comes; None if nobody is served. Any plan
    that serves these households serves them in this smaller district as well, so its
    bound bounds the partial plan's last hand-over."""
    served: dict[str, set[str]] = {}
    for cr in plan.compounds:
        served.setdefault(cr.compound, set()).update(x.household for x in cr.plan.deliveries)
    never = {(lot.compound, h) for lot in plan.lots
             if lot.order is not None and lot.released_s is None for h in lot.households}
    compounds = []
    kept: set[tuple[str, str]] = set()
    for c in district.compounds:
        ordered = district.order_bags(c)
        households = []
        for h in c.scenario.households:
            if h.id not in served.get(c.id, set()):
                continue
            kept.add((c.id, h.id))
            if (c.id, h.id) in never and h.id in ordered:
                h = h.model_copy(update={"bags": tuple(
                    b for b in c.scenario.bags_of(h) if b.kind != ordered[h.id])})
            households.append(h)
        if households:
            compounds.append(c.model_copy(update={
                "scenario": c.scenario.with_changes(households=tuple(households))}))
    if not compounds:
        return None
    orders = tuple(o for o in district.orders if (o.compound, o.household) in kept
                   and (o.compound, o.household) not in never)
    names = {c.id for c in compounds}
    part = district.model_copy(update={
        "compounds": tuple(compounds), "orders": orders,
        "transports": tuple(t for t in district.transports if t.compound in names)})
    for name, value in type(district).__dict__.items():  # the whole district's lookups
        if isinstance(value, cached_property):
            part.__dict__.pop(name, None)
    return part


def argue_district_bound(district: DistrictScenario, rounds: Mapping[str, Plan],
                         driving: Driving | None = None,
                         only: str | None = None) -> ArguedDistrictBound:
    """Each argument of the district's bound made again (module docstring), or only the
    one labelled ``only`` (the others are then left out). ``rounds``: the plan's round
    of each compound (a relayed round is bounded as a relay round)."""
    driving = driving or Driving(district)
    if driving.problem is not None:
        return ArguedDistrictBound(problem=driving.problem)
    day_start = min(v.shift.start for v in district.vehicles)
    args = _Arguments(district, driving)
    out = ArguedDistrictBound()
    fleet: dict[int, Reach] = {}
    total_kg = 0.0
    quickest = math.inf
    for compound in district.compounds:
        needs = args.needs(compound)
        total_kg += sum(needs[0])
        kinds = args.kinds(compound)
        vans: list[Reach] = []
        for k, vehicle in enumerate(district.vehicles):
            reach = args.reach(vehicle, compound, kinds)
            if reach is None:
                continue
            vans.append(reach)
            best = fleet.get(k)
            fleet[k] = reach if best is None else Reach(
                min(best.first_s, reach.first_s), min(best.cycle_s, reach.cycle_s),
                reach.load_kg)
        if not vans and needs[0]:
            continue  # no van brings its goods: no plan serves everyone; no argument
        kind = compound_kind(compound.id)
        if only not in (None, kind, FLEET):
            continue
        dwell = compound.supply_gate.dwell_s
        relaxed = counted_scenario(compound, district.gate_id(compound), needs,
                                   args.anything_at_s(compound),
                                   envelope(vans, sum(needs[0])), dwell)
        g = Grounds(relaxed)
        relays = _relays(rounds.get(compound.id))
        if only == FLEET:
            quickest = min(quickest, dwell + _quickest_s(g, relays))
            continue
        try:
            bound = relay_bound(relaxed, g) if relays else carry_bound(relaxed, grounds=g)
        except ArgumentError as exc:
            out.problem = f"compound {compound.id!r}: {exc}"
            continue
        out.kinds[kind] = g.t0 + bound.value_s - day_start
        if only is None:
            quickest = min(quickest, dwell + _quickest_s(g, relays))
    steps = envelope([fleet[k] for k in sorted(fleet)], total_kg)
    if only in (None, FLEET) and steps and steps[-1][1] >= total_kg - 1e-9 \
            and math.isfinite(quickest):
        out.kinds[FLEET] = steps[-1][0] + quickest - day_start
    return out

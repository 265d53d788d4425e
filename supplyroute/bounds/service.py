r"""How many households any plan can serve within the volunteers' shifts.

When the shifts are too short for the compound, "everyone served" is out of reach and
the coordinator needs the next best thing with a proof of how close it is: "at most N
households can be served; this plan serves N - k".

Every trip ends back at its gate within the volunteer's shift, and starts no earlier
than the shift and the first bags at that gate. A trip's time is at least the sum of
its households' linear shares (the work LP of :mod:`supplyroute.bounds.carry`: trip
shares by bags or kg, climbing shares, hand-overs, entrance drops), so the households
a plan serves satisfy, for every volunteer ``v``,

    sum_p x_vp w_v(p) <= end_v - max(start_v, first bags at v's gate)

with ``sum_v x_vp <= 1`` and ``x_vp = 0`` where zone, skill, capacity or gate forbid.
The LP maximum of ``sum x`` is therefore at least the number any plan serves, and its
floor is an upper bound on served households. Identical households are pooled and
volunteers alike merged (one column with a multiplicity), as in the makespan bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from supplyroute.bounds.carry import merged, share_modes, units_of
from supplyroute.bounds.lp import maximise_served
from supplyroute.compound.costs import alike, parcel_cost
from supplyroute.compound.demand import Demand, Parcel
from supplyroute.compound.travel import Travel
from supplyroute.models import Scenario

#: The LP's optimum is rounded down after allowing this much for its tolerances.
LP_SLACK = 1e-6


@dataclass(frozen=True)
class ServiceBound:
    """At most ``households`` of the ``servable`` households can be served."""

    households: int
    servable: int

    @property
    def everyone(self) -> bool:
        return self.households >= self.servable


def first_bags_s(demand: Demand, gate: str) -> float | None:
    """When the first bags are at ``gate``: its first pooled batch or named release."""
    times = [q.named_release_s for q in demand.parcels
             if q.named_gate == gate and q.named_release_s is not None]
    pool = demand.pools.get(gate)
    if pool is not None:
        if pool.unlimited:
            return 0.0
        times += [t for t, total in zip(pool.times, pool.cumulative, strict=True)
                  if total > 0][:1]
    return min(times) if times else None


def working_time_s(scenario: Scenario, demand: Demand) -> list[float]:
    """Each volunteer's time from the later of its shift start and its gate's first
    bags to its shift end (0 if no bags ever reach its gate)."""
    first = {g.id: first_bags_s(demand, g.id) for g in scenario.gates}
    out = []
    for v in scenario.volunteers:
        begin = first[v.gate]
        out.append(0.0 if begin is None else max(0.0, v.shift.end - max(v.shift.start, begin)))
    return out


def service_lp(demand: Demand, travel: Travel, parcels: list[Parcel],
               eligible: dict[int, list[int]], capacity_s: list[float],
               weight: dict[int, float] | None = None, merge_alike: bool = True,
               ) -> tuple[float, list[list[Parcel]], dict[int, float]]:
    """The service LP over ``parcels``: its optimum, the pooled units, and how many of
    each unit it serves. ``weight[parcel index]`` (default 1) weighs what is served;
    ``merge_alike`` needs volunteers alike to have the same ``capacity_s``."""
    s = demand.scenario
    by_bags, by_hand = share_modes(s, parcels)
    use_kg = not all(all(b) for b in by_bags) or not all(by_hand)
    multiplicity: dict[int, int] | None = None
    kind = alike(s)  # costs are the same for volunteers alike: computed once per kind
    if merge_alike:
        eligible, multiplicity = merged(eligible, kind)
    units = units_of(parcels, eligible, use_kg, weight)
    costs = []
    for unit in units:
        per_kind: dict[int, float] = {}
        for v in eligible[unit[0].index]:
            if kind[v] not in per_kind:
                per_kind[kind[v]] = parcel_cost(demand, travel, kind[v], unit[0],
                                                by_bags[v], by_hand[v])
        costs.append({v: per_kind[kind[v]] for v in eligible[unit[0].index]})
    weights = [1.0 if weight is None else weight[unit[0].index] for unit in units]
    value, shares = maximise_served([len(u) for u in units], weights, costs,
                                    dict(enumerate(capacity_s)), multiplicity)
    served: dict[int, float] = {}
    for (u, _), amount in shares.items():
        served[u] = served.get(u, 0.0) + amount
    return value, units, served


def service_bound(demand: Demand, travel: Travel, parcels: list[Parcel],
                  eligible: dict[int, list[int]]) -> ServiceBound:
    """The most households of ``parcels`` (those some volunteer may serve) that any
    plan can serve within the shifts."""
    if not parcels:
        return ServiceBound(0, 0)
    capacity = working_time_s(demand.scenario, demand)
    value, _, _ = service_lp(demand, travel, parcels, eligible, capacity)
    most = math.floor(value * (1 + LP_SLACK) + LP_SLACK)
    return ServiceBound(min(len(parcels), most), len(parcels))

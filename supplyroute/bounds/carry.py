r"""Lower bounds on the makespan of a doorstep round (carry and climb).

The makespan is the last hand-over, measured from the round's start ``t0`` (the
earliest shift start). The bound is the largest of three arguments, each valid for
every plan that serves every household that can be served at all.

**1. Work (a linear program).** Give every bag a share of each trip and each climb it
rides on. A trip of volunteer ``v`` from gate ``g`` carrying the set ``S`` takes at least
``load + 2 d(g, u_max) / speed`` (it must reach its farthest stairwell and come back;
walking distances are shortest paths or scaled straight lines, so they obey the
triangle inequality). A trip is made by hand or, if the volunteer has one, with the
cart, each mode with its capacity ``B`` bags, ``K`` kg and speed. With a parcel's share
``a(p) = bags_p / B`` (or ``kg_p / K``: one of the two, fixed per volunteer and mode) the
shares in one trip sum to at most 1, so the trip takes at least
``sum_{p in S} a(p) (load + 2 d(g, u_p) / speed)``, and at least the sum of each
parcel's cheaper mode. A stair run reaching floor
``top`` takes ``up(top) + down(top)`` plus its hand-overs; every parcel in it lives at or
below ``top``, and hand shares ``h_v(p)`` sum to at most 1 per run, so climbing costs at
least ``sum_p h_v(p) (up(f_p) + down(f_p))``. Each door parcel needs at least
``ceil(bags_p / hand_bags_v)`` hand-overs; an entrance parcel costs its drop time. So each
parcel has a cost ``w_v(p)`` that is linear, and volunteer ``v``'s total busy time is at
least ``sum_p x_vp w_v(p)``, where ``x_vp`` is 1 if ``v`` brings ``p``.

The last hand-over of ``v`` comes no earlier than its busy time minus what follows it
in its last trip: the descent from that household's floor and the walk back from its
stairwell, ``s_v(p) = down(f_p) + d(u_p, g) / speed`` (at the slower of the volunteer's
speeds). With ``y_vp = 1`` for the last household of ``v`` (so ``y_vp <= x_vp`` and
``sum_p y_vp <= 1``), every plan satisfies ``T >= sum_p x_vp w_v(p) - sum_p y_vp s_v(p)``
for every ``v`` (volunteers start no earlier than ``t0``), with ``sum_v x_vp = 1``,
``x, y >= 0``, and ``x_vp = 0`` where zone, skill, capacity or gate forbid it. The LP
optimum over fractional ``x`` and ``y`` is a lower bound. Parcels whose cost vectors
are identical are pooled into one column (any split of identical parcels can be evened
out, so pooling does not change the optimum). The solver's value is reduced by a
relative 1e-7 for its tolerances. Later shift starts, shift ends, deadlines and
release times are left out: they only raise the optimum. So is the disinfection after
trips to red or orange homes (``parameters.disinfection_s``): it only adds time, so the
bound stays valid.

**2. Single parcel.** Each parcel is delivered no earlier than the fastest eligible
volunteer can bring it alone, starting at its shift start or at the parcel's release,
nor before its window opens.

**3. Release pool.** If the count batches released before ``t`` cannot cover the pooled
bags, some trip leaves at ``t`` or later, and delivers no earlier than the quickest
pooled parcel from there.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

from supplyroute.bounds.lp import minimise_makespan
from supplyroute.compound.costs import alike, modes, parcel_cost, solo_delivery_s, walk_back_s
from supplyroute.compound.demand import Demand, Parcel
from supplyroute.compound.travel import Travel
from supplyroute.models import Scenario

log = logging.getLogger("supplyroute.bound")

LP_RELATIVE_SLACK = 1e-7


@dataclass(frozen=True)
class Bound:
    """A lower bound on the makespan and the argument that gives it."""

    value_s: float
    kind: str  #: "work-lp", "single-parcel" or "release-pool".
    work_lp_s: float
    single_parcel_s: float
    release_pool_s: float










def share_modes(scenario: Scenario, parcels: list[Parcel]
                ) -> tuple[list[tuple[bool, ...]], list[bool]]:
    """Which share (bags or kg) each volunteer's trip modes and hands use in the LP:
    the one that makes the total larger (either is valid)."""
    total_bags = sum(q.bags for q in parcels)
    total_kg = sum(q.kg for q in parcels)
    by_bags = [tuple(total_bags / bags >= total_kg / kg for bags, kg, _ in modes(scenario, vol))
               for vol in scenario.volunteers]
    by_hand = [total_bags / scenario.hand_capacity(vol)[0]
               >= total_kg / scenario.hand_capacity(vol)[1] for vol in scenario.volunteers]
    return by_bags, by_hand




def merged(eligible: dict[int, list[int]], representative: dict[int, int]
           ) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Eligibility over representatives only, and how many volunteers each stands for."""
    multiplicity: dict[int, int] = {}
    for rep in representative.values():
        multiplicity[rep] = multiplicity.get(rep, 0) + 1
    return ({i: [v for v in vs if representative[v] == v] for i, vs in eligible.items()},
            multiplicity)






def work_lp(demand: Demand, travel: Travel, parcels: list[Parcel],
            eligible: dict[int, list[int]], offsets_s: list[float] | None = None,
            merge_alike: bool = False,
            ) -> tuple[float, tuple[tuple[int, tuple[Parcel, ...], float], ...]]:
    """The work LP of the module docstring. Returns the optimum and the assignment as
    (volunteer, pooled parcels, how many of them).

    For steering the planner (never for the bound): ``offsets_s`` adds fixed work per
    volunteer. For the bound:
    ``merge_alike`` solves one column per kind of volunteer (:func:`alike`), with the
    same optimum; the assignment then names each kind's first volunteer. With
    ``offsets_s`` as well (steering a large compound) a kind's row holds its members'
    work together, offsets summed: the kind's share is then the members' to split."""
    s = demand.scenario
    volunteers = list(s.volunteers)
    by_bags, by_hand = share_modes(s, parcels)
    multiplicity: dict[int, int] | None = None
    kind = alike(s)  # costs are the same for volunteers alike: computed once per kind
    if merge_alike:
        eligible, multiplicity = merged(eligible, kind)
        if offsets_s is not None:  # each kind's row: m * T - (sum of its offsets)
            summed: dict[int, float] = {}
            for v, rep in kind.items():
                summed[rep] = summed.get(rep, 0.0) + offsets_s[v]
            offsets_s = [summed.get(v, 0.0) / multiplicity.get(v, 1)
                         for v in range(len(volunteers))]

    # Pool identical columns.
    use_kg = not all(all(b) for b in by_bags) or not all(by_hand)
    units = units_of(parcels, eligible, use_kg)
    per_kind: dict[tuple[int, int], float] = {}

    def unit_cost(u: int, v: int) -> float:
        key = (u, kind[v])
        if key not in per_kind:
            unit = units[u]
            per_kind[key] = sum(parcel_cost(demand, travel, kind[v], q, by_bags[v], by_hand[v])
                                for q in unit) / len(unit)
        return per_kind[key]

    costs: list[dict[int, float]] = [
        {v: unit_cost(u, v) for v in eligible[unit[0].index]} for u, unit in enumerate(units)
    ]
    savings: list[dict[int, float]] = []
    for unit in units:
        q = max(unit, key=lambda p: p.floor if p.door else 0)
        down = travel.stairs[q.stairwell].down_s(q.floor) if q.door else 0.0
        back = {k: walk_back_s(demand, travel, k, q) for k in {kind[v] for v in eligible[q.index]}}
        savings.append({v: down + back[kind[v]] for v in eligible[q.index]})
    offsets = list(offsets_s) if offsets_s is not None else [0.0] * len(volunteers)
    value, shares = minimise_makespan(
        counts=[len(u) for u in units], costs=costs, savings=savings, offsets=offsets,
        multiplicity=multiplicity)
    assignment = tuple(
        (v, tuple(units[u]), share) for (u, v), share in sorted(shares.items()) if share > 1e-9
    )
    return value, assignment


def units_of(parcels: list[Parcel], eligible: dict[int, list[int]], use_kg: bool,
             key_extra: dict[int, object] | None = None) -> list[list[Parcel]]:
    """Parcels pooled by everything the LPs see (and ``key_extra[index]``, if given):
    stairwell, floor, bags, weight where shares go by kg, door, who may serve them."""
    groups: dict[tuple, list[Parcel]] = {}
    for q in parcels:
        key = (q.stairwell, q.floor, q.bags, q.kg if use_kg else 0.0, q.door,
               tuple(eligible[q.index]), None if key_extra is None else key_extra[q.index])
        groups.setdefault(key, []).append(q)
    return list(groups.values())


def lower_bound(demand: Demand, travel: Travel, parcels: list[Parcel] | None = None,
                eligible: dict[int, list[int]] | None = None, with_lp: bool = True) -> Bound:
    """The best of the three bounds for serving ``parcels`` (default: every parcel
    that some volunteer may serve). ``eligible`` maps parcel index to volunteers.
    Without ``with_lp`` only the single-parcel and release-pool arguments, which need
    no linear program (a by-hand plan of a large compound)."""
    s = demand.scenario
    volunteers = list(s.volunteers)
    if eligible is None:
        eligible = {
            q.index: [v for v, vol in enumerate(volunteers) if demand.eligible(q, vol)]
            for q in demand.parcels
        }
    if parcels is None:
        parcels = [q for q in demand.parcels if eligible[q.index]]
    if not parcels:
        return Bound(0.0, "empty", 0.0, 0.0, 0.0)
    lp_value = work_lp(demand, travel, parcels, eligible, merge_alike=True)[0] if with_lp else 0.0
    # Volunteers alike have the same shift, gate and speeds: one of each kind will do.
    representative = alike(s)
    solo: dict[tuple, float] = {}

    def quickest(q: Parcel, not_before: float) -> float:
        best = math.inf
        for v in eligible[q.index]:
            if representative[v] != v:
                continue
            vol = volunteers[v]
            start = max(vol.shift.start, demand.release_s(q, vol) or 0.0, not_before)
            key = (v, q.stairwell, q.floor, q.door, q.bags)
            if key not in solo:
                solo[key] = solo_delivery_s(demand, travel, v, q)
            best = min(best, start + solo[key])
        return max(best, q.earliest_s)

    return combine(demand, parcels, lp_value, quickest, "work-lp" if with_lp else "none")


def combine(demand: Demand, parcels: list[Parcel], lp_value: float,
            quickest: Callable[[Parcel, float], float], lp_kind: str) -> Bound:
    """The best of the work LP's optimum and the single-parcel and release-pool
    arguments, given ``quickest(parcel, t)``: the earliest hand-over of the parcel by
    work that leaves a gate at ``t`` or later."""
    t0 = demand.round_start_s
    work_lp_s = max(0.0, lp_value * (1 - LP_RELATIVE_SLACK))
    single = max(quickest(q, -math.inf) - t0 for q in parcels)

    pool_bound = 0.0
    pooled = [q for q in parcels if q.named_gate is None]
    if pooled and not any(p.unlimited for p in demand.pools.values()):
        needed = sum(q.bags for q in pooled)
        times = sorted({t for p in demand.pools.values() for t in p.times})
        for t in times:
            before = sum(p.released_by(t - 1e-6) for p in demand.pools.values())
            if before < needed:
                pool_bound = max(pool_bound, min(quickest(q, t) for q in pooled) - t0)

    value, kind = max((work_lp_s, lp_kind), (single, "single-parcel"),
                      (pool_bound, "release-pool"))
    log.info("lower bound %.0f s (%s): work LP %.0f, single parcel %.0f, pool %.0f",
             value, kind, work_lp_s, single, pool_bound)
    return Bound(value, kind, work_lp_s, single, pool_bound)

r"""Lower bounds on the makespan of a relay round: ferries and climbers.

In a relay round each household's bags are either *carried* (the volunteer who brings
them from the gate also takes them up, as in :mod:`supplyroute.bounds.carry`) or
*relayed*: a ferry brings them to the stairwell entrance and puts them down
(``relay_drop_s_per_bag`` a bag), and a climber allowed there takes them up. A relay
plan with no relays is a carry plan, so this bound is also a bound for carry plans.

**1. Work (a linear program).** The carry bound's argument, applied to each part of the
work separately. Let ``c_vp`` be the share of parcel ``p`` that ``v`` carries, ``f_vp``
the share it ferries and ``z_vp`` the share it climbs; ``sum_v c_vp + f_vp = 1`` and
``sum_v z_vp = sum_v f_vp`` for every parcel.

- A carried share costs what it costs in the carry bound (its trip share, its climb
  share, its hand-overs).
- A trip's load, carried or ferried, holds at most one trip's capacity, and the trip
  takes at least ``load + 2 d(g, u_max) / speed`` plus its drops; so a ferried share
  costs its trip share plus ``bags x relay_drop_s``.
- A climber's stair run holds at most the climber's hands and takes at least
  ``up(top) + down(top)`` plus its hand-overs, every door at or below ``top``; so a
  climbed share costs its hand share times ``up(f_p) + down(f_p)`` and at least
  ``ceil(bags_p / hand_bags_w)`` hand-overs. The walks between stations are left out.

Every drop and every hand-over happens by the makespan ``T`` (a dropped bag is handed
over later still). What a volunteer does after its last drop or hand-over is at most:
after a carried parcel, the descent from its floor and the walk back to the gate; after
a ferried one, the walk back; after a climbed one, the descent. With ``y <= share`` for
the last parcel of each volunteer (one per volunteer), ``T >= work_v - tail_v`` for
every ``v``. Each climber's climbing alone also fits after the earliest moment it could
begin (see :func:`_climbs_after`, which proves the row for climbers who end up climbing
nothing too). A linear program whose optimum over fractional shares is a lower bound.
Zone, skill, role, station, capacity and gate rules only remove variables; parcels
with identical columns are pooled; shifts, releases, buffers and the disinfection are
left out (they only add time). The solver's value is reduced by a relative 1e-7.

**2. Single parcel.** A carried parcel as in the carry bound; a relayed one no earlier
than the ferry can drop it (after its shift start and the release) and a climber, who
starts its shift at its gate and walks to the entrance, can take it up.

**3. Release pool.** As in the carry bound, with the single-parcel times above for work
that leaves a gate after a release.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from supplyroute.bounds.carry import LP_RELATIVE_SLACK, Bound, combine, merged, share_modes
from supplyroute.bounds.lp import CARRY, CLIMB, FERRY, minimise_relay_makespan
from supplyroute.compound.costs import (
    alike,
    modes,
    parcel_cost,
    solo_delivery_s,
    stair_cost,
    trip_cost,
    walk_back_s,
)
from supplyroute.compound.demand import Demand, Parcel
from supplyroute.compound.travel import Travel

KINDS = (CARRY, FERRY, CLIMB)


@dataclass(frozen=True)
class RelayEligibility:
    """Who may do which part of each parcel's work (parcel index -> volunteers)."""

    carry: dict[int, list[int]]  #: bring it from the gate and take it up (or drop it).
    ferry: dict[int, list[int]]  #: bring it to its entrance for a climber.
    climb: dict[int, list[int]]  #: take it from its entrance to its door.

    def servable(self, parcel: Parcel) -> bool:
        i = parcel.index
        return bool(self.carry[i]) or (bool(self.ferry[i]) and bool(self.climb[i]))

    def of(self, kind: str) -> dict[int, list[int]]:
        return {CARRY: self.carry, FERRY: self.ferry, CLIMB: self.climb}[kind]


def relay_eligibility(demand: Demand) -> RelayEligibility:
    """Every volunteer each part of each parcel's work may go to."""
    volunteers = list(demand.scenario.volunteers)

    def who(rule) -> dict[int, list[int]]:
        return {q.index: [v for v, vol in enumerate(volunteers) if rule(q, vol)]
                for q in demand.parcels}

    return RelayEligibility(who(demand.eligible), who(demand.may_ferry), who(demand.may_climb))


def relay_work_lp(demand: Demand, travel: Travel, parcels: list[Parcel],
                  eligible: RelayEligibility, offsets_s: list[float] | None = None,
                  by_stairwell: bool = False,
                  climbs_after: dict[int, tuple[float, float]] | None = None,
                  merge_alike: bool = False,
                  ) -> tuple[float, tuple[tuple[str, int, tuple[Parcel, ...], float], ...]]:
    """The work LP of the module docstring. Returns the optimum and the assignment as
    (kind, volunteer, pooled parcels, how many of them).

    For steering the planner (never for the bound): ``offsets_s`` adds fixed work per
    volunteer, and ``by_stairwell`` pools a stairwell's parcels whatever their floor,
    at their mean cost (a far smaller LP, whose optimum hands out whole stairwells).
    For the bound: ``merge_alike`` solves one column per kind of volunteer, with the
    same optimum (:func:`~supplyroute.bounds.lp.minimise_makespan`)."""
    s = demand.scenario
    multiplicity: dict[int, int] | None = None
    if merge_alike:
        assert offsets_s is None, "volunteers alike must have the same offsets"
        representative = alike(s)
        carry, multiplicity = merged(eligible.carry, representative)
        eligible = RelayEligibility(carry, merged(eligible.ferry, representative)[0],
                                    merged(eligible.climb, representative)[0])
        if climbs_after is not None:
            climbs_after = {w: row for w, row in climbs_after.items()
                            if representative[w] == w}
    by_bags, by_hand = share_modes(s, parcels)
    drop_s = s.parameters.relay_drop_s
    groups: dict[tuple, list[Parcel]] = {}
    for q in parcels:
        place = (q.stairwell,) if by_stairwell else (q.stairwell, q.floor, q.bags, q.kg)
        key = (*place, q.door, *(tuple(eligible.of(kind)[q.index]) for kind in KINDS))
        groups.setdefault(key, []).append(q)
    units = list(groups.values())
    costs: dict[str, list[dict[int, float]]] = {kind: [] for kind in KINDS}
    savings: dict[str, list[dict[int, float]]] = {kind: [] for kind in KINDS}
    for unit in units:
        q = unit[0]
        top = max(unit, key=lambda p: p.floor)
        down = travel.stairs[q.stairwell].down_s(top.floor) if q.door else 0.0
        carry = eligible.carry[q.index]
        ferry = eligible.ferry[q.index] if eligible.climb[q.index] else []
        climb = eligible.climb[q.index] if ferry else []

        def cost(kind: str, v: int, p: Parcel) -> float:
            if kind == CARRY:
                return parcel_cost(demand, travel, v, p, by_bags[v], by_hand[v])
            if kind == FERRY:
                return trip_cost(demand, travel, v, p, by_bags[v]) + p.bags * drop_s
            return stair_cost(demand, travel, v, p, by_hand[v])

        for kind, who in ((CARRY, carry), (FERRY, ferry), (CLIMB, climb)):
            costs[kind].append({v: sum(cost(kind, v, p) for p in unit) / len(unit)
                                for v in who})
        savings[CARRY].append({v: down + walk_back_s(demand, travel, v, q) for v in carry})
        savings[FERRY].append({v: walk_back_s(demand, travel, v, q) for v in ferry})
        savings[CLIMB].append({v: down for v in climb})
    offsets = list(offsets_s) if offsets_s is not None else [0.0] * len(s.volunteers)
    value, shares = minimise_relay_makespan(
        [len(u) for u in units], costs, savings, offsets, climbs_after,
        [sum(q.bags for q in u) / len(u) for u in units], multiplicity)
    assignment = tuple(
        (kind, v, tuple(units[u]), share)
        for (kind, u, v), share in sorted(shares.items()) if share > 1e-9
    )
    return value, assignment


def _relay_solo_s(demand: Demand, travel: Travel, eligible: RelayEligibility,
                  q: Parcel, not_before: float) -> float:
    """The earliest hand-over of ``q`` relayed by a ferry that leaves at ``not_before``
    or later (infinite if nobody may relay it)."""
    s = demand.scenario
    p = s.parameters
    u = travel.place(q.stairwell)
    stairs = travel.stairs[q.stairwell]
    climber_ready = math.inf
    for w in eligible.climb[q.index]:
        vol = s.volunteers[w]
        walk = float(travel.dist_m[travel.place(vol.gate, gate=True), u]) / (
            vol.walk_speed_mps or p.walk_speed_mps)
        climber_ready = min(climber_ready, vol.shift.start + walk)
    if not math.isfinite(climber_ready):
        return math.inf
    dropped = math.inf
    for v in eligible.ferry[q.index]:
        vol = s.volunteers[v]
        start = max(vol.shift.start, demand.release_s(q, vol) or 0.0, not_before)
        fastest = max(speed for _, _, speed in modes(s, vol))
        walk = float(travel.dist_m[travel.place(vol.gate, gate=True), u]) / fastest
        dropped = min(dropped, start + p.load_s + walk + q.bags * p.relay_drop_s)
    return max(dropped, climber_ready) + stairs.up_s(q.floor) + p.handover_s


def _climbs_after(demand: Demand, travel: Travel, parcels: list[Parcel],
                  eligible: RelayEligibility) -> dict[int, tuple[float, float]]:
    """For each volunteer who may climb, the charge that makes its climbing row valid.

    A climb at a stairwell needs the climber there (from its gate, at its walking
    speed, from its shift start) and some bags put down there, which no ferry can do
    before its shift start plus loading, the walk there and one bag's drop. So if
    ``w`` climbs at all, its climbing starts no earlier than ``A_w`` after the round's
    start and its last hand-over is followed by at most the longest descent ``D_w``:
    ``T >= A_w + climb_w - D_w``. Not every volunteer who may climb does; but ``w``
    climbs at most ``N_w`` bags, so with ``b_w`` the bags it climbs,
    ``A_w >= A_w * b_w / N_w`` whenever it climbs, and both sides are 0 when it does
    not: ``T >= climb_w + (A_w / N_w) b_w - D_w`` holds in every plan, and is linear.
    Returns ``{w: (A_w / N_w, D_w)}``."""
    s = demand.scenario
    p = s.parameters
    t0 = demand.round_start_s
    first_drop: dict[str, float] = {}
    for q in parcels:
        for v in eligible.ferry[q.index]:
            vol = s.volunteers[v]
            release = demand.release_s(q, vol) or 0.0
            fastest = max(speed for _, _, speed in modes(s, vol))
            walk = float(travel.dist_m[travel.place(vol.gate, gate=True),
                                       travel.place(q.stairwell)]) / fastest
            at = max(vol.shift.start, release) + p.load_s + walk + p.relay_drop_s
            first_drop[q.stairwell] = min(first_drop.get(q.stairwell, math.inf), at)
    ready: dict[int, float] = {}
    descent: dict[int, float] = {}
    most_bags: dict[int, int] = defaultdict(int)
    for q in parcels:
        if not eligible.ferry[q.index] or q.stairwell not in first_drop:
            continue
        for w in eligible.climb[q.index]:
            vol = s.volunteers[w]
            walk = float(travel.dist_m[travel.place(vol.gate, gate=True),
                                       travel.place(q.stairwell)]) / (
                vol.walk_speed_mps or p.walk_speed_mps)
            at = max(first_drop[q.stairwell], vol.shift.start + walk)
            ready[w] = min(ready.get(w, math.inf), at)
            descent[w] = max(descent.get(w, 0.0), travel.stairs[q.stairwell].down_s(q.floor))
            most_bags[w] += q.bags
    return {w: ((ready[w] - t0) / most_bags[w], descent[w]) for w in ready}


def relay_lower_bound(demand: Demand, travel: Travel, parcels: list[Parcel] | None = None,
                      eligible: RelayEligibility | None = None) -> Bound:
    """The best of the three relay bounds for serving ``parcels`` (default: every
    parcel that some plan may serve, carried or relayed)."""
    s = demand.scenario
    eligible = eligible or relay_eligibility(demand)
    if parcels is None:
        parcels = [q for q in demand.parcels if eligible.servable(q)]
    if not parcels:
        return Bound(0.0, "empty", 0.0, 0.0, 0.0)
    lp_value, _ = relay_work_lp(demand, travel, parcels, eligible,
                                climbs_after=_climbs_after(demand, travel, parcels, eligible),
                                merge_alike=True)
    seen: dict[tuple, float] = {}

    def quickest(q: Parcel, not_before: float) -> float:
        # Parcels alike in everything the time depends on share it (thousands do).
        key = (q.stairwell, q.floor, q.bags, q.door, q.named_gate, q.named_release_s,
               q.earliest_s, not_before, *(tuple(eligible.of(k)[q.index]) for k in KINDS))
        if key not in seen:
            seen[key] = _quickest(q, not_before)
        return seen[key]

    def _quickest(q: Parcel, not_before: float) -> float:
        best = _relay_solo_s(demand, travel, eligible, q, not_before)
        for v in eligible.carry[q.index]:
            vol = s.volunteers[v]
            start = max(vol.shift.start, demand.release_s(q, vol) or 0.0, not_before)
            best = min(best, start + solo_delivery_s(demand, travel, v, q))
        return max(best, q.earliest_s)

    return combine(demand, parcels, lp_value, quickest, "relay-work-lp")


__all__ = ["LP_RELATIVE_SLACK", "RelayEligibility", "relay_eligibility", "relay_lower_bound",
           "relay_work_lp"]

"""Which household gets a delivery, a visit or a garbage collection on which day.

Every household is delivered every ``cycle`` days from an offset; nobody waits longer
than its cycle after its last delivery before the horizon. Offsets are chosen so that
each day's work, in the doorstep model's own terms (walking to the stairwell and back,
loading, climbing, hand-overs, per bag in the hands), is as even as possible across
days for every group of volunteers (buildings served by the same volunteers are
balanced together, since one group cannot take another's work). Whole stairwells go
together, which keeps each day's trips full; single households then even out what is
left. Garbage collections are balanced the same way over the total of both rounds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from supplyroute.compound.travel import Travel
from supplyroute.models import Household, Scenario
from supplyroute.models.cycle import CycleScenario


@dataclass(frozen=True)
class Calendar:
    """Per day: households delivered, visited (ledger, no delivery), collected."""

    deliveries: list[list[str]]
    visits: list[list[str]]
    garbage: list[list[str]]
    orders: list[dict[str, list[tuple[str, int]]]]  #: day -> household -> (item, units).
    work_s: list[float]  #: estimated doorstep work per day (both rounds).
    next_delivery: dict[tuple[int, str], int]  #: (day, household) -> days it must cover.


def household_work_s(scenario: Scenario, travel: Travel, household: Household,
                     bags: int) -> float:
    """A household's doorstep work with ``bags`` bags, carried by hand from its gate."""
    p = scenario.parameters
    gate = travel.place(scenario.gates[0].id, gate=True)
    well = travel.place(household.stairwell)
    walk_s = float(travel.dist_m[gate, well] + travel.dist_m[well, gate]) / p.walk_speed_mps
    climbs = math.ceil(bags / p.hand_capacity_bags)
    stairs = travel.stairs[household.stairwell]
    per_climb = stairs.up_s(household.floor) + stairs.down_s(household.floor) + p.handover_s
    return bags / p.hand_capacity_bags * (p.load_s + walk_s) + climbs * per_climb


def expected_bags(cs: CycleScenario, household: Household, days: int) -> int:
    """Bags a delivery covering ``days`` days will need: the prevention bag and enough
    living bags for the rations."""
    rations = cs.rations_of(household.id)
    limit = cs.bag_limit_kg()
    food = sum(kg for c, kg in rations.items() if c not in ("prevention", "medicine"))
    living = math.ceil(food * household.residents * days / limit - 1e-9)
    return 1 + max(living, 0)


def make_calendar(cs: CycleScenario, travel: Travel | None = None) -> Calendar:
    compound = cs.compound
    travel = travel or Travel(compound)
    days = cs.days
    groups = _volunteer_groups(compound)
    delivery_work = {
        h.id: household_work_s(compound, travel, h, expected_bags(cs, h, cs.cycle_of(h.id)))
        for h in compound.households
    }
    load = [defaultdict(float) for _ in range(days)]  # day -> group -> seconds

    # Deliveries: units of (stairwell, cycle, latest first day), whole stairwells first.
    units: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for h in compound.households:
        k = cs.cycle_of(h.id)
        latest_first = min(k - 1, cs.settings[h.id].last_delivery_day + k)
        units[h.stairwell, k, max(latest_first, 0)].append(h.id)
    offset: dict[str, int] = {}
    _assign(units, delivery_work, groups, compound, days, load, offset)
    deliveries = [[h.id for h in compound.households
                   if d % cs.cycle_of(h.id) == offset[h.id] % cs.cycle_of(h.id)]
                  for d in range(days)]
    next_delivery = {(d, h): cs.cycle_of(h) for d in range(days) for h in deliveries[d]}

    orders: list[dict[str, list[tuple[str, int]]]] = [defaultdict(list) for _ in range(days)]
    for order in cs.orders:
        if 0 <= order.day + 1 < days:
            for line in order.items:
                orders[order.day + 1][order.household].append((line.item, line.units))
    for d in range(days):
        extra = sorted(set(orders[d]) - set(deliveries[d]))
        for hid in extra:
            next_delivery[d, hid] = 0  # an order alone: its items, no rations
        deliveries[d] = _in_compound_order(compound, set(deliveries[d]) | set(extra))

    visits = [[h.id for h in compound.households
               if cs.visits_daily(h.id) and h.id not in set(deliveries[d])] for d in range(days)]
    for d in range(days):
        for hid in visits[d]:
            h = compound.household_by_id[hid]
            load[d][groups[h.stairwell]] += household_work_s(compound, travel, h, 1)

    garbage: list[list[str]] = [[] for _ in range(days)]
    if cs.garbage is not None:
        e = cs.garbage.every_days
        limit = cs.bag_limit_kg()
        g_work = {
            h.id: household_work_s(compound, travel, h, math.ceil(
                h.residents * cs.garbage.kg_per_resident_day * e / limit - 1e-9))
            for h in compound.households
        }
        g_units: dict[tuple[str, int, int], list[str]] = defaultdict(list)
        for h in compound.households:
            g_units[h.stairwell, e, e - 1].append(h.id)
        g_offset: dict[str, int] = {}
        _assign(g_units, g_work, groups, compound, days, load, g_offset)
        garbage = [[h.id for h in compound.households if d % e == g_offset[h.id]]
                   for d in range(days)]
    work = [sum(day.values()) for day in load]
    return Calendar(deliveries, visits, garbage, [dict(o) for o in orders], work, next_delivery)


def _in_compound_order(compound: Scenario, ids: set[str]) -> list[str]:
    return [h.id for h in compound.households if h.id in ids]


def _volunteer_groups(compound: Scenario) -> dict[str, frozenset[str]]:
    """Stairwell -> the volunteers who may work there (a balancing group)."""
    out = {}
    for b in compound.buildings:
        allowed = frozenset(v.id for v in compound.volunteers
                            if v.zone is None or b.id in v.zone)
        for w in b.stairwells:
            out[w.id] = allowed
    return out


def _assign(units: dict[tuple[str, int, int], list[str]], work: dict[str, float],
            groups: dict[str, frozenset[str]], compound: Scenario, days: int,
            load: list[defaultdict[frozenset[str], float]], offset: dict[str, int]) -> None:
    """Offsets for every unit's households, evening each group's days; adds to ``load``."""
    by_group: dict[tuple[frozenset[str], int], list[tuple[str, int, list[str]]]] = defaultdict(list)
    for (stairwell, k, latest), members in units.items():
        by_group[groups[stairwell], k].append((stairwell, latest, members))
    for (group, k), group_units in sorted(by_group.items(), key=lambda kv: (kv[0][1],
                                                                             sorted(kv[0][0]))):
        phase = [0.0] * k  # work on days with d % k == o
        for d in range(days):
            phase[d % k] += load[d][group] / max(1, len(range(d % k, days, k)))
        chosen: dict[str, int] = {}
        # Whole stairwells, heaviest first, each to its lightest allowed phase.
        for _stairwell, latest, members in sorted(
                group_units, key=lambda u: (-sum(work[h] for h in u[2]), u[0])):
            w = sum(work[h] for h in members)
            o = min(range(latest + 1), key=lambda o: (phase[o], o))
            phase[o] += w
            for h in members:
                chosen[h] = o
        # Then single households from the heaviest phase to the lightest, while it helps.
        movable = {h: latest for _s, latest, members in group_units for h in members}
        for _ in range(len(chosen)):
            hi = max(range(k), key=lambda o: phase[o])
            lo = min(range(k), key=lambda o: phase[o])
            gap = phase[hi] - phase[lo]
            candidates = [h for h, o in chosen.items()
                          if o == hi and lo <= movable[h] and 0 < work[h] < gap]
            if not candidates:
                break
            best = min(candidates, key=lambda h: (abs(gap - 2 * work[h]), h))
            if abs(gap - 2 * work[best]) >= gap:
                break
            chosen[best] = lo
            phase[hi] -= work[best]
            phase[lo] += work[best]
        for h, o in chosen.items():
            offset[h] = o
            for d in range(o, days, k):
                load[d][group] += work[h]

"""Which household gets a delivery, a visit or a garbage collection on which day.

Every household is delivered every ``cycle`` days from an offset; nobody waits longer
than its cycle after its last delivery before the horizon. Offsets are chosen so that
each day's work, in the doorstep model's own terms (walking to the stairwell and back,
loading, climbing, hand-overs, per bag in the hands), is as even as possible across
days for every group of volunteers (buildings served by the same volunteers are
balanced together, since one group cannot take another's work). Whole stairwells go
together, which keeps each day's trips full; single households then even out what is
left. Garbage collections are balanced the same way over the total of both rounds.
An empty flat (``residents: 0``) gets nothing: no delivery, visit or collection.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from supplyroute.compound.travel import Travel
from supplyroute.models import Household, Risk, Scenario
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import NotServed


@dataclass(frozen=True)
class Calendar:
    """Per day: households delivered, visited (ledger, no delivery), collected."""

    deliveries: list[list[str]]
    visits: list[list[str]]
    garbage: list[list[str]]
    orders: list[dict[str, list[tuple[str, int]]]]  #: day -> household -> (item, units).
    work_s: list[float]  #: estimated doorstep work per day (both rounds).
    next_delivery: dict[tuple[int, str], int]  #: (day, household) -> days it must cover.
    #: Per day: households no round can take that day (and deliveries moved), with why.
    not_served: list[list[NotServed]]


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

    occupied = [h for h in compound.households if h.residents > 0]
    # Deliveries: units of (stairwell, cycle, latest first day), whole stairwells first.
    units: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for h in occupied:
        k = cs.cycle_of(h.id)
        latest_first = min(k - 1, cs.settings[h.id].last_delivery_day + k)
        units[h.stairwell, k, max(latest_first, 0)].append(h.id)
    offset: dict[str, int] = {}
    _assign(units, delivery_work, groups, compound, days, load, offset)
    deliveries = [[h.id for h in occupied
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

    not_served: list[list[NotServed]] = [[] for _ in range(days)]
    _move_unservable(cs, deliveries, next_delivery, orders, not_served)

    visits = []
    for d in range(days):
        named = {x.household for x in not_served[d]}
        due = [h.id for h in occupied if cs.visits_daily(h.id)
               and h.id not in set(deliveries[d]) and h.id not in named]
        visits.append(_servable(cs, d, due, "visit", not_served[d]))
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
            for h in occupied
        }
        g_units: dict[tuple[str, int, int], list[str]] = defaultdict(list)
        for h in occupied:
            g_units[h.stairwell, e, e - 1].append(h.id)
        g_offset: dict[str, int] = {}
        _assign(g_units, g_work, groups, compound, days, load, g_offset)
        garbage = [_servable(cs, d, [h.id for h in occupied if d % e == g_offset[h.id]],
                             "garbage", not_served[d])
                   for d in range(days)]
    work = [sum(day.values()) for day in load]
    return Calendar(deliveries, visits, garbage, [dict(o) for o in orders], work, next_delivery,
                    not_served)


def _servable(cs: CycleScenario, day: int, due: list[str], kind: Literal["visit", "garbage"],
              not_served: list[NotServed]) -> list[str]:
    """The households due a visit or a collection that someone on duty may serve that
    day; the others named in ``not_served``."""
    garbage = kind == "garbage"
    kept = []
    for hid in due:
        if _may_be_served(cs, day, cs.compound.household_by_id[hid], garbage=garbage):
            kept.append(hid)
        else:
            what = "collect its garbage" if garbage else "visit it"
            not_served.append(NotServed(
                household=hid, round=kind, reason="nobody_may_serve",
                note=f"nobody on duty on day {day + 1} may {what} "
                     f"({_who(cs, hid, garbage=garbage)})"))
    return kept


def _may_be_served(cs: CycleScenario, day: int, household: Household,
                   garbage: bool = False) -> bool:
    """May a volunteer on duty that day serve the household (zone, full PPE)? In the
    garbage round orange homes are red: full PPE for both."""
    compound = cs.compound
    if garbage and household.risk in (Risk.RED, Risk.ORANGE):
        household = household.model_copy(update={"risk": Risk.RED})
    on_duty = set(cs.on_duty(day))
    return any(compound.may_serve(v, household)
               for v in compound.volunteers if v.id in on_duty)


def _who(cs: CycleScenario, hid: str, garbage: bool = False) -> str:
    """What it would take, in words: full PPE, its zone's volunteers, or both."""
    h = cs.compound.household_by_id[hid]
    ppe = cs.compound.needs_ppe(h) or (garbage and h.risk in (Risk.RED, Risk.ORANGE))
    building = cs.compound.stairwell_building[h.stairwell].id
    zone = any(v.zone is not None for v in cs.compound.volunteers)
    parts = (["full PPE"] if ppe else []) + ([f"building {building}'s zone"] if zone else [])
    return "it needs " + " and ".join(parts) if parts else "no volunteer on duty"


def _move_unservable(cs: CycleScenario, deliveries: list[list[str]],
                     next_delivery: dict[tuple[int, str], int],
                     orders: list[defaultdict[str, list[tuple[str, int]]]],
                     not_served: list[list[NotServed]]) -> None:
    """A delivery due on a day nobody on duty may make it (a red home on a day without
    full PPE, a zone without its volunteers) moves to the closest day within its cycle
    that someone may: earlier if it can (it then covers the days up to its next
    delivery, and the household goes without nothing), else later (the days in between
    uncovered); named without a day if none can. Each is named on the day it was due,
    with the day it moved to; what it ordered for that day cannot come."""
    compound = cs.compound
    days = len(deliveries)
    for d in range(days):
        for hid in list(deliveries[d]):
            h = compound.household_by_id[hid]
            if _may_be_served(cs, d, h):
                continue
            k = next_delivery.pop((d, hid))
            deliveries[d].remove(hid)
            ordered = orders[d].pop(hid, None)
            why = f"nobody on duty on day {d + 1} may deliver it ({_who(cs, hid)})"
            if k == 0:  # an order alone
                not_served[d].append(NotServed(household=hid, round="delivery",
                                               reason="nobody_may_serve",
                                               note=f"its order: {why}"))
                continue
            earlier = [e for e in range(d - 1, max(-1, d - k), -1)
                       if _may_be_served(cs, e, h)]
            later = [e for e in range(d + 1, min(d + k, days)) if _may_be_served(cs, e, h)]
            moved = earlier[0] if earlier else later[0] if later else None
            if moved is None:
                note = f"{why}; no day within its cycle may"
            elif moved < d:
                note = f"{why}; delivered on day {moved + 1}, with food until day {d + k + 1}"
            else:
                note = f"{why}; delivered on day {moved + 1}"
            if ordered:
                note += "; its order cannot come"
            not_served[d].append(NotServed(household=hid, round="delivery",
                                           reason="nobody_may_serve", days_covered=k,
                                           moved_to_day=moved, note=note))
            if moved is not None:
                # earlier: it covers up to its next delivery; later: what is left of it
                next_delivery[moved, hid] = d + k - moved
                deliveries[moved] = _in_compound_order(compound, {*deliveries[moved], hid})


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

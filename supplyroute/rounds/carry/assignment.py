"""Who serves which household: timed households on trips of their own, the rest
shared out by the work LP and rounded to whole households.

Timed households (a deadline or a window) go, earliest deadline first, to the
volunteer who hands them over soonest; urgent households whose deadline is hours away
ride in the regular loads instead. The other households are shared out by the bound's
work LP, with each volunteer's timed work as a fixed offset, and rounded so that every
volunteer keeps about its LP share. When the shifts cannot hold everyone, the service
LP picks whom to serve, urgent before vulnerable before the rest.
"""

from __future__ import annotations

import math

from supplyroute.bounds.carry import work_lp
from supplyroute.bounds.service import service_lp, working_time_s
from supplyroute.clock import hhmm
from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import Timetable, earliest_start
from supplyroute.compound.trips import TripShape
from supplyroute.models import Priority, UnservedReason
from supplyroute.rounds.carry.packing import EPS_S, pack_trips
from supplyroute.rounds.carry.regions import cart_volunteers, cut_into_stretches, regroup

#: Above this many LP columns (households' groups x volunteers who may serve them) the
#: steering LP has one column per kind of volunteer, its share split among the kind
#: afterwards: on 20,000 households and 286 volunteers the full LP took 400 s.
MERGE_ABOVE_COLUMNS = 50_000
#: An urgent household whose deadline is at least this long after the round starts
#: rides in a regular load (see :func:`rides_along`).
RIDE_ALONG_MIN_S = 3 * 3600.0
#: When not everyone can be served: what a household served is worth to the choice of
#: whom to serve. Nearly lexicographic (urgent, then vulnerable, then the rest): a
#: priority household is left out only if it costs a thousand standard ones.
SERVICE_WEIGHT = {Priority.URGENT: 1e6, Priority.VULNERABLE: 1e3, Priority.STANDARD: 1.0}


def assign_timed(ctx: PreparedCompound, parcels: list[Parcel],
                 eligible: dict[int, list[int]] | None = None,
                 ) -> tuple[list[list[TripShape]], list[tuple[Parcel, UnservedReason, str]]]:
    """Give each timed parcel its own trip, earliest deadline first, to whoever hands
    it over soonest after the timed trips already given to them (among ``eligible``,
    default: everyone who may serve it)."""
    eligible = eligible or ctx.eligible
    queues: list[list[TripShape]] = [[] for _ in ctx.volunteers]
    free = [v.shift.start for v in ctx.volunteers]
    dropped = []
    order = sorted(parcels, key=lambda p: (p.latest_s if p.latest_s is not None else math.inf,
                                           p.earliest_s, p.index))
    for parcel in order:
        best: tuple[float, int, TripShape] | None = None
        for v in eligible[parcel.index]:
            shape = ctx.builder.shape(v, [parcel])
            start = max(free[v], earliest_start(ctx.demand, shape))
            delivered = start + shape.last_delivery_off
            if best is None or (delivered, v) < (best[0], best[1]):
                best = (delivered, v, shape)
        assert best is not None
        delivered, v, shape = best
        if parcel.latest_s is not None and delivered > parcel.latest_s + 1e-6:
            dropped.append((parcel, UnservedReason.DEADLINE_UNREACHABLE,
                            f"the earliest possible hand-over {hhmm(delivered)} is after the "
                            f"deadline {hhmm(parcel.latest_s)}"))
            continue
        queues[v].append(shape)
        free[v] = delivered - shape.last_delivery_off + shape.free_off
    return queues, dropped


def rides_along(ctx: PreparedCompound, parcel: Parcel) -> bool:
    """Whether an urgent household with a deadline rides in a regular load (which goes
    first: urgent loads lead every volunteer's day) instead of a trip of its own: when
    its deadline is at least :data:`RIDE_ALONG_MIN_S` after the round starts and it has
    no window and no bags of its own at a gate. A trip of its own costs a whole walk
    to its stairwell and back; on a 4,389-household compound 19 such trips took 322
    minutes of work where their loads' shares are 57."""
    household = parcel.household
    return (household.priority is Priority.URGENT and parcel.latest_s is not None
            and household.window is None and parcel.named_gate is None
            and parcel.latest_s - ctx.demand.round_start_s >= RIDE_ALONG_MIN_S)


def missed_deadlines(table: Timetable, parcels: list[Parcel]) -> list[Parcel]:
    """Those of ``parcels`` that the timetable does not hand over by their deadline."""
    if not parcels:
        return []
    handed: dict[str, float] = {}
    for trips in table.trips:
        for s in trips:
            for pid, off in s.shape.delivered_offsets.items():
                handed[pid] = s.start_s + off
    return [parcel for parcel in parcels if parcel.latest_s is not None
            and handed.get(parcel.id, math.inf) > parcel.latest_s + EPS_S]


def round_assignment(ctx: PreparedCompound, parcels: list[Parcel], offsets_s: list[float],
                     eligible: dict[int, list[int]] | None = None,
                     priority_first: bool = True) -> list[list[Parcel]]:
    """Households per volunteer from the work LP's fractional optimum (carts alike
    then given regions by :func:`regroup`, their loads packed ``priority_first``)."""
    share: list[list[Parcel]] = [[] for _ in ctx.volunteers]
    if not parcels:
        return share
    columns = sum(len((eligible or ctx.eligible)[parcel.index]) for parcel in parcels)
    merge = columns > MERGE_ABOVE_COLUMNS
    makespan, assignment = work_lp(ctx.demand, ctx.travel, parcels, eligible or ctx.eligible,
                                   offsets_s, merge_alike=merge)
    # Systematic rounding: each household goes to the volunteer furthest behind the
    # work the LP gave it so far, so that every volunteer's total stays within about
    # one household of its LP share (rounding unit by unit would let errors pile up).
    behind = [0.0] * len(ctx.volunteers)
    by_unit: dict[tuple[int, ...], list[tuple[int, float]]] = {}
    members: dict[tuple[int, ...], tuple[Parcel, ...]] = {}
    for v, unit, amount in assignment:
        key = tuple(parcel.index for parcel in unit)
        by_unit.setdefault(key, []).append((v, amount))
        members[key] = unit
    for key in sorted(by_unit):
        unit = sorted(members[key], key=lambda parcel: (-parcel.floor, parcel.index))
        amounts = by_unit[key]
        cost = {v: ctx.parcel_cost(v, unit[0]) for v, _ in amounts}
        room = {v: math.ceil(a - 1e-9) for v, a in amounts}
        for v, a in amounts:
            behind[v] += a * cost[v]
        for parcel in unit:
            v = max((v for v, _ in amounts if room[v] > 0), key=lambda v: (behind[v], -v))
            share[v].append(parcel)
            room[v] -= 1
            behind[v] -= cost[v]
    if merge:
        share = split_kinds(ctx, share, offsets_s, makespan)
    return regroup(ctx, share, eligible or ctx.eligible, offsets_s, priority_first)


def split_kinds(ctx: PreparedCompound, share: list[list[Parcel]], offsets_s: list[float],
                makespan_s: float) -> list[list[Parcel]]:
    """A merged LP's shares (each kind's work on its first volunteer) split among the
    kind's members: its households in walking order, cut into consecutive stretches,
    each member's linear work what the LP's makespan leaves it after its offset."""
    members: dict[int, list[int]] = {}
    for v, rep in ctx.representative.items():
        members.setdefault(rep, []).append(v)
    out = [list(s) for s in share]
    place = ctx.travel.place
    for rep, group in members.items():
        if len(group) < 2 or not share[rep]:
            continue
        pooled = sorted(share[rep], key=lambda p: (place(p.stairwell), -p.floor, p.index))
        cost = [ctx.parcel_cost(rep, parcel) for parcel in pooled]
        room = [max(0.0, makespan_s - offsets_s[v]) for v in group]
        scale = sum(cost) / sum(room) if sum(room) > 0 else 0.0
        target = [r * scale if scale else sum(cost) / len(group) for r in room]
        for v, mine in zip(group, cut_into_stretches(pooled, cost, target), strict=True):
            out[v] = mine
    return out


def full_loads(ctx: PreparedCompound, shares: list[list[Parcel]], offsets_s: list[float],
               priority_first: bool) -> list[list[Parcel]]:
    """Carts keep their full loads only; what would ride in a cart's last, mostly empty
    load goes back, with the hands' share, to a second LP among the hands.

    The LP prices a cart's bag at a share of a full load, so a cart's half-empty last
    trip is work the LP did not see; hands pay no such toll (a load is one climb)."""
    carts = cart_volunteers(ctx)
    if not carts or len(carts) == len(ctx.volunteers):
        return shares
    kept = [list(s) for s in shares]
    offsets = list(offsets_s)
    pool: list[Parcel] = []
    for v in sorted(carts):
        trips = pack_trips(ctx, v, kept[v], priority_first)
        if trips and trips[-1].bags < ctx.builder.capacity(v)[0] / 2:
            pool.extend(trips[-1].parcels)
            trips = trips[:-1]
        kept[v] = [parcel for t in trips for parcel in t.parcels]
        offsets[v] += sum(t.free_off for t in trips)
    hands = [v for v in range(len(ctx.volunteers)) if v not in carts]
    for v in hands:
        pool.extend(kept[v])
        kept[v] = []
    eligible = {parcel.index: [v for v in ctx.eligible[parcel.index] if v not in carts]
                or ctx.eligible[parcel.index] for parcel in pool}
    again = round_assignment(ctx, pool, offsets, eligible, priority_first)
    return [kept[v] + again[v] for v in range(len(ctx.volunteers))]


def served_within_shifts(ctx: PreparedCompound, parcels: list[Parcel], offsets_s: list[float]
                         ) -> list[Parcel]:
    """When the shifts cannot cover everyone: the households to plan, as many as the
    volunteers' working time less ``offsets_s`` holds by the service LP
    (:mod:`supplyroute.bounds.service`), urgent before vulnerable before the rest."""
    working = working_time_s(ctx.scenario, ctx.demand)
    capacity = [max(0.0, w - o) for w, o in zip(working, offsets_s, strict=True)]
    weight = {parcel.index: SERVICE_WEIGHT[parcel.household.priority] for parcel in parcels}
    _, units, served = service_lp(ctx.demand, ctx.travel, parcels, ctx.eligible, capacity,
                                  weight, merge_alike=False)
    chosen: list[Parcel] = []
    for u, unit in enumerate(units):
        take = math.floor(served.get(u, 0.0) + 1e-6)
        chosen += sorted(unit, key=lambda parcel: (parcel.floor, parcel.index))[:take]
    return sorted(chosen, key=lambda parcel: parcel.index)

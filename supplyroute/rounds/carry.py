"""The optimising doorstep planner: LP-guided assignment, trip packing, balancing,
routing.

1. **Timed households** (deadline or window) get trips of their own, given in order of
   deadline to the eligible volunteer who can hand over earliest; except urgent
   households whose deadline is hours away, which ride in the regular loads (urgent
   loads go first) and get a trip of their own only if the timetable would miss it.
2. **Work LP.** The bound's linear program (``bound.work_lp``), with the timed work as
   fixed offsets, shares every other household out among the volunteers so that their
   busy times are as even as the physics allows; carts go where their capacity pays,
   hands near the gate. Its basic optimum splits few stairwells.
3. **Rounding.** Each pooled group of identical households is split by largest
   remainders of the LP's amounts. Interchangeable volunteers with carts (the LP
   prices every household alike for them) then pool their shares and cut them into
   consecutive stretches in walking order, each keeping its LP work: their loads
   visit two or three neighbouring stairwells instead of one floor of five or six.
4. **Trips.** Each volunteer's households, sorted by stairwell and floor from the top,
   are packed into full loads; a partial load continues into the neighbouring
   stairwell of the same building. In half the strategies the urgent and vulnerable
   households first get loads of their own (topped up with their neighbours), which
   go first.
5. **Balancing.** Local search moves trips, single households and swaps trips between
   the volunteer who finishes last and the earliest finishers (and the earliest of
   its own kind: a cart's households cost another cart a cart's price), while the
   latest finish drops.
   Steps 2-5 run for every strategy (each strategy's first round before any second)
   and then with perturbed steering until the time limit; of the plans no other
   beats on both makespan and the time the last vulnerable household is served, the
   planner takes the shortest of those that serve the vulnerable soonest within a set
   share of the shortest makespan (3%: "vulnerable early" ranks above the makespan,
   but not at any price). That plan is balanced again with the time left, looking
   at more volunteers.
6. **Routing.** Each volunteer's loads that visit several stairwells are re-formed by
   the routing layer (:mod:`supplyroute.rounds.trip_routes`); the result is kept if
   it serves as many, serves the vulnerable and finishes no later, and walks less.
7. **Scheduling** (``schedule.schedule``) puts the trips on the clock.

A volunteer's busy time counts each trip until the next may start
(``TripShape.free_off``: the return plus the disinfection after a red or orange
household), so that risky trips weigh what they cost; the trip whose return and
disinfection save most goes last.
"""

from __future__ import annotations

import itertools
import logging
import math
import random
from dataclasses import dataclass, replace

from supplyroute.bounds.carry import Bound, work_lp
from supplyroute.bounds.service import ServiceBound, service_lp, working_time_s
from supplyroute.clock import hhmm
from supplyroute.demand import Parcel
from supplyroute.models import Priority, UnservedReason
from supplyroute.rounds import trip_routes
from supplyroute.rounds.base import Budget, Context, SolverResult
from supplyroute.schedule import Timetable, earliest_start, schedule
from supplyroute.trips import TripShape

log = logging.getLogger("supplyroute.doorstep")

#: Balancing moves tried at most, so that deterministic runs end.
MAX_BALANCING_ROUNDS = 20_000
#: The ways the work LP is turned into loads: (carts keep full loads only, priority
#: households in loads of their own that go first). Each gets a first round in this
#: order before any gets a second. (The LP once also pooled whole stairwells, so that
#: volunteers got whole stairwells: on nine compounds, the examples and generated
#: walk-ups, high-rises and mixed, its best attempt was 2.9-10.5% longer than pooling
#: by floor and never chosen, while it took half the attempts.)
STRATEGIES = [(whole, priority_first)
              for priority_first, whole in itertools.product((True, False), (True, False))]
#: The chosen plan's last balancing looks at this many earliest finishers, and as
#: many alike the last one (a 4,389-household compound: 0.5% shorter than with 12).
POLISH_WIDTH = 36
#: The share of the time left that one attempt's balancing may use.
BALANCING_SHARE = 0.5
#: Perturbed steering rounds after the fixed ones, in deterministic mode (otherwise
#: they run until the time limit).
DETERMINISTIC_EXTRA_ROUNDS = 6
#: In the balancer, a second of work added anywhere counts this much against a second
#: off the latest finish.
WORK_WEIGHT = 0.05
#: Perturbed rounds shift each volunteer's offset by up to this share of the makespan.
PERTURBATION = 0.02
#: How many of the earliest finishers an ejection chain considers.
EJECTION_WIDTH = 8
#: How many of the earliest finishers a balancing step considers for a move or swap.
BALANCING_WIDTH = 12
#: ...and how many of the earliest finishers alike the last one (another cart takes a
#: cart's households at a cart's price).
SAME_KIND_WIDTH = 12
#: Above this many LP columns (households' groups x volunteers who may serve them) the
#: steering LP has one column per kind of volunteer, its share split among the kind
#: afterwards: on 20,000 households and 286 volunteers the full LP took 400 s.
MERGE_ABOVE_COLUMNS = 50_000
#: Rounds of moving the cuts between carts' regions by their packed finish
#: (:func:`regroup`), and how far each round moves them towards the mean: on a
#: generated 4,389-household compound, the carts' packed finishes spread over 41
#: minutes with cuts by linear work, and the balanced round was 1% longer.
RECUT_ROUNDS = 3
RECUT_DAMPING = 0.8
#: Rounds of re-solving the work LP with each volunteer's measured packing overhead.
STEERING_ROUNDS = 3
#: A plan that serves the urgent and vulnerable households sooner is preferred while
#: its makespan is at most this share longer than the shortest found: the issue ranks
#: "vulnerable early" above the makespan, but not at any price. (On anzhen4389 a cart's
#: priority load walks a kilometre more: 1.5-2% on the makespan for 220 households
#: served five hours sooner.)
VULNERABLE_PREFERENCE = 0.03
#: ...and among those, plans that serve them within this of the soonest count as
#: equally early: a few minutes for the vulnerable are not worth a longer round.
VULNERABLE_SLACK_S = 600.0
#: An urgent household whose deadline is at least this long after the round starts
#: rides in a regular load (see :func:`rides_along`).
RIDE_ALONG_MIN_S = 3 * 3600.0
#: Times closer than this are equal when plans are compared.
EPS_S = 1e-6
#: When not everyone can be served: what a household served is worth to the choice of
#: whom to serve. Nearly lexicographic (urgent, then vulnerable, then the rest): a
#: priority household is left out only if it costs a thousand standard ones.
SERVICE_WEIGHT = {Priority.URGENT: 1e6, Priority.VULNERABLE: 1e3, Priority.STANDARD: 1.0}


def _overhead(ctx: Context, v: int, trips: list[TripShape]) -> float:
    """How much longer the packed trips take than the LP's linear costs say."""
    linear = sum(ctx.parcel_cost(v, q) for t in trips for q in t.parcels)
    return max(0.0, sum(t.free_off for t in trips) - linear)


def assign_timed(ctx: Context, parcels: list[Parcel],
                 eligible: dict[int, list[int]] | None = None,
                 ) -> tuple[list[list[TripShape]], list[tuple[Parcel, UnservedReason, str]]]:
    """Give each timed parcel its own trip, earliest deadline first, to whoever hands
    it over soonest after the timed trips already given to them (among ``eligible``,
    default: everyone who may serve it)."""
    eligible = eligible or ctx.eligible
    queues: list[list[TripShape]] = [[] for _ in ctx.volunteers]
    free = [v.shift.start for v in ctx.volunteers]
    dropped = []
    order = sorted(parcels, key=lambda q: (q.latest_s if q.latest_s is not None else math.inf,
                                           q.earliest_s, q.index))
    for q in order:
        best: tuple[float, int, TripShape] | None = None
        for v in eligible[q.index]:
            shape = ctx.builder.shape(v, [q])
            start = max(free[v], earliest_start(ctx.demand, shape))
            delivered = start + shape.last_delivery_off
            if best is None or (delivered, v) < (best[0], best[1]):
                best = (delivered, v, shape)
        assert best is not None
        delivered, v, shape = best
        if q.latest_s is not None and delivered > q.latest_s + 1e-6:
            dropped.append((q, UnservedReason.DEADLINE_UNREACHABLE,
                            f"the earliest possible hand-over {hhmm(delivered)} is after the "
                            f"deadline {hhmm(q.latest_s)}"))
            continue
        queues[v].append(shape)
        free[v] = delivered - shape.last_delivery_off + shape.free_off
    return queues, dropped


def round_assignment(ctx: Context, parcels: list[Parcel], offsets_s: list[float],
                     eligible: dict[int, list[int]] | None = None,
                     priority_first: bool = True) -> list[list[Parcel]]:
    """Households per volunteer from the work LP's fractional optimum (carts alike
    then given regions by :func:`regroup`, their loads packed ``priority_first``)."""
    share: list[list[Parcel]] = [[] for _ in ctx.volunteers]
    if not parcels:
        return share
    columns = sum(len((eligible or ctx.eligible)[q.index]) for q in parcels)
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
        key = tuple(q.index for q in unit)
        by_unit.setdefault(key, []).append((v, amount))
        members[key] = unit
    for key in sorted(by_unit):
        unit = sorted(members[key], key=lambda q: (-q.floor, q.index))
        amounts = by_unit[key]
        cost = {v: ctx.parcel_cost(v, unit[0]) for v, _ in amounts}
        room = {v: math.ceil(a - 1e-9) for v, a in amounts}
        for v, a in amounts:
            behind[v] += a * cost[v]
        for q in unit:
            v = max((v for v, _ in amounts if room[v] > 0), key=lambda v: (behind[v], -v))
            share[v].append(q)
            room[v] -= 1
            behind[v] -= cost[v]
    if merge:
        share = split_kinds(ctx, share, offsets_s, makespan)
    return regroup(ctx, share, eligible or ctx.eligible, offsets_s, priority_first)


def split_kinds(ctx: Context, share: list[list[Parcel]], offsets_s: list[float],
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
        pooled = sorted(share[rep], key=lambda q: (place(q.stairwell), -q.floor, q.index))
        cost = [ctx.parcel_cost(rep, q) for q in pooled]
        room = [max(0.0, makespan_s - offsets_s[v]) for v in group]
        scale = sum(cost) / sum(room) if sum(room) > 0 else 0.0
        target = [r * scale if scale else sum(cost) / len(group) for r in room]
        for v, mine in zip(group, _cut(pooled, cost, target), strict=True):
            out[v] = mine
    return out


def regroup(ctx: Context, share: list[list[Parcel]], eligible: dict[int, list[int]],
            offsets_s: list[float] | None = None, priority_first: bool = True,
            rounds: int | None = None) -> list[list[Parcel]]:
    """Among interchangeable volunteers with carts, give each a compact region.

    The work LP prices a household the same for every volunteer of a kind (same gate,
    capacities, speeds and eligibility), so which of them gets which household is
    arbitrary to it; but a cart's loads pay for every extra stairwell they visit, and
    for a priority load that crosses its whole region. So the kind's households are
    pooled, swept around the kind's gate (by bearing, then nearest first, top floor
    first: each cart gets a wedge from the gate outwards, whose loads and priority load
    go out and back rather than along a row of buildings), and cut into consecutive
    stretches, each volunteer first keeping the linear work the LP gave it.

    Then, for ``rounds`` rounds (default :data:`RECUT_ROUNDS`), each stretch's loads
    are packed (``priority_first``) and the cuts moved so that every member, after its
    offset in ``offsets_s``, finishes alike: the LP does not see that loads near the
    gate, with few households per stairwell, walk more than their share. The cut
    whose latest member finishes soonest is kept."""
    place = ctx.travel.place
    everyone = [q.index for s in share for q in s]
    classes: dict[tuple, list[int]] = {}
    carts = cart_volunteers(ctx)
    for v, vol in enumerate(ctx.volunteers):
        if v not in carts or not share[v]:
            continue
        key = (vol.gate, vol.cart, vol.walk_speed_mps, ctx.scenario.hand_capacity(vol),
               ctx.builder.capacity(v), ctx.builder.speed[v],
               tuple(i for i in everyone if v in eligible[i]))
        classes.setdefault(key, []).append(v)
    out = [list(s) for s in share]
    offsets = offsets_s or [0.0] * len(ctx.volunteers)
    for members in classes.values():
        gate = ctx.builder.gate_place[members[0]]
        dist = ctx.travel.dist_m
        pooled = sorted((q for v in members for q in share[v]),
                        key=lambda q: (round(ctx.travel.bearing(gate, place(q.stairwell)), 9),
                                       float(dist[gate, place(q.stairwell)]),
                                       place(q.stairwell), -q.floor, q.index))
        # Interchangeable only where every member may serve every pooled household
        # at the same price.
        if len(members) < 2 or any(
                any(v not in eligible[q.index] for v in members)
                or len({round(ctx.parcel_cost(v, q), 6) for v in members}) > 1
                for q in pooled):
            continue
        cost = [ctx.parcel_cost(members[0], q) for q in pooled]
        target = [sum(ctx.parcel_cost(v, q) for q in share[v]) for v in members]
        best: tuple[float, list[list[Parcel]]] | None = None
        for _ in range(1 + (RECUT_ROUNDS if rounds is None else rounds)):
            cut = _cut(pooled, cost, target)
            finish = [offsets[v] + (_finish(0.0, 0.0, pack_trips(ctx, v, mine, priority_first))
                                    if mine else 0.0)
                      for v, mine in zip(members, cut, strict=True)]
            latest = max(finish)
            if best is None or latest < best[0] - EPS_S:
                best = (latest, cut)
            mean = sum(finish) / len(finish)
            target = [t - RECUT_DAMPING * (f - mean) for t, f in zip(target, finish, strict=True)]
        assert best is not None
        for v, mine in zip(members, best[1], strict=True):
            out[v] = mine
    return out


def _cut(pooled: list[Parcel], cost: list[float], target: list[float]) -> list[list[Parcel]]:
    """``pooled`` cut into consecutive stretches, the k-th ending where the linear
    work so far comes nearest the sum of the first k targets (the last takes the
    rest)."""
    out: list[list[Parcel]] = []
    i = 0
    done = 0.0
    goal = 0.0
    for k, t in enumerate(target):
        goal += t
        mine: list[Parcel] = []
        while i < len(pooled) and (k == len(target) - 1 or done + cost[i] / 2 <= goal):
            mine.append(pooled[i])
            done += cost[i]
            i += 1
        out.append(mine)
    return out


def cart_volunteers(ctx: Context) -> set[int]:
    """The volunteers whose trips carry more than their hands (they have a cart)."""
    return {v for v, vol in enumerate(ctx.volunteers)
            if ctx.builder.capacity(v)[0] > ctx.scenario.hand_capacity(vol)[0]}


def full_loads(ctx: Context, shares: list[list[Parcel]], offsets_s: list[float],
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
        kept[v] = [q for t in trips for q in t.parcels]
        offsets[v] += sum(t.free_off for t in trips)
    hands = [v for v in range(len(ctx.volunteers)) if v not in carts]
    for v in hands:
        pool.extend(kept[v])
        kept[v] = []
    eligible = {q.index: [v for v in ctx.eligible[q.index] if v not in carts]
                or ctx.eligible[q.index] for q in pool}
    again = round_assignment(ctx, pool, offsets, eligible, priority_first)
    return [kept[v] + again[v] for v in range(len(ctx.volunteers))]


def pack_trips(ctx: Context, v: int, parcels: list[Parcel],
               priority_first: bool = True,
               relayed: frozenset[int] = frozenset()) -> list[TripShape]:
    """Loads for one volunteer. With ``priority_first``, the priority households
    (urgent, then vulnerable) ride in loads of their own that go first, each tier's
    last load topped up with the nearest households of the next tiers, so that no load
    leaves part-empty for them; else every household is packed alike (a cart's load
    then mixes one vulnerable household with a dozen others, and the last of them
    waits for the cart's last trips). In a relay round, the parcels in ``relayed`` are
    left at their entrance for a climber.

    Within a tier: each stairwell's full loads first (top floors first), then the
    remainders, farthest from the gate first, each topped up from the stairwells
    nearest to it."""
    tiers: dict[int, list[Parcel]] = {}
    for q in parcels:
        tiers.setdefault(q.rank if priority_first else 0, []).append(q)
    loads: list[list[Parcel]] = []
    ranks = sorted(tiers)
    for k, rank in enumerate(ranks):
        tier = tiers[rank]
        if not tier:
            continue
        packed = _loads(ctx, v, tier)
        later = [q for r in ranks[k + 1:] for q in tiers[r]]
        if later:
            taken = _top_up(ctx, v, packed[-1], later)
            for r in ranks[k + 1:]:
                tiers[r] = [q for q in tiers[r] if q.index not in taken]
        loads += packed
    return [ctx.builder.shape(v, load, relayed=relayed) for load in loads if load]


def _fits(ctx: Context, v: int, load: list[Parcel], q: Parcel) -> bool:
    cap_bags, cap_kg = ctx.builder.capacity(v)
    return (sum(p.bags for p in load) + q.bags <= cap_bags
            and sum(p.kg for p in load) + q.kg <= cap_kg + 1e-9)


def _top_up(ctx: Context, v: int, load: list[Parcel], others: list[Parcel]) -> set[int]:
    """Fill ``load``'s room with ``others``, the higher priorities first (an urgent
    load with room takes the vulnerable households rather than send them on a load of
    their own later), and within a priority those that cost the load least: the
    detour to their stairwell from its nearest stop and back, less their share of a
    load's walk out from the gate and back (a priority load crosses its cart's region
    anyway; filled near its farthest stops, it carries what a far load would have
    carried, where filled near the gate it leaves the far households a trip of their
    own: 1.5 minutes per cart on a 4,389-household compound). Ties: their own
    stairwells first, top floors first. Returns the indices taken."""
    place, dist = ctx.travel.place, ctx.travel.dist_m
    stops = {place(q.stairwell) for q in load}
    gate = ctx.builder.gate_place[v]
    cap_bags = ctx.builder.capacity(v)[0]

    def cost_m(q: Parcel) -> float:
        u = place(q.stairwell)
        return (2 * min(float(dist[s, u]) for s in stops)
                - q.bags / cap_bags * 2 * float(dist[gate, u]))

    order = sorted(others, key=lambda q: (q.rank, cost_m(q), place(q.stairwell), -q.floor,
                                          q.index))
    taken: set[int] = set()
    for q in order:
        if sum(p.bags for p in load) >= cap_bags:
            break
        if _fits(ctx, v, load, q):
            load.append(q)
            taken.add(q.index)
    return taken


def _loads(ctx: Context, v: int, parcels: list[Parcel]) -> list[list[Parcel]]:
    """:func:`pack_trips` within one tier."""
    place = ctx.travel.place
    dist = ctx.travel.dist_m
    gate = ctx.builder.gate_place[v]
    cap_bags = ctx.builder.capacity(v)[0]
    by_stairwell: dict[str, list[Parcel]] = {}
    for q in sorted(parcels, key=lambda q: (place(q.stairwell), -q.floor, q.index)):
        by_stairwell.setdefault(q.stairwell, []).append(q)
    loads: list[list[Parcel]] = []
    left: dict[str, list[Parcel]] = {}
    for stairwell, queue in by_stairwell.items():
        load: list[Parcel] = []
        for q in queue:
            if not _fits(ctx, v, load, q):
                loads.append(load)
                load = []
            load.append(q)
        left[stairwell] = load
    while left:
        seed = max(left, key=lambda w: (dist[gate, place(w)], -place(w)))
        load = left.pop(seed)
        for near in sorted(left, key=lambda w: (dist[place(seed), place(w)], place(w))):
            queue = left[near]
            while queue and _fits(ctx, v, load, queue[0]):
                load.append(queue.pop(0))
            if not queue:
                del left[near]
            if sum(p.bags for p in load) >= cap_bags:
                break
        loads.append(load)
    return [load for load in loads if load]


@dataclass
class _Volunteer:
    start_s: float
    timed_s: float
    trips: list[TripShape]

    def finish_s(self) -> float:
        """When its last hand-over happens if it works without a break."""
        return _finish(self.start_s, self.timed_s, self.trips)


def _finish(start_s: float, timed_s: float, trips: list[TripShape]) -> float:
    """:meth:`_Volunteer.finish_s` in one pass over the trips (the balancer asks it
    hundreds of thousands of times): the busy time less the saving of the trip that
    :func:`_last_trip` puts last."""
    if not trips:
        return start_s + timed_s if timed_s else -math.inf
    busy = sum(t.free_off for t in trips)
    return start_s + timed_s + busy - max(map(_last_key, trips))[1]


class _Summed:
    """A volunteer's trips summed for the balancer, so that the finish after a move
    (one trip out, one in) costs no pass over its trips: the busy time, and the
    order keys of the two trips that :func:`_last_trip` would put last."""

    def __init__(self, load: _Volunteer):
        self.trips = load.trips
        self.base_s = load.start_s + load.timed_s
        self.timed_s = load.timed_s
        self.busy_s = sum(t.free_off for t in load.trips)
        keys = sorted(map(_last_key, load.trips), reverse=True)
        self.first = keys[0] if keys else None
        self.second = keys[1] if len(keys) > 1 else None
        self.priority_s = sum(t.free_off for t in load.trips if not t.standard)

    def priority_done_s(self, out: TripShape | None, into: TripShape | None) -> float:
        """:func:`_priority_done` of the trips less ``out`` plus ``into``."""
        busy = self.priority_s
        if out is not None and not out.standard:
            busy -= out.free_off
        if into is not None and not into.standard:
            busy += into.free_off
        return self.base_s + busy

    def finish_s(self, out: TripShape | None, into: TripShape | None) -> float:
        """:func:`_finish` of the trips less ``out`` (one of them) plus ``into``."""
        n = len(self.trips) - (out is not None) + (into is not None)
        if n == 0:
            return self.base_s if self.timed_s else -math.inf
        busy = self.busy_s
        last = self.first
        if out is not None:
            busy -= out.free_off
            if _last_key(out) == last:
                last = self.second
        if into is not None:
            busy += into.free_off
            key = _last_key(into)
            if last is None or key > last:
                last = key
        assert last is not None
        return self.base_s + busy - last[1]


def _priority_done(load: _Volunteer, trips: list[TripShape] | None = None) -> float:
    """When a volunteer working through ``trips`` (default: its own) in
    :func:`regular_order` is done with its urgent and vulnerable households, at the
    latest: its priority trips go first, so their time after the timed trips."""
    trips = load.trips if trips is None else trips
    return load.start_s + load.timed_s + sum(t.free_off for t in trips if not t.standard)


_UNKNOWN = object()


class Balancer:
    """Local search on the latest finish among volunteers. No move makes anyone done
    with their urgent and vulnerable households later than the latest of them was when
    the search began: otherwise the search, blind to them, piles priority households
    onto whoever finishes early (on a 4,389-household compound the last vulnerable
    household went from 55 minutes after the start to three hours)."""

    def __init__(self, ctx: Context, loads: list[_Volunteer], budget: Budget,
                 width: int = BALANCING_WIDTH, same_kind_width: int = SAME_KIND_WIDTH):
        self.ctx = ctx
        self.loads = loads
        self.budget = budget
        self.width = width
        self.same_kind_width = same_kind_width
        self._shapes: dict[tuple[int, tuple[int, ...]], TripShape | None] = {}
        self._by_kind: dict[tuple[int, tuple[int, ...]], TripShape] = {}
        self._allowed: dict[tuple[int, ...], frozenset[int]] = {}
        self._eligible_sets = {i: frozenset(vs) for i, vs in ctx.eligible.items()}
        self.priority_by_s = max((_priority_done(load) for load in loads
                                  if any(not t.standard for t in load.trips)),
                                 default=math.inf)

    def shape(self, v: int, parcels: tuple[Parcel, ...] | list[Parcel],
              key: tuple[int, ...] | None = None) -> TripShape | None:
        """The trip of ``v`` with these parcels, or None if ``v`` may not make it."""
        key = key if key is not None else tuple(sorted(q.index for q in parcels))
        found = self._shapes.get((v, key), _UNKNOWN)
        if found is _UNKNOWN:
            allowed = self._allowed.get(key)
            if allowed is None:
                allowed = frozenset.intersection(
                    *(self._eligible_sets[q.index] for q in parcels))
                self._allowed[key] = allowed
            if v not in allowed or not self.ctx.builder.fits(v, parcels):
                found = None
            else:
                # Volunteers alike make the same trip with the same load: built once
                # per kind (on 20,000 households the balancer builds some 10^5).
                kind = self.ctx.representative[v]
                base = self._by_kind.get((kind, key))
                if base is None:
                    found = self._by_kind[kind, key] = self.ctx.builder.shape(v, parcels)
                else:
                    found = base if base.volunteer == v else replace(base, volunteer=v)
            self._shapes[v, key] = found
        return found

    def _finish_with(self, v: int, trips: list[TripShape]) -> float:
        load = self.loads[v]
        return _finish(load.start_s, load.timed_s, trips)

    def run(self, until_s: float = math.inf) -> int:
        """Improve until no move helps, or the budget (or ``until_s`` of it) is spent;
        returns the rounds made."""
        rounds = 0
        while rounds < MAX_BALANCING_ROUNDS and not self.budget.expired() \
                and self.budget.elapsed() < until_s:
            rounds += 1
            finishes = [load.finish_s() for load in self.loads]
            worst = max(range(len(finishes)), key=lambda v: (finishes[v], -v))
            if not self._improve(worst, finishes):
                break
        return rounds

    def _improve(self, worst: int, finishes: list[float]) -> bool:
        """Relieve the volunteer who finishes last. Of the moves that bring both sides
        below its finish, take the one that adds the least work (moving a far
        household from a cart to someone on foot costs work that someone must do)."""
        target = finishes[worst]
        mine = self.loads[worst].trips
        # Those who may take some of its households (its zone), the earliest finishers
        # first; on a compound with hundreds of volunteers, looking at every one for
        # every move makes one step take seconds.
        helpers = frozenset().union(*(self._eligible_sets[q.index]
                                      for t in mine for q in t.parcels))
        everyone = sorted((v for v in range(len(self.loads)) if v != worst),
                          key=lambda v: (finishes[v], v))
        able = [v for v in everyone if v in helpers]
        kind = self.ctx.representative[worst]
        alike = set([v for v in able if self.ctx.representative[v] == kind]
                    [:self.same_kind_width])
        others = [v for v in able if v in alike or v in able[:self.width]]
        by_length = sorted(range(len(mine)), key=lambda i: (-mine[i].return_off, i))
        summed = _Summed(self.loads[worst])
        #: the best move: (key, helper, trip i of mine, what replaces it, trip j of
        #: theirs that is replaced or None, the helper's new trip).
        best: tuple[tuple[float, float, int], int, int, TripShape | None, int | None,
                    TripShape] | None = None

        def consider(w: int, theirs_summed: _Summed, i: int, new_i: TripShape | None,
                     j: int | None, new_j: TripShape) -> None:
            """Trip i of mine becomes ``new_i`` (None: gone); the helper gets ``new_j``
            (in place of its trip j, or added)."""
            nonlocal best
            old_j = None if j is None else theirs_summed.trips[j]
            latest = max(summed.finish_s(mine[i], new_i), theirs_summed.finish_s(old_j, new_j))
            if latest >= target - 1e-6:
                return
            if not new_j.standard and (
                    theirs_summed.priority_done_s(old_j, new_j) > self.priority_by_s + EPS_S
                    or summed.priority_done_s(mine[i], new_i) > self.priority_by_s + EPS_S):
                return
            added = ((new_i.free_off if new_i is not None else 0.0) - mine[i].free_off
                     + new_j.free_off - (old_j.free_off if old_j is not None else 0.0))
            key = (round(latest + WORK_WEIGHT * added, 6), latest, w)
            if best is None or key < best[0]:
                best = (key, w, i, new_i, j, new_j)

        # Each of its shared trips less one household: the same for every helper.
        rest_of = {(i, q.index): self.shape(worst, [p for p in mine[i].parcels if p is not q])
                   for i in by_length if len(mine[i].parcels) > 1 for q in mine[i].parcels}
        for w in others:
            if finishes[w] >= target - 1e-6:
                break
            theirs = self.loads[w].trips
            theirs_summed = _Summed(self.loads[w])
            # Move a whole trip.
            for i in by_length:
                moved = self.shape(w, mine[i].parcels, mine[i].key)
                if moved is not None:
                    consider(w, theirs_summed, i, None, None, moved)
            # Move one household out of a shared trip.
            for i in by_length:
                if len(mine[i].parcels) < 2:
                    continue
                for q in sorted(mine[i].parcels, key=lambda q: (-q.floor, q.index)):
                    rest = rest_of[i, q.index]
                    if rest is None:
                        continue
                    alone = self.shape(w, [q])
                    if alone is not None:
                        consider(w, theirs_summed, i, rest, None, alone)
            # Move one household into a trip of theirs with room, in the same building.
            roomy = [j for j, t in enumerate(theirs) if t.bags < self.ctx.builder.capacity(w)[0]]
            for i in by_length if roomy else ():
                for q in mine[i].parcels:
                    shrunk = rest_of.get((i, q.index))
                    if len(mine[i].parcels) > 1 and shrunk is None:
                        continue
                    for j in roomy:
                        if all(p.building != q.building for p in theirs[j].parcels):
                            continue
                        grown = self.shape(w, [*theirs[j].parcels, q])
                        if grown is not None:
                            consider(w, theirs_summed, i, shrunk, j, grown)
        if best is not None:
            _, w, i, new_i, j, new_j = best
            theirs = self.loads[w].trips
            self.loads[worst].trips = mine[:i] + ([new_i] if new_i else []) + mine[i + 1:]
            self.loads[w].trips = ([*theirs, new_j] if j is None
                                   else theirs[:j] + [new_j] + theirs[j + 1:])
            return True
        for w in others:
            if finishes[w] >= target - 1e-6:
                break
            theirs = self.loads[w].trips
            # Swap two trips.
            for i in by_length:
                for j in sorted(range(len(theirs)), key=lambda j: (theirs[j].return_off, j)):
                    if theirs[j].return_off >= mine[i].return_off:
                        break
                    a = self.shape(w, mine[i].parcels, mine[i].key)
                    b = self.shape(worst, theirs[j].parcels, theirs[j].key)
                    if a is None or b is None:
                        continue
                    new_mine = mine[:i] + [b] + mine[i + 1:]
                    new_theirs = theirs[:j] + [a] + theirs[j + 1:]
                    if self._accept(worst, w, target, new_mine, new_theirs):
                        return True
        return self._eject(worst, target, everyone, finishes)

    def _eject(self, worst: int, target: float, others: list[int],
               finishes: list[float]) -> bool:
        """A chain of two moves: a trip of the last volunteer goes to ``w``, who passes
        one of its own trips on to ``u``; both stay below the old latest finish."""
        mine = self.loads[worst].trips
        helpers = [v for v in others if finishes[v] < target - 1e-6][:EJECTION_WIDTH]
        for i in sorted(range(len(mine)), key=lambda i: (-mine[i].return_off, i)):
            new_mine = mine[:i] + mine[i + 1:]
            if self._finish_with(worst, new_mine) >= target - 1e-6:
                continue
            for w in helpers:
                moved = self.shape(w, mine[i].parcels, mine[i].key)
                if moved is None:
                    continue
                theirs = [*self.loads[w].trips, moved]
                excess = self._finish_with(w, theirs) - target
                for j in sorted(range(len(theirs) - 1),
                                key=lambda j: (-theirs[j].return_off, j)):
                    if theirs[j].return_off <= excess:
                        break
                    new_theirs = theirs[:j] + theirs[j + 1:]
                    if self._finish_with(w, new_theirs) >= target - 1e-6:
                        continue
                    for u in helpers:
                        if u == w:
                            continue
                        passed = self.shape(u, theirs[j].parcels, theirs[j].key)
                        if passed is None:
                            continue
                        new_u = [*self.loads[u].trips, passed]
                        if self._finish_with(u, new_u) < target - 1e-6 and self._in_time(
                                (worst, new_mine), (w, new_theirs), (u, new_u)):
                            self.loads[worst].trips = new_mine
                            self.loads[w].trips = new_theirs
                            self.loads[u].trips = new_u
                            return True
        return False

    def _accept(self, worst: int, w: int, target: float, mine: list[TripShape],
                theirs: list[TripShape]) -> bool:
        if max(self._finish_with(worst, mine), self._finish_with(w, theirs)) < target - 1e-6 \
                and self._in_time((worst, mine), (w, theirs)):
            self.loads[worst].trips = mine
            self.loads[w].trips = theirs
            return True
        return False

    def _in_time(self, *changes: tuple[int, list[TripShape]]) -> bool:
        """Whether each volunteer, with its new trips, is done with its priority
        households no later than the search allows."""
        return all(_priority_done(self.loads[v], trips) <= self.priority_by_s + EPS_S
                   for v, trips in changes)


def _last_key(trip: TripShape) -> tuple[bool, float]:
    """The trip that goes last has the largest key: standard before priority, then the
    one whose return saves most."""
    return trip.standard, trip.saving


def _last_trip(trips: list[TripShape]) -> int:
    """The trip to do last: the standard one whose return saves most (any if none)."""
    return max(range(len(trips)), key=lambda i: (_last_key(trips[i]), -i))


def regular_order(trips: list[TripShape], short_of_time: bool = False) -> list[TripShape]:
    """Vulnerable households first; the trip whose return saves most goes last. When
    the shift cannot hold every trip, the shortest go first, so that as many
    households as possible are served."""
    if not trips:
        return []
    if short_of_time:
        return sorted(trips, key=lambda t: (min(q.rank for q in t.parcels),
                                            t.return_off / len(t.parcels), t.key))
    last = _last_trip(trips)
    rest = [t for i, t in enumerate(trips) if i != last]
    rest.sort(key=lambda t: (min(q.rank for q in t.parcels),
                             min((q.named_release_s or 0.0) for q in t.parcels)))
    return [*rest, trips[last]]


def rescue_priority(ctx: Context, loads: list[_Volunteer]) -> int:
    """When the shifts cannot hold every trip: the priority trips that would end after
    their volunteer's shift go to volunteers who can still make them within theirs.
    A volunteer's priority trips go first, so what its shift then cuts is standard:
    the urgent and vulnerable are served before the rest (on a generated 4,389-
    household compound a walker held 16 vulnerable households in high-rises, and the
    shift cut one). Returns the trips moved."""
    ends = [vol.shift.end for vol in ctx.volunteers]
    done = [_priority_done(load) for load in loads]
    moved = 0
    for v in sorted(range(len(loads)), key=lambda v: (ends[v] - done[v], v)):
        while done[v] > ends[v] + EPS_S:
            best: tuple[float, int, TripShape, TripShape] | None = None
            for trip in (t for t in loads[v].trips if not t.standard):
                first, *rest = trip.parcels
                allowed = set(ctx.eligible[first.index]).intersection(
                    *(ctx.eligible[q.index] for q in rest))
                for w in sorted(allowed - {v}):
                    if not ctx.builder.fits(w, trip.parcels):
                        continue
                    theirs = ctx.builder.shape(w, trip.parcels)
                    after = done[w] + theirs.free_off
                    if after <= ends[w] + EPS_S and (best is None or after < best[0]):
                        best = (after, w, trip, theirs)
            if best is None:
                break
            after, w, trip, theirs = best
            loads[v].trips = [t for t in loads[v].trips if t is not trip]
            loads[w].trips = [*loads[w].trips, theirs]
            done[v] -= trip.free_off
            done[w] = after
            moved += 1
    return moved


def served_within_shifts(ctx: Context, parcels: list[Parcel], offsets_s: list[float]
                         ) -> list[Parcel]:
    """When the shifts cannot cover everyone: the households to plan, as many as the
    volunteers' working time less ``offsets_s`` holds by the service LP
    (:mod:`supplyroute.bounds.service`), urgent before vulnerable before the rest."""
    working = working_time_s(ctx.scenario, ctx.demand)
    capacity = [max(0.0, w - o) for w, o in zip(working, offsets_s, strict=True)]
    weight = {q.index: SERVICE_WEIGHT[q.household.priority] for q in parcels}
    _, units, served = service_lp(ctx.demand, ctx.travel, parcels, ctx.eligible, capacity,
                                  weight, merge_alike=False)
    chosen: list[Parcel] = []
    for u, unit in enumerate(units):
        take = math.floor(served.get(u, 0.0) + 1e-6)
        chosen += sorted(unit, key=lambda q: (q.floor, q.index))[:take]
    return sorted(chosen, key=lambda q: q.index)


def estimated_served(ctx: Context, loads: list[_Volunteer]) -> int:
    """Households whose trips end within their volunteer's shift if each works through
    its trips in :func:`regular_order` without waiting: an estimate for comparing
    attempts when the shifts cannot cover everyone (releases left out)."""
    served = 0
    for load, vol in zip(loads, ctx.volunteers, strict=True):
        t = load.start_s + load.timed_s
        for trip in regular_order(load.trips, short_of_time=True):
            t += trip.free_off
            if t > vol.shift.end + EPS_S:
                break
            served += len(trip.parcels)
    return served


def solve(ctx: Context, budget: Budget, bound: Bound,
          vulnerable_preference: float = VULNERABLE_PREFERENCE,
          service: ServiceBound | None = None) -> SolverResult:
    """The plan. With ``service`` saying not everyone can be served, each attempt first
    picks the households that fit the shifts (:func:`served_within_shifts`) and
    attempts are compared on how many they serve before anything else."""
    parcels = ctx.servable
    tight = service is not None and not service.everyone
    riding = [] if tight else [q for q in parcels if rides_along(ctx, q)]
    riders = {q.index for q in riding}
    timed = [q for q in parcels if q.timed and q.index not in riders]
    regular = [q for q in parcels if not q.timed] + riding
    timed_queues, dropped = assign_timed(ctx, timed)
    timed_s = [sum(t.free_off for t in queue) for queue in timed_queues]
    budget.tell("timed households assigned", lower_bound_s=bound.value_s)

    t0 = ctx.demand.round_start_s
    front: list[_Attempt] = []  # no attempt there is beaten on both counts by another
    shortest = math.inf

    def attempt(strategy: Strategy, overhead: list[float], label: str
                ) -> tuple[float, list[float]]:
        """Share out, pack and balance once; keep the result if no other beats it on
        both makespan and vulnerable households."""
        nonlocal shortest
        whole, priority_first = strategy
        offsets = [timed_s[v] + overhead[v] for v in range(len(ctx.volunteers))]
        planned = served_within_shifts(ctx, regular, offsets) if tight else regular
        shares = round_assignment(ctx, planned, offsets, priority_first=priority_first)
        if whole:
            shares = full_loads(ctx, shares, offsets, priority_first)
        loads = [
            _Volunteer(v.shift.start, timed_s[i], pack_trips(ctx, i, shares[i], priority_first))
            for i, v in enumerate(ctx.volunteers)
        ]
        # An attempt's balancing may take half the time left, so that a large
        # compound (where it takes a minute) still sees more than one way of packing.
        Balancer(ctx, loads, budget).run(until_s=budget.elapsed() + BALANCING_SHARE
                                         * budget.left_s())
        if tight:
            rescue_priority(ctx, loads)
        done = _Attempt(max(load.finish_s() for load in loads) - t0,
                        vulnerable_by(loads) - t0, loads, strategy, overhead,
                        estimated_served(ctx, loads) if tight else 0)
        log.info("%s (full loads %s, priority first %s): "
                 "estimated makespan %.0f s, vulnerable by %.0f s, %d of %d planned "
                 "served", label, *strategy, done.finish_s, done.vulnerable_s,
                 done.served, len(planned))
        keep_pareto(front, done)
        if done.finish_s < shortest - EPS_S:
            shortest = done.finish_s
            budget.tell("work shared out", makespan_s=shortest, lower_bound_s=bound.value_s)
        return done.finish_s, [_overhead(ctx, v, load.trips) for v, load in enumerate(loads)]

    # Every strategy's first round, then the further steering rounds.
    # An attempt is not begun when the time left is less than an attempt takes: its
    # linear program and packing cannot be cut short (20,000 households: 15-30 s).
    took: list[float] = []

    def worth_trying() -> bool:
        return not front or (not budget.expired()
                             and budget.left_s() >= sum(took) / max(1, len(took)))

    def timed_attempt(strategy: Strategy, overhead: list[float], label: str
                      ) -> tuple[float, list[float]]:
        begun = budget.elapsed()
        out = attempt(strategy, overhead, label)
        took.append(budget.elapsed() - begun)
        return out

    # Keeping full loads for the carts is a way of packing only with carts and hands.
    carts = len(cart_volunteers(ctx))
    strategies = [s for s in STRATEGIES if not s[0] or 0 < carts < len(ctx.volunteers)]
    steering = {strategy: (math.inf, [0.0] * len(ctx.volunteers)) for strategy in strategies}
    for round_no in range(budget.rounds(STEERING_ROUNDS)):
        # After the first round: the strategy of the plan that would be chosen now,
        # then the others, soonest finish first.
        now = choose(front, vulnerable_preference).strategy if front else None
        for strategy in sorted(strategies, key=lambda s: (
                (s != now, steering[s][0]) if round_no else (False, 0.0))):
            if not worth_trying():
                break
            steering[strategy] = timed_attempt(strategy, steering[strategy][1],
                                               f"steering round {round_no}")
    # Then, while time is left (a fixed number of rounds in deterministic mode),
    # perturb the overheads of the attempt that would be chosen now and try again.
    rng = random.Random(0)
    extra = 0
    while worth_trying() and \
            (not budget.deterministic or extra < budget.rounds(DETERMINISTIC_EXTRA_ROUNDS)):
        chosen = choose(front, vulnerable_preference)
        spread = PERTURBATION * chosen.finish_s
        noisy = [o * rng.uniform(0.5, 1.5) + rng.uniform(-spread, spread)
                 for o in chosen.overhead]
        timed_attempt(chosen.strategy, noisy, f"perturbed round {extra}")
        extra += 1
    chosen = choose(front, vulnerable_preference)
    log.info("chosen: full loads %s, priority first %s; estimated makespan "
             "%.0f s, vulnerable by %.0f s", *chosen.strategy, chosen.finish_s,
             chosen.vulnerable_s)
    best = chosen.loads
    if not budget.expired():  # the rest of the time, looking wider
        best = polish(ctx, best, budget)

    def timetable(loads: list[_Volunteer]) -> Timetable:
        return schedule(
            ctx.demand, timed_queues,
            [regular_order(load.trips, load.finish_s() > vol.shift.end)
             for load, vol in zip(loads, ctx.volunteers, strict=True)])

    table = timetable(best)
    rerouted = reroute(ctx, best, budget)
    if any(new.trips is not old.trips for new, old in zip(rerouted, best, strict=True)):
        other = timetable(rerouted)
        if _no_worse(other, table):
            budget.tell("mixed loads re-formed by routing",
                        makespan_s=other.last_delivery_s - t0, lower_bound_s=bound.value_s)
            table = other
            best = rerouted
    late = missed_deadlines(table, riding)
    if late:  # rare: their loads went too late; they get trips of their own after all
        log.info("%d urgent households riding along would miss their deadlines: "
                 "trips of their own instead", len(late))
        best = without(ctx, best, late)
        timed_queues, dropped = assign_timed(ctx, timed + late)
        table = timetable(best)
    planned = {q.index for load in best for t in load.trips for q in t.parcels}
    left_out = [] if service is None else [
        (q, UnservedReason.NO_VOLUNTEER_TIME,
         f"the shifts cannot cover every household: at most {service.households} of "
         f"{service.servable} can be served")
        for q in regular if q.index not in planned]
    table.unserved = dropped + left_out + table.unserved
    return SolverResult(table)


def polish(ctx: Context, loads: list[_Volunteer], budget: Budget) -> list[_Volunteer]:
    """The chosen plan balanced once more, looking wider, after the routing layer has
    re-formed its standard mixed loads: the time routing saves a cart is then work
    the balancer can take off the last finisher (re-formed only after the balancing,
    the saving stays with whoever made it, mostly not the last). If that ends no
    sooner than the plan as chosen, the plan is balanced as it was instead."""
    before = max(load.finish_s() for load in loads)
    rerouted = [_Volunteer(load.start_s, load.timed_s, list(load.trips))
                for load in reroute(ctx, loads, budget)]
    rounds = Balancer(ctx, rerouted, budget, POLISH_WIDTH, POLISH_WIDTH).run()
    after = max(load.finish_s() for load in rerouted)
    log.info("chosen plan's loads re-formed and balanced further (%d rounds): "
             "estimated makespan %.0f s -> %.0f s", rounds,
             before - ctx.demand.round_start_s, after - ctx.demand.round_start_s)
    if after < before - EPS_S:
        return rerouted
    Balancer(ctx, loads, budget, POLISH_WIDTH, POLISH_WIDTH).run()
    return loads


def rides_along(ctx: Context, parcel: Parcel) -> bool:
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
    return [q for q in parcels if q.latest_s is not None
            and handed.get(q.id, math.inf) > q.latest_s + EPS_S]


def without(ctx: Context, loads: list[_Volunteer], parcels: list[Parcel]) -> list[_Volunteer]:
    """The loads with ``parcels`` taken out of their trips."""
    gone = {q.index for q in parcels}
    out = []
    for load in loads:
        trips = []
        for t in load.trips:
            kept = [q for q in t.parcels if q.index not in gone]
            if len(kept) == len(t.parcels):
                trips.append(t)
            elif kept:
                trips.append(ctx.builder.shape(t.volunteer, kept))
        out.append(_Volunteer(load.start_s, load.timed_s, trips))
    return out


def reroute(ctx: Context, loads: list[_Volunteer], budget: Budget) -> list[_Volunteer]:
    """Each volunteer's mixed loads re-formed by the routing layer, the last to finish
    first, until the time limit (all of them in deterministic mode): the search
    leaves only a small reserve, and on thousands of households this pass takes a few
    seconds, so it stops rather than overrun the limit it was given."""
    out = list(loads)
    for v in sorted(range(len(loads)), key=lambda v: (-loads[v].finish_s(), v)):
        if budget.spent():
            log.info("time limit reached: %d volunteers' loads not re-formed",
                     sum(1 for new, old in zip(out, loads, strict=True) if new is old))
            break
        load = loads[v]
        out[v] = _Volunteer(load.start_s, load.timed_s, trip_routes.reroute(ctx, v, load.trips))
    return out


def vulnerable_by(loads: list[_Volunteer]) -> float:
    """When the last urgent or vulnerable household of these loads is served, if each
    volunteer works through its trips in :func:`regular_order` without waiting (the
    timed trips first): an estimate, releases and shifts left out."""
    latest = -math.inf
    for load in loads:
        t = load.start_s + load.timed_s
        for trip in regular_order(load.trips):
            if not trip.standard:
                offsets = trip.delivered_offsets
                latest = max(latest, t + max(offsets[q.id] for q in trip.parcels
                                             if q.household.priority is not Priority.STANDARD))
            t += trip.free_off
    return latest


Strategy = tuple[bool, bool]


@dataclass
class _Attempt:
    finish_s: float  #: estimated makespan.
    vulnerable_s: float  #: estimated time the last priority household is served.
    loads: list[_Volunteer]
    strategy: Strategy
    overhead: list[float]  #: the offsets it was steered with.
    #: Households estimated served within the shifts (0 when everyone can be served).
    served: int = 0


def keep_pareto(front: list[_Attempt], new: _Attempt) -> None:
    """Add ``new`` to ``front`` unless an attempt there is no worse on households
    served, makespan and vulnerable households; drop those it beats on all three."""
    def covers(a: _Attempt, b: _Attempt) -> bool:
        return (a.served >= b.served and a.finish_s <= b.finish_s + EPS_S
                and a.vulnerable_s <= b.vulnerable_s + EPS_S)

    if any(covers(old, new) for old in front):
        return
    front[:] = [old for old in front if not covers(new, old)]
    front.append(new)


def choose(front: list[_Attempt], preference: float = VULNERABLE_PREFERENCE) -> _Attempt:
    """Vulnerable households early, but not at any price: of the attempts within
    ``preference`` (a share) of the shortest makespan, those that serve the priority
    households within :data:`VULNERABLE_SLACK_S` of the soonest; of these, the
    shortest. Only attempts serving the most households take part."""
    most = max(a.served for a in front)
    front = [a for a in front if a.served == most]
    within = (1 + preference) * min(a.finish_s for a in front) + EPS_S
    near = [a for a in front if a.finish_s <= within]
    soonest = min(a.vulnerable_s for a in near)
    return min((a for a in near if a.vulnerable_s <= soonest + VULNERABLE_SLACK_S),
               key=lambda a: (a.finish_s, a.vulnerable_s))


def _no_worse(new: Timetable, old: Timetable) -> bool:
    """``new`` serves as many, serves the vulnerable and finishes no later, and walks
    less or finishes earlier: the objective's order, each level kept."""
    def key(table: Timetable) -> tuple[int, float, float, float]:
        vulnerable = [s.start_s + s.shape.delivered_offsets[q.id]
                      for trips in table.trips for s in trips for q in s.shape.parcels
                      if q.household.priority is Priority.VULNERABLE]
        walk_m = sum(s.shape.walk_m for trips in table.trips for s in trips)
        return len(table.unserved), max(vulnerable, default=0.0), table.last_delivery_s, walk_m

    n_new, v_new, end_new, walk_new = key(new)
    n_old, v_old, end_old, walk_old = key(old)
    return (n_new <= n_old and v_new <= v_old + EPS_S and end_new <= end_old + EPS_S
            and (end_new < end_old - EPS_S or walk_new < walk_old - 1e-6))



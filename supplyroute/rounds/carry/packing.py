"""Loads: each volunteer's households packed into trips, and the order it makes them in.

A load is one trip's households. Within a priority tier, each stairwell's full loads
go first (top floors first), then the remainders, farthest from the gate first, each
topped up from the stairwells nearest to it. A :class:`Workload` is what a volunteer
has to do (its start, its timed trips, its loads) and says when its last hand-over
happens if it works without a break; :func:`regular_order` is the order it makes its
loads in (urgent and vulnerable first, the one whose walk back saves most last).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.trips import TripShape

#: Times closer than this are equal when plans are compared.
EPS_S = 1e-6


def pack_trips(ctx: PreparedCompound, v: int, parcels: list[Parcel],
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
    for parcel in parcels:
        tiers.setdefault(parcel.rank if priority_first else 0, []).append(parcel)
    loads: list[list[Parcel]] = []
    ranks = sorted(tiers)
    for k, rank in enumerate(ranks):
        tier = tiers[rank]
        if not tier:
            continue
        packed = pack_tier(ctx, v, tier)
        later = [parcel for r in ranks[k + 1:] for parcel in tiers[r]]
        if later:
            taken = top_up(ctx, v, packed[-1], later)
            for r in ranks[k + 1:]:
                tiers[r] = [parcel for parcel in tiers[r] if parcel.index not in taken]
        loads += packed
    return [ctx.builder.shape(v, load, relayed=relayed) for load in loads if load]


def fits_with(ctx: PreparedCompound, v: int, load: list[Parcel], parcel: Parcel) -> bool:
    cap_bags, cap_kg = ctx.builder.capacity(v)
    return (sum(p.bags for p in load) + parcel.bags <= cap_bags
            and sum(p.kg for p in load) + parcel.kg <= cap_kg + 1e-9)


def top_up(ctx: PreparedCompound, v: int, load: list[Parcel], others: list[Parcel]) -> set[int]:
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
    stops = {place(parcel.stairwell) for parcel in load}
    gate = ctx.builder.gate_place[v]
    cap_bags = ctx.builder.capacity(v)[0]

    def cost_m(parcel: Parcel) -> float:
        u = place(parcel.stairwell)
        return (2 * min(float(dist[s, u]) for s in stops)
                - parcel.bags / cap_bags * 2 * float(dist[gate, u]))

    order = sorted(others, key=lambda p: (p.rank, cost_m(p), place(p.stairwell), -p.floor,
                                          p.index))
    taken: set[int] = set()
    for parcel in order:
        if sum(p.bags for p in load) >= cap_bags:
            break
        if fits_with(ctx, v, load, parcel):
            load.append(parcel)
            taken.add(parcel.index)
    return taken


def pack_tier(ctx: PreparedCompound, v: int, parcels: list[Parcel]) -> list[list[Parcel]]:
    """:func:`pack_trips` within one tier."""
    place = ctx.travel.place
    dist = ctx.travel.dist_m
    gate = ctx.builder.gate_place[v]
    cap_bags = ctx.builder.capacity(v)[0]
    by_stairwell: dict[str, list[Parcel]] = {}
    for parcel in sorted(parcels, key=lambda p: (place(p.stairwell), -p.floor, p.index)):
        by_stairwell.setdefault(parcel.stairwell, []).append(parcel)
    loads: list[list[Parcel]] = []
    left: dict[str, list[Parcel]] = {}
    for stairwell, queue in by_stairwell.items():
        load: list[Parcel] = []
        for parcel in queue:
            if not fits_with(ctx, v, load, parcel):
                loads.append(load)
                load = []
            load.append(parcel)
        left[stairwell] = load
    while left:
        seed = max(left, key=lambda w: (dist[gate, place(w)], -place(w)))
        load = left.pop(seed)
        for near in sorted(left, key=lambda w: (dist[place(seed), place(w)], place(w))):
            queue = left[near]
            while queue and fits_with(ctx, v, load, queue[0]):
                load.append(queue.pop(0))
            if not queue:
                del left[near]
            if sum(p.bags for p in load) >= cap_bags:
                break
        loads.append(load)
    return [load for load in loads if load]


@dataclass
class Workload:
    start_s: float
    timed_s: float
    trips: list[TripShape]

    def finish_s(self) -> float:
        """When its last hand-over happens if it works without a break."""
        return last_handover_s(self.start_s, self.timed_s, self.trips)


def last_handover_s(start_s: float, timed_s: float, trips: list[TripShape]) -> float:
    """:meth:`Workload.finish_s` in one pass over the trips (the balancer asks it
    hundreds of thousands of times): the busy time less the saving of the trip that
    :func:`last_trip` puts last."""
    if not trips:
        return start_s + timed_s if timed_s else -math.inf
    busy = sum(t.free_off for t in trips)
    return start_s + timed_s + busy - max(map(last_trip_key, trips))[1]


def priority_done_s(load: Workload, trips: list[TripShape] | None = None) -> float:
    """When a volunteer working through ``trips`` (default: its own) in
    :func:`regular_order` is done with its urgent and vulnerable households, at the
    latest: its priority trips go first, so their time after the timed trips."""
    trips = load.trips if trips is None else trips
    return load.start_s + load.timed_s + sum(t.free_off for t in trips if not t.standard)


def last_trip_key(trip: TripShape) -> tuple[bool, float]:
    """The trip that goes last has the largest key: standard before priority, then the
    one whose return saves most."""
    return trip.standard, trip.saving


def last_trip(trips: list[TripShape]) -> int:
    """The trip to do last: the standard one whose return saves most (any if none)."""
    return max(range(len(trips)), key=lambda i: (last_trip_key(trips[i]), -i))


def regular_order(trips: list[TripShape], short_of_time: bool = False) -> list[TripShape]:
    """Vulnerable households first; the trip whose return saves most goes last. When
    the shift cannot hold every trip, the shortest go first, so that as many
    households as possible are served."""
    if not trips:
        return []
    if short_of_time:
        return sorted(trips, key=lambda t: (min(parcel.rank for parcel in t.parcels),
                                            t.return_off / len(t.parcels), t.key))
    last = last_trip(trips)
    rest = [t for i, t in enumerate(trips) if i != last]
    rest.sort(key=lambda t: (min(parcel.rank for parcel in t.parcels),
                             min((parcel.named_release_s or 0.0) for parcel in t.parcels)))
    return [*rest, trips[last]]


def without_parcels(ctx: PreparedCompound, loads: list[Workload], parcels: list[Parcel]
                    ) -> list[Workload]:
    """The loads with ``parcels`` taken out of their trips."""
    gone = {parcel.index for parcel in parcels}
    out = []
    for load in loads:
        trips = []
        for t in load.trips:
            kept = [parcel for parcel in t.parcels if parcel.index not in gone]
            if len(kept) == len(t.parcels):
                trips.append(t)
            elif kept:
                trips.append(ctx.builder.shape(t.volunteer, kept))
        out.append(Workload(load.start_s, load.timed_s, trips))
    return out

"""Compact regions for interchangeable volunteers with carts.

The work LP prices a household the same for every volunteer of a kind, so which of
them gets which is arbitrary to it; a cart's loads, though, pay for every extra
stairwell they visit. So the kind's households are swept around its gate and cut into
consecutive stretches (wedges from the gate outwards), each keeping its LP work, and
the cuts are moved until the carts' packed finishes agree.
"""

from __future__ import annotations

from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.rounds.carry.packing import EPS_S, last_handover_s, pack_trips

#: Rounds of moving the cuts between carts' regions by their packed finish
#: (:func:`regroup`), and how far each round moves them towards the mean: on a
#: generated 4,389-household compound, the carts' packed finishes spread over 41
#: minutes with cuts by linear work, and the balanced round was 1% longer.
RECUT_ROUNDS = 3
RECUT_DAMPING = 0.8


def regroup(ctx: PreparedCompound, share: list[list[Parcel]], eligible: dict[int, list[int]],
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
    everyone = [parcel.index for s in share for parcel in s]
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
        pooled = sorted((parcel for v in members for parcel in share[v]),
                        key=lambda p: (round(ctx.travel.bearing(gate, place(p.stairwell)), 9),
                                       float(dist[gate, place(p.stairwell)]),
                                       place(p.stairwell), -p.floor, p.index))
        # Interchangeable only where every member may serve every pooled household
        # at the same price.
        if len(members) < 2 or any(
                any(v not in eligible[parcel.index] for v in members)
                or len({round(ctx.parcel_cost(v, parcel), 6) for v in members}) > 1
                for parcel in pooled):
            continue
        cost = [ctx.parcel_cost(members[0], parcel) for parcel in pooled]
        target = [sum(ctx.parcel_cost(v, parcel) for parcel in share[v]) for v in members]
        best: tuple[float, list[list[Parcel]]] | None = None
        for _ in range(1 + (RECUT_ROUNDS if rounds is None else rounds)):
            cut = cut_into_stretches(pooled, cost, target)
            finish = [offsets[v] + (last_handover_s(0.0, 0.0,
                                                     pack_trips(ctx, v, mine, priority_first))
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


def cut_into_stretches(pooled: list[Parcel], cost: list[float], target: list[float]
                       ) -> list[list[Parcel]]:
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


def cart_volunteers(ctx: PreparedCompound) -> set[int]:
    """The volunteers whose trips carry more than their hands (they have a cart)."""
    return {v for v, vol in enumerate(ctx.volunteers)
            if ctx.builder.capacity(v)[0] > ctx.scenario.hand_capacity(vol)[0]}

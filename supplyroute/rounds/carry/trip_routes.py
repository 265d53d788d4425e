"""A volunteer's mixed loads re-formed by the routing layer.

The doorstep planner packs each volunteer's households into loads greedily
(:func:`supplyroute.rounds.carry.packing.pack_trips`): a stairwell's full loads first,
then the remainders, each topped up from the stairwells nearest to it. A trip that
serves one stairwell cannot walk less; the standard trips that serve several (the
loads carrying urgent or vulnerable households go first and stay as they are) are a
small capacitated routing problem of their own, and this module hands them to the
routing layer (:mod:`supplyroute.routing.problem`), the same one the benchmark sets
measure:

* one client per piece (the households a mixed trip serves in one stairwell), its
  demand the piece's bags; the depot is the volunteer's gate;
* the volunteer's capacity per trip in bags, and no more trips than the mixed ones
  (a piece is never split, so every climb stays as it was or joins another piece of
  its stairwell);
* distance: metres walked between the gate and the entrances.

The OR-Tools engine solves it under an iteration limit, never the clock, so the same
scenario gives the same loads on any machine. The new loads are kept only if they fit
the volunteer's kg limit and their trips take less time together than the old ones.
"""

from __future__ import annotations

import logging

import numpy as np

from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.trips import TripShape
from supplyroute.routing.problem import RoutingProblem, SearchLimit, engine

log = logging.getLogger(__name__)

#: The engine's deterministic count (OR-Tools solutions; the ruin-and-recreate loop
#: makes 50 steps per solution). Measured with the planner's default limits: 2 and one
#: per piece found the same makespans on bjxilu7, kandan576 and anzhen4389, the same
#: walk on the first two and 17 m more of 727 km on anzhen4389, where the pass took
#: 2.4 s at 2 against 21.8 s at one per piece.
ITERATIONS = 2
#: A cap on the wall clock of one volunteer's routing, should a machine be very slow.
ROUTING_TIME_CAP_S = 5.0


def reroute(ctx: PreparedCompound, v: int, trips: list[TripShape],
            iterations: int | None = None) -> list[TripShape]:
    """``trips`` of volunteer ``v`` with the standard mixed loads re-formed where that
    takes less time; the single-stairwell trips and the loads carrying urgent or
    vulnerable households unchanged, in front (re-formed with the rest, those
    households would ride in loads that no longer go first)."""
    mixed = [t for t in trips if len(t.stops) > 1 and t.standard]
    if len(mixed) < 2:
        return trips
    pieces: list[tuple[str, list[Parcel]]] = []
    for trip in mixed:
        by_stairwell: dict[str, list[Parcel]] = {}
        for parcel in trip.parcels:
            by_stairwell.setdefault(parcel.stairwell, []).append(parcel)
        pieces.extend(by_stairwell.items())

    builder, travel = ctx.builder, ctx.travel
    nodes = [builder.gate_place[v], *(travel.place(s) for s, _ in pieces)]
    cap_bags, _ = builder.capacity(v)
    problem = RoutingProblem(
        distance=np.asarray(travel.dist_m, dtype=float)[np.ix_(nodes, nodes)],
        demand=np.array([0.0, *(float(sum(q.bags for q in ps)) for _, ps in pieces)]),
        capacity=float(cap_bags),
        vehicles=len(mixed),
    )
    limit = SearchLimit(time_limit_s=ROUTING_TIME_CAP_S, deterministic=True,
                        iterations=iterations or ITERATIONS)
    routes = engine("ortools").solve(problem, limit)
    if routes is None:
        return trips
    if sorted(c for route in routes for c in route if c) != list(range(1, len(pieces) + 1)):
        return trips  # a piece left out: keep the greedy loads
    new: list[TripShape] = []
    for route in routes:
        parcels = [q for c in route if c for q in pieces[c - 1][1]]
        if not parcels:
            continue
        if not builder.fits(v, parcels):
            return trips
        new.append(builder.shape(v, parcels))
    before = sum(t.free_off for t in mixed)  # disinfection counts: risk may spread
    after = sum(t.free_off for t in new)
    if after >= before - 1e-6:
        return trips
    log.debug("volunteer %d: %d mixed loads re-formed into %d, %.0f s -> %.0f s",
              v, len(mixed), len(new), before, after)
    return [t for t in trips if len(t.stops) <= 1 or not t.standard] + new

"""The by-hand method: what coordinators do today, as the reports describe it.

Each zone group takes the households of its own buildings in building, stairwell and
floor order (urgent ones first, by deadline); whoever in the group is free next takes
the next household they may serve; one household's bags per trip, carried by hand (no
carts); no group helps another. It exists so that benchmarks can compare the optimiser
with today's practice on the same scenario.
"""

from __future__ import annotations

import heapq
import math

from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import earliest_start, schedule
from supplyroute.compound.trips import TripShape
from supplyroute.models import Scenario, UnservedReason
from supplyroute.rounds.assemble import timetable_round
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.interface import RoundMode, RoundRequest, RoundResult, register


def without_carts(scenario: Scenario) -> Scenario:
    """The same scenario with every cart left behind."""
    volunteers = tuple(v.model_copy(update={"cart": None}) for v in scenario.volunteers)
    return scenario.with_changes(volunteers=volunteers)


def groups(ctx: PreparedCompound) -> list[list[int]]:
    """Volunteers by group (their ``group``, else their zone; all together if neither)."""
    found: dict[object, list[int]] = {}
    for i, v in enumerate(ctx.volunteers):
        key = v.group if v.group is not None else (tuple(v.zone) if v.zone else None)
        found.setdefault(key, []).append(i)
    return list(found.values())


def solve(ctx: PreparedCompound, budget: Budget) -> RoundResult:
    """Plan the way coordinators do by hand (on the compound with its carts left
    behind, prepared here)."""
    hands = PreparedCompound(without_carts(ctx.scenario))
    place = hands.travel.place
    taken: set[int] = set()
    timed: list[list[TripShape]] = [[] for _ in hands.volunteers]
    regular: list[list[TripShape]] = [[] for _ in hands.volunteers]
    left_over: list[tuple[Parcel, UnservedReason, str]] = []
    for members in groups(hands):
        member_set = set(members)
        mine = [q for q in hands.servable
                if q.index not in taken and member_set & set(hands.eligible[q.index])]
        mine.sort(key=lambda q: (q.latest_s if q.latest_s is not None else math.inf,
                                 place(q.stairwell), q.floor, q.index))
        taken.update(q.index for q in mine)
        for q in _deal(hands, members, mine, timed, regular):
            left_over.append((q, UnservedReason.NO_ELIGIBLE_VOLUNTEER,
                              "nobody in the group covering it may serve it"))
        budget.tell(f"by hand: group of {len(members)} dealt {len(mine)} households")
    for q in ctx.servable:
        if not hands.eligible[q.index]:
            reason, detail = hands.why_unservable(q)
            left_over.append((q, reason, f"by hand: {detail}"))
    table = schedule(hands.demand, timed, regular)
    table.unserved = left_over + table.unserved
    return timetable_round(ctx, table, built_in=hands)


def _deal(ctx: PreparedCompound, members: list[int], households: list[Parcel],
          timed: list[list[TripShape]], regular: list[list[TripShape]]) -> list[Parcel]:
    """Whoever is free next takes the next household on the list they may serve;
    returns the households nobody took."""
    free = [(ctx.volunteers[v].shift.start, v) for v in members]
    heapq.heapify(free)
    waiting = list(households)
    while waiting and free:
        now, v = heapq.heappop(free)
        pick = next((q for q in waiting if v in ctx.eligible[q.index]), None)
        if pick is None:
            continue
        waiting.remove(pick)
        shape = ctx.builder.shape(v, [pick])
        start = max(now, earliest_start(ctx.demand, shape))
        (timed if pick.timed else regular)[v].append(shape)
        heapq.heappush(free, (start + shape.free_off, v))
    return waiting


class ManualPlanner:
    """The by-hand method of the reports, for comparison with the optimiser."""

    name = "manual"
    mode: RoundMode = "carry"
    priority = 0

    def applies(self, request: RoundRequest) -> bool:
        return request.method == "manual"

    def solve(self, request: RoundRequest) -> RoundResult:
        return solve(request.compound, request.budget)


register(ManualPlanner())

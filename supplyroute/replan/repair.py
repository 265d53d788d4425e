"""The first way on after a replan: the old sheets, repaired.

Each volunteer keeps its remaining stops in order (less the households that left or
became urgent); the sheets of volunteers with no time left go, trip by trip, to whoever
ends soonest with them; the rest (new households, urgent orders, households closed in
until later, bags brought back) go into trips of their own, each to the volunteer who
ends soonest with it, urgent ones timed. Coordinators change as few sheets as they can.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from supplyroute.bounds.carry import lower_bound
from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import schedule
from supplyroute.compound.trips import TripBuilder, TripShape
from supplyroute.models import Plan
from supplyroute.replan.stops import households_of
from supplyroute.rounds.assemble import assemble, timetable_round

if TYPE_CHECKING:
    from supplyroute.replan.day import ReplanDay


def repair(ctx: PreparedCompound, day: ReplanDay) -> Plan:
    """The old sheets, repaired (see the module), as a plan of the rest of the day."""
    sheets = SheetRepair(ctx, day)
    sheets.keep_remaining_stops()
    sheets.hand_over_sheets_of_those_gone()
    sheets.place_the_rest()
    table = schedule(ctx.demand, sheets.timed, sheets.regular)
    bound = lower_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible, with_lp=False)
    return assemble(ctx, timetable_round(ctx, table), bound, "replan", None)


class SheetRepair:
    """The repaired sheets as they are built: each volunteer's regular and timed
    trips, when it would be done with them, and the households placed so far."""

    def __init__(self, ctx: PreparedCompound, day: ReplanDay):
        self.ctx = ctx
        self.day = day
        self.builder = ctx.builder
        self.parcels = {q.id: q for q in ctx.demand.parcels}
        self.index = {v.id: i for i, v in enumerate(ctx.volunteers)}
        self.old = {vp.volunteer: vp for vp in day.original.volunteers}
        self.placed: set[str] = set()
        self.regular: list[list[TripShape]] = [[] for _ in ctx.volunteers]
        self.timed: list[list[TripShape]] = [[] for _ in ctx.volunteers]
        self.finish: list[float] = []

    def unchanged(self, hid: str) -> Parcel | None:
        """The household's parcel if the events left it as it was and it is not placed."""
        q = self.parcels.get(hid)
        if q is None or hid in self.placed or q.timed \
                or q.household != self.day.base.household_by_id.get(hid):
            return None
        return q

    def keep_remaining_stops(self) -> None:
        """Each volunteer's remaining trips, less the households the events changed:
        unchanged households stay on their trip; urgent now or windowed by a closure,
        they go to a timed trip of their own."""
        builder = self.builder
        for vid, v in self.index.items():
            if vid not in self.old:
                continue
            for trip in self.old[vid].trips[len(self.day.kept.get(vid, [])):]:
                load = [q for hid in households_of(trip)
                        if (q := self.unchanged(hid)) is not None
                        and v in self.ctx.eligible[q.index]]
                for chunk in fitting(builder, v, load):
                    order = [st.stairwell for st in trip.stops
                             if any(q.stairwell == st.stairwell for q in chunk)]
                    self.regular[v].append(builder.shape(v, chunk, list(dict.fromkeys(order))))
                    self.placed.update(q.id for q in chunk)
        self.finish = [v.shift.start + sum(t.free_off for t in self.regular[i])
                       for i, v in enumerate(self.ctx.volunteers)]

    def hand_over_sheets_of_those_gone(self) -> None:
        """The sheets of volunteers with no time left go whole, trip by trip, to others."""
        for vid, vp in self.old.items():
            if vid in self.index:
                continue
            for trip in vp.trips[len(self.day.kept.get(vid, [])):]:
                load = [q for h in households_of(trip) if (q := self.unchanged(h)) is not None]
                if load and all(self.ctx.eligible[q.index] for q in load):
                    self.give(load, [st.stairwell for st in trip.stops], False)

    def place_the_rest(self) -> None:
        """The rest (new, urgent, closed until later, bags brought back): timed ones
        alone, the others a stairwell's worth at a time."""
        orphans = [q for q in self.ctx.servable if q.id not in self.placed]
        for q in sorted((q for q in orphans if q.timed),
                        key=lambda q: (q.latest_s or math.inf, q.earliest_s, q.index)):
            self.give([q], None, True)
        by_stairwell: dict[str, list[Parcel]] = defaultdict(list)
        for q in orphans:
            if not q.timed:
                by_stairwell[q.stairwell].append(q)
        for stairwell, load in sorted(by_stairwell.items()):
            self.give(sorted(load, key=lambda q: (q.rank, q.index)), [stairwell], False)

    def give(self, load: list[Parcel], order: list[str] | None, is_timed: bool) -> None:
        """A load, a trip's worth at a time, each to the volunteer done with it soonest
        (a timed one: who hands it over soonest)."""
        load = list(load)
        while load:
            best = self.soonest(load, order, is_timed)
            if best is None:  # nobody may take them all together: one at a time
                if len(load) > 1:
                    for q in load:
                        self.give([q], None, is_timed)
                return
            v, shape = best
            (self.timed if is_timed else self.regular)[v].append(shape)
            self.finish[v] += shape.free_off
            self.placed.update(q.id for q in shape.parcels)
            load = [q for q in load if q.id not in self.placed]

    def soonest(self, load: list[Parcel], order: list[str] | None, is_timed: bool
                ) -> tuple[int, TripShape] | None:
        """Who is done soonest with the first trip's worth of ``load`` (a timed one: who
        hands it over soonest), and that trip; None if nobody may take them together."""
        ctx, builder = self.ctx, self.builder
        best = None
        for v in sorted(set.intersection(*(set(ctx.eligible[q.index]) for q in load))):
            chunk = fitting(builder, v, load)[:1]
            if not chunk:
                continue
            shape = builder.shape(v, chunk[0], None if order is None else [
                w for w in order if any(q.stairwell == w for q in chunk[0])])
            if is_timed:
                score = (ctx.volunteers[v].shift.start + shape.last_delivery_off,
                         self.finish[v])
            else:
                score = (self.finish[v] + shape.free_off, 0.0)
            if best is None or score < best[0]:
                best = (score, v, shape)
        return None if best is None else (best[1], best[2])


def fitting(builder: TripBuilder, v: int, load: list[Parcel]) -> list[list[Parcel]]:
    """A load split, in order, into what the volunteer can carry in one trip."""
    chunks: list[list[Parcel]] = []
    for q in load:
        if chunks and builder.fits(v, [*chunks[-1], q]):
            chunks[-1].append(q)
        elif builder.fits(v, [q]):
            chunks.append([q])
    return chunks

"""The packing staff's pick lists read back and compared with the day's plan.

A pick list (``day-NN/picklist.md``, docs/formats.md) is what the packers work from: a
title, the day's bag and batch count at the packing gate, then per release batch its
bags and times, stairwell by stairwell, a table row per bag (household, load time, kind,
kg, contents). Every line is read back and compared with horizon.json (the day's
releases and each delivery's bags) and the delivery round's plan (load times); a
missing pick list is a violation, as a bag packed from it would not be the plan's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from supplyroute.checks.horizon_rules import KG_TOLERANCE, HorizonRule
from supplyroute.checks.violations import Checker
from supplyroute.models import Household
from supplyroute.models.cycle import CycleScenario, Item
from supplyroute.models.horizon import DayPlan, HorizonFolder, PackedBag

_TITLE = re.compile(r"^# Pick list, day (\d+): (.*)$")
_HEAD = re.compile(r"^(\d+) bags in (\d+) batches at gate (.*)\.$")
_BATCH = re.compile(r"^## Batch (\d+): (\d+) bags, packed by (.+), released (.+)$")
_WELL = re.compile(r"^### (.+) / (.+)$")
_TABLE_HEAD = ("| household | loads at | bag | kg | contents |", "|---|---|---|---|---|")


def clock(seconds: float) -> str:
    """HH:MM of a time of day; before midnight, "HH:MM the day before"."""
    if seconds < 0:
        return f"{clock(seconds + 86400)} the day before"
    t = int(round(seconds))
    return f"{t // 3600:02d}:{t % 3600 // 60:02d}"


def same_clock(text: str, seconds: float) -> bool:
    """The pick list's time is this one (to the minute, either side of a rounding)."""
    return text in {clock(seconds), clock(seconds - 1), clock(seconds + 1)}


@dataclass
class _Row:
    line: int
    batch: int  #: index into the batches, -1 before any
    well: tuple[str, str] | None
    household: str
    loads_at: str
    kind: str
    kg: str
    contents: str


@dataclass
class _Batch:
    line: int
    number: int
    bags: int
    packed: str
    released: str


@dataclass
class _Picklist:
    title: tuple[int, str] | None = None
    head: tuple[int, int, str] | None = None
    batches: list[_Batch] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)
    stray: list[tuple[int, str]] = field(default_factory=list)


def parse(text: str) -> _Picklist:
    """The pick list's lines, each read into its part; lines of no part are stray."""
    out = _Picklist()
    well: tuple[str, str] | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line in _TABLE_HEAD:
            continue
        if m := _TITLE.match(line):
            out.title = (int(m[1]), m[2])
        elif m := _HEAD.match(line):
            out.head = (int(m[1]), int(m[2]), m[3])
        elif m := _BATCH.match(line):
            out.batches.append(_Batch(n, int(m[1]), int(m[2]), m[3], m[4]))
            well = None
        elif m := _WELL.match(line):
            well = (m[1], m[2])
        elif line.startswith("| ") and line.endswith(" |") and \
                len(cells := line[2:-2].split(" | ")) == 5:
            out.rows.append(_Row(n, len(out.batches) - 1, well, *cells))
        else:
            out.stray.append((n, line))
    return out


class HorizonPicklists(Checker):
    """The horizon checker's pick-list step, a part of
    :class:`~supplyroute.checks.horizon._HorizonChecker`, which sets the attributes."""

    cs: CycleScenario
    folder: HorizonFolder
    days: list[tuple[int, DayPlan]]
    items: dict[str, Item]
    households: dict[str, Household]

    def picklists(self) -> None:
        for _d_i, day in self.days:
            f = day.picklist_file or f"day-{day.day + 1:02d}/picklist.md"
            text = self.folder.picklists.get(day.day)
            if text is None:
                self.flag(HorizonRule.PICKLIST, f,
                          f"day {day.day}'s pick list is not in the folder: the packers "
                          "have nothing to pack from")
                continue
            got = parse(text)
            for n, line in got.stray:
                self.flag(HorizonRule.PICKLIST, f"{f}: line {n}",
                          f"not a line of a pick list: {line[:60]!r}")
            self.picklist_heads(f, day, got)
            self.picklist_rows(f, day, got)

    def picklist_heads(self, f: str, day: DayPlan, got: _Picklist) -> None:
        """The title, the day's count, and each batch's bags and times."""
        if got.title != (day.day + 1, self.cs.name):
            self.flag(HorizonRule.PICKLIST, f"{f}: title",
                      f"reads {got.title}, expected day {day.day + 1} of {self.cs.name!r}")
        head = (sum(r.bags for r in day.releases), len(day.releases), self.cs.packing_gate())
        if got.head != head:
            self.flag(HorizonRule.PICKLIST, f"{f}: bags and batches",
                      f"reads {got.head}, the day's releases give {head}")
        for b_i, b in enumerate(got.batches):
            where = f"{f}: line {b.line}"
            if b.number != b_i + 1 or b_i >= len(day.releases):
                self.flag(HorizonRule.PICKLIST, where,
                          f"batch {b.number} is not release batch {b_i + 1} of "
                          f"{len(day.releases)}")
                continue
            r = day.releases[b_i]
            if b.bags != r.bags:
                self.flag(HorizonRule.PICKLIST, where,
                          f"batch {b.number} of {b.bags} bags; the release has {r.bags}")
            if not same_clock(b.packed, r.packed_s) or not same_clock(b.released, r.at):
                self.flag(HorizonRule.PICKLIST, where,
                          f"batch {b.number} packed by {b.packed}, released {b.released}; "
                          f"the release says {clock(r.packed_s)} and {clock(r.at)}")
        if len(got.batches) < len(day.releases):
            self.flag(HorizonRule.PICKLIST, f,
                      f"{len(got.batches)} batches, the day releases {len(day.releases)}")

    def loads(self, day: DayPlan) -> dict[str, float]:
        """When each household's bags are loaded: its trip's start in the delivery plan."""
        pair = self.folder.rounds.get((day.day, "delivery")) if day.delivery_round else None
        if pair is None:
            return {}
        trips = {vp.volunteer: vp.trips for vp in pair[1].volunteers}
        out = {}
        for x in pair[1].deliveries:
            if x.volunteer in trips and 0 <= x.trip < len(trips[x.volunteer]):
                out[x.household] = trips[x.volunteer][x.trip].start_s
        return out

    def picklist_rows(self, f: str, day: DayPlan, got: _Picklist) -> None:
        """Each row in its batch and stairwell, loaded when the plan loads it, and each
        household's rows exactly its bags."""
        compound = self.cs.compound
        loads = self.loads(day)
        batch_of = {hid: r_i for r_i, r in enumerate(day.releases) for hid in r.households}
        rows: dict[str, list[_Row]] = defaultdict(list)
        for row in got.rows:
            where = f"{f}: line {row.line}"
            h = self.households.get(row.household)
            if h is None:
                self.flag(HorizonRule.PICKLIST, where, f"unknown household {row.household!r}")
                continue
            rows[h.id].append(row)
            if batch_of.get(h.id) != row.batch:
                self.flag(HorizonRule.PICKLIST, where,
                          f"household {h.id!r} listed in batch {row.batch + 1}; its bags are "
                          f"released with batch {batch_of.get(h.id, -1) + 1}")
            well = (compound.stairwell_building[h.stairwell].id, h.stairwell)
            if row.well != well:
                self.flag(HorizonRule.PICKLIST, where,
                          f"household {h.id!r} under {row.well}; it lives in {well}")
            at = loads.get(h.id)
            if (row.loads_at != "-") if at is None else not same_clock(row.loads_at, at):
                self.flag(HorizonRule.PICKLIST, where,
                          f"household {h.id!r} loads at {row.loads_at}; the round loads it "
                          f"at {clock(at) if at is not None else '-'}")
        for x in day.deliveries:
            listed = rows.pop(x.household, [])
            if [self.row_bag(r) for r in listed] != [self.bag_row(b) for b in x.bags] or \
                    not all(self.same_kg(r, b) for r, b in zip(listed, x.bags, strict=False)):
                shown = [(r.kind, r.kg, r.contents) for r in listed]
                bags = [(b.kind, f"{b.weight_kg:g}", self.bag_row(b)[1]) for b in x.bags]
                self.flag(HorizonRule.PICKLIST, f"{f}: household {x.household}",
                          f"lines {[r.line for r in listed]} list {shown}; its bags are "
                          f"{bags}")
        for hid, listed in sorted(rows.items()):
            self.flag(HorizonRule.PICKLIST, f"{f}: line {listed[0].line}",
                      f"household {hid!r} has no bags on day {day.day}")

    def bag_row(self, bag: PackedBag) -> tuple[str, str]:
        """A bag as a pick list row lists it: its kind and contents."""
        names = [(u.units, (self.items[u.item].name or u.item) if u.item in self.items
                  else u.item) for u in bag.contents]
        return bag.kind, "; ".join(f"{n} × {name}" for n, name in names)

    @staticmethod
    def row_bag(row: _Row) -> tuple[str, str]:
        return row.kind, row.contents

    @staticmethod
    def same_kg(row: _Row, bag: PackedBag) -> bool:
        try:
            return abs(float(row.kg) - bag.weight_kg) <= KG_TOLERANCE
        except ValueError:
            return False

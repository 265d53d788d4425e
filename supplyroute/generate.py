"""Generated compounds of any size and shape, for tests, benchmarks and what-ifs.

A coordinator's compound rarely looks like the examples: tens of thousands of homes,
high-rises with lifts beside walk-ups, zone groups or none, shifts that may not cover
everyone. :func:`generate` builds such a compound as a scenario document from a
:class:`CompoundSpec`, reproducibly (one seed), with the examples' physical model
(``examples/generate.py`` builds its named scenarios from the same pieces):

* walk-ups of 5-7 floors with 5-8 stairwells of 2 flats a floor, high-rises of 18-32
  floors with a lift and 1-2 stairwells of 4 flats a floor, on a grid of about 88 m x
  60 m per building, one supply gate at the middle of the south edge;
* about 88% of flats occupied, households of 1-5 residents with a prevention bag and a
  two-day living bag sized by the household;
* 5% vulnerable households, one urgent medicine delivery per 220 households due by
  10:00-13:00, one red-risk home per 440 (served only in full PPE);
* one volunteer per 70 households (a third with carts, one in nine in full PPE), in
  ``zones`` contiguous zone groups or free to go anywhere; ``open`` shifts 07:00-23:00,
  ``tight`` shifts of six hours (08:00-14:00) that do not cover a large compound;
* bags released at the gate at 07:00, 08:30 and 10:00.
"""

from __future__ import annotations

import math
import random
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

STAIRWELL_SPACING_M = 12.0
#: Share of flats with a household, as in the Anzhen example (4,389 of about 5,000).
OCCUPANCY = 0.88
#: Households per volunteer: the Anzhen example's 4,389 for 63 volunteers.
HOUSEHOLDS_PER_VOLUNTEER = 70
GATE = "G"


class Shape(str, Enum):
    """What the compound's buildings are."""

    WALKUP = "walkup"  #: 5-7 floors, no lift, 5-8 stairwells.
    HIGHRISE = "highrise"  #: 18-32 floors with a lift, 1-2 stairwells.
    MIXED = "mixed"  #: a third high-rises, the rest walk-ups.


class Shifts(str, Enum):
    """How long the volunteers work."""

    OPEN = "open"  #: 07:00-23:00: everyone can be served.
    TIGHT = "tight"  #: 08:00-14:00: a large compound cannot be served in one shift.


class CompoundSpec(BaseModel):
    """What to generate; every field has a default but ``households``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    households: int = Field(ge=1, le=200_000)
    shape: Shape = Shape.WALKUP
    zones: int = Field(0, ge=0, le=100, description="zone groups; 0: no zones")
    volunteers: int | None = Field(
        default=None, ge=1, le=20_000,
        description=f"default: one per {HOUSEHOLDS_PER_VOLUNTEER} households, at least 4")
    cart_share: float = Field(1 / 3, ge=0, le=1, description="share of volunteers with carts")
    shifts: Shifts = Shifts.OPEN
    seed: int = 0
    name: str | None = Field(default=None, description="default: from the other fields")

    @property
    def volunteer_count(self) -> int:
        if self.volunteers is not None:
            return self.volunteers
        return max(4, round(self.households / HOUSEHOLDS_PER_VOLUNTEER))

    @property
    def default_name(self) -> str:
        zones = f"-z{self.zones}" if self.zones else ""
        return f"gen-{self.shape.value}{self.households}{zones}-{self.shifts.value}"


def bags_for(residents: int) -> list[dict[str, Any]]:
    """A prevention bag and a two-day living bag sized by the household."""
    return [
        {"kind": "prevention", "weight_kg": 2.0},
        {"kind": "living", "weight_kg": min(3.0 + 2.5 * residents, 15.0)},
    ]


def building(bid: str, x: float, y: float, stairwells: int, floors: int,
             lift: bool = False) -> dict[str, Any]:
    """A building whose stairwell entrances stand 12 m apart along its south side."""
    return {
        "id": bid,
        "floors": floors,
        "lift": lift,
        "stairwells": [
            {"id": f"{bid}-{k}", "entrance": {"x": round(x + STAIRWELL_SPACING_M * (k - 1), 1),
                                              "y": round(y, 1)}}
            for k in range(1, stairwells + 1)
        ],
    }


def flats(buildings: list[dict[str, Any]],
          per_floor: dict[str, int] | None = None) -> list[tuple[str, int, int]]:
    """Every flat: (stairwell id, floor, flat number); 2 a floor unless ``per_floor``
    says otherwise for a building."""
    per_floor = per_floor or {}
    return [
        (w["id"], f, k)
        for b in buildings
        for w in b["stairwells"]
        for f in range(1, b["floors"] + 1)
        for k in range(1, per_floor.get(b["id"], 2) + 1)
    ]


def households(rng: random.Random, buildings: list[dict[str, Any]], count: int,
               residents_total: int | None = None,
               per_floor: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """``count`` occupied flats chosen at random, with residents (summing to
    ``residents_total`` when given) and bags by household size."""
    chosen = sorted(rng.sample(flats(buildings, per_floor), count),
                    key=lambda f: (f[0].split("-")[0], int(f[0].split("-")[1]), f[1], f[2]))
    sizes = [rng.choices([1, 2, 3, 4, 5], weights=[15, 35, 30, 15, 5])[0] for _ in chosen]
    if residents_total is not None:
        while sum(sizes) != residents_total:
            i = rng.randrange(len(sizes))
            if sum(sizes) < residents_total and sizes[i] < 5:
                sizes[i] += 1
            elif sum(sizes) > residents_total and sizes[i] > 1:
                sizes[i] -= 1
    return [
        {"id": f"{sw}-{f:02d}{k:02d}", "stairwell": sw, "floor": f, "residents": r,
         "bags": bags_for(r)}
        for (sw, f, k), r in zip(chosen, sizes, strict=True)
    ]


def mark(rng: random.Random, hh: list[dict[str, Any]], n: int, **fields: Any) -> list[int]:
    """Give ``n`` standard, green households the ``fields``; returns their positions."""
    free = [i for i, h in enumerate(hh) if "priority" not in h and "risk" not in h]
    picked = sorted(rng.sample(free, min(n, len(free))))
    for i in picked:
        hh[i].update(fields)
    return picked


def volunteer(vid: str, start: str, end: str, *, cart: bool = False, ppe: bool = False,
              zone: list[str] | None = None, group: str | None = None) -> dict[str, Any]:
    v: dict[str, Any] = {"id": vid, "shift": {"start": start, "end": end}, "gate": GATE}
    if cart:
        v["cart"] = {"capacity_bags": 24, "capacity_kg": 240}
    if ppe:
        v["skills"] = ["ppe"]
    if zone is not None:
        v["zone"] = zone
        v["group"] = group
    return v


def split_zones(buildings: list[dict[str, Any]], hh: list[dict[str, Any]],
                groups: int) -> list[list[str]]:
    """Contiguous blocks of buildings with about equal households each."""
    per_building = {b["id"]: 0 for b in buildings}
    for h in hh:
        per_building[h["stairwell"].rsplit("-", 1)[0]] += 1
    target = len(hh) / groups
    zones: list[list[str]] = [[]]
    running = 0
    for b in buildings:
        if running >= target * len(zones) - per_building[b["id"]] / 2 and \
                len(zones) < groups and zones[-1]:
            zones.append([])
        zones[-1].append(b["id"])
        running += per_building[b["id"]]
    return zones


def pooled_releases(hh: list[dict[str, Any]], named: set[str],
                    batches: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """Count batches covering every pooled bag: ``(time, share)`` pairs, the last batch
    taking whatever is left."""
    total = sum(len(h["bags"]) for h in hh if h["id"] not in named)
    out, given = [], 0
    for k, (at, share) in enumerate(batches):
        n = total - given if k == len(batches) - 1 else round(total * share)
        out.append({"at": at, "bags": n})
        given += n
    return out


def _buildings(rng: random.Random, spec: CompoundSpec) -> tuple[list[dict[str, Any]],
                                                                dict[str, int]]:
    """Enough buildings of the spec's shape for its households at :data:`OCCUPANCY`,
    on a near-square grid; and the flats a floor of each."""
    buildings: list[dict[str, Any]] = []
    per_floor: dict[str, int] = {}
    flats_needed = spec.households / OCCUPANCY
    have = 0
    kinds: list[bool] = []  # True: a high-rise
    while have < flats_needed or not kinds:
        tall = spec.shape is Shape.HIGHRISE or (
            spec.shape is Shape.MIXED and rng.random() < 1 / 3)
        if tall:
            stairwells, floors, across = rng.randint(1, 2), rng.randint(18, 32), 4
        else:
            stairwells = rng.randint(5, 8)
            floors = rng.choices([5, 6, 7], weights=[2, 6, 2])[0]
            across = 2
        kinds.append(tall)
        buildings.append({"stairwells": stairwells, "floors": floors, "across": across})
        have += stairwells * floors * across
    columns = max(1, math.ceil(math.sqrt(len(buildings) * 60 / 88)))
    out = []
    width = len(str(len(buildings)))
    for k, (b, tall) in enumerate(zip(buildings, kinds, strict=True)):
        row, col = divmod(k, columns)
        bid = f"B{k + 1:0{width}d}"
        out.append(building(bid, 15 + col * 88, 40 + row * 60, b["stairwells"], b["floors"],
                            lift=tall))
        per_floor[bid] = b["across"]
    return out, per_floor


def generate(spec: CompoundSpec) -> dict[str, Any]:
    """The compound ``spec`` describes, as a scenario document (validate it with
    :class:`supplyroute.models.Scenario`)."""
    rng = random.Random(f"{spec.seed}:{spec.households}:{spec.shape.value}")
    buildings, per_floor = _buildings(rng, spec)
    hh = households(rng, buildings, spec.households, per_floor=per_floor)
    n = spec.households
    mark(rng, hh, max(1, n // 440) if n >= 100 else 0, risk="red", needs=["close_contact"])
    for i in mark(rng, hh, round(0.05 * n), priority="vulnerable"):
        hh[i]["needs"] = [rng.choice(["elderly_alone", "empty_nest", "disabled",
                                      "seriously_ill", "pregnant"])]
    for i in mark(rng, hh, max(1, n // 220), priority="urgent", needs=["medicine"]):
        hh[i]["deadline"] = rng.choice(["10:00", "10:30", "11:00", "12:00", "13:00"])

    start, end = ("07:00", "23:00") if spec.shifts is Shifts.OPEN else ("08:00", "14:00")
    count = spec.volunteer_count
    zones = split_zones(buildings, hh, spec.zones) if spec.zones else [None]
    volunteers = []
    width = len(str(count))
    for g, zone in enumerate(zones):
        share = count // len(zones) + (1 if g < count % len(zones) else 0)
        carts = round(share * spec.cart_share)
        for k in range(share):
            vid = f"V{len(volunteers) + 1:0{width}d}" if zone is None else \
                f"G{g + 1}-{k + 1:0{len(str(share))}d}"
            volunteers.append(volunteer(
                vid, start, end, cart=k < carts, ppe=k % 9 == 8 or (share < 9 and k == share - 1),
                zone=zone, group=None if zone is None else f"group {g + 1}"))
    kinds = {Shape.WALKUP: "walk-ups of 5-7 floors", Shape.HIGHRISE: "high-rises with lifts",
             Shape.MIXED: "walk-ups and high-rises with lifts"}
    return {
        "name": spec.name or spec.default_name,
        "description": f"Generated: {n} households in {len(buildings)} "
                       f"{kinds[spec.shape]}, {count} volunteers "
                       f"({'no zones' if not spec.zones else f'{spec.zones} zone groups'}, "
                       f"{spec.shifts.value} shifts {start}-{end}).",
        "notes": ["Generated by supplyroute.generate from "
                  + spec.model_dump_json(exclude_none=True) + "."],
        "gates": [{"id": GATE,
                   "position": {"x": round(max(b["stairwells"][-1]["entrance"]["x"]
                                               for b in buildings) / 2, 1), "y": 0},
                   "releases": pooled_releases(hh, set(), [("07:00", 0.456), ("08:30", 0.342),
                                                           ("10:00", 0.0)])}],
        "buildings": buildings,
        "households": hh,
        "volunteers": volunteers,
    }

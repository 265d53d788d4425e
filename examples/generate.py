"""Regenerate the example scenarios, reproducibly.

    python examples/generate.py [--out DIR]

Writes ``nanxiu12.json``, ``bjxilu7.json``, ``kandan576.json`` and ``anzhen4389.json``,
from the pieces of :mod:`supplyroute.generate` (which makes compounds of any size:
``supplyroute generate``).
Each scenario's ``notes`` say which facts come from the source reports
(``shared/seeds``) and which are assumptions. Randomness comes from fixed seeds only,
so running this twice writes byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from supplyroute.generate import (
    bags_for,
    building,
    households,
    mark,
    pooled_releases,
    split_zones,
    volunteer,
)
from supplyroute.io import validate_document
from supplyroute.models import Scenario

HERE = Path(__file__).resolve().parent


def nanxiu12() -> dict[str, Any]:
    buildings = [building("B1", 30, 40, 1, 5), building("B2", 60, 40, 1, 4)]
    residents = [3, 2, 4, 1, 3, 2, 4, 2]
    places = [("B1-1", 1), ("B1-1", 2), ("B1-1", 3), ("B1-1", 4), ("B1-1", 5),
              ("B2-1", 1), ("B2-1", 3), ("B2-1", 4)]
    hh = [{"id": f"{sw}-{f:02d}01", "stairwell": sw, "floor": f, "residents": r,
           "bags": bags_for(r)} for (sw, f), r in zip(places, residents, strict=True)]
    return {
        "name": "nanxiu12",
        "description": "Nanxiu Village 12, Gulou district, Nanjing: a small sealed compound "
                       "of old walk-ups, December 2021.",
        "notes": [
            "Report (seeds/003): Nanxiu Village 12 was sealed with 8 households, 21 people; "
            "each household gets a prevention bag and a living bag every two days; old "
            "buildings have no lift.",
            "Assumed: two walk-ups of 5 and 4 floors, one stairwell each, 30 m and 60 m "
            "from the gate; two community workers on foot, 08:00-12:00; bag weights by "
            "household size (2 kg prevention, 3 kg + 2.5 kg a person living, at most 15 kg).",
        ],
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": buildings,
        "households": hh,
        "volunteers": [volunteer("W1", "08:00", "12:00"), volunteer("W2", "08:00", "12:00")],
    }


def bjxilu7() -> dict[str, Any]:
    rng = random.Random(7)
    buildings = [building("B1", 20, 30, 2, 6), building("B2", 20, 80, 3, 6),
                 building("B3", 80, 55, 3, 6)]
    hh = households(rng, buildings, 90, residents_total=220)
    mark(rng, hh, 2, priority="vulnerable", needs=["seriously_ill"])
    mark(rng, hh, 1, priority="vulnerable", needs=["pregnant"])
    for i in mark(rng, hh, 3, priority="vulnerable", needs=["elderly_alone"]):
        hh[i]["residents"] = 1
        hh[i]["bags"] = bags_for(1)
    # Keep 220 residents after the elderly-alone households shrank to one person.
    spare = sum(h["residents"] for h in hh) - 220
    for h in hh:
        while spare < 0 and "priority" not in h and h["residents"] < 5:
            h["residents"] += 1
            h["bags"] = bags_for(h["residents"])
            spare += 1
    (insulin,) = mark(rng, hh, 1, priority="urgent", deadline="12:00",
                      needs=["diabetes", "insulin"],
                      note="insulin and supplies fetched from three hospitals")
    hh[insulin]["bags"] = [*hh[insulin]["bags"], {"kind": "insulin", "weight_kg": 0.5}]
    mark(rng, hh, 2, risk="red", needs=["close_contact"])
    named = {hh[insulin]["id"]}
    releases = pooled_releases(hh, named, [("08:00", 0.65), ("09:00", 0.35)])
    releases.append({"at": "10:30", "households": [hh[insulin]["id"]]})
    return {
        "name": "bjxilu7",
        "description": "Beijing West Road 7, Gulou district, Nanjing: a sealed compound of "
                       "old buildings with no lifts, December 2021.",
        "notes": [
            "Report (seeds/003): 220 residents stay at home; among them 2 seriously ill, 1 "
            "pregnant woman and 3 elderly people living alone; the buildings are old and "
            "have no lift; a worker carries two heavy bags per climb; a diabetic needs "
            "insulin and supplies fetched from three different hospitals.",
            "Report (seeds/003): each household gets a prevention bag and a living bag for "
            "at least two days.",
            "Assumed: 90 households in 3 six-floor walk-ups (8 stairwells, 2 flats a floor); "
            "8 volunteers 08:00-18:00, 2 with carts (24 bags, 240 kg), 2 in full PPE; 2 "
            "red-risk close-contact homes; bags released at the gate at 08:00 (65%) and "
            "09:00 (the rest); the insulin reaches the gate at 10:30 and is due by 12:00.",
        ],
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}, "releases": releases}],
        "buildings": buildings,
        "households": hh,
        "volunteers": [
            volunteer("V1", "08:00", "18:00", cart=True),
            volunteer("V2", "08:00", "18:00", cart=True),
            volunteer("V3", "08:00", "18:00", ppe=True),
            volunteer("V4", "08:00", "18:00", ppe=True),
            *(volunteer(f"V{k}", "08:00", "18:00") for k in range(5, 9)),
        ],
    }


def kandan576() -> dict[str, Any]:
    rng = random.Random(576)
    counts = [10, 10, 9, 9, 9, 9]
    floors = [6, 6, 6, 5, 6, 6]
    spots = [(20, 40), (160, 40), (20, 100), (160, 100), (20, 160), (160, 160)]
    buildings = [building(f"B{k + 1}", x, y, counts[k], floors[k])
                 for k, (x, y) in enumerate(spots)]
    hh = households(rng, buildings, 576)
    zones = [["B1", "B2", "B3"], ["B4", "B5", "B6"]]
    in_zone = [[i for i, h in enumerate(hh) if h["stairwell"].split("-")[0] in z] for z in zones]
    for members in in_zone:
        for i in sorted(rng.sample(members, 2)):
            hh[i]["risk"] = "red"
        for i in sorted(rng.sample([i for i in members if "risk" not in hh[i]], 14)):
            hh[i]["priority"] = "vulnerable"
            hh[i]["needs"] = [rng.choice(["elderly_alone", "empty_nest", "disabled",
                                          "seriously_ill"])]
    for i, deadline in zip(mark(rng, hh, 4, priority="urgent", needs=["medicine"]),
                           ["10:00", "10:30", "10:30", "11:00"], strict=True):
        hh[i]["deadline"] = deadline
    volunteers = []
    for g, zone in enumerate(zones, start=1):
        for k in range(1, 11):
            volunteers.append(volunteer(f"G{g}-{k:02d}", "08:00", "20:00", cart=k <= 3,
                                        ppe=k == 4, zone=zone, group=f"group {g}"))
    return {
        "name": "kandan576",
        "description": "Kandan, Beijing: New Year packs for every household of a sealed "
                       "compound, 6 buildings, 56 stairwell doors.",
        "notes": [
            "Report (seeds/001, 002): 576 households in 6 buildings with 56 stairwell doors "
            "received packs at home; elderly residents are kept in a ledger by type with a "
            "daily visit; medicine is bought by proxy.",
            "Assumed: walk-ups of 5-6 floors, 2 flats a floor, about 300 m x 200 m, one "
            "supply gate; 20 volunteers 08:00-20:00 in 2 zone groups of 3 buildings (3 "
            "carts of 24 bags / 240 kg and one volunteer in full PPE per group); about 5% "
            "vulnerable households, 4 red-risk homes, 4 medicine deliveries due by 10:00-"
            "11:00; bags released at 08:00 (70%) and 09:00 (the rest).",
        ],
        "gates": [{"id": "G", "position": {"x": 150, "y": 0},
                   "releases": pooled_releases(hh, set(), [("08:00", 0.7), ("09:00", 0.3)])}],
        "buildings": buildings,
        "households": hh,
        "volunteers": volunteers,
    }


def anzhen4389() -> dict[str, Any]:
    rng = random.Random(4389)
    buildings = []
    for row in range(8):
        for col in range(8):
            stairwells = rng.randint(5, 8)
            floors = rng.choices([5, 6, 7], weights=[2, 6, 2])[0]
            buildings.append(building(f"B{row * 8 + col + 1:02d}", 15 + col * 88,
                                      40 + row * 60, stairwells, floors))
    hh = households(rng, buildings, 4389)
    zones = split_zones(buildings, hh, 7)
    mark(rng, hh, 10, risk="red", needs=["close_contact"])
    for i in mark(rng, hh, 220, priority="vulnerable"):
        hh[i]["needs"] = [rng.choice(["elderly_alone", "empty_nest", "disabled",
                                      "seriously_ill", "pregnant"])]
    for i in mark(rng, hh, 20, priority="urgent", needs=["medicine"]):
        hh[i]["deadline"] = rng.choice(["10:00", "10:30", "11:00", "12:00", "13:00"])
    volunteers = []
    carts = [3, 3, 3, 3, 3, 3, 2]
    for g, zone in enumerate(zones, start=1):
        for k in range(1, 10):
            volunteers.append(volunteer(f"G{g}-{k}", "07:00", "23:00", cart=k <= carts[g - 1],
                                        ppe=k == 9, zone=zone, group=f"group {g}"))
    return {
        "name": "anzhen4389",
        "description": "Anzhen, Beijing: vegetable bags to every household of a large "
                       "compound of walk-ups.",
        "notes": [
            "Report (seeds/001): vegetable bags went to all 4,389 households of Anzhen; by "
            "hand it took seven hours.",
            "DOMAIN.md (lower bounds): a generated 4,389-household walk-up compound with 63 "
            "volunteers, 20 of them with carts.",
            "Assumed: 64 walk-ups of 5-7 floors, 5-8 stairwells each, 2 flats a floor, on "
            "a grid of about 700 m x 500 m with one supply gate at the middle of the south "
            "edge; 7 zone groups of 9 volunteers (carts 3,3,3,3,3,3,2, one volunteer in "
            "full PPE each), 07:00-23:00; 5% vulnerable households, 20 medicine deliveries "
            "due by 10:00-13:00, 10 red-risk homes; bags released at 07:00, 08:30 and "
            "10:00.",
        ],
        "gates": [{"id": "G", "position": {"x": 350, "y": 0}, "releases": pooled_releases(
            hh, set(), [("07:00", 4000 / 8778), ("08:30", 3000 / 8778), ("10:00", 0.0)])}],
        "buildings": buildings,
        "households": hh,
        "volunteers": volunteers,
    }


EXAMPLES = {"nanxiu12": nanxiu12, "bjxilu7": bjxilu7, "kandan576": kandan576,
            "anzhen4389": anzhen4389}


def write_examples(builders: dict[str, Any], model: type, argv: list[str] | None,
                   description: str) -> int:
    """Build, validate against ``model`` and write each example to ``--out``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in builders.items():
        data = build()
        validate_document(model, data)
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        (args.out / f"{name}.json").write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    return write_examples(EXAMPLES, Scenario, argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    raise SystemExit(main())

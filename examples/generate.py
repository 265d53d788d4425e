"""Regenerate the example scenarios, reproducibly.

    python examples/generate.py [--out DIR]

Writes ``nanxiu12.json``, ``bjxilu7.json``, ``kandan576.json``, ``anzhen4389.json`` and
``baizhifang600.json``, from the pieces of :mod:`supplyroute.generate` (which makes
compounds of any size: ``supplyroute generate``), and ``district.json``: a street
office's vans and depots supplying four of them (it names their files).
Each scenario's ``notes`` say which facts come from the source reports
(``shared/seeds``) and which are assumptions. Randomness comes from fixed seeds only,
so running this twice writes byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from supplyroute.district.generate import demand_kg, staging_kg
from supplyroute.generate import (
    CompoundSpec,
    Shape,
    bags_for,
    building,
    generate,
    households,
    mark,
    pooled_releases,
    split_zones,
    volunteer,
)
from supplyroute.io import validate_document
from supplyroute.models import Scenario
from supplyroute.models.district import DISTRICT_FORMAT, DistrictScenario

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


def baizhifang600() -> dict[str, Any]:
    spec = CompoundSpec(households=600, shape=Shape.WALKUP, zones=2, volunteers=20,
                        cart_share=0.3, seed=1, name="baizhifang600")
    data = generate(spec)
    rng = random.Random(600)
    hh = data["households"]
    vulnerable = [h for h in hh if h.get("priority") == "vulnerable"]
    for h in sorted(rng.sample(vulnerable, 18), key=hh.index):
        h["needs"] = ["empty_nest", "over_80"]
        h["note"] = "dumplings: the special delivery for over-80 empty-nesters"
        h["residents"] = min(h["residents"], 2)
        h["bags"] = bags_for(h["residents"])
    for v in data["volunteers"]:
        v["shift"] = {"start": "08:00", "end": "20:00"}
    data["description"] = ("Baizhifang, Beijing: vegetables for the 600 households of a "
                           "sealed compound of walk-ups, dumplings for its over-80 "
                           "empty-nesters.")
    data["notes"] = [
        "Report (seed 001): 600 households of Baizhifang got vegetables delivered; 18 "
        "households of over-80 empty-nesters got dumplings as a special delivery.",
        "Generated by supplyroute.generate from " + spec.model_dump_json(exclude_none=True)
        + ", then changed as below.",
        "Assumed: 9 walk-ups of 5-7 floors, 2 flats a floor, one supply gate at the middle "
        "of the south edge; 20 volunteers 08:00-20:00 in 2 zone groups (3 carts of 24 bags "
        "/ 240 kg and one volunteer in full PPE per group); about 5% vulnerable households, "
        "18 of them the over-80 empty-nesters (at most 2 residents), 2 medicine deliveries "
        "due by 12:00 and 13:00, 1 red-risk home; bags released at 08:00 (70%) and 09:00 "
        "(the rest); bag weights by household size as in the other examples.",
    ]
    data["gates"][0]["releases"] = pooled_releases(hh, set(), [("08:00", 0.7),
                                                                ("09:00", 0.3)])
    return data


EXAMPLES = {"nanxiu12": nanxiu12, "bjxilu7": bjxilu7, "kandan576": kandan576,
            "anzhen4389": anzhen4389, "baizhifang600": baizhifang600}

#: The district's compounds: example, supply gate position (m) and unloading bays.
DISTRICT_COMPOUNDS = {
    "nanxiu12": ({"x": 2000, "y": 2600}, 1),
    "bjxilu7": ({"x": 3000, "y": 1200}, 1),
    "kandan576": ({"x": 5800, "y": 3400}, 2),
    "baizhifang600": ({"x": 4300, "y": 4600}, 2),
}


def district() -> dict[str, Any]:
    """A street office's vans and depots supplying four of the examples, named by file
    (``supplyroute.io.load_district`` reads them in their place)."""
    scenarios = {name: EXAMPLES[name]() for name in DISTRICT_COMPOUNDS}
    compounds = [
        {"id": name, "scenario": f"{name}.json",
         "supply_gate": {"position": position, "bays": bays, "unload_s_per_kg": 0.4,
                         "staging_kg": staging_kg(demand_kg(scenarios[name])),
                         "dwell_s": 1800}}
        for name, (position, bays) in DISTRICT_COMPOUNDS.items()
    ]
    insulin = next(h["id"] for h in scenarios["bjxilu7"]["households"]
                   if any(b["kind"] == "insulin" for b in h["bags"]))
    dialysis = next(h["id"] for h in scenarios["kandan576"]["households"]
                    if "seriously_ill" in h.get("needs", ()))
    shop_hours = {"start": "07:00", "end": "22:00"}
    hospitals = [("hospital-1", {"x": 2500, "y": 1500}), ("hospital-2", {"x": 6400, "y": 2200}),
                 ("hospital-3", {"x": 4800, "y": 6800})]
    vans = [{"id": f"van-{k}", "capacity_kg": 1500, **({"seats": 2} if k <= 2 else {}),
             "shift": {"start": "06:00", "end": "18:00"}, "start": "market",
             "speed_kmh": 30} for k in range(1, 7)]
    return {
        "format": DISTRICT_FORMAT,
        "name": "district",
        "description": "A street office's six vans bring the goods of four sealed compounds "
                       "from a wholesale market, two supermarkets, a pharmacy, three "
                       "hospitals and a donor to each compound's supply gate.",
        "notes": [
            "Report (seed 003): Nanxiu Village 12 and Beijing West Road 7 (Nanjing) are "
            "sealed; each household gets a prevention bag and a living bag for two days; a "
            "diabetic at Beijing West Road 7 needs insulin and supplies fetched from three "
            "different hospitals.",
            "Report (seed 001): Kandan (576 households) and Baizhifang (600 households) in "
            "Beijing are supplied at home; a dialysis patient must be at hospital within 40 "
            "minutes.",
            "Report (seed 000): a couple drove 250 kg of vegetables from the wholesale market "
            "for the quarantined residents (the donor depot and its truck).",
            "Report (seed 004): goods enter a sealed compound by one supply gate, wait in "
            "shipping containers and on parcel shelves, and are disinfected before volunteers "
            "relay them to the homes.",
            "Assumed: the four compounds (in Nanjing and Beijing in the reports) in one street "
            "office's district of about 7 km x 7 km; every position; the depots, their hours "
            "and stock (wholesale market from 04:00 without limit; supermarkets 07:00-22:00 "
            "with 2,000 kg of living goods and 600 kg of prevention goods each; a pharmacy "
            "open all day with prevention goods without limit and medicine; three hospitals "
            "with medicine); six vans of 1,500 kg at 30 km/h, 06:00-18:00, from the market, "
            "two of them with two seats; the donor's truck of 400 kg; supply gates with 1-2 "
            "bays, 0.4 s a kg to unload, staging room for 40% of the compound's demand (at "
            "least 2,000 kg) and a 30-minute disinfection dwell.",
            "Assumed: the insulin is 0.2 kg from each of the three hospitals, at the door by "
            "12:00; the dialysis patient is a seriously ill resident of Kandan, at the gate "
            "from 07:20, at hospital 2 by 08:00, ready to come back from 12:00.",
        ],
        "depots": [
            {"id": "market", "kind": "market", "name": "wholesale market",
             "position": {"x": 500, "y": 6000}, "open": {"start": "04:00", "end": "18:00"},
             "stock": [{"kind": "living"}]},
            {"id": "supermarket-1", "kind": "supermarket", "name": "supermarket 1",
             "position": {"x": 3200, "y": 3500}, "open": shop_hours,
             "stock": [{"kind": "living", "kg": 2000}, {"kind": "prevention", "kg": 600}]},
            {"id": "supermarket-2", "kind": "supermarket", "name": "supermarket 2",
             "position": {"x": 5600, "y": 5200}, "open": shop_hours,
             "stock": [{"kind": "living", "kg": 2000}, {"kind": "prevention", "kg": 600}]},
            {"id": "pharmacy", "kind": "pharmacy", "name": "pharmacy",
             "position": {"x": 4200, "y": 2600},
             "stock": [{"kind": "prevention"}, {"kind": "medicine"}]},
            *({"id": hid, "kind": "hospital", "name": hid.replace("-", " "),
               "position": position, "stock": [{"kind": "medicine"}]}
              for hid, position in hospitals),
            {"id": "donor", "kind": "donor", "name": "donated vegetables",
             "position": {"x": 800, "y": 5600}, "stock": [{"kind": "living", "kg": 250}]},
        ],
        "vehicles": [
            *vans,
            {"id": "donor-truck", "capacity_kg": 400,
             "shift": {"start": "06:00", "end": "12:00"}, "start": "donor",
             "speed_kmh": 30, "loads_at": ["donor"]},
        ],
        "compounds": compounds,
        "orders": [{"id": "insulin", "compound": "bjxilu7", "household": insulin,
                    "bag_kind": "insulin",
                    "pickups": [{"depot": hid, "kg": 0.2} for hid, _ in hospitals],
                    "deadline": "12:00"}],
        "transports": [{"id": "dialysis", "compound": "kandan576", "household": dialysis,
                        "hospital": "hospital-2", "ready": "07:20", "deadline": "08:00",
                        "back_from": "12:00"}],
    }


def check_district(data: dict[str, Any]) -> None:
    """Validate the district with its compounds' scenarios in place of their file names."""
    inline = {**data, "compounds": [{**c, "scenario": EXAMPLES[c["scenario"].removesuffix(
        ".json")]()} for c in data["compounds"]]}
    validate_document(DistrictScenario, inline)


def write_examples(builders: dict[str, Any], model: type, argv: list[str] | None,
                   description: str,
                   check: Callable[[dict[str, Any]], object] | None = None) -> int:
    """Build, validate against ``model`` (or with ``check``) and write each example to
    ``--out``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in builders.items():
        data = build()
        if check is not None:
            check(data)
        else:
            validate_document(model, data)
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        (args.out / f"{name}.json").write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    description = __doc__.splitlines()[0]
    write_examples(EXAMPLES, Scenario, argv, description)
    return write_examples({"district": district}, DistrictScenario, argv, description,
                          check=check_district)


if __name__ == "__main__":
    raise SystemExit(main())

"""Regenerate the example supply cycles, reproducibly.

    python examples/generate_cycles.py [--out DIR]

Writes ``kandan576-cycle.json`` and ``bjxilu7-cycle.json``: the compounds of
``kandan576.json`` and ``bjxilu7.json`` (read from this folder, without their gate
releases and household bags, which packing makes) with a catalogue, stock arriving at
the gate by day, orders, packing staff, garbage collection and a roster, over 14 days.
Each cycle's ``notes`` say which facts come from the source reports and which are
assumptions. Randomness comes from fixed seeds only, so running this twice writes
byte-identical files.

Stock is sized here, day by day: the need of a day is, for every household due that
day, residents x ration x its cycle days, plus the items ordered for that day; each
item gets its share of its category's need times a spare factor, less what is left at
the gate from earlier days (used oldest first, thrown away at the end of its shelf
life).
"""

from __future__ import annotations

import copy
import json
import math
import random
from pathlib import Path
from typing import Any

from generate import write_examples  # the examples' own writer, beside this file

from supplyroute.cycles.calendar import make_calendar
from supplyroute.io import validate_document
from supplyroute.models.cycle import DEFAULT_RATIONS, LEDGER_NEEDS, CycleScenario

HERE = Path(__file__).resolve().parent
DAYS = 14

HALAL, VEG, SOFT, DIAB = "halal", "vegetarian", "soft", "diabetic"


def item(iid: str, name: str, category: str, unit_kg: float, diets: tuple[str, ...] = (),
         shelf: int | None = None, share: float = 0.0) -> dict[str, Any]:
    """A catalogue entry; ``share`` (of its category's need, for stock sizing) is not
    written out."""
    out: dict[str, Any] = {"id": iid, "name": name, "category": category, "unit_kg": unit_kg}
    if diets:
        out["diets"] = list(diets)
    if shelf is not None:
        out["shelf_life_days"] = shelf
    out["_share"] = share
    return out


#: The catalogue, with each item's share of its category in the daily stock.
CATALOGUE: list[dict[str, Any]] = [
    item("masks", "masks, box of 10", "prevention", 0.1, share=0.4),
    item("alcohol", "75% alcohol, 500 ml", "prevention", 0.5, share=0.4),
    item("prevention-kit", "prevention kit (thermometer, gloves, leaflet)", "prevention", 0.3,
         share=0.2),
    item("rice", "rice, 1 kg bag", "staple", 1.0, (HALAL, VEG), share=0.5),
    item("noodles", "noodles, 0.5 kg", "staple", 0.5, (HALAL, VEG, SOFT), share=0.3),
    item("flour", "flour, 1 kg bag", "staple", 1.0, (HALAL, VEG, DIAB), share=0.2),
    item("cabbage", "cabbage, 1 kg", "vegetables", 1.0, (HALAL, VEG, DIAB), 5, share=0.35),
    item("potatoes", "potatoes, 1 kg", "vegetables", 1.0, (HALAL, VEG), 14, share=0.25),
    item("greens", "leafy greens, 0.5 kg", "vegetables", 0.5, (HALAL, VEG, SOFT, DIAB), 3,
         share=0.2),
    item("carrots", "carrots, 0.5 kg", "vegetables", 0.5, (HALAL, VEG, DIAB), 10, share=0.2),
    item("eggs", "eggs, box of 10", "protein", 0.6, (HALAL, VEG, SOFT, DIAB), 14, share=0.35),
    item("pork", "pork, 0.5 kg", "protein", 0.5, (DIAB,), 3, share=0.3),
    item("beef-halal", "beef (halal), 0.5 kg", "protein", 0.5, (HALAL, DIAB), 3, share=0.1),
    item("tofu", "tofu, 0.5 kg", "protein", 0.5, (HALAL, VEG, SOFT, DIAB), 2, share=0.25),
    item("apples", "apples, 0.5 kg", "fruit", 0.5, (HALAL, VEG, DIAB), 10, share=0.6),
    item("bananas", "bananas, 0.5 kg", "fruit", 0.5, (HALAL, VEG, SOFT), 4, share=0.4),
    item("insulin-pen", "insulin pen", "medicine", 0.05),
    item("bp-tablets", "blood-pressure tablets, box", "medicine", 0.05),
]
BY_ID = {i["id"]: i for i in CATALOGUE}
RATIONS = {r.category: r.kg_per_resident_day for r in DEFAULT_RATIONS}


def catalogue() -> list[dict[str, Any]]:
    return [{k: v for k, v in i.items() if not k.startswith("_")} for i in CATALOGUE]


def load_compound(name: str) -> dict[str, Any]:
    """The committed compound, without gate releases and household bags (packing makes
    them; the cycle ignores them)."""
    data = copy.deepcopy(json.loads((HERE / f"{name}.json").read_text(encoding="utf-8")))
    for gate in data["gates"]:
        gate.pop("releases", None)
    for h in data["households"]:
        h.pop("bags", None)
    return data


def due_by_calendar(name: str, compound: dict[str, Any], settings: dict[str, dict[str, Any]],
                    garbage: dict[str, Any] | None) -> dict[str, list[int]]:
    """Each household's delivery days as supplyroute's calendar sets them (it evens the
    days' work out), so that stock and medicine orders are sized for those days."""
    draft = validate_document(CycleScenario, {
        "name": name, "compound": compound, "days": DAYS, "cycle_days": 2,
        "catalogue": catalogue(), "households": cycle_households(settings,
                                                                 compound["households"]),
        "garbage": garbage,
    })
    calendar = make_calendar(draft)
    due: dict[str, list[int]] = {h["id"]: [] for h in compound["households"]}
    for day, ids in enumerate(calendar.deliveries):
        for hid in ids:
            due[hid].append(day)
    return due


SMALLEST_UNIT_KG = {c: min(i["unit_kg"] for i in CATALOGUE if i["category"] == c)
                    for c in RATIONS}


def need_kg(hh: list[dict[str, Any]], settings: dict[str, dict[str, Any]], cycle_days: int,
            due: dict[str, list[int]]) -> list[dict[str, float]]:
    """kg needed per day and rationed category by the households due that day, in the
    whole units that packing hands out."""
    out: list[dict[str, float]] = [dict.fromkeys(RATIONS, 0.0) for _ in range(DAYS)]
    for h in hh:
        cycle = settings.get(h["id"], {}).get("cycle_days") or cycle_days
        for d in due[h["id"]]:
            for category, kg in RATIONS.items():
                # Whole units: a share is made up with at most one smallest unit more,
                # about half a unit on average.
                out[d][category] += (h["residents"] * kg * cycle
                                     + SMALLEST_UNIT_KG[category] / 2)
    return out


def size_stock(need: list[dict[str, float]], due: list[int], orders: list[dict[str, Any]],
               rng: random.Random, shortage: dict[tuple[int, str], float] | None = None,
               spare: tuple[float, float] = (1.13, 1.20),
               donations: tuple[dict[str, Any], ...] = ()) -> list[dict[str, Any]]:
    """Daily arrivals: for each day and rationed category, what is at the gate (left
    over, oldest first, and arriving) is the need times a spare factor drawn from
    ``spare`` (or the ``shortage`` factor for that day and category), split over the
    category's items by their shares; ordered items arrive on the day they are
    delivered, on top."""
    shortage = shortage or {}
    ordered: dict[tuple[int, str], int] = {}
    for o in orders:
        for line in o["items"]:
            key = (o["day"] + 1, line["item"])
            ordered[key] = ordered.get(key, 0) + line["units"]
    lots: dict[str, list[list[float]]] = {i["id"]: [] for i in CATALOGUE}  # expires, units
    stock: list[dict[str, Any]] = []
    for d in range(len(need)):
        for iid in lots:  # thrown away at the start of the day past its shelf life
            lots[iid] = [lot for lot in lots[iid] if lot[0] > d]
        for category in RATIONS:
            lo, hi = spare
            factor = shortage.get((d, category), round(rng.uniform(lo, hi), 3))
            items = [i for i in CATALOGUE if i["category"] == category]
            # The category's top-up, split over its items by their shares: what keeps
            # (potatoes, rice) is reordered only as it runs down.
            left_kg = sum(u * i["unit_kg"] for i in items for _, u in lots[i["id"]])
            deficit_kg = max(0.0, (need[d][category] + due[d] * SMALLEST_UNIT_KG[category] / 2)
                             * factor - left_kg)
            for i in items:
                units = math.ceil(deficit_kg * i["_share"] / i["unit_kg"] - 1e-9)
                units += ordered.get((d, i["id"]), 0)
                if units:
                    stock.append({"day": d, "item": i["id"], "units": units})
                    lots[i["id"]].append([d + (i.get("shelf_life_days") or 10_000), units])
        for i in CATALOGUE:
            if i["category"] in RATIONS:
                continue
            units = ordered.get((d, i["id"]), 0)
            if units:
                stock.append({"day": d, "item": i["id"], "units": units})
                lots[i["id"]].append([10_000, units])
        for gift in donations:
            if gift["day"] == d:
                stock.append(gift)
                i = BY_ID[gift["item"]]
                lots[i["id"]].append([d + (i.get("shelf_life_days") or 10_000), gift["units"]])
        # Use the day's need (kg, not rounded to units), oldest lots first: each item
        # its share, then any item of the category for what is still missing.
        for category in RATIONS:
            items = [i for i in CATALOGUE if i["category"] == category]
            todo = need[d][category]
            # As supplyroute hands stock out: the soonest to expire first, whatever item.
            for i in sorted(items, key=lambda i: min((lot[0] for lot in lots[i["id"]]),
                                                      default=math.inf)):
                if todo > 1e-9:
                    todo -= _use(lots[i["id"]], todo / i["unit_kg"]) * i["unit_kg"]
        for i in CATALOGUE:
            _use(lots[i["id"]], ordered.get((d, i["id"]), 0))
    return stock


def _use(lots: list[list[float]], units: float) -> float:
    """Take up to ``units`` from the lots, soonest to expire first; returns units taken."""
    taken = 0.0
    for lot in sorted(lots, key=lambda lot: lot[0]):
        n = min(lot[1], units - taken)
        lot[1] -= n
        taken += n
    lots[:] = [lot for lot in lots if lot[1] > 1e-9]
    return taken


def ledger(hh: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [h for h in hh if any(n in LEDGER_NEEDS for n in h.get("needs", []))]


def cycle_households(settings: dict[str, dict[str, Any]],
                     hh: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The listed settings, in the compound's household order, keys in model order."""
    keys = ("household", "cycle_days", "diets", "last_delivery_day")
    return [{k: settings[h["id"]][k] for k in keys if k in settings[h["id"]]}
            for h in hh if h["id"] in settings]


def insulin_orders(hid: str, due: dict[str, list[int]]) -> list[dict[str, Any]]:
    """An insulin pen for each delivery, ordered the day before."""
    return [{"household": hid, "day": d - 1, "items": [{"item": "insulin-pen", "units": 1}]}
            for d in due[hid]]


def kandan576_cycle() -> dict[str, Any]:
    rng = random.Random(5762)
    compound = load_compound("kandan576")
    hh = compound["households"]
    zones = [["B1", "B2", "B3"], ["B4", "B5", "B6"]]

    def zone_of(h: dict[str, Any]) -> int:
        return next(z for z, bs in enumerate(zones) if h["stairwell"].split("-")[0] in bs)

    plain = [h for h in hh if "priority" not in h and "risk" not in h]
    for z in range(2):
        for h in rng.sample([h for h in plain if zone_of(h) == z], 4):
            h["risk"] = "orange"
    settings: dict[str, dict[str, Any]] = {}

    def set_(h: dict[str, Any], **fields: Any) -> None:
        settings.setdefault(h["id"], {"household": h["id"]}).update(fields)

    on_ledger = ledger(hh)
    for h in on_ledger:
        if "seriously_ill" in h["needs"]:
            set_(h, cycle_days=1)
    for h in rng.sample(on_ledger, len(on_ledger) // 2):
        set_(h, diets=[SOFT])
    medicine = [h for h in hh if h.get("priority") == "urgent"]
    diabetic = sorted(rng.sample(medicine, 3), key=hh.index)
    for h in diabetic:
        set_(h, diets=[DIAB])
    free = [h for h in hh if "priority" not in h and "risk" not in h]
    picked = rng.sample(free, 22)
    for h in picked[:12]:
        set_(h, diets=[HALAL])
    for h in picked[12:]:
        set_(h, diets=[VEG])
    garbage = {"collection_point": {"x": 90, "y": 10}, "every_days": 2,
               "kg_per_resident_day": 0.4, "start": "13:00", "disinfection_s": 300}
    due = due_by_calendar("kandan576-cycle", compound, settings, garbage)

    orders: list[dict[str, Any]] = []
    for h in diabetic:
        orders += insulin_orders(h["id"], due)
    bp = sorted(rng.sample([h for h in on_ledger if "seriously_ill" not in h["needs"]], 6),
                key=hh.index)
    for h, day in zip(bp[:3], [1, 6, 10], strict=True):
        orders.append({"household": h["id"], "day": day,
                       "items": [{"item": "bp-tablets", "units": 2}]})
    for h, day in zip(bp[3:], [2, 7, 11], strict=True):  # fruit that suits the diet
        fruit = "bananas" if SOFT in settings.get(h["id"], {}).get("diets", []) else "apples"
        orders.append({"household": h["id"], "day": day,
                       "items": [{"item": "eggs", "units": 1}, {"item": fruit, "units": 1}]})
    position = {h["id"]: k for k, h in enumerate(hh)}
    orders.sort(key=lambda o: (o["day"], position[o["household"]]))

    need = need_kg(hh, settings, 2, due)
    due_count = [sum(d in days for days in due.values()) for d in range(DAYS)]
    donation = {"day": 5, "item": "cabbage", "units": 250, "source": "donation",
                "note": "a donor's truck: 250 kg of vegetables (seed 000)"}
    stock = size_stock(need, due_count, orders, random.Random(5763),
                       shortage={(5, "vegetables"): 0.5},
                       donations=(donation,))

    hands = {g: [f"G{g}-{k:02d}" for k in range(5, 11)] for g in (1, 2)}
    roster = []
    for day in (3, 10):
        off = {v for g in (1, 2) for v in rng.sample(hands[g], 2)}
        roster.append({"day": day, "volunteers": [v["id"] for v in compound["volunteers"]
                                                  if v["id"] not in off]})
    return {
        "name": "kandan576-cycle",
        "description": "Kandan, Beijing: two weeks of supplies for the 576 households of "
                       "a sealed compound, a prevention bag and a living bag every two days.",
        "notes": [
            "Report (seed 003): each household gets a prevention bag and a living bag that "
            "feed it for two days, refilled every two days.",
            "Report (seed 001): elderly residents are kept in a ledger by type (living "
            "alone, empty nest, serious illness, disability) and visited every day; "
            "blood-pressure medicine is bought by proxy; a dozen staff packed vegetable "
            "bags overnight, 19:00-05:00, at Anzhen.",
            "Report (seed 000): a donor's truck brings 250 kg of vegetables, split and "
            "packed per household (here cabbage on day 5).",
            "Report (seed 002): a colour-coded risk map (red, orange) says which homes "
            "need separate garbage collection and disinfection.",
            "Assumed: the compound of kandan576.json with 8 more homes coded orange (4 per "
            "zone), its gate releases and bags dropped (packing makes them); delivery "
            "days as supplyroute's calendar evens them out; the 2 seriously ill on the "
            "ledger every day; half the ledger on a soft diet, 12 halal and 10 vegetarian "
            "households, 3 of the 4 medicine households diabetic with an insulin pen "
            "ordered the day before each delivery; 3 blood-pressure and 3 eggs-and-fruit "
            "orders for ledger households (bananas for a soft diet).",
            "Assumed: an 18-item catalogue (unit weights, shelf lives and diet tags are "
            "estimates; apples are tagged diabetic, potatoes are not); the default rations; "
            "stock arriving every day so that what is at the gate (left over, oldest "
            "first, plus arrivals) is 13-20% above the day's need in every category, "
            "except on day 5, when vegetables cover about 50% of the need before the "
            "donation; medicine arrives as ordered.",
            "Assumed: packing at the gate, 45 s a bag, 30 minutes of disinfection, batches "
            "of 150 bags; garbage every two days from 13:00 to a point 60 m west of the "
            "gate, 0.4 kg a resident a day, 5 minutes of disinfection after a red or "
            "orange home; on days 3 and 10 two hand-only volunteers of each group are off.",
        ],
        "compound": compound,
        "days": DAYS,
        "cycle_days": 2,
        "catalogue": catalogue(),
        "households": cycle_households(settings, hh),
        "stock": stock,
        "orders": orders,
        "packing": {"bag_s": 45, "dwell_s": 1800, "batch_bags": 150,
                    "shifts": [{"staff": 12, "start": "19:00", "end": "05:00",
                                "day_before": True}]},
        "garbage": garbage,
        "roster": roster,
    }


def bjxilu7_cycle() -> dict[str, Any]:
    compound = load_compound("bjxilu7")
    hh = compound["households"]
    settings: dict[str, dict[str, Any]] = {}
    for h in hh:
        needs = h.get("needs", [])
        if "seriously_ill" in needs:
            settings[h["id"]] = {"household": h["id"], "cycle_days": 1}
        if "insulin" in needs:
            settings[h["id"]] = {"household": h["id"], "diets": [DIAB]}
    garbage = {"collection_point": {"x": 40, "y": 5}, "every_days": 1,
               "kg_per_resident_day": 0.4, "start": "13:00", "disinfection_s": 300}
    due = due_by_calendar("bjxilu7-cycle", compound, settings, garbage)
    (diabetic,) = [h for h in hh if "insulin" in h.get("needs", [])]
    orders = insulin_orders(diabetic["id"], due)
    need = need_kg(hh, settings, 2, due)
    due_count = [sum(d in days for days in due.values()) for d in range(DAYS)]
    stock = size_stock(need, due_count, orders, random.Random(7), spare=(1.15, 1.15))
    return {
        "name": "bjxilu7-cycle",
        "description": "Beijing West Road 7, Gulou district, Nanjing: two weeks of supplies "
                       "for 220 residents of old walk-ups, every two days, the seriously ill "
                       "every day.",
        "notes": [
            "Report (seed 003): 220 residents at home, among them 2 seriously ill, 1 "
            "pregnant woman and 3 elderly people living alone; a diabetic needs insulin "
            "and supplies fetched from three different hospitals; each household gets a "
            "prevention bag and a living bag for at least two days, every two days.",
            "Report (seed 001): elderly people on the ledger (living alone, serious "
            "illness) are visited every day.",
            "Assumed: the compound of bjxilu7.json, its gate releases and bags dropped "
            "(packing makes them); delivery days as supplyroute's calendar evens them out; "
            "the 2 seriously ill served every day; the diabetic on a diabetic diet "
            "with an insulin pen ordered the day before each delivery (the three hospitals "
            "are not modelled: the pen arrives at the gate on the day).",
            "Assumed: the 18-item catalogue of kandan576-cycle.json and the default "
            "rations; stock arriving every day so that what is at the gate is 15% above "
            "the day's need in every category; 3 staff packing 06:00-08:00 on the day, a "
            "minute a bag, 30 minutes of disinfection, batches of 40 bags; garbage every "
            "day from 14:00 to a point 40 m east of the gate.",
        ],
        "compound": compound,
        "days": DAYS,
        "cycle_days": 2,
        "catalogue": catalogue(),
        "households": cycle_households(settings, hh),
        "stock": stock,
        "orders": orders,
        "packing": {"bag_s": 60, "dwell_s": 1800, "batch_bags": 40,
                    "shifts": [{"staff": 3, "start": "06:00", "end": "08:00"}]},
        "garbage": {"collection_point": {"x": 40, "y": 5}, "every_days": 1,
                    "kg_per_resident_day": 0.4, "start": "14:00", "disinfection_s": 300},
    }


CYCLES = {"kandan576-cycle": kandan576_cycle, "bjxilu7-cycle": bjxilu7_cycle}


def main(argv: list[str] | None = None) -> int:
    return write_examples(CYCLES, CycleScenario, argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    raise SystemExit(main())

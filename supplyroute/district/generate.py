"""Generated districts: a street office's vans, depots and several sealed compounds.

A street office supplies several sealed compounds at once with a handful of vans. To
test and benchmark district planning at any scale, :func:`generate_district` builds
such a district as a ``supplyroute.district`` document from a :class:`DistrictSpec`,
reproducibly (one seed):

* compounds of varied sizes (summing to the spec's households), shapes and zone groups,
  each made by :func:`supplyroute.generate.generate` and written inline, with the
  volunteers' shifts set to 08:00-20:00 (the vans, out from 06:00, get two hours'
  head start) and the gate releases left out (the vans' arrivals make them);
* each compound's supply gate at a random place of a square area, with 1-3 unloading
  bays, 0.3-0.6 s a kg to unload, staging room for about 40% of its demand (at least
  2,000 kg) and a 30-minute disinfection dwell;
* 1-2 wholesale markets (living goods without limit), supermarkets (living and
  prevention goods, a finite stock each), 1-2 pharmacies (prevention goods without
  limit, medicine), hospitals (medicine) and one donor depot with 250 kg of living
  goods fetched by the donor's own truck (as the donor's 250 kg of vegetables of the
  reports, seed 000);
* vans of 1,000-2,000 kg at 30 km/h, 06:00-20:00, starting and ending at a market,
  the first two with two seats;
* a few medicine orders (a medicine bag of 0.2 kg a hospital for an urgent household,
  fetched from 1-3 hospitals by its deadline, as the insulin of seed 003) and one
  dialysis transport to the nearest hospital (ready 07:30, there by 08:10: within 40
  minutes, seed 001; back from 12:00).

With ``varied`` the district also draws, from its seed, the awkward cases users' own
districts bring (:func:`random_spec` makes small ones for property tests): zone groups
in small compounds, a supermarket open only after the vans' day (its stock cannot be
fetched) or a pharmacy far out of the district, a hospital that opens after an order's
deadline, an order due before any van can be out, staging room for a few hundred kg and
one bay, and as few as one van.
"""

from __future__ import annotations

import math
import random
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from supplyroute.generate import CompoundSpec, Shape, generate
from supplyroute.models.district import DISTRICT_FORMAT

#: Demand one van covers, for the default fleet: a 1,500 kg van doing five or six runs.
KG_PER_VAN = 8000.0
#: Most households one generated compound may have (the compound generator allows
#: 200,000); the spec is refused when the average compound is larger.
MAX_AVERAGE_COMPOUND = 30_000
#: The volunteers' day in a generated district: the vans start at 06:00.
VOLUNTEER_SHIFT = ("08:00", "20:00")
VAN_SHIFT = ("06:00", "20:00")
#: Weight of medicine fetched from each hospital of an order.
MEDICINE_KG_PER_PICKUP = 0.2


class DistrictSpec(BaseModel):
    """What to generate; every field has a default but ``compounds`` and
    ``households``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    compounds: int = Field(ge=1, le=1000)
    households: int = Field(ge=1, le=2_000_000, description="in all the compounds")
    seed: int = 0
    vehicles: int | None = Field(
        default=None, ge=1, le=5000,
        description=f"vans; default: one per {KG_PER_VAN:,.0f} kg of demand, at least 4")
    area_km: float | None = Field(
        default=None, gt=0, le=200,
        description="side of the square district; default: 2.5 km x sqrt(compounds)")
    name: str | None = Field(default=None, description="default: from the other fields")
    varied: bool = Field(
        default=False, description="also draw the awkward cases of users' districts: "
        "depots out of reach, deadlines that cannot be met, little staging, few vans")

    @model_validator(mode="after")
    def _sizes(self) -> DistrictSpec:
        if self.households < self.compounds:
            raise ValueError("needs at least one household a compound")
        if self.households > MAX_AVERAGE_COMPOUND * self.compounds:
            raise ValueError(f"at most {MAX_AVERAGE_COMPOUND:,} households a compound on "
                             "average")
        return self

    @property
    def side_m(self) -> float:
        """The district's side in metres."""
        km = self.area_km if self.area_km is not None else 2.5 * math.sqrt(self.compounds)
        return km * 1000

    @property
    def default_name(self) -> str:
        return f"gen-district{self.compounds}-{self.households}"


def random_spec(seed: int) -> DistrictSpec:
    """A small varied district from a seed, for property tests: 2-4 compounds of 20-120
    households each (on average), one or a few vans."""
    rng = random.Random(f"random-district:{seed}")
    compounds = rng.randint(2, 4)
    households = sum(rng.randint(20, 120) for _ in range(compounds))
    vehicles = rng.choice([None, 1, 2, 2, 3])
    return DistrictSpec(compounds=compounds, households=households, seed=seed,
                        vehicles=vehicles, area_km=rng.choice([None, 2.0, 4.0]), varied=True,
                        name=f"random-district-{seed}")


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` households in ``parts`` compounds of varied sizes (each at least one):
    random weights, shared out by largest remainder."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    rest = total - parts
    raw = [rest * w / sum(weights) for w in weights]
    sizes = [1 + int(r) for r in raw]
    order = sorted(range(parts), key=lambda i: (int(raw[i]) - raw[i], i))
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _point(rng: random.Random, side_m: float) -> dict[str, int]:
    """A random place in the district, to the 10 m."""
    return {"x": int(round(rng.uniform(0, side_m), -1)),
            "y": int(round(rng.uniform(0, side_m), -1))}


def _distance(a: dict[str, int], b: dict[str, int]) -> float:
    return math.hypot(a["x"] - b["x"], a["y"] - b["y"])


def demand_kg(compound: dict[str, Any]) -> float:
    """What a compound scenario document's households are due, in kg: the vans' load
    for it."""
    return sum(b["weight_kg"] for h in compound["households"] for b in h.get("bags") or ())


def staging_kg(demand: float) -> int:
    """Staging room at a supply gate: about 40% of the compound's demand (a day's goods
    arrive over the morning and wait out their dwell), at least 2,000 kg (two shipping
    containers), to the 100 kg."""
    return max(2000, math.ceil(0.4 * demand / 100) * 100)


def _compound(rng: random.Random, name: str, households: int,
              varied: bool = False) -> dict[str, Any]:
    """One compound of the district: shape, zones and seed drawn from ``rng`` (with
    ``varied``, zone groups of a few dozen households too)."""
    shape = rng.choices(list(Shape), weights=[5, 2, 3])[0]
    per_zone = 400 if shape is Shape.WALKUP else 800  # a zone group spans a few buildings
    if varied:
        per_zone = 20
    zones = rng.choice([0, 0, 2, 3, 4, 6])
    zones = zones if 2 <= zones <= households // per_zone else 0
    data = generate(CompoundSpec(households=households, shape=shape, zones=zones,
                                 seed=rng.randrange(1_000_000), name=name))
    start, end = VOLUNTEER_SHIFT
    for v in data["volunteers"]:
        v["shift"] = {"start": start, "end": end}
    data["description"] = data["description"].replace(
        "open shifts 07:00-23:00", f"shifts {start}-{end}")
    for gate in data["gates"]:
        gate.pop("releases", None)
    data["notes"].append(f"supplyroute.district.generate set the shifts to {start}-{end} "
                         "and left out the gate releases: the vans' arrivals make them.")
    return data


def _depots(rng: random.Random, spec: DistrictSpec) -> list[dict[str, Any]]:
    """Markets, supermarkets, pharmacies, hospitals and the donor depot."""
    n = spec.compounds
    side = spec.side_m
    depots: list[dict[str, Any]] = []

    def add(did: str, kind: str, name: str, stock: list[dict[str, Any]],
            open_: tuple[str, str] | None = None) -> None:
        depot: dict[str, Any] = {"id": did, "kind": kind, "name": name,
                                 "position": _point(rng, side)}
        if open_ is not None:
            depot["open"] = {"start": open_[0], "end": open_[1]}
        depot["stock"] = stock
        depots.append(depot)

    for k in range(1 if n < 6 else 2):
        add(f"market-{k + 1}", "market", f"wholesale market {k + 1}", [{"kind": "living"}],
            ("04:00", "20:00"))
    for k in range(min(30, max(2, n // 3))):
        add(f"supermarket-{k + 1}", "supermarket", f"supermarket {k + 1}",
            [{"kind": "living", "kg": rng.randrange(1000, 4001, 500)},
             {"kind": "prevention", "kg": rng.randrange(200, 801, 100)}],
            ("07:00", "22:00"))
    for k in range(1 if n < 6 else 2):
        add(f"pharmacy-{k + 1}", "pharmacy", f"pharmacy {k + 1}",
            [{"kind": "prevention"}, {"kind": "medicine"}])
    for k in range(min(8, 3 + n // 10)):
        add(f"hospital-{k + 1}", "hospital", f"hospital {k + 1}", [{"kind": "medicine"}])
    add("donor", "donor", "donated vegetables", [{"kind": "living", "kg": 250}],
        ("06:00", "12:00"))
    return depots


def _vehicles(rng: random.Random, count: int, markets: list[str]) -> list[dict[str, Any]]:
    """The street office's vans (the first two with two seats) and the donor's truck."""
    width = len(str(count))
    start, end = VAN_SHIFT
    vans: list[dict[str, Any]] = []
    for k in range(count):
        base = markets[k % len(markets)]
        van: dict[str, Any] = {"id": f"van-{k + 1:0{width}d}",
                               "capacity_kg": rng.choice([1000, 1200, 1500, 1800, 2000])}
        if k < 2:
            van["seats"] = 2
        van.update({"shift": {"start": start, "end": end}, "start": base, "end": base,
                    "speed_kmh": 30})
        vans.append(van)
    vans.append({"id": "donor-truck", "capacity_kg": 400, "shift": {"start": "06:00",
                                                                      "end": "12:00"},
                 "start": "donor", "speed_kmh": 30, "loads_at": ["donor"]})
    return vans


def _orders(rng: random.Random, compounds: list[dict[str, Any]],
            hospitals: list[str]) -> list[dict[str, Any]]:
    """A few medicine orders: an urgent household of some compounds gets a medicine bag
    (0.2 kg a hospital), fetched from 1-3 hospitals by its deadline."""
    wanted = min(10, max(1, len(compounds) // 4))
    orders: list[dict[str, Any]] = []
    for c in rng.sample(compounds, len(compounds)):
        if len(orders) == wanted:
            break
        urgent = [h for h in c["scenario"]["households"] if h.get("priority") == "urgent"]
        if not urgent:
            continue
        h = urgent[0]
        places = sorted(rng.sample(hospitals, rng.randint(1, min(3, len(hospitals)))),
                        key=hospitals.index)
        h["bags"].append({"kind": "medicine",
                          "weight_kg": round(MEDICINE_KG_PER_PICKUP * len(places), 1)})
        orders.append({"id": f"medicine-{len(orders) + 1}", "compound": c["id"],
                       "household": h["id"], "bag_kind": "medicine",
                       "pickups": [{"depot": p, "kg": MEDICINE_KG_PER_PICKUP} for p in places],
                       "deadline": h.get("deadline", "12:00")})
    return orders


def _transport(rng: random.Random, compounds: list[dict[str, Any]],
               hospitals: list[dict[str, Any]]) -> dict[str, Any]:
    """A dialysis patient of one compound (seriously ill if any, else vulnerable, else
    anyone) to the hospital nearest its gate, within 40 minutes, back from noon."""
    c = rng.choice(compounds)
    hh = c["scenario"]["households"]
    ill = [h for h in hh if "seriously_ill" in h.get("needs", ())]
    frail = [h for h in hh if h.get("priority") == "vulnerable"]
    h = rng.choice(ill or frail or hh)
    gate = c["supply_gate"]["position"]
    hospital = min(hospitals, key=lambda d: (_distance(d["position"], gate), d["id"]))
    return {"id": "dialysis-1", "compound": c["id"], "household": h["id"],
            "hospital": hospital["id"], "ready": "07:30", "deadline": "08:10",
            "back_from": "12:00"}


def _awkward(rng: random.Random, spec: DistrictSpec, compounds: list[dict[str, Any]],
             depots: list[dict[str, Any]], orders: list[dict[str, Any]]) -> None:
    """The awkward cases of a ``varied`` district, each drawn on its own: a supermarket
    open only after the vans' day, a pharmacy far out of the district, a hospital opening
    after an order's deadline or an order due at 06:30, little staging, one bay."""
    side = spec.side_m
    supermarkets = [d for d in depots if d["kind"] == "supermarket"]
    if supermarkets and rng.random() < 0.3:
        rng.choice(supermarkets)["open"] = {"start": "21:00", "end": "23:00"}
    if rng.random() < 0.3:  # prevention beyond the supermarkets' stock comes from far
        far = next(d for d in depots if d["kind"] == "pharmacy")
        far["position"] = {"x": int(side + rng.uniform(8000, 20000)), "y": 0}
    if orders and rng.random() < 0.5:
        order = rng.choice(orders)
        if rng.random() < 0.5:
            late = next(d for d in depots if d["id"] == order["pickups"][0]["depot"])
            late["open"] = {"start": "13:00", "end": "20:00"}
            order["deadline"] = "12:00"
        else:
            order["deadline"] = "06:30"
    for c in compounds:
        gate = c["supply_gate"]
        if rng.random() < 0.4:
            gate["staging_kg"] = rng.choice([150, 300, 600, 1000])
        if rng.random() < 0.4:
            gate["bays"] = 1


def generate_district(spec: DistrictSpec) -> dict[str, Any]:
    """The district ``spec`` describes, as a ``supplyroute.district`` document with its
    compounds inline (validate it with
    :class:`supplyroute.models.district.DistrictScenario`). The same spec gives the
    same document."""
    rng = random.Random(f"district:{spec.seed}:{spec.compounds}:{spec.households}")
    name = spec.name or spec.default_name
    sizes = _split(rng, spec.households, spec.compounds)
    width = len(str(spec.compounds))
    compounds: list[dict[str, Any]] = []
    for k, size in enumerate(sizes):
        cid = f"c{k + 1:0{max(2, width)}d}"
        scenario = _compound(rng, f"{name}-{cid}", size, spec.varied)
        compounds.append({"id": cid, "scenario": scenario, "supply_gate": {}})
    depots = _depots(rng, spec)
    hospitals = [d for d in depots if d["kind"] == "hospital"]
    orders = _orders(rng, compounds, [d["id"] for d in hospitals])
    demand = {c["id"]: demand_kg(c["scenario"]) for c in compounds}
    for c in compounds:
        size = len(c["scenario"]["households"])
        c["supply_gate"] = {
            "position": _point(rng, spec.side_m),
            "bays": rng.randint(2, 3) if size >= 1000 else rng.randint(1, 3),
            "unload_s_per_kg": round(rng.uniform(0.3, 0.6), 2),
            "staging_kg": staging_kg(demand[c["id"]]),
            "dwell_s": 1800,
        }
    total = sum(demand.values())
    count = spec.vehicles if spec.vehicles is not None else max(4, math.ceil(total / KG_PER_VAN))
    markets = [d["id"] for d in depots if d["kind"] == "market"]
    vehicles = _vehicles(rng, count, markets)
    transport = _transport(rng, compounds, hospitals)
    if spec.varied:
        _awkward(random.Random(f"awkward:{spec.seed}"), spec, compounds, depots, orders)
    side_km = spec.side_m / 1000
    return {
        "format": DISTRICT_FORMAT,
        "name": name,
        "description": f"Generated: {spec.compounds} compounds, {spec.households} households "
                       f"({total:,.0f} kg of bags), {len(depots)} depots and {count} vans "
                       f"in {side_km:g} km x {side_km:g} km.",
        "notes": ["Generated by supplyroute.district.generate from "
                  + spec.model_dump_json(exclude_none=True) + "."],
        "depots": depots,
        "vehicles": vehicles,
        "compounds": compounds,
        "orders": orders,
        "transports": [transport],
    }

"""Generated districts: valid, of the asked size, reproducible; and the example district
loads with its compounds read from their files."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from supplyroute.district.generate import DistrictSpec, generate_district
from supplyroute.errors import InputError
from supplyroute.io import load_district, validate_document
from supplyroute.models.district import DepotKind, DistrictScenario
from tests.conftest import ROOT


@pytest.mark.parametrize("spec", [
    DistrictSpec(compounds=1, households=1),
    DistrictSpec(compounds=3, households=900, seed=5),
    DistrictSpec(compounds=8, households=6000, vehicles=3, area_km=4, name="eight"),
], ids=lambda s: s.name or s.default_name)
def test_generated_district_is_what_was_asked(spec: DistrictSpec) -> None:
    data = generate_district(spec)
    district = validate_document(DistrictScenario, data)
    assert district.name == (spec.name or spec.default_name)
    assert len(district.compounds) == spec.compounds
    sizes = [len(c.scenario.households) for c in district.compounds]
    assert sum(sizes) == spec.households and min(sizes) >= 1
    vans = [v for v in district.vehicles if v.loads_at is None]
    if spec.vehicles is not None:
        assert len(vans) == spec.vehicles
    else:
        assert len(vans) >= 4
    assert all(v.start in {d.id for d in district.depots if d.kind is DepotKind.MARKET}
               for v in vans)
    donors = [v for v in district.vehicles if v.loads_at is not None]
    assert [v.loads_at for v in donors] == [("donor",)]
    side = spec.side_m
    for c in district.compounds:
        gate = c.supply_gate
        assert 0 <= gate.position.x <= side and 0 <= gate.position.y <= side
        assert 1 <= gate.bays <= 3 and 0.3 <= gate.unload_s_per_kg <= 0.6
        demand = sum(b.weight_kg for h in c.scenario.households
                     for b in c.scenario.bags_of(h))
        assert gate.staging_kg >= max(2000, 0.4 * demand)
        assert {(v.shift.start, v.shift.end) for v in c.scenario.volunteers} == {
            (8 * 3600, 20 * 3600)}
    assert district.orders and len(district.transports) == 1
    for o in district.orders:
        compound = district.compound_by_id[o.compound]
        bags = compound.scenario.bags_of(compound.scenario.household_by_id[o.household])
        assert sum(b.weight_kg for b in bags if b.kind == o.bag_kind) == pytest.approx(
            sum(p.kg for p in o.pickups))
        assert all(district.depot_by_id[p.depot].kind is DepotKind.HOSPITAL
                   for p in o.pickups)
    assert district.depot_by_id[district.transports[0].hospital].kind is DepotKind.HOSPITAL
    # reproducible to the byte; another seed gives another district
    assert json.dumps(generate_district(spec)) == json.dumps(data)
    assert generate_district(spec.model_copy(update={"seed": spec.seed + 1})) != data


def test_a_spec_with_fewer_households_than_compounds_is_refused() -> None:
    with pytest.raises(ValueError, match="one household a compound"):
        DistrictSpec(compounds=5, households=4)


def test_a_large_district_generates_and_validates_in_reasonable_time() -> None:
    began = time.perf_counter()
    data = generate_district(DistrictSpec(compounds=40, households=40_000, seed=2))
    district = validate_document(DistrictScenario, data)
    assert time.perf_counter() - began < 30
    assert sum(len(c.scenario.households) for c in district.compounds) == 40_000
    sizes = {len(c.scenario.households) for c in district.compounds}
    assert len(sizes) > 10  # varied sizes
    assert len({c.scenario.buildings[0].lift for c in district.compounds}) == 2  # shapes


def test_the_example_district_loads() -> None:
    district = load_district(ROOT / "examples" / "district.json")
    assert [c.id for c in district.compounds] == ["nanxiu12", "bjxilu7", "kandan576",
                                                  "baizhifang600"]
    assert [len(c.scenario.households) for c in district.compounds] == [8, 90, 576, 600]
    (insulin,) = district.orders
    assert insulin.compound == "bjxilu7" and insulin.bag_kind == "insulin"
    assert len(insulin.pickups) == 3 and insulin.deadline == 12 * 3600
    (dialysis,) = district.transports
    assert dialysis.deadline - dialysis.ready == 40 * 60
    assert sum(v.seats >= 2 for v in district.vehicles) == 2


def test_a_missing_compound_file_is_named_under_the_compound(tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples" / "district.json").read_text(encoding="utf-8"))
    for compound in data["compounds"]:  # absolute paths: read from anywhere
        compound["scenario"] = str(ROOT / "examples" / compound["scenario"])
    data["compounds"][1]["scenario"] = "nowhere.json"
    path = tmp_path / "district.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_district(path)
    assert raised.value.first.path == "compounds[1].scenario"

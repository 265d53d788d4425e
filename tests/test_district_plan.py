"""The district's joint plan: vans and rounds planned together, checked end to end.

Every plan made here goes through the independent district checker.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from supplyroute.bench.district import same_plans
from supplyroute.checks.district import check_district
from supplyroute.cli import main
from supplyroute.district.generate import DistrictSpec, generate_district
from supplyroute.district.joint import DistrictOptions, plan_district
from supplyroute.errors import ExitCode
from supplyroute.io import load_district, validate_document
from supplyroute.models.district import DistrictScenario
from supplyroute.models.district_plan import DistrictPlan
from tests.conftest import ROOT
from tests.test_district_check import OPTIONS, district_data

EXAMPLE = ROOT / "examples" / "district.json"


@pytest.fixture(scope="module")
def district() -> DistrictScenario:
    return validate_document(DistrictScenario, district_data())


@pytest.fixture(scope="module")
def planned(district: DistrictScenario) -> DistrictPlan:
    return plan_district(district, replace(OPTIONS, iterations=2))


def test_joint_plan_checks_and_meets_the_insulin_and_the_dialysis(
        district: DistrictScenario, planned: DistrictPlan) -> None:
    assert check_district(district, planned) == []
    s = planned.summary
    assert (s.orders_met, s.orders_total, s.transports_met, s.transports_total) == (1, 1, 1, 1)
    assert not planned.missed and not planned.unshipped
    assert s.households_served == s.households == 98
    assert 0 < s.lower_bound_s <= s.makespan_s
    assert s.gap == pytest.approx((s.makespan_s - s.lower_bound_s) / s.lower_bound_s, abs=1e-4)
    # The insulin came from both hospitals, in one lot of its own, before the deadline.
    insulin = [x for x in planned.shipments if x.order == "insulin"]
    assert sorted(x.depot for x in insulin) == ["H1", "H2"]
    # End to end, per household: goods in, then released after the dwell, then delivered.
    for compound in planned.compounds:
        for row in compound.households:
            assert row.goods_in_s + 1800 <= row.released_s + 1e-6
            assert row.delivered_s is not None and row.delivered_s >= row.released_s


def test_the_plan_survives_a_json_round_trip(district: DistrictScenario,
                                             planned: DistrictPlan) -> None:
    again = DistrictPlan.model_validate_json(planned.model_dump_json())
    assert again == planned and check_district(district, again) == []


def test_rounds_on_a_local_cluster_are_the_serial_ones(district: DistrictScenario,
                                                       planned: DistrictPlan) -> None:
    pytest.importorskip("distributed")
    on_cluster = plan_district(district, replace(OPTIONS, iterations=2, workers=2))
    assert same_plans(planned, on_cluster)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_districts_check_and_the_bound_holds(seed: int) -> None:
    doc = generate_district(DistrictSpec(compounds=3, households=150, seed=seed))
    district = validate_document(DistrictScenario, doc)
    result = plan_district(district, OPTIONS)
    assert check_district(district, result) == []
    assert result.summary.lower_bound_s <= result.summary.makespan_s
    assert result.summary.households_unserved == 0


def test_a_transport_no_van_can_make_is_missed_with_its_reason() -> None:
    data = district_data()
    data["transports"][0]["deadline"] = "08:03"  # H1 is 3.6 km from the gate at 30 km/h
    district = validate_document(DistrictScenario, data)
    result = plan_district(district, OPTIONS)
    assert [(m.kind, m.id) for m in result.missed] == [("transport", "dialysis")]
    assert "by 08:03" in result.missed[0].reason
    assert result.summary.transports_met == 0
    assert check_district(district, result) == []  # a partial plan that says so


def test_goods_the_vans_cannot_bring_leave_their_households_unserved() -> None:
    data = district_data()
    for vehicle in data["vehicles"]:
        # 20 minutes: enough for the small loads of nanxiu12, not for bjxilu7's.
        vehicle["shift"] = {"start": "06:00", "end": "06:20"}
    data["transports"] = []
    district = validate_document(DistrictScenario, data)
    result = plan_district(district, OPTIONS)
    assert result.unshipped
    never = [lot for lot in result.lots if lot.released_s is None]
    assert never
    unserved = {u.household: u.reason.value for c in result.compounds for u in c.plan.unserved}
    for lot in never:
        for h in lot.households:
            assert unserved[h] == "not_released"
    assert check_district(district, result) == []


def plan_quickly(scenario: Path, out: Path) -> int:
    """``supplyroute plan`` of a district, short and deterministic: its exit code."""
    return main(["plan", str(scenario), "-o", str(out), "--time-limit", "10",
                 "--round-time-limit", "2", "--iterations", "1", "--workers", "1",
                 "--deterministic", "--quiet"])


def test_cli_plans_and_checks_a_district(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    scenario = tmp_path / "district.json"
    scenario.write_text(json.dumps(district_data()), encoding="utf-8")
    out = tmp_path / "plan.json"
    code = plan_quickly(scenario, out)
    printed = capsys.readouterr().out
    assert code == ExitCode.OK, printed
    assert "orders on time 1/1" in printed and "gap" in printed
    assert main(["check", str(scenario), str(out)]) == ExitCode.OK
    assert "ok: 0 violations" in capsys.readouterr().out


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d["vehicles"][0].update(start="nowhere"), "vehicles[0].start"),
    (lambda d: d["orders"][0].update(household="B9-9-9999"), "orders[0].household"),
    (lambda d: d["compounds"][0]["supply_gate"].update(bays=0), "compounds[0].supply_gate.bays"),
    (lambda d: d["compounds"][1].update(scenario="missing.json"), "compounds[1].scenario"),
    (lambda d: d["depots"][0].update(stock=[{"kind": "living"}]), "compounds[0].scenario"),
])
def test_cli_names_the_field_of_a_bad_district(tmp_path: Path, capsys: pytest.CaptureFixture,
                                               change, path: str) -> None:
    data = district_data()
    change(data)
    scenario = tmp_path / "district.json"
    scenario.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "plan.json"
    code = main(["plan", str(scenario), "-o", str(out), "--workers", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == ExitCode.INVALID_INPUT
    assert err.startswith(f"error: {path}:"), err
    assert "Traceback" not in err and not out.exists()


@pytest.mark.slow
def test_the_example_district_beats_its_sequential_baseline_within_15_percent() -> None:
    district = load_district(EXAMPLE)
    result = plan_district(district, DistrictOptions(
        time_limit_s=10, round_time_limit_s=10, iterations=3, deterministic=True,
        baseline=True))
    assert check_district(district, result) == []
    s = result.summary
    assert s.orders_met == s.orders_total == 1 and s.transports_met == s.transports_total == 1
    assert s.households_served == s.households
    assert s.gap is not None and s.gap <= 0.15
    assert s.baseline_makespan_s is not None and s.makespan_s < s.baseline_makespan_s


def test_roads_from_a_graphml_file_drive_the_plan_and_the_check(tmp_path: Path) -> None:
    """A GraphML network (as OSMnx or QGIS write them, nodes with x/y, edges with a
    length) next to the district file: the vans drive it, and the checker agrees."""
    import networkx as nx

    from supplyroute.checks.driving import Driving
    from supplyroute.district.roads import Roads

    graph = nx.Graph()
    for node, (x, y) in {"a": (0, 0), "b": (0, 3000), "c": (3000, 3000)}.items():
        graph.add_node(node, x=float(x), y=float(y))
    graph.add_edge("a", "b", length=3200.0)
    graph.add_edge("b", "c")  # no length: the straight line
    nx.write_graphml(graph, tmp_path / "roads.graphml")
    data = district_data()
    data["compounds"] = data["compounds"][:1]
    data["orders"], data["transports"] = [], []
    data["depots"] = data["depots"][:1]
    data["compounds"][0]["supply_gate"]["position"] = {"x": 3000, "y": 3100}
    data["roads"] = {"graphml": "roads.graphml"}
    path = tmp_path / "district.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    district = load_district(path)
    # market at a; a -> b -> c is 3200 + 3000, then 100 m straight to the gate.
    assert Roads(district).metres("market", "nanxiu12") == pytest.approx(6300.0)
    assert Driving(district).metres("market", "nanxiu12") == pytest.approx(6300.0)
    result = plan_district(district, OPTIONS)
    assert check_district(district, result) == []


def test_validate_describes_a_district(capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(EXAMPLE)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "4 compounds" in out and "1274 households" in out and "7 vehicles" in out


def test_a_round_at_a_share_of_the_search_is_checked_and_repeatable() -> None:
    """Large districts plan their rounds at a share of the search (``--round-effort``):
    still a checked plan, still the same plan every time in deterministic mode."""
    from supplyroute import PlanOptions, check, load_scenario, plan

    scenario = load_scenario(ROOT / "examples" / "bjxilu7.json")
    quick = PlanOptions(deterministic=True, effort=0.34)
    first, second = plan(scenario, quick), plan(scenario, quick)
    assert check(scenario, first) == []
    assert first == second
    with pytest.raises(ValueError, match="effort"):
        PlanOptions(effort=0)

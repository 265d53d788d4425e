"""What-ifs: variants of a scenario planned side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supplyroute.cli import main
from supplyroute.io import load_scenario
from supplyroute.models import Scenario
from supplyroute.planner import PlanOptions
from supplyroute.staffing import DEFAULT_CART
from supplyroute.whatif import (
    Comparison,
    VariationError,
    compare,
    parse_variation,
    table,
    vary,
)
from tests.conftest import ROOT

NANXIU = ROOT / "examples" / "nanxiu12.json"
BJXILU = ROOT / "examples" / "bjxilu7.json"
KANDAN = ROOT / "examples" / "kandan576.json"
QUICK = PlanOptions(time_limit_s=2, deterministic=True)


def _variant(path: Path, spec: str) -> Scenario:
    return vary(load_scenario(path), parse_variation(spec))


@pytest.mark.parametrize("spec", [
    "zones=on", "zones", "carts=2", "carts=+0", "volunteers=+x", "releases=+1h",
    "releases=later", "shifts=10:00-09:00", "shifts=08:00", "shifts=8:00-25:61", "lifts=off",
])
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(VariationError, match="'"):
        parse_variation(spec)


def test_specs_parse() -> None:
    assert parse_variation("carts=-2").count == -2
    assert parse_variation(" volunteers=+3 ").count == 3
    assert parse_variation("releases=-01:30").shift_s == -5400
    assert parse_variation("releases=off").off
    shift = parse_variation("shifts=07:00-13:00")
    assert (shift.start_s, shift.end_s) == (25200, 46800)


def test_zones_off_lets_the_groups_help_each_other() -> None:
    scenario = _variant(KANDAN, "zones=off")
    assert all(v.zone is None and v.group is None for v in scenario.volunteers)
    assert len(scenario.volunteers) == 20


def test_carts_and_volunteers_change_the_roster() -> None:
    base = load_scenario(BJXILU)
    more = _variant(BJXILU, "carts=+2")
    assert sum(v.cart is not None for v in more.volunteers) == 4
    assert more.volunteers[2].cart == base.volunteers[0].cart  # a copy of the roster's
    fewer = _variant(BJXILU, "carts=-1")
    assert [v.cart is not None for v in fewer.volunteers][:2] == [True, False]
    none = _variant(NANXIU, "carts=+1")
    assert none.volunteers[0].cart == DEFAULT_CART  # nobody had one to copy
    grown = _variant(KANDAN, "volunteers=+2")
    assert [v.id for v in grown.volunteers[-2:]] == ["G1-01+1", "G2-01+1"]
    assert grown.volunteers[-1].zone == base_zone(KANDAN, "G2-01")
    dropped = _variant(BJXILU, "volunteers=-3")
    assert [v.id for v in dropped.volunteers] == [v.id for v in base.volunteers[:5]]
    with pytest.raises(VariationError, match="only 2 volunteers have a cart"):
        _variant(BJXILU, "carts=-3")
    with pytest.raises(VariationError, match="at least one must stay"):
        _variant(NANXIU, "volunteers=-2")


def base_zone(path: Path, volunteer: str) -> tuple[str, ...] | None:
    return load_scenario(path).volunteer_by_id[volunteer].zone


def test_releases_and_shifts_move() -> None:
    base = load_scenario(BJXILU)
    ats = [r.at for r in base.gates[0].releases]
    assert [r.at for r in _variant(BJXILU, "releases=off").gates[0].releases] == [28800] * 3
    later = _variant(BJXILU, "releases=+00:30").gates[0].releases
    assert [r.at for r in later] == [t + 1800 for t in ats]
    earlier = _variant(BJXILU, "releases=-09:00").gates[0].releases
    assert [r.at for r in earlier] == [max(0, t - 32400) for t in ats]
    shifts = _variant(BJXILU, "shifts=09:00-11:00")
    assert {(v.shift.start, v.shift.end) for v in shifts.volunteers} == {(32400, 39600)}


def test_compare_plans_every_variant_and_checks_it() -> None:
    result = compare(load_scenario(BJXILU),
                     [parse_variation(s) for s in ("releases=off", "volunteers=-5")], QUICK)
    base, on_hand, three = result.rows
    assert [r.variant for r in result.rows] == ["base", "releases=off", "volunteers=-5"]
    assert all(r.violations == 0 for r in result.rows)  # checker.check on every plan
    assert base.makespan_delta_min is None and base.bound_delta_min is None
    # Everything on hand: no waiting for the 10:30 batch.
    assert on_hand.lower_bound_s < base.lower_bound_s
    assert on_hand.makespan_s < base.makespan_s
    assert on_hand.makespan_delta_min == round((on_hand.makespan_s - base.makespan_s) / 60, 2)
    assert on_hand.bound_delta_min == round((on_hand.lower_bound_s - base.lower_bound_s) / 60, 2)
    assert three.volunteers == 3 and three.households_served == 90
    assert all(r.makespan_s >= r.lower_bound_s for r in result.rows)
    lines = table(result)
    assert lines[1].startswith("base") and "releases=off" in lines[2]


def test_cli_compare_prints_the_table_and_writes_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "compare.json"
    code = main(["compare", str(NANXIU), "--vary", "volunteers=+1", "--vary", "carts=+1",
                 "--time-limit", "2", "--deterministic", "-o", str(out)])
    assert code == 0
    printed = capsys.readouterr()
    assert "volunteers=+1" in printed.out and "makespan" in printed.out
    assert "[compare] planning base" in printed.err
    result = Comparison.model_validate_json(out.read_text())
    assert [r.volunteers for r in result.rows] == [2, 3, 2]
    assert all(r.violations == 0 and r.households_unserved == 0 for r in result.rows)
    assert result.rows[1].makespan_s < result.rows[0].makespan_s
    _valid(capsys, "comparison", json.loads(out.read_text()))


@pytest.mark.parametrize("spec", ["zones=maybe", "volunteers=-2"])
def test_cli_bad_spec_exits_2_naming_vary(spec: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "compare.json"
    assert main(["compare", str(NANXIU), "--vary", spec, "-o", str(out)]) == 2
    assert capsys.readouterr().err.startswith("error: --vary: ")
    assert not out.exists()


def test_schema_lists_the_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "comparison"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "rows" in schema["properties"]


def _valid(capsys: pytest.CaptureFixture[str], document: str, data: object) -> None:
    """The written JSON is valid under ``supplyroute schema {document}``."""
    jsonschema = pytest.importorskip("jsonschema")
    capsys.readouterr()
    assert main(["schema", document]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []

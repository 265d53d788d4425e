"""`supplyroute schema` prints JSON Schema that a standard validator applies to the
examples as the planner reads them: a time is seconds or "HH:MM"/"HH:MM:SS" text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from supplyroute.cli import main
from supplyroute.io import is_district
from tests.conftest import ROOT

jsonschema = pytest.importorskip("jsonschema")

EXAMPLES = ROOT / "examples"
DOORSTEP = sorted(p for p in EXAMPLES.glob("*.json")
                  if not p.name.endswith(("-cycle.json", "-events.json")) and not is_district(p))
CYCLES = sorted(EXAMPLES.glob("*-cycle.json"))
EVENTS = sorted(EXAMPLES.glob("*-events.json"))


def schema_of(capsys: pytest.CaptureFixture[str], *document: str) -> dict[str, Any]:
    """What `supplyroute schema [DOCUMENT]` prints, checked to be Draft 2020-12 schema."""
    assert main(["schema", *document]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def errors(schema: dict[str, Any], document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def test_examples_exist() -> None:
    assert len(DOORSTEP) >= 3 and len(CYCLES) >= 1 and len(EVENTS) >= 1


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: p.stem)
def test_events_examples_match_the_events_schema(path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    schema = schema_of(capsys, "events")
    assert errors(schema, json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", DOORSTEP, ids=lambda p: p.stem)
def test_doorstep_examples_validate_against_the_scenario_schema(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = schema_of(capsys)  # the default document is the scenario
    assert errors(schema, json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", CYCLES, ids=lambda p: p.stem)
def test_cycle_examples_validate_against_the_cycle_schema(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = schema_of(capsys, "cycle")
    assert errors(schema, json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("document", ["scenario", "plan", "cycle", "compound", "horizon",
                                      "district", "district-plan"])
def test_every_schema_is_valid_json_schema(
        document: str, capsys: pytest.CaptureFixture[str]) -> None:
    schema_of(capsys, document)


@pytest.mark.parametrize("time", ["08:00", "8:00", "25:10:05", 0, 34200, 3600.5])
def test_a_time_is_seconds_or_hh_mm(time: Any, capsys: pytest.CaptureFixture[str]) -> None:
    schema = schema_of(capsys, "scenario")
    doc = json.loads((EXAMPLES / "nanxiu12.json").read_text(encoding="utf-8"))
    doc["volunteers"][0]["shift"]["start"] = time
    assert errors(schema, doc) == []


@pytest.mark.parametrize("time", ["8h00", "08:60", "08:00:75", "", -1, 8 * 86400, True, None])
def test_the_schema_refuses_what_is_not_a_time(
        time: Any, capsys: pytest.CaptureFixture[str]) -> None:
    schema = schema_of(capsys, "scenario")
    doc = json.loads((EXAMPLES / "nanxiu12.json").read_text(encoding="utf-8"))
    doc["volunteers"][0]["shift"]["start"] = time
    assert errors(schema, doc) != []


def test_a_written_plan_validates_against_the_plan_schema(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.json"
    assert main(["plan", str(EXAMPLES / "nanxiu12.json"), "--time-limit", "2",
                 "--deterministic", "--quiet", "-o", str(out)]) == 0
    capsys.readouterr()
    schema = schema_of(capsys, "plan")
    assert errors(schema, json.loads(out.read_text(encoding="utf-8"))) == []


def test_the_district_example_and_a_district_plan_match_their_schemas(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    district = json.loads((EXAMPLES / "district.json").read_text(encoding="utf-8"))
    assert errors(schema_of(capsys, "district"), district) == []
    district["vehicles"][0]["capacity_kg"] = "lots"
    assert errors(schema_of(capsys, "district"), district)
    from supplyroute.district.joint import plan_district
    from supplyroute.io import validate_document
    from supplyroute.models.district import DistrictScenario
    from tests.test_district_check import OPTIONS, district_data

    plan = plan_district(validate_document(DistrictScenario, district_data()), OPTIONS)
    assert errors(schema_of(capsys, "district-plan"), json.loads(plan.model_dump_json())) == []

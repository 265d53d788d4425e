"""Bad input: exit 2, one line naming the JSON path and the reason, no traceback, and
no output file; one file per kind of error in tests/data/invalid."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from supplyroute import InputError, load_scenario
from tests.conftest import DATA, ROOT

INVALID = DATA / "invalid"
EXPECTED: dict[str, str] = json.loads((INVALID / "expected.json").read_text())
CASES = sorted(p for p in INVALID.glob("*.json") if p.name != "expected.json")


def test_every_kind_of_error_has_a_file_and_an_expected_path() -> None:
    assert len(CASES) >= 20
    assert {p.stem for p in CASES} == set(EXPECTED)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "supplyroute", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_plan_refuses_bad_input(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = run("plan", str(path), "-o", str(out), "--quiet", "--time-limit", "2")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {EXPECTED[path.stem]}"), lines[0]
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_validate_refuses_bad_input(path: Path) -> None:
    done = run("validate", str(path))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {EXPECTED[path.stem]}"), lines[0]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_valid_file_validates() -> None:
    done = run("validate", str(DATA / "valid_small.json"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: valid-small: 8 households")


def test_valid_file_plans(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = run("plan", str(DATA / "valid_small.json"), "-o", str(out), "--quiet",
               "--time-limit", "2", "--deterministic")
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["summary"]["households_served"] == 8


@pytest.mark.parametrize("name", [
    "unknown_stairwell", "floor_above_top", "extra_field", "malformed_json",
    "red_risk_without_ppe", "missing_required_field", "bags_exceed_every_trip",
    "household_released_twice", "shift_ends_before_start", "not_utf8",
    "mixed_coordinate_systems_in_entrance", "nan_coordinate", "deeply_nested_json",
    "huge_integer_literal",
])
def test_library_raises_input_error_with_the_path(name: str) -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(INVALID / f"{name}.json")
    assert caught.value.first.path == EXPECTED[name]

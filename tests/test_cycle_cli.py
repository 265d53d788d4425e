"""The cycle from the command line: plan, check, sheets, bad input, atomic folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.conftest import cli as run

SMALL = DATA / "cycle_small.json"


@pytest.fixture(scope="module")
def horizon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cycle") / "horizon"
    done = run("cycle", str(SMALL), "-o", str(out), "--time-limit", "2", "--deterministic",
               "--workers", "1")
    assert done.returncode in (0, 3), done.stderr
    assert "horizon written" in done.stdout
    return out


def test_cycle_writes_a_folder_that_checks(horizon: Path) -> None:
    assert (horizon / "horizon.json").is_file()
    assert (horizon / "day-01" / "delivery.plan.json").is_file()
    assert (horizon / "day-01" / "picklist.md").read_text(encoding="utf-8").startswith("# Pick")
    checked = run("check", str(SMALL), str(horizon))
    assert checked.returncode == 0, checked.stdout
    assert "0 violations" in checked.stdout


def test_doctored_horizon_is_refused(horizon: Path, tmp_path: Path) -> None:
    copy = tmp_path / "doctored"
    copy.mkdir()
    for path in horizon.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(horizon)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    data = json.loads((copy / "horizon.json").read_text(encoding="utf-8"))
    bag = data["days"][0]["deliveries"][0]["bags"][0]
    bag["weight_kg"] = round(bag["weight_kg"] + 5, 3)  # a bag heavier than its contents
    (copy / "horizon.json").write_text(json.dumps(data), encoding="utf-8")
    checked = run("check", str(SMALL), str(copy))
    assert checked.returncode == 4
    assert "violations" in checked.stdout


def test_sheets_show_what_is_in_each_bag(horizon: Path, tmp_path: Path) -> None:
    done = run("sheets", str(SMALL), str(horizon), "--day", "1", "-o", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    text = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "s").glob("*.md"))
    assert " × " in text  # "2 × rice, ..." under the bags of each door
    missing = run("sheets", str(SMALL), str(horizon), "--day", "9", "-o", str(tmp_path / "t"))
    assert missing.returncode == 2
    assert "day" in missing.stderr


def _broken(tmp_path: Path, change) -> Path:
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["stock"][0].update(item="caviar"), "stock[0].item"),
    (lambda d: d["orders"][0].update(household="nobody"), "orders[0].household"),
    (lambda d: d["compound"]["households"][0].update(stairwell="X-9"),
     "compound.households[0].stairwell"),
    (lambda d: d["catalogue"][0].update(unit_kg=-1), "catalogue[0].unit_kg"),
    (lambda d: d.update(days=0), "days"),
])
def test_bad_cycle_input_names_the_field_and_writes_nothing(tmp_path: Path, change,
                                                            where: str) -> None:
    out = tmp_path / "out"
    done = run("cycle", str(_broken(tmp_path, change)), "-o", str(out), "--quiet")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {where}"), done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_output_that_is_a_file_is_refused_before_planning(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("keep me", encoding="utf-8")
    done = run("cycle", str(SMALL), "-o", str(target), "--quiet")
    assert done.returncode == 2
    assert target.read_text(encoding="utf-8") == "keep me"


def test_days_beyond_the_horizon_is_an_input_error(tmp_path: Path) -> None:
    done = run("cycle", str(SMALL), "-o", str(tmp_path / "o"), "--days", "30", "--quiet")
    assert done.returncode == 2
    assert done.stderr.startswith("error: days")


def test_schema_of_the_cycle_documents() -> None:
    for document in ("cycle", "horizon"):
        done = run("schema", document)
        assert done.returncode == 0
        assert json.loads(done.stdout)["type"] == "object"


def test_a_doorstep_scenario_is_not_a_cycle_and_the_other_way_round(tmp_path: Path) -> None:
    doorstep = DATA / "valid_small.json"
    done = run("cycle", str(doorstep), "-o", str(tmp_path / "o"), "--quiet")
    assert done.returncode == 2
    assert done.stderr.startswith("error: compound: missing: this is a doorstep scenario")
    done = run("plan", str(SMALL), "-o", str(tmp_path / "p.json"), "--quiet")
    assert done.returncode == 2
    assert "supplyroute cycle" in done.stderr


def test_the_first_days_of_a_cycle_plan_and_check(tmp_path: Path) -> None:
    out = tmp_path / "two"
    done = run("cycle", str(SMALL), "-o", str(out), "--days", "2", "--time-limit", "1",
               "--deterministic", "--workers", "1", "--quiet")
    assert done.returncode in (0, 3), done.stderr
    checked = run("check", str(SMALL), str(out))
    assert checked.returncode == 0, checked.stdout
    assert "first 2 of the cycle's 3 days" in checked.stdout

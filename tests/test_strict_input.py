"""Trust everywhere: numbers are numbers (never text, never NaN or infinity) in every
JSON format; messages stay short and one line; a coordinator's residents' names and
phones are never quoted back; the day's events that cannot apply are refused."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest

from supplyroute.errors import InputError
from supplyroute.io import (
    load_cycle_scenario,
    load_district,
    load_district_plan,
    load_horizon,
    load_plan,
    load_scenario,
    read_json,
    validate_document,
)
from supplyroute.models.events import Events
from tests.conftest import ROOT, cli

EXAMPLES = ROOT / "examples"


def _set(doc: Any, path: tuple[str | int, ...], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    here = doc
    for part in path[:-1]:
        here = here[part]
    here[path[-1]] = value
    return doc


def _first_float(doc: Any, loc: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """The path of the first number in a document (depth first)."""
    if isinstance(doc, (int, float)) and not isinstance(doc, bool):
        return loc
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) \
        if isinstance(doc, list) else ()
    for key, value in items:
        found = _first_float(value, (*loc, key))
        if found is not None:
            return found
    return None


def _path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# -- numbers written as text ---------------------------------------------------------

@pytest.mark.parametrize(("path", "value", "said"), [
    (("households", 0, "floor"), "3", "expected a whole number, got text '3'"),
    (("households", 0, "residents"), "12", "expected a whole number, got text '12'"),
    (("buildings", 0, "floors"), "5", "expected a whole number, got text '5'"),
    (("gates", 0, "position", "x"), "0", "expected a number, got text '0'"),
    (("households", 0, "residents"), True, "expected a whole number, not true or false"),
])
def test_a_number_written_as_text_is_refused_with_its_path(
        path: tuple[str | int, ...], value: Any, said: str, tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "nanxiu12.json").read_text(encoding="utf-8"))
    file = tmp_path / "s.json"
    file.write_text(json.dumps(_set(doc, path, value)), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(file)
    assert str(caught.value.first) == f"{_path(path)}: {said}"


def test_times_as_text_and_whole_numbers_as_floats_still_read(tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "nanxiu12.json").read_text(encoding="utf-8"))
    doc = _set(doc, ("volunteers", 0, "shift", "start"), "08:00")
    doc = _set(doc, ("households", 0, "floor"), 3.0)
    file = tmp_path / "s.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    scenario = load_scenario(file)
    assert scenario.households[0].floor == 3 and scenario.volunteers[0].shift.start == 8 * 3600


def test_text_for_a_number_in_a_cycle_scenario_a_district_and_events(tmp_path: Path) -> None:
    cycle = json.loads((EXAMPLES / "bjxilu7-cycle.json").read_text(encoding="utf-8"))
    cycle["days"] = str(cycle["days"])
    file = tmp_path / "c.json"
    file.write_text(json.dumps(cycle), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_cycle_scenario(file)
    assert caught.value.first.path == "days" and "got text" in caught.value.first.reason
    with pytest.raises(InputError) as caught:
        validate_document(Events, {"events": [{"type": "release_changed", "gate": "G",
                                               "release": "0", "bags": 3}]})
    assert caught.value.first.path == "events[0].release"
    assert "got text '0'" in caught.value.first.reason
    district = read_json(EXAMPLES / "district.json")
    for compound in district["compounds"]:  # read from beside the copy
        if isinstance(compound.get("scenario"), str):
            compound["scenario"] = str(EXAMPLES / compound["scenario"])
    loc = _first_float(district.get("vehicles"))
    assert loc is not None
    district["vehicles"] = _set(district["vehicles"], loc, str(_get(district["vehicles"], loc)))
    file = tmp_path / "d.json"
    file.write_text(json.dumps(district), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_district(file)
    assert caught.value.first.path == _path(("vehicles", *loc))


def _get(doc: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        doc = doc[part]
    return doc


# -- NaN and infinity ----------------------------------------------------------------

@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_and_infinity_literals_are_refused_with_their_path(
        literal: str, tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "nanxiu12.json").read_text(encoding="utf-8"))
    doc = _set(doc, ("households", 1, "bags"), [{"kind": "x", "weight_kg": 12345.5}])
    file = tmp_path / "s.json"
    file.write_text(json.dumps(doc).replace("12345.5", literal), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_json(file)
    assert caught.value.first.path == "households[1].bags[0].weight_kg"
    assert "finite" in caught.value.first.reason


def _plans(tmp_path: Path) -> dict[str, tuple[Path, Any]]:
    """A plan, a horizon and a district plan of the examples (as read back)."""
    from tests.conftest import DATA  # noqa: F401 - the examples' folder is there

    plan = tmp_path / "plan.json"
    assert cli("plan", str(EXAMPLES / "nanxiu12.json"), "--deterministic", "--quiet",
               "--time-limit", "2", "-o", str(plan)).returncode == 0
    return {"plan": (plan, load_plan)}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "Infinity"])
def test_a_plan_with_a_figure_that_is_not_finite_is_refused(bad: Any, tmp_path: Path) -> None:
    for name, (file, loader) in _plans(tmp_path).items():
        doc = read_json(file)
        for loc in (("summary", "makespan_s"), ("volunteers", 0, "busy_s")):
            broken = tmp_path / f"{name}-broken.json"
            broken.write_text(json.dumps(_set(doc, loc, bad)), encoding="utf-8")
            with pytest.raises(InputError) as caught:
                loader(broken)
            assert caught.value.first.path == _path(loc), caught.value


def test_check_refuses_a_nan_makespan(tmp_path: Path) -> None:
    plan = _plans(tmp_path)["plan"][0]
    doc = read_json(plan)
    plan.write_text(json.dumps(_set(doc, ("summary", "makespan_s"), float("nan"))))
    done = cli("check", str(EXAMPLES / "nanxiu12.json"), str(plan))
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("error: summary.makespan_s: expected a finite number")


def test_every_model_refuses_nan() -> None:
    """Every pydantic model of a document the tool reads or writes refuses NaN."""
    import supplyroute.models as models
    from supplyroute.models import cycle, district, district_plan, events, horizon, plan

    seen = 0
    for module in (models, cycle, district, district_plan, events, horizon, plan):
        for value in vars(module).values():
            if isinstance(value, type) and hasattr(value, "model_config") \
                    and value.__module__.startswith("supplyroute.models"):
                assert value.model_config.get("allow_inf_nan") is False, value
                seen += 1
    assert seen > 30


@pytest.mark.parametrize("loader", [load_horizon, load_district_plan])
def test_horizon_and_district_plans_refuse_nan_where_a_figure_is(
        loader: Any, tmp_path: Path) -> None:
    file = tmp_path / "doc.json"
    file.write_text('{"summary": {"makespan_s": NaN}}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        loader(file)
    assert caught.value.first.path == "summary.makespan_s"


# -- messages short and one line -------------------------------------------------------

def test_a_megabyte_id_is_cut_in_the_message(tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "nanxiu12.json").read_text(encoding="utf-8"))
    doc["households"][0]["stairwell"] = "x" * 1_000_000 + "\n\x1b[31m"
    file = tmp_path / "s.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    done = cli("validate", str(file))
    assert done.returncode == 2
    assert len(done.stderr) < 500 and done.stderr.count("\n") == 1, done.stderr[:300]
    assert "…" in done.stderr and "\x1b" not in done.stderr


def test_json_nested_a_thousand_deep_is_said_to_be_so(tmp_path: Path) -> None:
    file = tmp_path / "deep.json"
    file.write_text('{"households": ' + "[" * 100_000 + "]" * 100_000 + "}")
    done = cli("validate", str(file))
    assert done.returncode == 2
    assert done.stderr.startswith("error: $: JSON nested too deeply"), done.stderr


# -- events that cannot apply --------------------------------------------------------

@pytest.fixture(scope="module")
def kandan_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = tmp_path_factory.mktemp("kandan") / "plan.json"
    assert cli("plan", str(EXAMPLES / "kandan576.json"), "--method", "manual", "--quiet",
               "--deterministic", "-o", str(plan)).returncode in (0, 3)
    return plan


@pytest.mark.parametrize(("event", "path", "said"), [
    ({"type": "volunteer_joins", "volunteer": {"id": "NEW", "gate": "G1", "shift": {
        "start": "11:00", "end": "10:30"}}}, "events[0].volunteer.shift",
     "ends 10:30 before it starts 11:00"),
    ({"type": "volunteer_joins", "volunteer": {"id": "NEW", "gate": "G1", "shift": {
        "start": "07:00", "end": "09:00"}}}, "events[0].volunteer.shift.end",
     "before the replan's time"),
    ({"type": "urgent_order", "household": "B1-1-0101", "deadline": "09:00"},
     "events[0].deadline", "before the replan's time"),
])
def test_an_event_that_cannot_apply_is_refused_with_its_path(
        event: dict[str, Any], path: str, said: str, kandan_plan: Path,
        tmp_path: Path) -> None:
    scenario = read_json(EXAMPLES / "kandan576.json")
    event = json.loads(json.dumps(event).replace('"G1"', json.dumps(scenario["gates"][0]["id"]))
                       .replace("B1-1-0101", scenario["households"][0]["id"]))
    events = tmp_path / "events.json"
    events.write_text(json.dumps({"events": [event]}), encoding="utf-8")
    done = cli("replan", str(EXAMPLES / "kandan576.json"), str(kandan_plan), "--at", "10:00",
               "--events", str(events), "--quiet", "-o", str(tmp_path / "re.json"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: {path}: ") and said in done.stderr, done.stderr
    assert not (tmp_path / "re.json").exists()


# -- names and phones in the wrong column of a coordinator's spreadsheet -------------

def _csv(path: Path, rows: list[list[str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return str(path)


@pytest.mark.parametrize(("residents", "shown", "hidden"), [
    ("13900000001", "'1390000****'", "13900000001"),
    ("周测甲", "looks like a name", "周测甲"),
    ("Wang Fang", "looks like a name", "Wang Fang"),
    ("lots", "'lots'", None),
])
def test_a_phone_or_a_name_in_the_residents_column_is_not_quoted(
        residents: str, shown: str, hidden: str | None, tmp_path: Path) -> None:
    layout = _csv(tmp_path / "layout.csv", [["类型", "编号", "层数", "单元数", "x", "y"],
                                            ["楼栋", "1", "6", "1", "20", "30"],
                                            ["大门", "G", "", "", "0", "0"]])
    ledger = _csv(tmp_path / "ledger.csv", [["地址", "人数", "姓名", "电话"],
                                            ["1号楼1单元101室", "2", "赵测乙", "13800000002"],
                                            ["1号楼1单元201室", residents, "", ""]])
    roster = _csv(tmp_path / "roster.csv", [["编号", "开始", "结束"], ["V1", "08:00", "12:00"]])
    done = cli("import", "--layout", layout, "--ledger", ledger, "--roster", roster,
               "-o", str(tmp_path / "s.json"))
    assert done.returncode == 2, done.stderr
    assert f"{ledger}:row 3:column 人数: " in done.stderr
    assert shown in done.stderr, done.stderr
    if hidden is not None:
        assert hidden not in done.stderr
    assert "13800000002" not in done.stderr and "赵测乙" not in done.stderr

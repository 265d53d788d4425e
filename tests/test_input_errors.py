"""Bad input: exit 2, one line naming the JSON path and the reason, no traceback, and
no output file; one file per kind of error in tests/data/invalid."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supplyroute import InputError, load_scenario
from supplyroute.cli import main
from supplyroute.io import load_plan, validate_document
from tests.conftest import DATA, ROOT, cli

INVALID = DATA / "invalid"
EXPECTED: dict[str, str] = json.loads((INVALID / "expected.json").read_text())
CASES = sorted(p for p in INVALID.glob("*.json") if p.name != "expected.json")


def test_every_kind_of_error_has_a_file_and_an_expected_path() -> None:
    assert len(CASES) >= 20
    assert {p.stem for p in CASES} == set(EXPECTED)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m supplyroute ARGS`` in a process of its own."""
    return subprocess.run([sys.executable, "-m", "supplyroute", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def assert_refused(code: int, stderr: str, name: str) -> None:
    """Exit 2 and one line on standard error naming the JSON path, no traceback."""
    assert code == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {EXPECTED[name]}"), lines[0]
    assert "Traceback" not in stderr


#: The cases also run in a real process in the default run (every case is, in the slow
#: twin below): undecodable bytes, a recursion limit, a reference error.
IN_A_PROCESS = ("not_utf8", "deeply_nested_json", "unknown_stairwell")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_plan_refuses_bad_input(path: Path, tmp_path: Path) -> None:
    done = cli("plan", str(path), "-o", str(tmp_path / "plan.json"), "--quiet",
               "--time-limit", "2")
    assert_refused(done.returncode, done.stderr, path.stem)
    assert not (tmp_path / "plan.json").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_validate_refuses_bad_input(path: Path) -> None:
    done = cli("validate", str(path))
    assert_refused(done.returncode, done.stderr, path.stem)
    assert done.stdout == ""


def _plan_in_a_process(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = run("plan", str(path), "-o", str(out), "--quiet", "--time-limit", "2")
    assert_refused(done.returncode, done.stderr, path.stem)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def _validate_in_a_process(path: Path) -> None:
    done = run("validate", str(path))
    assert_refused(done.returncode, done.stderr, path.stem)
    assert done.stdout == ""


@pytest.mark.parametrize("name", IN_A_PROCESS)
def test_plan_and_validate_refuse_bad_input_in_a_process(name: str, tmp_path: Path) -> None:
    _plan_in_a_process(INVALID / f"{name}.json", tmp_path)
    _validate_in_a_process(INVALID / f"{name}.json")


@pytest.mark.slow  # about 70 s: two interpreters start for each of the 56 cases
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_bad_input_is_refused_in_a_process(path: Path, tmp_path: Path) -> None:
    _plan_in_a_process(path, tmp_path)
    _validate_in_a_process(path)


def test_valid_file_validates() -> None:
    done = run("validate", str(DATA / "valid_small.json"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: valid-small: 8 households")


def test_valid_file_plans(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = cli("plan", str(DATA / "valid_small.json"), "-o", str(out), "--quiet",
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


# --- Rejections in the user's words -------------------------------------------------

#: What a message must never say: pydantic's phrasing, or the program's insides.
PYDANTIC_WORDS = ("Input should", "instance of", "valid tuple", "valid dictionary",
                  "pydantic", "Value error", "function-", "Field required",
                  "Extra inputs")


def _class_names() -> set[str]:
    """Every class a scenario, cycle scenario or plan is made of, and Python's own types."""
    import inspect

    from supplyroute.models import cycle, horizon, plan, scenario

    names = {"dict", "tuple", "NoneType", "str", "int", "float", "bool"}
    for module in (scenario, cycle, plan, horizon):
        names |= {n for n, c in vars(module).items()
                  if inspect.isclass(c) and c.__module__ == module.__name__}
    return names


CLASS_NAMES = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _class_names()))) + r")\b")

#: Wrong JSON at a path: an array, an object, text, numbers, null, true.
WRONG: tuple[Any, ...] = ([], {}, "x", 7, 2.5, -1, None, True, [{"a": 1}], {"id": []})


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into a document (the first two items of each list are enough)."""
    yield prefix
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc[:2]):
            yield from _paths(value, (*prefix, i))


def _with(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``doc`` with ``value`` at ``path``: copies only what lies on the path."""
    if not path:
        return value
    head, *rest = path
    out = list(doc) if isinstance(doc, list) else dict(doc)
    out[head] = _with(doc[head], tuple(rest), value) if rest else value
    return out


def _mutants(doc: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for path in _paths(doc):
        for value in WRONG:
            yield path, value
    for path in _paths(doc):  # an unknown field in every object
        here = doc
        for part in path:
            here = here[part]
        if isinstance(here, dict):
            yield path, {**here, "flat": "3-2"}
    if "volunteers" not in doc:
        return
    yield ("households", 0, "priority"), "soon"
    yield ("households", 0, "risk"), "purple"
    yield ("households", 0, "delivery"), "window"
    yield ("volunteers", 0, "role"), "driver"
    yield ("households", 0, "floor"), "3rd"
    yield ("volunteers", 0, "shift", "start"), "8h00"


@pytest.mark.parametrize("name", ["nanxiu12", "bjxilu7", "bjxilu7-cycle"])
def test_every_rejection_speaks_the_users_words(name: str) -> None:
    from supplyroute.models.cycle import CycleScenario
    from supplyroute.models.scenario import Scenario

    model = CycleScenario if name.endswith("-cycle") else Scenario
    doc = json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))
    refused = 0
    for path, value in _mutants(doc):
        try:
            validate_document(model, _with(doc, path, value))
        except InputError as exc:
            refused += 1
            assert exc.issues
            for issue in exc.issues:
                said = f"{path} = {value!r}: {issue}"
                assert issue.path and issue.reason, said
                assert not any(w in issue.reason for w in PYDANTIC_WORDS), said
                assert not CLASS_NAMES.search(issue.reason), said
                assert re.fullmatch(r"\$|[a-z_]+(\[\d+\]|\.[a-z_]+)*", issue.path), said
    assert refused > 400


@pytest.mark.parametrize(("value", "path", "said"), [
    ({}, "gates", "expected a list (JSON array)"),
    ([], "gates[0]", "expected an object with the fields of a gate"),
    ("x", "gates[0].position", "expected an object with the fields of a position"),
    ("x", "households[0].floor", "expected a whole number, got text 'x'"),
    (2.5, "households[0].floor", "expected a whole number, got 2.5"),
    ("x", "households[0].bags[0].weight_kg", "expected a number, got text 'x'"),
    (3, "households[0].stairwell", "expected text"),
    ("x", "buildings[0].lift", "expected true or false"),
    (None, "households[0].floor", "expected a whole number"),
    ("soon", "households[0].priority", "expected one of 'urgent', 'vulnerable', 'standard'"),
    (-1, "buildings[0].floors", "must be at least 1"),
    ([], "households[0].bags", "must not be empty"),
])
def test_plain_messages(value: Any, path: str, said: str) -> None:
    doc = json.loads((ROOT / "examples" / "nanxiu12.json").read_text(encoding="utf-8"))
    parts = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[a-z_]+|\d+", path))
    with pytest.raises(InputError) as caught:
        load_doc(_with(doc, parts, value))
    assert str(caught.value.first) == f"{path}: {said}"


def load_doc(doc: Any) -> Any:
    from supplyroute.models.scenario import Scenario

    return validate_document(Scenario, doc)


def test_unknown_and_missing_fields_say_so() -> None:
    doc = json.loads((ROOT / "examples" / "nanxiu12.json").read_text(encoding="utf-8"))
    with pytest.raises(InputError) as caught:
        load_doc(_with(doc, ("households", 0), {**doc["households"][0], "flat": "3-2"}))
    assert str(caught.value.first) == "households[0].flat: unknown field"
    household = {k: v for k, v in doc["households"][0].items() if k != "floor"}
    with pytest.raises(InputError) as caught:
        load_doc(_with(doc, ("households", 0), household))
    assert str(caught.value.first) == "households[0].floor: missing"
    with pytest.raises(InputError) as caught:
        load_doc([doc])
    assert str(caught.value.first) == "$: expected an object with the fields of a scenario"


def test_noun_of_a_model_in_lower_case_words() -> None:
    from supplyroute.io import _noun

    assert _noun("Gate") == "a gate"
    assert _noun("WalkwayEdge") == "a walkway edge"
    assert _noun("Item") == "an item"
    assert _noun("HouseholdCycle") == "a household cycle"


# --- A byte-order mark, true/false for numbers ----------------------------------------

def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "nanxiu12.json").read_text(encoding="utf-8")
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_scenario(path).name == "nanxiu12"
    out = tmp_path / "plan.json"
    assert main(["plan", str(path), "--time-limit", "2", "--deterministic", "--quiet",
                 "-o", str(out)]) == 0
    plan_text = out.read_text(encoding="utf-8")
    out.write_bytes(b"\xef\xbb\xbf" + plan_text.encode("utf-8"))
    assert load_plan(out).scenario == "nanxiu12"


@pytest.mark.parametrize(("path", "value"), [
    (("households", 0, "floor"), True),
    (("households", 0, "residents"), False),
    (("parameters", "walk_speed_mps"), True),
    (("parameters", "hand_capacity_bags"), True),
    (("households", 0, "bags", 0, "weight_kg"), True),
    (("gates", 0, "position", "x"), False),
    (("volunteers", 0, "walk_speed_mps"), True),
    (("volunteers", 0, "shift", "start"), True),
    (("households", 0, "deadline"), False),
    (("buildings", 0, "floors"), True),
])
def test_true_or_false_is_not_a_number(path: tuple[Any, ...], value: bool) -> None:
    doc = json.loads((ROOT / "examples" / "nanxiu12.json").read_text(encoding="utf-8"))
    doc.setdefault("parameters", {})
    with pytest.raises(InputError) as caught:
        load_doc(_with(doc, path, value))
    where = ".".join(str(p) for p in path).replace(".0", "[0]")
    assert caught.value.first.path == where
    assert "true or false" in caught.value.first.reason


def test_whole_numbers_written_with_a_point_are_still_whole() -> None:
    doc = json.loads((ROOT / "examples" / "nanxiu12.json").read_text(encoding="utf-8"))
    doc = _with(doc, ("households", 0, "floor"), 2.0)
    doc = _with(doc, ("buildings", 0, "floors"), 5.0)
    scenario = load_doc(doc)
    assert scenario.households[0].floor == 2 and isinstance(scenario.households[0].floor, int)


# --- Impossible numbers: invalid input or a plan, never an internal error ------------

def _geographic(doc: dict[str, Any], gate_lon: float, entrance_lon: float) -> dict[str, Any]:
    """nanxiu12 on a globe: the gate at ``gate_lon``, the entrances at ``entrance_lon``,
    some 30 m apart north-south."""
    doc = _with(doc, ("gates", 0, "position"), {"lat": -16.5, "lon": gate_lon})
    for b_i, building in enumerate(doc["buildings"]):
        for s_i, _ in enumerate(building["stairwells"]):
            doc = _with(doc, ("buildings", b_i, "stairwells", s_i, "entrance"),
                        {"lat": -16.5 + 0.0003 * (b_i + 1), "lon": entrance_lon})
    return doc


def _impossible(name: str, doc: dict[str, Any]) -> dict[str, Any]:
    doc = {**doc, "parameters": dict(doc.get("parameters", {}))}
    cart = {"capacity_bags": 8, "capacity_kg": 80, "speed_mps": 1e-9}
    slowest = {"stair_up_s_per_floor": 600, "stair_down_s_per_floor": 600, "handover_s": 3600,
               "load_s": 7200, "detour_factor": 5, "walk_speed_mps": 0.05}
    changes: dict[str, tuple[tuple[Any, ...], Any]] = {
        "walk_speed_tiny": (("parameters", "walk_speed_mps"), 1e-9),
        "cart_speed_param_tiny": (("parameters", "cart_speed_mps"), 1e-9),
        "volunteer_speed_tiny": (("volunteers", 0, "walk_speed_mps"), 1e-9),
        "cart_speed_tiny": (("volunteers", 0, "cart"), cart),
        "floor_huge": (("households", 0, "floor"), 10**9),
        "floors_huge": (("buildings", 0, "floors"), 10**9),
        "shift_end_huge": (("volunteers", 0, "shift", "end"), 1e12),
        "shift_a_week": (("volunteers", 0, "shift"), {"start": 0, "end": 7 * 86400}),
        "release_bags_huge": (("gates", 0, "releases"), [{"at": "08:00", "bags": 10**12}]),
        "slowest_everything": (("parameters",), slowest),
        "far_apart": (("gates", 0, "position"), {"x": -1e7, "y": -1e7}),
        "nan_floor": (("households", 0, "floor"), float("nan")),
        "nan_coordinate": (("gates", 0, "position", "x"), float("nan")),
        "infinite_speed": (("parameters", "walk_speed_mps"), float("inf")),
        "minus_infinite_weight": (("households", 0, "bags", 0, "weight_kg"), float("-inf")),
        "nan_time": (("volunteers", 0, "shift", "start"), float("nan")),
        "infinite_deadline": (("households", 0, "deadline"), float("inf")),
    }
    if name == "tallest_stairs":
        doc = {**doc, "parameters": slowest}
        for b_i, _ in enumerate(doc["buildings"]):
            doc = _with(doc, ("buildings", b_i, "floors"), 200)
        for h_i, _ in enumerate(doc["households"]):
            doc = _with(doc, ("households", h_i, "floor"), 200)
        return doc
    if name == "across_the_180th_meridian":
        return _geographic(doc, 179.9999, -179.9999)
    if name == "geographic_far_apart":
        return _geographic(doc, 170.0, -100.0)
    path, value = changes[name]
    return _with(doc, path, value)


#: The cases refused, each with the field its message names.
REFUSED = {
    "walk_speed_tiny": "parameters.walk_speed_mps", "volunteer_speed_tiny":
    "volunteers[0].walk_speed_mps", "cart_speed_tiny": "volunteers[0].cart.speed_mps",
    "cart_speed_param_tiny": "parameters.cart_speed_mps",
    "floor_huge": "households[0].floor", "floors_huge": "buildings[0].floors",
    "shift_end_huge": "volunteers[0].shift.end", "far_apart": "gates[0].position",
    "nan_floor": "households[0].floor", "nan_coordinate": "gates[0].position.x",
    "infinite_speed": "parameters.walk_speed_mps",
    "minus_infinite_weight": "households[0].bags[0].weight_kg",
    "nan_time": "volunteers[0].shift.start", "infinite_deadline": "households[0].deadline",
    "geographic_far_apart": "gates[0].position",
}
PLANNED = ("shift_a_week", "release_bags_huge", "slowest_everything", "tallest_stairs",
           "across_the_180th_meridian")


@pytest.mark.parametrize("name", [*REFUSED, *PLANNED])
def test_impossible_numbers_are_invalid_input_or_a_plan(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads((ROOT / "examples" / "nanxiu12.json").read_text(encoding="utf-8"))
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(_impossible(name, doc)), encoding="utf-8")  # NaN as NaN
    out = tmp_path / "out.json"
    code = main(["plan", str(path), "--time-limit", "2", "--quiet", "-o", str(out)])
    err = capsys.readouterr().err
    assert code in (0, 2, 3), err
    if name in REFUSED:
        assert code == 2 and err.startswith(f"error: {REFUSED[name]}"), err
    else:
        assert code in (0, 3) and out.exists(), err


def test_a_compound_across_the_180th_meridian_plans_as_one_beside_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads((ROOT / "examples" / "nanxiu12.json").read_text(encoding="utf-8"))
    makespans = []
    for gate_lon, entrance_lon in ((179.9999, -179.9999), (179.9997, 179.9999)):
        path = tmp_path / "scenario.json"
        path.write_text(json.dumps(_geographic(doc, gate_lon, entrance_lon)))
        out = tmp_path / "plan.json"
        assert main(["plan", str(path), "--time-limit", "2", "--deterministic", "--quiet",
                     "-o", str(out)]) == 0, capsys.readouterr().err
        assert main(["check", str(path), str(out)]) == 0, capsys.readouterr().err
        makespans.append(json.loads(out.read_text())["summary"]["makespan_s"])
    assert makespans[0] == pytest.approx(makespans[1], rel=1e-3)

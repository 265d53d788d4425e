"""The command line: exit codes, atomic output, determinism, the check command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from supplyroute.cli import main
from tests.conftest import DATA, ROOT, cli

INFEASIBLE = DATA / "infeasible.json"
NANXIU = ROOT / "examples" / "nanxiu12.json"


#: The command in this process (see ``tests.conftest.cli``); the tests below are about
#: what it does, not about the process it runs in.
run = cli


def in_a_process(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_plan_then_check_round_trip(tmp_path: Path) -> None:
    # In real processes: the installed ``supplyroute`` script, then ``python -m``.
    out = tmp_path / "plan.json"
    script = Path(sys.executable).with_name("supplyroute")
    done = in_a_process(str(script), "plan", str(NANXIU), "-o", str(out), "--time-limit", "5",
                        "--quiet")
    assert done.returncode == 0, done.stderr
    assert "makespan" in done.stdout
    assert done.stderr == ""
    checked = in_a_process(sys.executable, "-m", "supplyroute", "check", str(NANXIU), str(out))
    assert checked.returncode == 0, checked.stdout
    assert "0 violations" in checked.stdout


def test_progress_goes_to_stderr(tmp_path: Path) -> None:
    done = run("plan", str(NANXIU), "-o", str(tmp_path / "p.json"), "--time-limit", "5")
    assert done.returncode == 0
    assert "lower bound" in done.stderr and "done" in done.stderr


def test_infeasible_scenario_writes_partial_plan_and_exits_3(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = run("plan", str(INFEASIBLE), "-o", str(out), "--quiet", "--time-limit", "5",
               "--deterministic")
    assert done.returncode == 3, done.stderr
    result = json.loads(out.read_text())
    reasons = {u["household"]: u["reason"] for u in result["unserved"]}
    assert reasons["B1-1-0101"] == "deadline_unreachable"
    assert "no_volunteer_time" in reasons.values()
    scenario = json.loads(INFEASIBLE.read_text())
    served = {d["household"] for d in result["deliveries"]}
    assert served | set(reasons) == {h["id"] for h in scenario["households"]}
    assert run("check", str(INFEASIBLE), str(out)).returncode == 0


def test_check_lists_violations_and_exits_4(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert run("plan", str(NANXIU), "-o", str(out), "--quiet").returncode == 0
    result = json.loads(out.read_text())
    result["volunteers"][0]["trips"][0]["return_s"] -= 100
    result["summary"]["makespan_s"] += 1
    out.write_text(json.dumps(result))
    checked = run("check", str(NANXIU), str(out))
    assert checked.returncode == 4
    assert "timing:" in checked.stdout and "summary:" in checked.stdout


def test_deterministic_plans_are_byte_identical(tmp_path: Path) -> None:
    scenario = DATA / "valid_small.json"
    if not scenario.exists():
        scenario = NANXIU
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    for path in paths:  # in two processes: another hash seed each, no shared state
        done = in_a_process(sys.executable, "-m", "supplyroute", "plan", str(scenario), "-o",
                            str(path), "--deterministic", "--quiet", "--time-limit", "1")
        assert done.returncode in (0, 3), done.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert json.loads(paths[0].read_text())["summary"]["solve_s"] is None


def test_heuristic_plans_are_deterministic_in_process(tmp_path: Path) -> None:
    # The same through main(): no hidden state between two calls in one process.
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        assert main(["plan", str(INFEASIBLE), "-o", str(out), "--deterministic", "--quiet",
                     "--time-limit", "1"]) == 3
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_schema_commands() -> None:
    for doc in ("scenario", "plan"):
        done = run("schema", doc)
        assert done.returncode == 0
        schema = json.loads(done.stdout)
        assert "properties" in schema


def test_unknown_file_is_invalid_input(tmp_path: Path) -> None:
    done = run("plan", str(tmp_path / "nope.json"), "-o", str(tmp_path / "p.json"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: $: cannot read")
    assert not (tmp_path / "p.json").exists()


def test_plan_for_another_scenario_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert run("plan", str(NANXIU), "-o", str(out), "--quiet").returncode == 0
    done = run("sheets", str(INFEASIBLE), str(out), "-o", str(tmp_path / "sheets"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: scenario: the plan is for scenario")

"""Files a coordinator is handed can be trusted: ``check`` refuses doctored claims and
plans for another scenario; Ctrl-C, closed pipes and odd output paths end cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from supplyroute.checks import RoundRule, check, verify_claims
from supplyroute.cli import main
from supplyroute.io import load_scenario, validate_document
from supplyroute.models import Plan
from supplyroute.models.digest import scenario_sha256
from tests.conftest import ROOT, ExamplePlan

NANXIU = ROOT / "examples" / "nanxiu12.json"
BJXILU = ROOT / "examples" / "bjxilu7.json"
KANDAN = ROOT / "examples" / "kandan576.json"


@pytest.fixture(scope="module")
def bjxilu(example_plan: ExamplePlan) -> tuple:
    scenario, made = example_plan("bjxilu7")
    assert check(scenario, made) == []
    assert verify_claims(scenario, made) == ([], [])
    return scenario, made


def doctored(made: Plan, **summary: object) -> Plan:
    data = made.model_dump(mode="json")
    data["summary"].update(summary)
    return validate_document(Plan, data)


def kinds(scenario, doctored_plan: Plan) -> dict[str, str]:
    """Each refused field's path and the kind of rule it breaks."""
    found = check(scenario, doctored_plan) + verify_claims(scenario, doctored_plan)[0]
    return {v.path: v.rule.value for v in found}


def test_the_doctored_summary_of_the_issue_is_refused_field_by_field(bjxilu) -> None:
    scenario, made = bjxilu
    sm = made.summary
    assert sm.deadlines_met > 0
    bad = doctored(made, lower_bound_s=sm.makespan_s, gap=0.0, proven_optimal=True,
                   deadlines_met=0, bags_delivered=5, walk_m=1.0)
    refused = kinds(scenario, bad)
    assert refused["summary.lower_bound_s"] == "claim"
    assert refused["summary.proven_optimal"] == "claim"  # 90 households: beyond the search
    for field in ("deadlines_met", "bags_delivered", "walk_m"):
        assert refused[f"summary.{field}"] == "summary"


def test_a_bound_above_the_plans_own_makespan_is_no_bound(bjxilu) -> None:
    scenario, made = bjxilu
    raised = made.summary.makespan_s + 60
    bad = doctored(made, lower_bound_s=raised, gap=round(made.summary.makespan_s / raised - 1, 5))
    assert {v.rule for v in check(scenario, bad)} == {RoundRule.CLAIM}


def test_proven_optimal_is_checked_by_running_the_search_again(
        example_plan: ExamplePlan) -> None:
    scenario, made = example_plan("nanxiu12")
    assert made.summary.proven_optimal and verify_claims(scenario, made) == ([], [])
    # A longer round that still claims to be optimal: the search finds the shorter one.
    slower = doctored(made, makespan_s=made.summary.makespan_s + 300)
    assert "summary.proven_optimal" in kinds(scenario, slower)
    for method in ("manual",):
        assert kinds(scenario, doctored(made, method=method))["summary.proven_optimal"] == "claim"
    assert kinds(scenario, doctored(made, interrupted=True))["summary.proven_optimal"] == "claim"


def test_a_plan_knows_the_scenario_it_was_made_for(bjxilu, tmp_path: Path) -> None:
    scenario, made = bjxilu
    assert made.scenario_sha256 == scenario_sha256(scenario)
    # The same content in another layout is the same scenario...
    data = json.loads(BJXILU.read_text(encoding="utf-8"))
    relaid = tmp_path / "relaid.json"
    relaid.write_text(json.dumps(data, indent=None, sort_keys=True), encoding="utf-8")
    assert check(load_scenario(relaid), made) == []
    # ...one volunteer's shift an hour shorter is not.
    data["volunteers"][0]["shift"]["end"] = "16:00"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(made.model_dump_json(), encoding="utf-8")
    assert [v.path for v in check(load_scenario(edited), made)][0] == "scenario_sha256"
    assert main(["check", str(edited), str(plan_file)]) == 4
    assert main(["check", str(NANXIU), str(plan_file)]) == 4  # another scenario entirely


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "supplyroute", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300, **kwargs)


def test_ctrl_c_writes_the_best_plan_so_far_marked_interrupted(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "supplyroute", "plan", str(KANDAN), "-o", str(out),
         "--time-limit", "120"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until the search has a plan to hand over
        if "work shared out" in line:
            break
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert time.monotonic() - started < 100  # it stopped, not ran out its 120 s
    made = Plan.model_validate_json(out.read_text(encoding="utf-8"))
    assert made.summary.interrupted and not made.summary.proven_optimal
    assert check(load_scenario(KANDAN), made) == []
    assert "interrupted" in stdout


def test_dash_is_standard_output_and_files_get_the_users_umask(tmp_path: Path) -> None:
    done = run("plan", str(NANXIU), "-o", "-", "--quiet", "--time-limit", "2")
    assert done.returncode == 0
    assert Plan.model_validate_json(done.stdout).scenario == "nanxiu12"
    assert not (ROOT / "-").exists()
    out = tmp_path / "plan.json"
    assert run("plan", str(NANXIU), "-o", str(out), "--quiet", "--time-limit", "2").returncode == 0
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_closed_pipe_ends_quietly() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "supplyroute", "plan", str(BJXILU),
                             "--quiet", "--time-limit", "2"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "Error" not in stderr and "Traceback" not in stderr

"""Relay rounds from the command line: plan, check and sheets; modes that do not apply
are refused with the field named."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT
from tests.conftest import cli as run

BJXILU = ROOT / "examples" / "bjxilu7.json"


def test_relay_plan_checks_and_has_sheets(tmp_path: Path) -> None:
    out = tmp_path / "relay.json"
    done = run("plan", str(BJXILU), "--mode", "relay", "--time-limit", "3",
               "--deterministic", "-o", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "relay mode" in done.stdout and "climbs" in done.stdout
    plan = json.loads(out.read_text())
    assert plan["summary"]["mode"] == "relay"
    assert plan["summary"]["bound"] in {"relay-work-lp", "single-parcel", "release-pool"}
    checked = run("check", str(BJXILU), str(out))
    assert checked.returncode == 0, checked.stdout
    sheets = run("sheets", str(BJXILU), str(out), "-o", str(tmp_path / "sheets"),
                 "--lang", "zh")
    assert sheets.returncode == 0, sheets.stderr
    climbers = [vp["volunteer"] for vp in plan["volunteers"] if vp["climbs"]]
    assert climbers
    assert any(climbers[0] in p.name for p in (tmp_path / "sheets").iterdir())


def test_auto_names_both_modes(tmp_path: Path) -> None:
    out = tmp_path / "auto.json"
    done = run("plan", str(BJXILU), "--mode", "auto", "--time-limit", "4",
               "--deterministic", "-o", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    summary = json.loads(out.read_text())["summary"]
    assert set(summary["mode_makespans_s"]) == {"carry", "relay"}
    assert summary["makespan_s"] == min(summary["mode_makespans_s"].values())
    assert "modes" in done.stdout and f"kept {summary['mode']}" in done.stdout


def test_relay_refused_where_the_scenario_forbids_it(tmp_path: Path) -> None:
    scenario = json.loads(BJXILU.read_text())
    scenario["relay"] = False
    path = tmp_path / "no-relay.json"
    path.write_text(json.dumps(scenario))
    out = tmp_path / "plan.json"
    done = run("plan", str(path), "--mode", "relay", "-o", str(out))
    assert done.returncode == 2
    assert "relay:" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    auto = run("plan", str(path), "--mode", "auto", "--time-limit", "2", "--deterministic",
               "-o", str(out), "--quiet")
    assert auto.returncode == 0, auto.stderr
    assert json.loads(out.read_text())["summary"]["mode"] == "carry"


def test_by_hand_plans_carry_rounds_only(tmp_path: Path) -> None:
    done = run("plan", str(BJXILU), "--method", "manual", "--mode", "relay",
               "-o", str(tmp_path / "p.json"))
    assert done.returncode == 2
    assert "--mode" in done.stderr

"""The examples from the reports: plans pass the checker, deadlines are met, the small
ones are optimal, and the generator reproduces the committed files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from supplyroute import PlanOptions, check, load_scenario, plan
from tests.conftest import ROOT, ExamplePlan
from tests.test_exact import brute_force_makespan

EXAMPLES = ROOT / "examples"


@pytest.mark.slow  # about 4 minutes: the brute force enumerates every assignment
def test_nanxiu12_is_planned_optimally() -> None:
    scenario = load_scenario(EXAMPLES / "nanxiu12.json")
    result = plan(scenario, PlanOptions(deterministic=True))
    assert check(scenario, result) == []
    assert result.summary.proven_optimal
    optimum = brute_force_makespan(scenario)
    assert result.summary.makespan_s == pytest.approx(optimum, abs=0.05)
    assert result.summary.lower_bound_s <= optimum


@pytest.mark.parametrize("name", ["bjxilu7", "kandan576"])
def test_example_plans_are_sound(name: str, example_plan: ExamplePlan) -> None:
    for method in ("optimized", "manual"):
        scenario, result = example_plan(name, method=method)
        assert check(scenario, result) == []
        assert result.summary.lower_bound_s <= result.summary.makespan_s or result.unserved
        if method == "optimized":
            assert not result.unserved
            assert result.summary.deadlines_met == result.summary.deadlines_total
            vulnerable = [d for d in result.deliveries if d.priority == "vulnerable"]
            assert vulnerable and all(d.delivered_s for d in vulnerable)


def test_generator_reproduces_the_examples(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(EXAMPLES / "generate.py"), "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for path in sorted(tmp_path.glob("*.json")):
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), path.name

"""The supply-cycle examples: the generator reproduces the committed files, and both
load as cycle scenarios."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from supplyroute.io import load_cycle_scenario
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"
CYCLES = ["kandan576-cycle", "bjxilu7-cycle"]


def test_cycle_generator_reproduces_the_examples(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(EXAMPLES / "generate_cycles.py"), "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(f"{n}.json" for n in CYCLES)
    for path in sorted(tmp_path.glob("*.json")):
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", CYCLES)
def test_cycle_examples_load(name: str) -> None:
    cycle = load_cycle_scenario(EXAMPLES / f"{name}.json")
    assert cycle.days == 14
    assert all(g.releases == () for g in cycle.compound.gates)
    assert all(h.bags is None for h in cycle.compound.households)
    seriously_ill = [h.id for h in cycle.compound.households if "seriously_ill" in h.needs]
    assert len(seriously_ill) == 2 and all(cycle.cycle_of(h) == 1 for h in seriously_ill)

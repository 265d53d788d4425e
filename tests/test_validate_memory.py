"""Validation stays linear in the compound: ``supplyroute validate`` of four times the
households needs about four times the memory, not sixteen (issue 29: 200,000
households took 14.5 GB when it built the walking distances between all stairwells).

Measured with tracemalloc (allocations, not the clock), so the check does not depend
on the machine's load; ``benchmarks/validate_memory.py`` measures time and resident
memory of the real command at full size.
"""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path
from typing import Any

from supplyroute.generate import GATE, CompoundSpec, building, generate, households, volunteer
from tests.conftest import cli

STAIRWELLS_PER_BUILDING = 8


def _many_stairwells(n: int) -> dict[str, Any]:
    """A compound of ``n`` households in walk-ups of two floors (four flats a
    stairwell): stairwells grow with households, as in any large estate, and a third as
    fast again as in the generated walk-ups, so anything quadratic in them shows."""
    per_building = STAIRWELLS_PER_BUILDING * 2 * 2
    count = -(-n // per_building)
    blocks = [building(f"B{k + 1:03d}", 15 + (k % 10) * 110, 40 + (k // 10) * 60,
                       STAIRWELLS_PER_BUILDING, 2) for k in range(count)]
    return {
        "name": f"many-stairwells-{n}",
        "gates": [{"id": GATE, "position": {"x": 500, "y": 0}}],
        "buildings": blocks,
        "households": households(random.Random(n), blocks, n),
        "volunteers": [volunteer(f"V{k + 1}", "07:00", "23:00", cart=k % 3 == 0,
                                 ppe=k % 9 == 8) for k in range(max(4, n // 70))],
    }


def _validate_peak(doc: dict[str, Any], path: Path) -> int:
    """Peak bytes allocated while ``supplyroute validate`` reads, checks and describes
    the document (written beforehand, outside the measurement)."""
    path.write_text(json.dumps(doc), encoding="utf-8")
    tracemalloc.start()
    try:
        done = cli("validate", str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ")
    return peak


def test_validation_memory_grows_linearly_with_stairwells(tmp_path: Path) -> None:
    small = _validate_peak(_many_stairwells(2_000), tmp_path / "small.json")
    large = _validate_peak(_many_stairwells(8_000), tmp_path / "large.json")
    # Linear: about 4x (a little more for the larger ids and the file's text); the
    # distances between all 2,000 stairwells made it over 10x.
    assert large <= 5 * small, f"{small / 1e6:.1f} MB -> {large / 1e6:.1f} MB"


def test_validation_memory_grows_linearly_with_generated_households(tmp_path: Path) -> None:
    small = _validate_peak(generate(CompoundSpec(households=2_000)), tmp_path / "small.json")
    large = _validate_peak(generate(CompoundSpec(households=8_000)), tmp_path / "large.json")
    assert large <= 5 * small, f"{small / 1e6:.1f} MB -> {large / 1e6:.1f} MB"

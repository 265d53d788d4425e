"""Shared builders: small compounds written as plain dicts, validated by the real model."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from supplyroute.io import validate_document
from supplyroute.models import Scenario

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def compound(
    households: list[dict[str, Any]],
    volunteers: list[dict[str, Any]] | None = None,
    *,
    buildings: int = 2,
    stairwells: int = 2,
    floors: int = 6,
    lift: bool = False,
    releases: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Scenario:
    """A compound with ``buildings`` x ``stairwells`` stairwells ``B{i}-{j}``, the gate at
    the origin, buildings 40 m apart and stairwells 15 m apart."""
    data: dict[str, Any] = {
        "name": extra.pop("name", "test"),
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}, "releases": releases or []}],
        "buildings": [
            {
                "id": f"B{i}",
                "floors": floors,
                "lift": lift,
                "stairwells": [
                    {"id": f"B{i}-{j}", "entrance": {"x": 30 + 15 * j, "y": 40 * i}}
                    for j in range(1, stairwells + 1)
                ],
            }
            for i in range(1, buildings + 1)
        ],
        "households": households,
        "volunteers": volunteers
        or [{"id": "V1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"}],
        **extra,
    }
    return validate_document(Scenario, data)


def random_households(rng: random.Random, n: int, *, buildings: int = 2, stairwells: int = 2,
                      floors: int = 6, one_bag_share: float = 0.0) -> list[dict[str, Any]]:
    out = []
    for k in range(n):
        b, s, f = rng.randint(1, buildings), rng.randint(1, stairwells), rng.randint(1, floors)
        bags = [{"kind": "living", "weight_kg": 8.0}]
        if rng.random() >= one_bag_share:
            bags.insert(0, {"kind": "prevention", "weight_kg": 2.0})
        out.append({"id": f"h{k}", "stairwell": f"B{b}-{s}", "floor": f, "bags": bags})
    return out


@pytest.fixture
def small_scenario() -> Scenario:
    rng = random.Random(7)
    return compound(
        random_households(rng, 12),
        [
            {"id": "V1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"},
            {"id": "V2", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G",
             "cart": {"capacity_bags": 8, "capacity_kg": 80}},
            {"id": "V3", "shift": {"start": "08:30", "end": "18:00"}, "gate": "G",
             "skills": ["ppe"]},
        ],
    )

"""Shared builders: small compounds written as plain dicts, validated by the real model."""

from __future__ import annotations

import contextlib
import io
import logging
import random
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from supplyroute.cli import main
from supplyroute.io import load_scenario, validate_document
from supplyroute.models import Plan, Scenario
from supplyroute.planner import PlanOptions, plan

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


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``supplyroute ARGS`` run in this process, answered as :func:`subprocess.run` would
    answer ``python -m supplyroute ARGS``: the exit code (argparse's ``SystemExit`` too),
    standard output, and standard error with the warnings the command logs there. No
    interpreter starts; the tests about the process itself (Ctrl-C, a closed pipe,
    standard output as a file, the installed script) start a real one."""
    out, err = io.StringIO(), io.StringIO()
    # What ``logging.basicConfig`` in ``main`` does in a process of its own (here pytest
    # has configured logging already, so it does nothing).
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG if "--debug" in args else logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: a usage error, --help, --version
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        root.removeHandler(handler)
    return subprocess.CompletedProcess(["supplyroute", *args], code, out.getvalue(),
                                       err.getvalue())


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


ExamplePlan = Callable[..., tuple[Scenario, Plan]]


@pytest.fixture(scope="session")
def example_plan() -> ExamplePlan:
    """``example_plan("kandan576", mode="relay")``: the example scenario and its
    deterministic plan with these options, made once per test session (per worker under
    pytest-xdist) and shared by every test that asks for it. Scenarios and plans are
    frozen; a test that changes a plan changes a copy (``model_dump``). The time limit
    changes no deterministic plan (searches stop on counts), so it is not an option."""
    made: dict[tuple[str, str], tuple[Scenario, Plan]] = {}

    def get(name: str, **options: Any) -> tuple[Scenario, Plan]:
        chosen = PlanOptions(deterministic=True, **options)
        key = (name, repr(chosen))  # mode="carry" is the default: one plan, not two
        if key not in made:
            scenario = load_scenario(ROOT / "examples" / f"{name}.json")
            made[key] = scenario, plan(scenario, chosen)
        return made[key]

    return get

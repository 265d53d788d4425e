"""Standard routing instances (VRPLIB format) and their best-known solutions.

Read with the ``vrplib`` package; each set's cost convention (see the instances
README) is applied here, once: CVRP X distances are Euclidean rounded to the nearest
integer; VRPTW and MTVRPTWR distances and durations are truncated to one decimal, and
MTVRPTWR solution files state costs times ten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def _default_root() -> Path:
    """The repository's ``benchmarks/instances`` (a source checkout), else the one in
    the working directory (an installed package run from a clone)."""
    checkout = Path(__file__).resolve().parents[2] / "benchmarks" / "instances"
    return checkout if checkout.is_dir() else Path("benchmarks/instances")


#: Where the instance sets live by default: ``benchmarks/instances`` of the repository.
DEFAULT_ROOT = _default_root()
SETS = ("cvrp", "vrptw", "mtvrptwr")


@dataclass(frozen=True)
class Instance:
    """One routing instance: node 0 is the depot."""

    name: str
    kind: str  #: "cvrp", "vrptw" or "mtvrptwr".
    distance: np.ndarray  #: travel distance = travel time, with the set's convention.
    demand: np.ndarray
    capacity: float
    vehicles: int  #: the fleet: CVRP from the name (k), others from the file.
    fleet_binding: bool  #: False for CVRP X: k is the fewest vehicles, not a limit.
    service: np.ndarray
    earliest: np.ndarray
    latest: np.ndarray
    release: np.ndarray
    reloads: bool  #: vehicles may come back to the depot to reload.
    coordinates: np.ndarray | None = None  #: planar node positions, where the file has them.

    @property
    def clients(self) -> int:
        return len(self.demand) - 1


@dataclass(frozen=True)
class Solution:
    """Routes as lists of client numbers (``0`` inside a route is a reload)."""

    routes: tuple[tuple[int, ...], ...]
    cost: float


def _vrplib():
    try:
        import vrplib
    except ImportError as exc:  # pragma: no cover - an install problem, said plainly
        raise RuntimeError("reading VRPLIB instances needs the 'vrplib' package: "
                           "pip install 'supplyroute[bench]'") from exc
    return vrplib


def kind_of(path: Path) -> str:
    for kind in SETS:
        if path.parent.name == kind:
            return kind
    raise ValueError(f"{path}: the folder name must be one of {SETS}")


def read_instance(path: str | Path, kind: str | None = None) -> Instance:
    """Read ``NAME.vrp``; ``kind`` defaults to the name of its folder."""
    path = Path(path)
    kind = kind or kind_of(path)
    data = _vrplib().read_instance(str(path))
    raw = np.asarray(data["edge_weight"], dtype=float)
    # CVRP X: rounded to the nearest integer; the others: truncated to one decimal.
    distance = np.floor(raw + 0.5) if kind == "cvrp" else np.floor(raw * 10 + 1e-9) / 10
    n = len(raw)
    demand = np.asarray(data["demand"], dtype=float)
    if kind == "cvrp":
        match = re.search(r"-k(\d+)$", data["name"])
        vehicles = int(match.group(1)) if match else n - 1
    else:
        vehicles = int(np.atleast_1d(data["vehicles"])[0])
    service = np.zeros(n)
    if "service_time" in data:
        service[:] = data["service_time"]
        service[0] = 0.0
    windows = np.asarray(data.get("time_window", [[0.0, np.inf]] * n), dtype=float)
    release = np.asarray(data.get("release_time", np.zeros(n)), dtype=float)
    return Instance(
        name=str(data["name"]),
        kind=kind,
        distance=distance,
        demand=demand,
        capacity=float(data["capacity"]),
        vehicles=vehicles,
        service=service,
        earliest=windows[:, 0],
        latest=windows[:, 1],
        release=release,
        reloads=kind == "mtvrptwr",
        fleet_binding=kind != "cvrp",
        coordinates=(np.asarray(data["node_coord"], dtype=float)
                     if "node_coord" in data else None),
    )


def read_solution(path: str | Path, kind: str | None = None) -> Solution:
    """Read ``NAME.sol``; its cost in the same units as :func:`read_instance`."""
    path = Path(path)
    kind = kind or kind_of(path)
    data = _vrplib().read_solution(str(path))
    cost = float(data["cost"])
    if kind == "mtvrptwr":
        cost /= 10
    return Solution(tuple(tuple(int(c) for c in r) for r in data["routes"]), cost)


def instance_paths(kind: str, root: str | Path = DEFAULT_ROOT) -> list[Path]:
    """The ``.vrp`` files of one set, sorted by name."""
    return sorted((Path(root) / kind).glob("*.vrp"))

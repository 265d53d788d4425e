"""A horizon plan as a folder: ``horizon.json`` and, per day, ``day-NN/`` with the
doorstep scenario and plan of each round and the packing staff's pick list.

The folder is written whole or not at all: it is built beside the target and renamed
into place, so a failure never leaves half a horizon behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from supplyroute.errors import InputError, InputIssue
from supplyroute.io import dump_model, load_horizon, load_plan, load_scenario, user_umask
from supplyroute.models.horizon import HorizonFolder, HorizonPlan

HORIZON_FILE = "horizon.json"


def write_horizon(horizon: HorizonPlan, rounds: list, out: str | Path) -> Path:
    """Write ``horizon`` and its days' rounds (``DayRounds``) to the folder ``out``."""
    target = check_target(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for day, day_rounds in zip(horizon.days, rounds, strict=True):
            for summary, pair in ((day.delivery_round, day_rounds.delivery),
                                  (day.garbage_round, day_rounds.garbage)):
                if summary is None or pair is None:
                    continue
                _write(building / summary.scenario_file, dump_model(pair[0]))
                _write(building / summary.plan_file, dump_model(pair[1]))
            if day.picklist_file:
                _write(building / day.picklist_file, day_rounds.picklist)
        _write(building / HORIZON_FILE, dump_model(horizon))
        os.chmod(building, 0o777 & ~user_umask())  # as any folder the user makes
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, old / "horizon")
        os.replace(building, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return target


def check_target(out: str | Path) -> Path:
    """Refuse, before any work, a target that is a file, a folder of other files, or in
    a place that cannot be written."""
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError(InputIssue("output", f"{target} exists and is not a folder"))
    if target.is_dir() and any(target.iterdir()) and not (target / HORIZON_FILE).exists():
        raise InputError(InputIssue("output", f"{target} is a folder with other files in "
                                    "it; give a new or empty folder, or an earlier horizon"))
    existing = target if target.exists() else target.parent
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(InputIssue("output", f"{target} cannot be written here"))
    return target


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def read_horizon(folder: str | Path) -> HorizonFolder:
    """Read a horizon folder; a missing or malformed file is an input error naming it."""
    root = Path(folder)
    if not (root / HORIZON_FILE).is_file():
        raise InputError(InputIssue("$", f"{root} holds no {HORIZON_FILE}"))
    horizon = _named(root / HORIZON_FILE, load_horizon)
    out = HorizonFolder(horizon)
    for day in horizon.days:
        for kind, summary in (("delivery", day.delivery_round), ("garbage", day.garbage_round)):
            if summary is None:
                continue
            scenario = _named(_inside(root, summary.scenario_file), load_scenario)
            planned = _named(_inside(root, summary.plan_file), load_plan)
            out.rounds[day.day, kind] = (scenario, planned)
        if day.picklist_file:
            path = _inside(root, day.picklist_file)
            if path.is_file():
                out.picklists[day.day] = path.read_text(encoding="utf-8")
    return out


def _inside(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if root.resolve() not in path.parents:
        raise InputError(InputIssue("$", f"{relative!r} points outside the horizon folder"))
    return path


def _named(path: Path, loader):
    try:
        return loader(path)
    except InputError as exc:
        raise InputError([InputIssue(f"{path.name}: {i.path}", i.reason)
                          for i in exc.issues]) from None

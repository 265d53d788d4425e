"""Reading scenarios and plans, writing files atomically.

Every failure becomes an :class:`InputError` whose first issue names a JSON path.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from supplyroute.errors import InputError, InputIssue, json_path
from supplyroute.models import Plan, Scenario
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import HorizonPlan

M = TypeVar("M", bound=BaseModel)


def read_json(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(InputIssue("$", f"cannot read {path}: {exc.strerror}")) from None
    except UnicodeDecodeError:
        raise InputError(InputIssue("$", f"{path} is not UTF-8 text")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(InputIssue(
            "$", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        )) from None
    except RecursionError:
        raise InputError(InputIssue("$", "malformed JSON: nested too deeply")) from None
    except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
        raise InputError(InputIssue("$", f"malformed JSON: {exc}")) from None


def _message(error: dict[str, Any]) -> str:
    msg = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg


def validate_document(model: type[M], data: Any) -> M:
    """Validate ``data`` as ``model``, turning pydantic's errors into JSON-path issues."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = []
        for err in exc.errors(include_url=False):
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            found.append((err["type"], InputIssue(json_path(loc) or "$", _message(err))))
        # A list whose items failed also reports itself too short; keep the item errors.
        paths = [issue.path for _, issue in found]
        issues = [
            issue for kind, issue in found
            if not (kind == "too_short" and any(p.startswith(issue.path + "[") for p in paths))
        ]
        raise InputError(issues) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario JSON file."""
    data = read_json(path)
    if isinstance(data, dict) and "compound" in data:
        raise InputError(InputIssue("compound", "this is a cycle scenario: plan it with "
                                    "'supplyroute cycle', check it against its horizon "
                                    "folder"))
    return validate_document(Scenario, data)


def load_cycle_scenario(path: str | Path) -> CycleScenario:
    """Read and validate a cycle scenario JSON file."""
    data = read_json(path)
    if isinstance(data, dict) and "compound" not in data and "households" in data:
        raise InputError(InputIssue("compound", "missing: this is a doorstep scenario; a "
                                    "cycle scenario holds one under 'compound' with its "
                                    "catalogue, rations and stock (docs/formats.md)"))
    return validate_document(CycleScenario, data)


def load_horizon(path: str | Path) -> HorizonPlan:
    """Read and validate a horizon plan's ``horizon.json``."""
    return validate_document(HorizonPlan, read_json(path))


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan JSON file."""
    return validate_document(Plan, read_json(path))


def dump_model(model: BaseModel) -> str:
    """Stable JSON text of a model (key order from the model, two-space indent)."""
    return model.model_dump_json(indent=2) + "\n"


def check_writable(path: str | Path, field: str = "output") -> None:
    """Refuse, as invalid input naming ``field``, an output path that is a folder or
    whose folder cannot be written: said before any work, not after it."""
    target = Path(path)
    if target.is_dir():
        raise InputError([InputIssue(field, f"{target} is a folder; give a file name")])
    folder = next((p for p in [target.parent, *target.parent.parents] if p.exists()), None)
    if folder is None or not os.access(folder, os.W_OK):
        raise InputError([InputIssue(field, f"cannot write into {folder or target.parent}")])


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never half a file."""
    check_writable(path)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

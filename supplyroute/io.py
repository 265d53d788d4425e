"""Reading scenarios and plans, writing files atomically.

Every failure becomes an :class:`InputError` whose first issue names a JSON path.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from supplyroute.errors import InputError, InputIssue, json_path
from supplyroute.models import Plan, Scenario
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.district import DISTRICT_FORMAT, DistrictScenario
from supplyroute.models.district_plan import DistrictPlan
from supplyroute.models.horizon import HorizonPlan

M = TypeVar("M", bound=BaseModel)


def read_json(path: str | Path) -> Any:
    """Parse a JSON file; a byte-order mark (as Windows editors write) is skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
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


#: What a JSON value of the wrong type should have been, by pydantic error type: the
#: words of someone writing a scenario by hand, not pydantic's.
_EXPECTED = {
    "list_type": "expected a list (JSON array)",
    "tuple_type": "expected a list (JSON array)",
    "set_type": "expected a list (JSON array)",
    "frozen_set_type": "expected a list (JSON array)",
    "iterable_type": "expected a list (JSON array)",
    "dict_type": "expected an object",
    "mapping_type": "expected an object",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "decimal_type": "expected a number",
    "decimal_parsing": "expected a number",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_parsing_size": "expected a whole number of a sensible size",
    "int_from_float": "expected a whole number",
    "finite_number": "expected a finite number (not NaN or Infinity)",
    "string_type": "expected text",
    "string_unicode": "expected text",
    "str_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "none_required": "expected null",
    "extra_forbidden": "unknown field",
    "missing": "missing",
    "unexpected_keyword_argument": "unknown field",
    "missing_keyword_only_argument": "missing",
    "frozen_field": "cannot be changed",
    "frozen_instance": "cannot be changed",
}

#: Bounds, by pydantic error type and the name of the bound in its context.
_BOUNDS = {
    "greater_than": ("gt", "must be more than {}"),
    "greater_than_equal": ("ge", "must be at least {}"),
    "less_than": ("lt", "must be less than {}"),
    "less_than_equal": ("le", "must be at most {}"),
    "multiple_of": ("multiple_of", "must be a multiple of {}"),
}


def _noun(class_name: str) -> str:
    """``"WalkwayEdge"`` -> ``"a walkway edge"``: a model named as a person would."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", class_name) or [class_name]
    phrase = " ".join(w.lower() for w in words)
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def _number(value: Any) -> str:
    """A bound as it would be written in the file (``0``, ``0.05``, ``604800``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _choices(expected: str) -> str:
    """Pydantic's ``"'a', 'b' or 'c'"`` as ``"'a', 'b', 'c'"``."""
    return expected.replace("' or '", "', '")


def _message(error: dict[str, Any]) -> str:
    """One validation error in the user's words: what was expected where, never
    pydantic's phrasing nor a Python class name."""
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    if kind in ("model_type", "model_attributes_type", "dataclass_type",
                "dataclass_exact_type", "is_instance_of"):
        name = ctx.get("class_name") or ctx.get("class")
        return (f"expected an object with the fields of {_noun(str(name))}" if name
                else "expected an object")
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind in _BOUNDS:
        key, text = _BOUNDS[kind]
        return text.format(_number(ctx.get(key, "?")))
    if kind in ("enum", "literal_error") and "expected" in ctx:
        return f"expected one of {_choices(str(ctx['expected']))}"
    if kind in ("too_short", "string_too_short") and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        short = kind.endswith("too_short")
        count = ctx.get("min_length" if short else "max_length")
        unit = "characters" if kind.startswith("string") else "items"
        return f"needs {'at least' if short else 'at most'} {count} {unit}"
    if kind == "string_pattern_mismatch":
        return "is not in the expected form"
    msg = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if msg.startswith("Input should be "):  # a type not mapped above: say it plainly
        msg = "expected " + msg.removeprefix("Input should be ").replace("a valid ", "")
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
    if str(target) == "-":  # standard output
        return
    if target.is_dir():
        raise InputError([InputIssue(field, f"{target} is a folder; give a file name")])
    folder = next((p for p in [target.parent, *target.parent.parents] if p.exists()), None)
    if folder is None or not os.access(folder, os.W_OK):
        raise InputError([InputIssue(field, f"cannot write into {folder or target.parent}")])


def user_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never half a file."""
    check_writable(path)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~user_umask())  # as any file the user writes, not 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_district(path: str | Path) -> DistrictScenario:
    """Read and validate a district scenario. A compound whose ``scenario`` is a file
    name has that file read in its place (relative to the district file), and so is a
    road network's GraphML file; errors in them are named under the compound."""
    data = read_json(path)
    if not isinstance(data, dict) or data.get("format") != DISTRICT_FORMAT:
        raise InputError(InputIssue("format", f"expected {DISTRICT_FORMAT!r}: a district "
                                    "scenario (docs/formats.md)"))
    folder = Path(path).parent
    for i, compound in enumerate(data.get("compounds") or []):
        if isinstance(compound, dict) and isinstance(compound.get("scenario"), str):
            where = folder / compound["scenario"]
            try:
                compound["scenario"] = read_json(where)
            except InputError as exc:
                raise InputError(InputIssue(f"compounds[{i}].scenario",
                                            exc.first.reason)) from None
    roads = data.get("roads")
    if isinstance(roads, dict) and isinstance(roads.get("graphml"), str):
        roads["graphml"] = str((folder / roads["graphml"]).resolve())
    return validate_document(DistrictScenario, data)


def is_district(path: str | Path) -> bool:
    """Whether a JSON file is a district scenario (read cheaply: its first kilobytes)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            head = handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False
    return f'"{DISTRICT_FORMAT}"' in head


def load_district_plan(path: str | Path) -> DistrictPlan:
    """Read and validate a district plan JSON file."""
    return validate_document(DistrictPlan, read_json(path))

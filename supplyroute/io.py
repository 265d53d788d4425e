"""Reading scenarios and plans, writing files atomically.

Every failure becomes an :class:`InputError` whose first issue names a JSON path.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from supplyroute.errors import InputError, InputIssue, json_path, quote
from supplyroute.models import Plan, Scenario
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.district import DISTRICT_FORMAT, DistrictScenario
from supplyroute.models.district_plan import DistrictPlan
from supplyroute.models.horizon import HorizonPlan

M = TypeVar("M", bound=BaseModel)

#: Why a document of arrays in arrays (or objects in objects) a thousand deep is refused.
_TOO_DEEP = ("JSON nested too deeply: arrays or objects inside one another far beyond "
             "what any document needs")


def read_json(path: str | Path) -> Any:
    """Parse a JSON file; a byte-order mark (as Windows editors write) is skipped.
    ``NaN``, ``Infinity`` and numbers too large for a float (``1e999``) are refused with
    their JSON path: no count of floors or time of day is ever one of them."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(InputIssue("$", f"cannot read {path}: {exc.strerror}")) from None
    except UnicodeDecodeError:
        raise InputError(InputIssue("$", f"{path} is not UTF-8 text")) from None
    odd: list[str] = []

    def constant(name: str) -> float:
        odd.append(name)
        return float(name)

    def real(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            odd.append(literal)
        return value

    try:
        data = json.loads(text, parse_constant=constant, parse_float=real)
    except json.JSONDecodeError as exc:
        raise InputError(InputIssue(
            "$", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        )) from None
    except RecursionError:
        raise InputError(InputIssue("$", _TOO_DEEP)) from None
    except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
        raise InputError(InputIssue("$", f"malformed JSON: {exc}")) from None
    if odd:
        refuse_non_finite(data)
    return data


def _non_finite(value: float) -> str:
    """How a number that is not finite was written: ``NaN``, ``Infinity``, ``-Infinity``."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def refuse_non_finite(data: Any) -> None:
    """Refuse, naming its JSON path, the first NaN or infinite number in a document
    (walked without recursion: a document may be deep)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(InputIssue(json_path(loc) or "$", "expected a finite number, "
                                        f"got {_non_finite(value)}"))
        if isinstance(value, dict):
            stack.extend(((*loc, str(k)), v) for k, v in reversed(value.items()))
        elif isinstance(value, (list, tuple)):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))


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


#: The error types of a number of the wrong kind, for which the message says what was
#: given instead.
_NUMBER_KINDS = frozenset({"float_type", "float_parsing", "int_type", "int_parsing",
                           "int_from_float", "decimal_type", "decimal_parsing"})


def _given(kind: str, value: Any) -> str:
    """``", got text '3'"``: what stood where a number belongs (text quoted, cut if long)."""
    if kind not in _NUMBER_KINDS:
        return ""
    if isinstance(value, str):
        return f", got text {quote(value)}"
    if isinstance(value, bool):
        return f", got {str(value).lower()}"
    if isinstance(value, float) and kind.startswith("int"):
        return f", got {_number(value)}"
    return ""


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
        return _EXPECTED[kind] + _given(kind, error.get("input"))
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


def _issues(exc: ValidationError) -> list[InputIssue]:
    """Pydantic's errors as JSON-path issues."""
    found = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        found.append((err["type"], InputIssue(json_path(loc) or "$", _message(err))))
    # A list whose items failed also reports itself too short; keep the item errors.
    paths = [issue.path for _, issue in found]
    return [
        issue for kind, issue in found
        if not (kind == "too_short" and any(p.startswith(issue.path + "[") for p in paths))
    ]


@cache
def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a document (what ``supplyroute schema`` prints), once."""
    return model.model_json_schema()


def _resolved(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A schema with its references followed."""
    while True:
        if "$ref" in schema:
            schema = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
        elif len(schema.get("allOf") or ()) == 1:
            schema = schema["allOf"][0]
        else:
            return schema


def _branch(value: Any, schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    """The one branch of an ``anyOf``/``oneOf`` that ``value`` is written for (by the
    discriminator, else by its JSON type), or None when no single one is."""
    branches = [_resolved(b, defs) for b in schema.get("anyOf") or schema.get("oneOf") or ()]
    mapping = (schema.get("discriminator") or {}).get("mapping")
    if mapping and isinstance(value, dict):
        key = value.get(schema["discriminator"]["propertyName"])
        known = isinstance(key, str) and key in mapping
        return _resolved({"$ref": mapping[key]}, defs) if known else None
    json_type = ("object" if isinstance(value, dict) else "array"
                 if isinstance(value, list) else "string" if isinstance(value, str) else None)
    if json_type == "string" and not any(_numbers_only(b) for b in branches):
        return None  # text is a good answer here (a time 'HH:MM', a name)
    fits = [b for b in branches if b.get("type") == json_type
            or json_type == "string" and _numbers_only(b)]
    return fits[0] if len(fits) == 1 else None


def _numbers_only(schema: dict[str, Any]) -> bool:
    return schema.get("type") in ("number", "integer")


def _strict_number(value: Any, schema: dict[str, Any]) -> str | None:
    """Why ``value`` cannot be the number ``schema`` asks for (text, true or false)."""
    if not _numbers_only(schema) or not isinstance(value, (str, bool)):
        return None
    noun = "a whole number" if schema["type"] == "integer" else "a number"
    if isinstance(value, bool):
        return f"expected {noun}, not true or false"
    return f"expected {noun}, got text {quote(value)}"


def strict_numbers(model: type[BaseModel], data: Any) -> list[InputIssue]:
    """Numbers as JSON writes them, in every document alike: ``"3"`` is text, never a
    count of floors, and ``true`` is no weight; NaN and infinity are no figure. Walked
    along the document's JSON Schema, so each issue names its exact JSON path."""
    root = _json_schema(model)
    defs = root.get("$defs", {})
    issues: list[InputIssue] = []
    stack: list[tuple[tuple[str | int, ...], Any, dict[str, Any]]] = [((), data, root)]
    while stack and len(issues) < 20:
        loc, value, schema = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            issues.append(InputIssue(json_path(loc) or "$", "expected a finite number, got "
                                     f"{_non_finite(value)}"))
            continue
        schema = _resolved(schema, defs)
        if "anyOf" in schema or "oneOf" in schema:
            branch = _branch(value, schema, defs)
            if branch is not None:
                stack.append((loc, value, branch))
            continue
        why = _strict_number(value, schema)
        if why is not None:
            issues.append(InputIssue(json_path(loc) or "$", why))
        elif isinstance(value, dict) and schema.get("type") == "object":
            props, more = schema.get("properties") or {}, schema.get("additionalProperties")
            for key, item in reversed(value.items()):
                sub = props.get(key, more if isinstance(more, dict) else None)
                if sub is not None:
                    stack.append(((*loc, str(key)), item, sub))
        elif isinstance(value, list) and schema.get("type") == "array":
            fixed, items = schema.get("prefixItems") or [], schema.get("items")
            for i in reversed(range(len(value))):
                sub = fixed[i] if i < len(fixed) else items
                if isinstance(sub, dict):
                    stack.append(((*loc, i), value[i], sub))
    return issues


def validate_document(model: type[M], data: Any) -> M:
    """Validate ``data`` as ``model``, turning pydantic's errors into JSON-path issues.

    Numbers are strict, as in JSON itself and alike in every document (see
    :func:`strict_numbers`): text, ``true`` or ``false`` where a number belongs, NaN
    and infinity are refused with their path before anything else is looked at."""
    try:
        issues = strict_numbers(model, data)
    except RecursionError:
        raise InputError(InputIssue("$", _TOO_DEEP)) from None
    if issues:
        raise InputError(issues)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(_issues(exc)) from None
    except RecursionError:
        raise InputError(InputIssue("$", _TOO_DEEP)) from None


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


def _file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in a coordinator's words."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (fifo)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _status(path: Path) -> os.stat_result | None:
    """``path``'s status (a link followed), or None if nothing is there."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # a file on the way: said by _check_folders
        return None
    except OSError:
        return None


def _check_folders(target: Path, field: str) -> Path:
    """Every existing ancestor of ``target`` is a folder (``f/x.json`` under a file ``f``,
    or ``/dev/null/x``, is refused) and the nearest one can be written: that folder."""
    for folder in target.parents:
        found = _status(folder)
        if found is None:
            continue
        if not stat.S_ISDIR(found.st_mode):
            raise InputError([InputIssue(field, f"{target} lies under {folder}, which is "
                                         f"{_file_kind(found.st_mode)}, not a folder")])
        if not os.access(folder, os.W_OK | os.X_OK):
            raise InputError([InputIssue(field, f"cannot write into {folder}")])
        return folder
    raise InputError([InputIssue(field, f"cannot write into {target.parent}")])


def check_writable(path: str | Path, field: str = "output", *, stdout: bool = True) -> None:
    """Refuse, as invalid input naming ``field``, an output path a document cannot be
    written to whole, before any work (planning can take minutes): a folder, a device
    (``/dev/null``, ``/dev/full``), a pipe or a socket, a path under a file, a folder
    that cannot be written. Only a regular file is replaced; ``-`` is standard output
    where the command writes one document there (``stdout``), else refused."""
    target = Path(path)
    if str(target) == "-":  # standard output
        if stdout:
            return
        raise InputError([InputIssue(field, "'-' (standard output) is not for this "
                                     "command: give a file name")])
    found = _status(target)
    if found is not None and not stat.S_ISREG(found.st_mode):
        what = _file_kind(found.st_mode)
        raise InputError([InputIssue(field, f"{target} is {what}; give a new file name or "
                                     "a regular file to replace")])
    _check_folders(target, field)


def check_folder(path: str | Path, field: str = "output") -> None:
    """Refuse, before any work, an output folder that is a file, a device, a pipe or a
    socket, lies under a file, or cannot be written; a new or existing folder passes."""
    target = Path(path)
    if str(target) == "-":
        raise InputError([InputIssue(field, "'-' (standard output) is not for this "
                                     "command: give a folder")])
    found = _status(target)
    if found is not None and not stat.S_ISDIR(found.st_mode):
        raise InputError([InputIssue(field, f"{target} is {_file_kind(found.st_mode)}"
                                     "; give a folder")])
    if found is not None:
        if not os.access(target, os.W_OK | os.X_OK):
            raise InputError([InputIssue(field, f"cannot write into {target}")])
        return
    _check_folders(target, field)


def user_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never half a file,
    and never a device, pipe or socket replaced by a file (refused, as before any work)."""
    replace_atomic(path, text.encode("utf-8"))


def replace_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename (see
    :func:`write_atomic`); the target is checked again just before the rename."""
    check_writable(path, stdout=False)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~user_umask())  # as any file the user writes, not 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        check_writable(path, stdout=False)  # the last guard: nothing replaced a file since
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

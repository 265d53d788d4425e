"""Parameter sweeps: a grid file expanded into benchmark tasks.

A grid names, per solver, lists of engine option values; each solver's cartesian
product of them is one configuration per point, run at every time limit and seed on
every instance (or the named ones)::

    {"solvers": {"ortools": {"first_solution": ["SAVINGS", "PATH_CHEAPEST_ARC"],
                             "metaheuristic": ["GUIDED_LOCAL_SEARCH"]},
                 "pyvrp": {}},
     "time_limits": [1, 5, 10], "seeds": [0], "instances": ["X-n101-k25"],
     "fleets": ["unlimited", "k"]}

JSON, or YAML when the file name ends in ``.yaml``/``.yml``. Mistakes raise
:class:`GridError` (a ``ValueError``) naming the field, such as
``grid.solvers.ortools.first_solution``, before anything runs.

``fleets`` (CVRP X only) runs every configuration under each fleet convention:
``unlimited`` (the literature's, the default) and ``k`` (at most the ``k`` of the
instance's name), the latter named ``fleet=k`` in tables.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supplyroute.bench.harness import FLEETS, SETS, Task, solvers
from supplyroute.bench.instances import instance_paths

FIELDS = ("solvers", "time_limits", "seeds", "instances", "deterministic", "fleets")
#: The configuration name of a solver run with no options.
DEFAULT_CONFIGURATION = "default"
DEFAULT_TIME_LIMIT_S = 10.0

#: Solvers that are a supplyroute engine: (engine name, options the solver fixes itself).
_ENGINE_OF: dict[str, tuple[str, frozenset[str]]] = {
    "ortools": ("ortools", frozenset()),
    "ortools-default": ("ortools", frozenset({"first_solution", "metaheuristic", "tuned"})),
    "supplyroute-pyvrp": ("pyvrp", frozenset()),
}

#: One grid point: engine options, in the order the grid names them.
Point = tuple[tuple[str, Any], ...]


class GridError(ValueError):
    """A grid (or the flags composing with it) is wrong: ``field`` says where."""

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True)
class Grid:
    """A validated grid: option values per solver, time limits, seeds, instances."""

    solvers: dict[str, dict[str, list[Any]]]
    time_limits: tuple[float, ...] = (DEFAULT_TIME_LIMIT_S,)
    seeds: tuple[int, ...] = (0,)
    instances: tuple[str, ...] | None = None  #: None: every instance of the set.
    deterministic: bool = False
    #: Where the instance names came from, for error messages.
    instances_from: str = field(default="grid.instances", compare=False)
    fleets: tuple[str, ...] = ("unlimited",)  #: CVRP X fleet conventions (:data:`FLEETS`).
    fleets_from: str = field(default="grid.fleets", compare=False)


def read_grid(path: str | Path) -> dict[str, Any]:
    """The grid file as plain data: YAML for ``.yaml``/``.yml``, JSON otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GridError("grid", f"cannot read {path}: {exc.strerror or exc}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise GridError("grid", "YAML grids need the 'pyyaml' package: "
                            "pip install 'supplyroute[bench]'") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise GridError("grid", f"{path} is not valid YAML: {exc}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GridError("grid", f"{path} is not valid JSON: {exc.msg} at line "
                            f"{exc.lineno} column {exc.colno}") from None
    if not isinstance(data, Mapping):
        raise GridError("grid", f"must be a mapping with {', '.join(FIELDS)}, "
                        f"not {type(data).__name__}")
    return dict(data)


def load_grid(path: str | Path) -> Grid:
    """Read and validate a grid file."""
    return parse_grid(read_grid(path))


def parse_grid(data: Mapping[str, Any]) -> Grid:
    """Validate plain grid data; every error names its field."""
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        raise GridError(f"grid.{unknown[0]}", f"unknown field; known: {', '.join(FIELDS)}")
    if "solvers" not in data:
        raise GridError("grid.solvers", "missing: name at least one solver")
    grid_solvers = parse_solvers(data["solvers"], "grid.solvers")
    time_limits = (parse_time_limits(data["time_limits"], "grid.time_limits")
                   if "time_limits" in data else (DEFAULT_TIME_LIMIT_S,))
    seeds = parse_seeds(data["seeds"], "grid.seeds") if "seeds" in data else (0,)
    instances = (_names(data["instances"], "grid.instances")
                 if data.get("instances") is not None else None)
    deterministic = data.get("deterministic", False)
    if not isinstance(deterministic, bool):
        raise GridError("grid.deterministic", f"must be true or false, not {deterministic!r}")
    fleets = parse_fleets(data["fleets"], "grid.fleets") if "fleets" in data else ("unlimited",)
    return Grid(grid_solvers, time_limits, seeds, instances, deterministic, fleets=fleets)


def parse_fleets(value: Any, where: str = "grid.fleets") -> tuple[str, ...]:
    """Fleet conventions: a list of ``unlimited`` and ``k``."""
    items = _items(value)
    if not items or any(i not in FLEETS for i in items):
        raise GridError(where, f"must be a list of {' and '.join(FLEETS)}, not {value!r}")
    return tuple(dict.fromkeys(items))


def parse_solvers(value: Any, where: str = "grid.solvers") -> dict[str, dict[str, list[Any]]]:
    """``{solver: {option: [values]}}``; a list of names means each with no options."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, Sequence):
        value = {name: {} for name in _names(value, where)}
    if not isinstance(value, Mapping) or not value:
        raise GridError(where, "must map solver names to their options, e.g. "
                        '{"ortools": {"first_solution": ["SAVINGS"]}}')
    known = solvers()
    out: dict[str, dict[str, list[Any]]] = {}
    for name, options in value.items():
        here = f"{where}.{name}"
        if name not in known:
            raise GridError(here, f"unknown solver; known: {', '.join(known)}")
        if options is None:
            options = {}
        if not isinstance(options, Mapping):
            raise GridError(here, "must map option names to lists of values")
        out[str(name)] = {}
        for option, values in options.items():
            values = list(values) if isinstance(values, list | tuple) else [values]
            if not values:
                raise GridError(f"{here}.{option}", "empty list: give at least one value")
            out[str(name)][str(option)] = values
        _check_options(str(name), out[str(name)], here)
    return out


def _check_options(solver: str, options: dict[str, list[Any]], where: str) -> None:
    """Option names and values checked against the engine, where the solver is one.

    Peers' options are theirs to check (when the task runs)."""
    if solver not in _ENGINE_OF:
        return
    from supplyroute.routing.problem import SearchLimit, engine, engines

    engine_name, fixed = _ENGINE_OF[solver]
    specs = engines()
    if engine_name not in specs:  # not registered (yet): the engine checks on use
        return
    defaults = specs[engine_name].defaults
    allowed = sorted(set(defaults) - fixed)
    for option, values in options.items():
        here = f"{where}.{option}"
        if option not in allowed:
            why = ("is fixed by this solver" if option in fixed else "is not an option")
            raise GridError(here, f"{why}; options: {', '.join(allowed) or 'none'}")
        default = defaults[option]
        for value in values:
            if not _same_kind(value, default):
                raise GridError(here, f"{value!r} is not a {type(default).__name__} "
                                f"(like the default {default!r})")
            try:
                built = engine(engine_name, **{option: value})
                config = getattr(built, "config", None)
                if callable(config):  # an engine that checks its settings on use
                    config(SearchLimit())
            except (ValueError, TypeError) as exc:
                raise GridError(here, str(exc)) from None


def _same_kind(value: Any, default: Any) -> bool:
    if default is None:  # "chosen per problem": a number, or None for that choice
        return value is None or _same_kind(value, 0.0)
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float) and math.isfinite(value)
    if isinstance(default, int):
        return isinstance(value, int)
    if isinstance(default, str):
        return isinstance(value, str)
    return True


def parse_time_limits(value: Any, where: str = "grid.time_limits") -> tuple[float, ...]:
    """Positive seconds: a number, a list of numbers, or text such as ``"1,5,10"``."""
    items = _items(value)
    if not items:
        raise GridError(where, "empty: give at least one time limit")
    out = []
    for item in items:
        try:
            seconds = float(item) if not isinstance(item, bool) else math.nan
        except (TypeError, ValueError):
            seconds = math.nan
        if not (math.isfinite(seconds) and seconds > 0):
            raise GridError(where, f"{item!r} is not a positive number of seconds")
        out.append(seconds)
    return tuple(dict.fromkeys(out))


def parse_seeds(value: Any, where: str = "grid.seeds") -> tuple[int, ...]:
    """Non-negative integer seeds: a number or a list."""
    items = _items(value)
    if not items:
        raise GridError(where, "empty: give at least one seed")
    out = []
    for item in items:
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int) or item < 0:
            raise GridError(where, f"{item!r} is not a non-negative integer")
        out.append(item)
    return tuple(dict.fromkeys(out))


def _items(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        out: list[Any] = []
        for v in value:
            out += _items(v) if isinstance(v, str) else [v]
        return out
    return [value]


def _names(value: Any, where: str) -> tuple[str, ...]:
    items = _items(value)
    if not items or not all(isinstance(i, str) and i for i in items):
        raise GridError(where, "must be a list of names")
    return tuple(dict.fromkeys(items))


def points(options: Mapping[str, Sequence[Any]]) -> list[Point]:
    """The cartesian product of the option values, in the grid's order."""
    names = list(options)
    return [tuple(zip(names, combo, strict=True))
            for combo in itertools.product(*(options[n] for n in names))]


def configuration_name(point: Point) -> str:
    """A readable name: ``first_solution=SAVINGS,metaheuristic=GUIDED_LOCAL_SEARCH``."""
    if not point:
        return DEFAULT_CONFIGURATION
    return ",".join(f"{name}={_text(value)}" for name, value in point)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: What a run compares when neither a grid nor ``--solvers`` names solvers: the
#: guides' setup as the baseline, the tuned engine, the layer's pick and the peers
#: (those whose packages are installed), so one command gives the side-by-side table.
DEFAULT_SOLVERS = ("ortools-default", "ortools", "supplyroute", "pyvrp-direct", "pyvrp",
                   "vroom")


def default_solvers() -> dict[str, dict[str, list[Any]]]:
    """:data:`DEFAULT_SOLVERS` that are installed, each with no options."""
    known = solvers()
    return {name: {} for name in DEFAULT_SOLVERS if name in known}


def compose(grid: Grid | None = None, *, solver_names: Iterable[str] | None = None,
            time_limits: Sequence[float] | None = None, seeds: Sequence[int] | None = None,
            instances: Sequence[str] | None = None, deterministic: bool = False,
            fleets: Sequence[str] | None = None) -> Grid:
    """A grid with the command line's choices over it (or built from them alone).

    ``solver_names`` keeps those of the grid's solvers (a solver the grid does not name
    runs with no options); ``time_limits``, ``seeds`` and ``instances`` replace the
    grid's, as does ``fleets``; ``deterministic`` turns determinism on (never off).
    """
    base = grid or Grid(default_solvers())
    chosen = base.solvers
    if solver_names is not None:
        names = [s.strip() for s in solver_names if s.strip()]
        if not names:
            raise GridError("solvers", "empty: name at least one solver")
        picked = {n: base.solvers.get(n, {}) for n in dict.fromkeys(names)}
        chosen = parse_solvers(picked, "solvers")
    return Grid(
        solvers=chosen,
        time_limits=tuple(dict.fromkeys(time_limits)) if time_limits else base.time_limits,
        seeds=tuple(dict.fromkeys(seeds)) if seeds else base.seeds,
        instances=tuple(instances) if instances else base.instances,
        deterministic=base.deterministic or deterministic,
        instances_from="only" if instances else base.instances_from,
        fleets=parse_fleets(list(fleets), "fleet") if fleets else base.fleets,
        fleets_from="fleet" if fleets else base.fleets_from,
    )


def expand(grid: Grid, kind: str, root: str | Path) -> list[Task]:
    """Every instance x solver x configuration x time limit x seed, as tasks."""
    if kind not in SETS:
        raise GridError("set", f"unknown set {kind!r}; known: {', '.join(SETS)}")
    paths = instance_paths(kind, root)
    if not paths:
        raise FileNotFoundError(f"no .vrp files in {Path(root) / kind}")
    if grid.instances is not None:
        by_name = {p.stem: p for p in paths}
        missing = [n for n in grid.instances if n not in by_name]
        if missing:
            raise GridError(grid.instances_from,
                            f"no instance {missing[0]!r} in {Path(root) / kind}")
        paths = [by_name[n] for n in grid.instances]
    if kind != "cvrp" and grid.fleets != ("unlimited",):
        raise GridError(grid.fleets_from, f"applies to cvrp only: the {kind} instances' "
                        "fleets are in their files")
    configurations = {s: points(options) for s, options in grid.solvers.items()}
    return [
        Task(str(path.resolve()), solver, time_limit, options=point, seed=seed,
             deterministic=grid.deterministic, fleet=fleet,
             configuration=_with_fleet(configuration_name(point), fleet))
        for path in paths
        for fleet in grid.fleets
        for solver, solver_points in configurations.items()
        for point in solver_points
        for time_limit in grid.time_limits
        for seed in grid.seeds
    ]


def _with_fleet(configuration: str, fleet: str) -> str:
    """``fleet=k`` leads the configuration's name when the fleet is held to ``k``."""
    if fleet == "unlimited":
        return configuration
    return "fleet=k" if configuration == DEFAULT_CONFIGURATION else f"fleet=k,{configuration}"

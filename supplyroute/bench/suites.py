"""The ``bench`` command's suites, run end to end: the standard routing sets (engines
and peers against best-known costs, sweeps on a Dask cluster), the doorstep examples
(or generated compounds), the cycle examples and the district.

Each suite writes its results folder and reports through two callbacks: ``say`` for
progress (a line at a time, as runs finish) and ``show`` for the tables a researcher
reads at the end. The library never prints; the command line passes ``print``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from supplyroute.bench.doorstep import default_examples
from supplyroute.errors import ExitCode, InputError, InputIssue

Say = Callable[[str], None]
#: The suites of ``supplyroute bench``.
SUITES = ("cvrp", "vrptw", "mtvrptwr", "doorstep", "cycle", "district")
#: Generated districts' rounds in ``bench district``: one steering round per strategy
#: (deterministic rounds of 40 compounds at full effort take over half an hour on 2 cores).
GENERATED_EFFORT = 0.34


@dataclass(frozen=True)
class BenchRequest:
    """What ``supplyroute bench`` was asked for (each field as its option says)."""

    set: str
    output: Path
    instances: Path | None = None
    time_limits: tuple[float, ...] = ()
    solvers: str | None = None
    grid: Path | None = None
    scheduler: str | None = None
    workers: int = 1
    deterministic: bool = False
    fleet: str | None = None
    generated: tuple[int, ...] | None = None
    only: tuple[str, ...] | None = None


def run_bench(request: BenchRequest, say: Say, show: Say) -> ExitCode:
    """Run the suite asked for; its results written to ``request.output``."""
    if request.set == "district":
        return _bench_district(request, say, show)
    if request.set == "doorstep":
        return _bench_doorstep(request, say, show)
    if request.set == "cycle":
        return _bench_cycle(request, say, show)
    return _bench_routing(request, say, show)


def _bench_routing(request: BenchRequest, say: Say, show: Say) -> ExitCode:
    """A standard routing set: every solver configuration on every instance."""
    from supplyroute.bench import harness, plot, sweep
    from supplyroute.bench.executor import DaskExecutor, LocalExecutor, MissingExtra
    from supplyroute.bench.instances import DEFAULT_ROOT

    root = request.instances or DEFAULT_ROOT
    limits = list(request.time_limits)
    try:
        grid = sweep.load_grid(request.grid) if request.grid else None
        grid = sweep.compose(
            grid, solver_names=request.solvers.split(",") if request.solvers else None,
            time_limits=limits or None, instances=request.only or None,
            deterministic=request.deterministic,
            fleets=request.fleet.split(",") if request.fleet else None)
        tasks = sweep.expand(grid, request.set, root)
    except sweep.GridError as exc:
        raise InputError(InputIssue(exc.field, exc.reason)) from None
    except (ValueError, FileNotFoundError) as exc:
        raise InputError(InputIssue("set", str(exc))) from None

    total = len(tasks)

    def progress(row: harness.Row, rows: list[harness.Row]) -> None:
        gaps = [r.gap for r in rows if r.gap is not None and r.feasible]
        mean = f"{sum(gaps) / len(gaps):.2%}" if gaps else "n/a"
        gap = "infeasible" if row.gap is None or not row.feasible else f"{row.gap:.2%}"
        config = "" if row.configuration == "default" else f" [{row.configuration}]"
        say(f"[{len(rows)}/{total}] {row.instance} {row.solver}{config} "
              f"{row.time_limit_s:g}s: {gap} (running mean {mean})")

    say(f"{total} runs: {len({t.path for t in tasks})} instances of {request.set}, "
        f"{len({(t.solver, t.configuration) for t in tasks})} solver configurations, "
        f"time limits {', '.join(f'{t:g}' for t in grid.time_limits)} s, "
        f"seeds {', '.join(map(str, grid.seeds))}")
    try:
        if request.scheduler:
            try:
                executor = DaskExecutor(request.scheduler)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(InputIssue("scheduler", f"cannot reach {request.scheduler}: "
                                            f"{exc}")) from None
            with executor:
                rows = executor.map(tasks, progress)
        else:
            rows = LocalExecutor(request.workers).map(tasks, progress)
    except MissingExtra as exc:
        say(f"error: {exc}")
        return ExitCode.INTERNAL
    harness.write(rows, request.output)
    plot.write_summary(rows, request.output, title=f"{request.set}: gap to best-known cost")
    if len(grid.time_limits) > 1:
        plot.plot_gap_vs_time(rows, request.output)
    show(plot.summary_markdown(rows))
    say(f"results written to {request.output}")
    return ExitCode.OK




def _bench_district(request: BenchRequest, say: Say, show: Say) -> ExitCode:
    """The example district (or generated ones), planned serially with its sequential
    baseline, then on a Dask cluster, both checked."""
    from supplyroute.bench import district as bench
    from supplyroute.bench.doorstep import machine
    from supplyroute.district.joint import DistrictOptions

    limits = list(request.time_limits) or [30.0]
    if request.generated:
        cases = [bench.generated_case(n) for n in request.generated]
    else:  # the folder asked for, the checkout's examples, else the package's copy
        path = (request.instances or default_examples()) / "district.json"
        cases = [bench.example_case(path if request.instances or path.is_file() else None)]
    workers = max(request.workers, 2)  # the cluster run has at least two workers
    started = time.monotonic()

    def timed(message: str) -> None:
        say(f"[{time.monotonic() - started:7.1f}s] {message}")

    options = DistrictOptions(time_limit_s=limits[0], round_time_limit_s=10.0,
                              iterations=3 if not request.generated else 1,
                              round_effort=1.0 if not request.generated else GENERATED_EFFORT,
                              deterministic=True, workers=workers, scheduler=request.scheduler,
                              progress=timed)
    # A generated district's baseline is left out: its vans, routed for distance in
    # deterministic mode, took over ten minutes on 40 compounds.
    rows = [bench.bench_case(case, options, timed, baseline=not request.generated)
            for case in cases]
    header = (f"{machine()}; deterministic; vans {limits[0]:g} s per iteration, rounds "
              f"10 s each at effort {options.round_effort:g}, {options.iterations} "
              f"iterations; cluster: "
              f"{request.scheduler or f'LocalCluster of {workers} workers'}")
    bench.write(rows, request.output, header)
    show(header)
    show(bench.markdown(rows))
    say(f"results written to {request.output}")
    return ExitCode.OK if all(r["violations"] == 0 for r in rows) else ExitCode.VIOLATIONS


def _examples_bench_limits(request: BenchRequest, name: str) -> list[float]:
    """The examples' benchmarks take one time limit and none of the routing options."""
    for flag, value in (("grid", request.grid), ("solvers", request.solvers),
                        ("scheduler", request.scheduler), ("fleet", request.fleet)):
        if value:
            raise InputError(InputIssue(flag, f"does not apply to the {name} benchmark"))
    limits = list(request.time_limits)
    if len(limits) > 1:
        raise InputError(InputIssue("time-limit", f"the {name} benchmark takes one limit"))
    return limits


def _bench_doorstep(request: BenchRequest, say: Say, show: Say) -> ExitCode:
    """The examples' doorstep benchmark (``benchmarks/doorstep.py``) from the CLI."""
    from supplyroute.bench import doorstep
    from supplyroute.bench.plot import markdown_table

    limits = _examples_bench_limits(request, "doorstep")
    if request.generated:
        return _bench_generated(request, limits[0] if limits else None, say, show)
    # No --time-limit: each example's usual limit; one given: that limit everywhere.
    time_limit = limits[0] if limits else doorstep.DEFAULT_TIME_LIMIT_S
    per_example = {} if limits else None
    examples = request.instances or doorstep.default_examples()
    try:
        paths = doorstep.example_paths(examples, request.only)
    except FileNotFoundError as exc:
        raise InputError(InputIssue("instances", str(exc))) from None
    total = len(paths)

    def started(path: Path, limit: float) -> None:
        say(f"planning {path.stem} ({limit:g} s per plan) ...")

    def progress(row: dict[str, object], rows: list[dict[str, object]]) -> None:
        gaps = [r["gap"] for r in rows if isinstance(r["gap"], float | int)]
        mean = f"{sum(gaps) / len(gaps):.2%}" if gaps else "n/a"
        gap = "n/a" if row["gap"] is None else f"{row['gap']:.2%}"
        say(f"[{len(rows)}/{total}] {row['example']}: gap to bound {gap} "
              f"(running mean {mean}), ratio to by hand {row['ratio']}")

    rows = doorstep.run(examples, time_limit, per_example, request.only,
                        deterministic=request.deterministic, started=started, report=progress)
    doorstep.write(rows, request.output)
    text = markdown_table(doorstep.COLUMNS, [[r[c] for c in doorstep.COLUMNS] for r in rows])
    (request.output / "summary.md").write_text(
        f"# doorstep\n\n{doorstep.machine()}\n\n{text}\n", encoding="utf-8")
    show(doorstep.machine())
    show(doorstep.table(rows))
    say(f"results written to {request.output}")
    return ExitCode.OK


def _bench_generated(request: BenchRequest, time_limit: float | None, say: Say, show: Say
                     ) -> ExitCode:
    """Generated compounds of the given sizes (``--generated``), planned both ways."""
    from supplyroute.bench import generated
    from supplyroute.bench.doorstep import machine
    from supplyroute.bench.plot import markdown_table

    for flag in ("instances", "only"):
        if getattr(request, flag):
            raise InputError(InputIssue(flag, "does not apply to generated compounds"))
    total = len(generated.cases_for(request.generated))

    def started(case: generated.Case, households: int, limit: float) -> None:
        say(f"planning {case.name} with {households} households ({limit:g} s per plan) ...")

    def progress(row: dict[str, object], rows: list[dict[str, object]]) -> None:
        say(f"[{len(rows)}/{total}] {row['case']} {row['households']}: served "
              f"{row['served']} (by hand {row['manual_served']}), gap {row['gap']}, "
              f"{row['wall_s']} s, {row['peak_mb']:g} MB")

    rows = generated.run(request.generated, request.output, time_limit, started, progress)
    generated.write(rows, request.output)
    text = markdown_table(generated.COLUMNS, generated.as_rows(rows))
    (request.output / "summary.md").write_text(
        f"# generated compounds\n\n{machine()}\n\n{text}\n", encoding="utf-8")
    show(machine())
    show(text)
    say(f"results written to {request.output}")
    return ExitCode.OK


def _bench_cycle(request: BenchRequest, say: Say, show: Say) -> ExitCode:
    """The cycle examples' benchmark (``benchmarks/cycle.py``) from the CLI."""
    from supplyroute.bench import cycle
    from supplyroute.bench.doorstep import default_examples, machine

    limits = _examples_bench_limits(request, "cycle")
    examples = request.instances or default_examples()
    try:
        cycle.cycle_paths(examples, request.only)
    except FileNotFoundError as exc:
        raise InputError(InputIssue("instances", str(exc))) from None

    def report(row: dict[str, object]) -> None:
        say(f"{row['example']}: worst day gap {row['worst_gap']}%, violations "
              f"{row['violations']}, {row['wall_s']} s")

    time_limit = limits[0] if limits else 10.0
    # Days go two at a time at least (as ``supplyroute cycle`` plans them by default).
    rows, days = cycle.run(examples, time_limit, max(2, request.workers), request.only,
                           request.deterministic, report)
    header = (f"{machine()}; {time_limit:g} s per day; command: supplyroute bench cycle "
              f"--time-limit {time_limit:g}")
    cycle.write(rows, days, request.output, header)
    show(header)
    show(cycle.markdown(cycle.COLUMNS, rows))
    say(f"results written to {request.output}")
    return ExitCode.OK

"""Tables and plots of benchmark rows: summary.md and gap against time limit.

The plot draws, per set, solver and configuration, the mean gap to the best-known
cost over the instances solved feasibly at each time limit; a point averages only the
feasible rows, so read it next to the feasible counts of summary.md. Matplotlib runs on
its Agg canvas (no display, no global pyplot state), so this works on a headless
machine and inside a library.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

from supplyroute.bench.harness import Row, summary

PLOT_NAME = "gap_vs_time"
SUMMARY_COLUMNS = ("set", "solver", "configuration", "time limit (s)", "instances",
                   "feasible", "mean gap", "worst gap", "vehicles used", "over k")


def label(row: Row, sets: int = 1) -> str:
    """A line's name: the solver, its configuration unless default, the set if several."""
    text = row.solver if row.configuration == "default" else f"{row.solver} [{row.configuration}]"
    return f"{row.set}: {text}" if sets > 1 else text


def gap_curves(rows: Sequence[Row]) -> dict[str, list[tuple[float, float]]]:
    """Per line, (time limit, mean gap over feasible instances), by time limit."""
    sets = len({r.set for r in rows})
    gaps: dict[str, dict[float, list[float]]] = {}
    for r in rows:
        per_limit = gaps.setdefault(label(r, sets), {})
        if r.feasible and r.gap is not None:
            per_limit.setdefault(r.time_limit_s, []).append(r.gap)
    return {name: [(t, statistics.fmean(g)) for t, g in sorted(per_limit.items())]
            for name, per_limit in gaps.items()}


def plot_gap_vs_time(rows: Sequence[Row], out: str | Path) -> list[Path]:
    """Write ``gap_vs_time.png`` and ``.svg`` into ``out``; returns their paths."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    curves = gap_curves(rows)
    limits = sorted({r.time_limit_s for r in rows})
    figure = Figure(figsize=(8, 5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for name, points in curves.items():
        if points:
            axes.plot([t for t, _ in points], [g for _, g in points], marker="o", label=name)
    if len(limits) > 1 and limits[-1] / limits[0] >= 10:
        axes.set_xscale("log")
    axes.set_xticks(limits, [f"{t:g}" for t in limits])
    axes.minorticks_off()
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.set_xlabel("time limit per instance (s)")
    axes.set_ylabel("mean gap to best-known cost (feasible runs)")
    axes.set_title(", ".join(sorted({r.set for r in rows})) + ": gap against time limit")
    axes.grid(True, alpha=0.3)
    if curves:
        axes.legend(fontsize="small")
    paths = [out / f"{PLOT_NAME}.png", out / f"{PLOT_NAME}.svg"]
    for path in paths:
        figure.savefig(path, dpi=120 if path.suffix == ".png" else None)
    return paths


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub Markdown table; ``|`` in a cell is escaped."""
    def cell(value: object) -> str:
        return "-" if value is None else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_markdown(rows: Sequence[Row]) -> str:
    """Mean and worst gap, feasible count and over-k count per set, solver,
    configuration and time limit, as a Markdown table."""
    return markdown_table(SUMMARY_COLUMNS, [
        (s["set"], s["solver"], s["configuration"], f"{s['time_limit_s']:g}",
         s["instances"], s["feasible"], _percent(s["mean_gap"]), _percent(s["worst_gap"]),
         s["vehicles"], s["over_k"])
        for s in summary(list(rows))])


def instances_markdown(rows: Sequence[Row]) -> str:
    """Per instance (and time limit, seed), each solver's gap and vehicles used side by
    side: where two solvers' means are close, this shows whether they are close on
    every instance or trade wins."""
    lines = list(dict.fromkeys(label(r) for r in rows))
    keys = list(dict.fromkeys((r.instance, r.time_limit_s, r.seed) for r in rows))
    cells = {(r.instance, r.time_limit_s, r.seed, label(r)): r for r in rows}
    several = len({(t, s) for _, t, s in keys}) > 1

    def cell(row: Row | None) -> str:
        if row is None:
            return "-"
        if row.gap is None or not row.feasible:
            return "infeasible"
        return f"{row.gap:.2%} ({row.vehicles})"

    columns = ["instance", "k", *(["time limit (s)", "seed"] if several else []), *lines]
    body = []
    for name, limit, seed in keys:
        k = next(r.k for r in rows if r.instance == name)
        body.append([name, k, *([f"{limit:g}", seed] if several else []),
                     *(cell(cells.get((name, limit, seed, line))) for line in lines)])
    return markdown_table(columns, body)


def write_summary(rows: Sequence[Row], out: str | Path, title: str | None = None) -> Path:
    """Write ``summary.md`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = ((f"# {title}\n\n" if title else "") + summary_markdown(rows)
            + "\n\n## Per instance: gap (vehicles used)\n\n" + instances_markdown(rows) + "\n")
    path = out / "summary.md"
    path.write_text(text, encoding="utf-8")
    return path

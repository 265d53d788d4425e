"""The district benchmark: a district planned end to end, here and on a Dask cluster.

Per case (the example district, or generated districts of given sizes): the joint
plan's end-to-end makespan, its bound and gap, the sequential baseline (vans by
distance, then the rounds), the wall time of the serial run and of the run on a
``LocalCluster``, whether the two runs gave the same plans (deterministic mode: they
must), and the violations the district checker finds in each. Used by
``supplyroute bench district`` and ``benchmarks/district.py``.

The example district ships with the package (``supplyroute/bench/data/district.json``,
its compounds written inline), so that an installed copy benchmarks it without the
source checkout; ``examples/district.json`` with its compound files is the copy users
read, and a test keeps the two the same district.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from supplyroute.checks.district import check_district
from supplyroute.district.generate import DistrictSpec, generate_district
from supplyroute.district.joint import DistrictOptions, plan_district
from supplyroute.io import load_district, validate_document
from supplyroute.models.district import DistrictScenario
from supplyroute.models.district_plan import DistrictPlan

COLUMNS = ["case", "compounds", "households", "vans", "shipments", "makespan_min",
           "lower_bound_min", "gap", "baseline_min", "joint_vs_baseline", "serial_s",
           "cluster_s", "workers", "same_plans", "violations", "orders_met", "transports_met"]

Row = dict[str, object]

#: Households per compound in a generated district.
HOUSEHOLDS_PER_COMPOUND = 1000


@dataclass(frozen=True)
class Case:
    name: str
    district: DistrictScenario


def example_case(path: str | Path | None = None) -> Case:
    """The example district from ``path``, or (None) the copy shipped with the
    package."""
    if path is not None:
        return Case(Path(path).stem, load_district(path))
    return Case("district", packaged_district())


def packaged_district() -> DistrictScenario:
    """The example district as shipped with the package (its compounds inline)."""
    text = resources.files("supplyroute.bench").joinpath("data/district.json").read_text(
        encoding="utf-8")
    return validate_document(DistrictScenario, json.loads(text))


def generated_case(households: int, seed: int = 0) -> Case:
    compounds = max(1, round(households / HOUSEHOLDS_PER_COMPOUND))
    spec = DistrictSpec(compounds=compounds, households=households, seed=seed)
    return Case(f"generated-{households}", validate_document(DistrictScenario,
                                                             generate_district(spec)))


def same_plans(a: DistrictPlan, b: DistrictPlan) -> bool:
    """The same routes, lots and rounds (the wall time and the baseline, which only one
    of the runs may plan, aside)."""
    def strip(p: DistrictPlan) -> str:
        return p.model_copy(update={"summary": p.summary.model_copy(
            update={"solve_s": None, "baseline_makespan_s": None})}).model_dump_json()
    return strip(a) == strip(b)


def bench_case(case: Case, options: DistrictOptions,
               say: Callable[[str], None] | None = None, baseline: bool = True) -> Row:
    """Plan the case serially (with the baseline, if asked), then on a LocalCluster of
    ``options.workers`` workers; check both."""
    serial_options = replace(options, workers=1, scheduler=None, baseline=baseline)
    started = time.monotonic()
    serial = plan_district(case.district, serial_options)
    serial_s = time.monotonic() - started
    if say:
        say(f"{case.name}: serial run {serial_s:.0f} s")
    cluster, cluster_s = None, None
    if options.workers > 1 or options.scheduler is not None:
        started = time.monotonic()
        cluster = plan_district(case.district, replace(options, baseline=False))
        cluster_s = time.monotonic() - started
        if say:
            say(f"{case.name}: on the cluster {cluster_s:.0f} s")
    violations = len(check_district(case.district, serial))
    if cluster is not None:
        violations += len(check_district(case.district, cluster))
    s = serial.summary
    baseline = s.baseline_makespan_s
    return {
        "case": case.name, "compounds": len(case.district.compounds),
        "households": s.households, "vans": s.vehicles_used, "shipments": len(serial.shipments),
        "makespan_min": round(s.makespan_s / 60, 1),
        "lower_bound_min": round(s.lower_bound_s / 60, 1),
        "gap": None if s.gap is None else round(100 * s.gap, 2),
        "baseline_min": None if baseline is None else round(baseline / 60, 1),
        "joint_vs_baseline": None if not baseline else round(s.makespan_s / baseline, 3),
        "serial_s": round(serial_s, 1),
        "cluster_s": None if cluster_s is None else round(cluster_s, 1),
        "workers": options.workers if cluster is not None else 1,
        "same_plans": None if cluster is None or not options.deterministic
        else same_plans(serial, cluster),
        "violations": violations,
        "orders_met": f"{s.orders_met}/{s.orders_total}",
        "transports_met": f"{s.transports_met}/{s.transports_total}",
    }


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join("-" if r[c] is None else str(r[c]) for c in COLUMNS) + " |"
              for r in rows]
    return "\n".join(lines)


def write(rows: list[Row], out: str | Path, header: str = "") -> list[Path]:
    """``district.csv``, ``district.json`` and ``summary.md`` in ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "district.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (out / "district.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    (out / "summary.md").write_text(f"# district\n\n{header}\n\n{markdown(rows)}\n",
                                    encoding="utf-8")
    return [out / n for n in ("district.csv", "district.json", "summary.md")]

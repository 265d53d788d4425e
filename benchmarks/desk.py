"""How long the coordinator's desk takes to write anzhen4389's papers (4,389 households,
63 volunteers): the plan report and every volunteer's route sheet (HTML and Markdown),
in Chinese. The plan is made by hand (``method="manual"``) first and not timed.

    .venv/bin/python benchmarks/desk.py [SCENARIO] [-o DIR]

Prints the seconds of each part and the total.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from supplyroute import PlanOptions, load_scenario, plan
from supplyroute.reports.html_sheets import write_html_sheets
from supplyroute.reports.markdown_sheets import write_sheets
from supplyroute.reports.report import write_report

ROOT = Path(__file__).resolve().parent.parent


def write_desk(scenario_path: Path, out: Path, lang: str = "zh") -> dict[str, float]:
    """Plan by hand, then write the report and the sheets; seconds of each writing part."""
    scenario = load_scenario(scenario_path)
    result = plan(scenario, PlanOptions(method="manual"))
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    write_report(scenario, result, out / f"report.{lang}.html", lang=lang)
    t1 = time.perf_counter()
    write_html_sheets(scenario, result, out / "sheets", lang=lang)
    t2 = time.perf_counter()
    write_sheets(scenario, result, out / "sheets", lang=lang)
    t3 = time.perf_counter()
    seconds["report"], seconds["html_sheets"], seconds["md_sheets"] = t1 - t0, t2 - t1, t3 - t2
    seconds["total"] = t3 - t0
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path, nargs="?",
                        default=ROOT / "examples" / "anzhen4389.json")
    parser.add_argument("-o", "--output", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seconds = write_desk(args.scenario, args.output or Path(tmp))
    for part, s in seconds.items():
        print(f"{part:12s} {s:6.2f} s")


if __name__ == "__main__":
    main()

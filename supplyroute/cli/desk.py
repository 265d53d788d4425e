"""The coordinator's desk: ``template`` and ``import`` (spreadsheets in), ``sheets``,
``report`` and ``export-geojson`` (paper and pages out)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from supplyroute.cli.common import InputKind, count, input_kind, same_scenario, write_scenario
from supplyroute.errors import ExitCode, InputError, InputIssue
from supplyroute.io import (
    check_folder,
    check_writable,
    load_cycle_scenario,
    load_plan,
    load_scenario,
)
from supplyroute.models import Plan, Scenario

#: What ``sheets --format`` may write.
SHEET_FORMATS = ("md", "html", "pdf")


def register(sub: argparse._SubParsersAction) -> None:
    """The desk commands' parsers."""
    p = sub.add_parser("template", help="write a blank layout, ledger or roster sheet",
                       description="Write a blank spreadsheet (XLSX, or CSV by the file's "
                       "suffix) with zh/en headers, an example row and notes on each column.")
    p.add_argument("kind", choices=("layout", "ledger", "roster"))
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(run=template_command)

    p = sub.add_parser("import", help="read the coordinator's spreadsheets into a scenario",
                       description="Read the layout, the household ledger and the volunteer "
                       "roster (CSV or XLSX) into a scenario; any row that cannot be read "
                       "is an error naming its file, row and column (exit 2, nothing "
                       "written).")
    p.add_argument("--layout", type=Path, required=True, metavar="FILE")
    p.add_argument("--ledger", type=Path, required=True, metavar="FILE")
    p.add_argument("--roster", type=Path, required=True, metavar="FILE")
    p.add_argument("--columns", type=Path, default=None, metavar="MAP.json",
                   help='our field -> your header, e.g. {"address": "住户地址"}')
    p.add_argument("--name", default=None, help="the scenario's name (default: the ledger's)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="SCENARIO.json")
    p.set_defaults(run=import_command)

    p = sub.add_parser("sheets", help="write one printable route sheet per volunteer")
    p.add_argument("scenario", type=Path, help="a scenario (or, with a horizon folder, "
                   "the cycle scenario)")
    p.add_argument("plan", type=Path, help="a plan JSON, or a folder written by 'cycle'")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--day", type=count, default=1, metavar="N",
                   help="with a horizon folder: the day (from 1; default 1)")
    p.add_argument("--round", choices=("delivery", "garbage"), default="delivery",
                   help="with a horizon folder: which round (default delivery)")
    p.add_argument("--format", type=sheet_formats, default=("md", "html"),
                   metavar="md,html,pdf",
                   help="what to write, comma-separated: md (Markdown), html (printable, "
                   "A4), pdf (each HTML printed with headless Chromium); default md,html")
    p.add_argument("--redact", action="store_true",
                   help="leave households' names and phones out of everything written")
    p.set_defaults(run=sheets_command)

    p = sub.add_parser("report", help="write the plan report: one self-contained HTML page",
                       description="The compound with each volunteer's trips, a timeline per "
                       "volunteer, when urgent and vulnerable households are served, the "
                       "unserved households with reasons, and the summary (makespan, bound, "
                       "gap), in one HTML file with no scripts and nothing fetched.")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--redact", action="store_true",
                   help="leave households' names and phones out")
    p.set_defaults(run=report_command)

    p = sub.add_parser("export-geojson", help="write the plan's trips as GeoJSON lines",
                       description="One LineString Feature per trip, [lon, lat] from the "
                       "gate through its stops and back, with volunteer, trip index, start "
                       "and return; the scenario must place everything by lat/lon.")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(run=export_geojson_command)


def template_command(args: argparse.Namespace) -> int:
    """A blank layout, ledger or roster spreadsheet."""
    from supplyroute.desk import write_template

    check_writable(args.output, stdout=False)
    write_template(args.kind, args.output)
    print(f"{args.kind} template written to {args.output}")
    return ExitCode.OK


def import_command(args: argparse.Namespace) -> int:
    """The coordinator's spreadsheets read into a scenario, written only if every row reads."""
    from supplyroute.desk import import_compound
    from supplyroute.io import read_json

    check_writable(args.output, stdout=False)
    columns = None
    if args.columns is not None:
        columns = read_json(args.columns)
        if not isinstance(columns, dict):
            raise InputError(InputIssue("--columns", "expected a JSON object: our field -> "
                                        "your header"))
    data = import_compound(args.layout, args.ledger, args.roster, columns, name=args.name)
    write_scenario(args.output, data)
    return ExitCode.OK


def sheet_formats(text: str) -> tuple[str, ...]:
    """``md,html,pdf``: one or more sheet formats."""
    formats = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [f for f in formats if f not in SHEET_FORMATS]
    if not formats or unknown:
        raise argparse.ArgumentTypeError(f"give one or more of {', '.join(SHEET_FORMATS)} "
                                         "separated by commas")
    return formats


def _sheet_inputs(args: argparse.Namespace) -> tuple[Scenario, Plan, dict[str, list[str]] | None]:
    """The round the sheets are for: a plan, or a cycle day's round with what is in
    each bag."""
    if input_kind(args.plan) is not InputKind.HORIZON:
        scenario = load_scenario(args.scenario)
        result = load_plan(args.plan)
        same_scenario(scenario, result)
        return scenario, result, None
    from supplyroute.cycles.folder import read_horizon
    from supplyroute.reports.plan_facts import bag_contents

    cs = load_cycle_scenario(args.scenario)
    folder = read_horizon(args.plan)
    if folder.horizon.scenario != cs.name:
        raise InputError(InputIssue("scenario", f"the horizon is for {folder.horizon.scenario!r}"
                                    f", not {cs.name!r}"))
    day = args.day - 1
    if (day, args.round) not in folder.rounds:
        raise InputError(InputIssue("day", f"the horizon has no {args.round} round on day "
                                    f"{args.day}"))
    scenario, result = folder.rounds[day, args.round]
    return scenario, result, bag_contents(cs, folder.horizon.days[day])


def sheets_command(args: argparse.Namespace) -> int:
    """Route sheets in the formats asked for: Markdown, printable HTML, PDF."""
    from supplyroute.reports.html_sheets import (
        PrintError,
        find_chromium,
        print_pdfs,
        write_html_sheets,
    )
    from supplyroute.reports.markdown_sheets import write_sheets

    chromium = None
    if "pdf" in args.format:
        chromium = find_chromium()
        if chromium is None:
            raise InputError(InputIssue("--format", "pdf needs a chromium binary on PATH, "
                                        "and none was found: install chromium to print PDF"))
    check_folder(args.output)
    scenario, result, contents = _sheet_inputs(args)
    paths: list[Path] = []
    if "md" in args.format:
        paths += write_sheets(scenario, result, args.output, lang=args.lang, contents=contents)
    if "html" in args.format or "pdf" in args.format:
        pages = write_html_sheets(scenario, result, args.output, lang=args.lang,
                                  redact=args.redact, contents=contents)
        if "html" in args.format:
            paths += pages
        if "pdf" in args.format:
            try:
                paths += print_pdfs(pages, chromium)
            except PrintError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return ExitCode.INTERNAL
            finally:
                if "html" not in args.format:
                    for page in pages:
                        page.unlink(missing_ok=True)
    print(f"{len(paths)} files written to {args.output}")
    return ExitCode.OK


def _round_files(args: argparse.Namespace) -> tuple[Scenario, Plan]:
    """A round's scenario and plan, the plan for that scenario, the output writable."""
    check_writable(args.output, stdout=False)
    scenario = load_scenario(args.scenario)
    result = load_plan(args.plan)
    same_scenario(scenario, result)
    return scenario, result


def report_command(args: argparse.Namespace) -> int:
    """The plan report as one HTML page."""
    from supplyroute.reports.report import write_report

    scenario, result = _round_files(args)
    write_report(scenario, result, args.output, lang=args.lang, redact=args.redact)
    print(f"report written to {args.output}")
    return ExitCode.OK


def export_geojson_command(args: argparse.Namespace) -> int:
    """The plan's trips as GeoJSON."""
    from supplyroute.reports.geojson import write_geojson

    scenario, result = _round_files(args)
    write_geojson(scenario, result, args.output)
    trips = sum(len(vp.trips) for vp in result.volunteers)
    print(f"{trips} trips written to {args.output}")
    return ExitCode.OK

"""``generate`` (a compound of any size and shape) and ``schema`` (the JSON Schema of
every document the tool reads or writes)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from supplyroute.cli.common import count, share, write_scenario
from supplyroute.errors import ExitCode
from supplyroute.generate import HOUSEHOLDS_PER_VOLUNTEER, CompoundSpec, Shape, Shifts
from supplyroute.io import check_writable
from supplyroute.models import Plan, Scenario
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.district import DistrictScenario
from supplyroute.models.district_plan import DistrictPlan
from supplyroute.models.events import Events
from supplyroute.models.horizon import HorizonPlan
from supplyroute.staffing import StaffingAnswer
from supplyroute.whatif import Comparison

#: Documents whose JSON Schema ``schema`` prints.
SCHEMAS = {"scenario": Scenario, "plan": Plan, "cycle": CycleScenario, "horizon": HorizonPlan,
           "compound": CompoundSpec, "staffing": StaffingAnswer, "comparison": Comparison,
           "events": Events, "district": DistrictScenario, "district-plan": DistrictPlan}


def register(sub: argparse._SubParsersAction) -> None:
    """The tools' parsers."""
    p = sub.add_parser("generate", help="write a generated compound of any size and shape",
                       description="Write a scenario of a generated compound: walk-ups, "
                       "high-rises with lifts or both, zone groups or none, open or tight "
                       "shifts; the same options give the same file.")
    p.add_argument("households", type=count)
    p.add_argument("--shape", choices=[s.value for s in Shape], default=Shape.WALKUP.value)
    p.add_argument("--zones", type=int, default=0, metavar="N",
                   help="zone groups of volunteers (default 0: no zones)")
    p.add_argument("--volunteers", type=count, default=None, metavar="N",
                   help=f"default: one per {HOUSEHOLDS_PER_VOLUNTEER} households")
    p.add_argument("--cart-share", type=share, default=1 / 3, metavar="SHARE",
                   help="share of volunteers with carts (default 1/3)")
    p.add_argument("--shifts", choices=[s.value for s in Shifts], default=Shifts.OPEN.value,
                   help="open: 07:00-23:00 (default); tight: 08:00-14:00")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.set_defaults(run=generate_command)

    p = sub.add_parser("schema", help="print the JSON Schema of a document")
    p.add_argument("document", choices=tuple(SCHEMAS), nargs="?", default="scenario")
    p.set_defaults(run=schema_command)


def generate_command(args: argparse.Namespace) -> int:
    """A generated compound written to a scenario file."""
    from supplyroute.generate import generate
    from supplyroute.io import validate_document

    check_writable(args.output, stdout=False)
    spec = validate_document(CompoundSpec, {
        "households": args.households, "shape": args.shape, "zones": args.zones,
        "volunteers": args.volunteers, "cart_share": args.cart_share,
        "shifts": args.shifts, "seed": args.seed})
    data = generate(spec)
    write_scenario(args.output, data)
    return ExitCode.OK


def schema_command(args: argparse.Namespace) -> int:
    """The JSON Schema of a document, generated from its model."""
    print(json.dumps(SCHEMAS[args.document].model_json_schema(), indent=2))
    return ExitCode.OK

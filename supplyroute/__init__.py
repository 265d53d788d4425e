"""supplyroute: plans how supplies reach every household of a sealed compound.

    >>> from supplyroute import load_scenario, plan, check, PlanOptions
    >>> scenario = load_scenario("examples/nanxiu12.json")
    >>> result = plan(scenario, PlanOptions(time_limit_s=5))
    >>> check(scenario, result)
    []
"""

import logging

from supplyroute.checks import RoundRule, Violation, check
from supplyroute.errors import ExitCode, InputError, InputIssue
from supplyroute.io import load_plan, load_scenario
from supplyroute.models import Plan, Scenario
from supplyroute.models.events import Events
from supplyroute.planner import PlanOptions, plan
from supplyroute.replan import Replanned, replan
from supplyroute.rounds.budget import Progress

logging.getLogger("supplyroute").addHandler(logging.NullHandler())

__version__ = "0.1.0"

__all__ = [
    "Events", "ExitCode", "InputError", "InputIssue", "Plan", "PlanOptions", "Progress",
    "Replanned", "RoundRule", "Scenario", "Violation", "check", "load_plan",
    "load_scenario", "plan", "replan",
]

"""Fingerprints: which scenario a plan (or a cycle's horizon) is for, which plan a
replan replans.

Both hash the validated content with the defaults left out, so that the layout and key
order of a file do not count, and neither does a field that a later version adds with a
default.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel

from supplyroute.models.cycle import CycleScenario
from supplyroute.models.scenario import Scenario


def _sha256(model: BaseModel, exclude: set[str] | None = None) -> str:
    text = model.model_dump_json(exclude_defaults=True, exclude=exclude)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_sha256(scenario: Scenario | CycleScenario) -> str:
    """The scenario's fingerprint: different as soon as one household, volunteer or
    parameter differs. A cycle scenario's is :func:`cycle_sha256`."""
    if isinstance(scenario, CycleScenario):
        return cycle_sha256(scenario)
    return _sha256(scenario)


def cycle_sha256(cycle: CycleScenario) -> str:
    """A cycle scenario's fingerprint, which its horizon records: different as soon as
    one household, volunteer, stock lot, ration or parameter differs, but not with the
    number of days (a horizon of the first days, ``cycle --days D`` or one stopped
    early, is still of this scenario; the checker counts its days)."""
    return _sha256(cycle, exclude={"days"})


def district_sha256(district: BaseModel) -> str:
    """A district scenario's fingerprint: different as soon as a depot, vehicle,
    compound or order differs."""
    return _sha256(district)


def plan_sha256(plan: BaseModel) -> str:
    """A plan's fingerprint: a replan names the plan it replans by it."""
    return _sha256(plan)

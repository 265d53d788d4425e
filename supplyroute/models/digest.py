"""Fingerprints: which scenario a plan is for, which plan a replan replans.

Both hash the validated content with the defaults left out, so that the layout and key
order of a file do not count, and neither does a field that a later version adds with a
default.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel

from supplyroute.models.scenario import Scenario


def _sha256(model: BaseModel) -> str:
    text = model.model_dump_json(exclude_defaults=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_sha256(scenario: Scenario) -> str:
    """The scenario's fingerprint: different as soon as one household, volunteer or
    parameter differs."""
    return _sha256(scenario)


def district_sha256(district: BaseModel) -> str:
    """A district scenario's fingerprint: different as soon as a depot, vehicle,
    compound or order differs."""
    return _sha256(district)


def plan_sha256(plan: BaseModel) -> str:
    """A plan's fingerprint: a replan names the plan it replans by it."""
    return _sha256(plan)

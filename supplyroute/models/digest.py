"""The fingerprint of a scenario that plans carry, to tell which scenario they are for."""

from __future__ import annotations

import hashlib

from pydantic import BaseModel

from supplyroute.models.scenario import Scenario


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of the scenario's validated content: the same for any layout or key order
    of its file, different as soon as one household, volunteer or parameter differs."""
    return hashlib.sha256(scenario.model_dump_json().encode("utf-8")).hexdigest()


def plan_sha256(plan: BaseModel) -> str:
    """SHA-256 of a plan's content (its JSON as the model writes it, without a replan's
    own record): a replan names the plan it replans by it."""
    return hashlib.sha256(plan.model_dump_json().encode("utf-8")).hexdigest()

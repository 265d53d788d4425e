"""The fingerprint of a scenario that plans carry, to tell which scenario they are for."""

from __future__ import annotations

import hashlib

from supplyroute.models.scenario import Scenario


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of the scenario's validated content: the same for any layout or key order
    of its file, different as soon as one household, volunteer or parameter differs."""
    return hashlib.sha256(scenario.model_dump_json().encode("utf-8")).hexdigest()

"""Pydantic models: the scenario (input) and the plan (output)."""

from supplyroute.models.plan import (
    Delivery,
    Door,
    EntranceDrop,
    Plan,
    StairRun,
    Stop,
    Summary,
    Trip,
    Unserved,
    UnservedReason,
    VolunteerPlan,
)
from supplyroute.models.scenario import (
    Bag,
    Building,
    Cart,
    DeliveryMode,
    Gate,
    Household,
    Parameters,
    Position,
    Priority,
    Release,
    Risk,
    Scenario,
    Shift,
    Stairwell,
    Volunteer,
    Walkways,
    Window,
)

__all__ = [
    "Bag", "Building", "Cart", "Delivery", "DeliveryMode", "Door", "EntranceDrop", "Gate",
    "Household", "Parameters", "Plan", "Position", "Priority", "Release", "Risk", "Scenario",
    "Shift", "StairRun", "Stairwell", "Stop", "Summary", "Trip", "Unserved", "UnservedReason",
    "Volunteer", "VolunteerPlan", "Walkways", "Window",
]

"""Pydantic models: the scenario (input) and the plan (output) of a doorstep round; the
cycle scenario (``cycle``) and the horizon plan (``horizon``) of a supply cycle."""

from supplyroute.models.plan import (
    Climb,
    Delivery,
    Door,
    EntranceDrop,
    Plan,
    RelayDrop,
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
    Role,
    Scenario,
    Shift,
    Stairwell,
    Volunteer,
    Walkways,
    Window,
)

__all__ = [
    "Bag", "Building", "Cart", "Climb", "Delivery", "DeliveryMode", "Door", "EntranceDrop", "Gate",
    "Household", "Parameters", "Plan", "Position", "Priority", "RelayDrop", "Release", "Risk",
    "Role", "Scenario",
    "Shift", "StairRun", "Stairwell", "Stop", "Summary", "Trip", "Unserved", "UnservedReason",
    "Volunteer", "VolunteerPlan", "Walkways", "Window",
]

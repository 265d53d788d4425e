"""What happens during the day: the events a replan takes in (JSON ``supplyroute.events``).

A plan made at 07:00 meets the day: a volunteer goes home sick, an urgent insulin order
comes in, a release batch is late, a stairwell is sealed because of a new case. Each
event is one object with a ``type``; times are seconds or ``"HH:MM"`` as in scenarios.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from supplyroute.models.base import TimeS
from supplyroute.models.scenario import Bag, Household, Volunteer

EVENTS_FORMAT = "supplyroute.events"


class _Frozen(BaseModel):
    #: No NaN nor infinity; text and true/false fill no number (strict on reading, see
    #: supplyroute.io.validate_document). Not the scenario's base: its field validator
    #: cannot stand on the 'type' the events are told apart by.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class VolunteerLeaves(_Frozen):
    """A volunteer goes home at ``at``. During a trip they finish the stairwell in hand
    and walk back with the bags of the stairwells not reached; those are back at the
    gate when they are, for someone else to take."""

    type: Literal["volunteer_leaves"]
    volunteer: str
    at: TimeS


class VolunteerLate(_Frozen):
    """A volunteer who has not started yet comes at ``arrives`` instead."""

    type: Literal["volunteer_late"]
    volunteer: str
    arrives: TimeS


class VolunteerJoins(_Frozen):
    """A new volunteer (with its shift, gate, cart, zone) joins the round."""

    type: Literal["volunteer_joins"]
    volunteer: Volunteer


class HouseholdsAdded(_Frozen):
    """Households to serve that the plan did not know of (a new registration)."""

    type: Literal["households_added"]
    households: tuple[Household, ...] = Field(min_length=1)


class HouseholdsRemoved(_Frozen):
    """Households that need nothing after all (moved out, served by family)."""

    type: Literal["households_removed"]
    households: tuple[str, ...] = Field(min_length=1)


class UrgentOrder(_Frozen):
    """An urgent order for a household, due by ``deadline``. Not yet served: its
    delivery becomes urgent, with the order's bags added. Already served: a delivery of
    its own (``<household>/order``). The order's bags are ready at ``gate`` (default:
    the household's gate, else the first) from ``ready`` (default: the replan's time)."""

    type: Literal["urgent_order"]
    household: str
    deadline: TimeS
    bags: tuple[Bag, ...] = (Bag(kind="medicine", weight_kg=1.0),)
    gate: str | None = None
    ready: TimeS | None = None


class ReleaseChanged(_Frozen):
    """A release batch comes at another time (``at``), or with fewer bags (``bags``)."""

    type: Literal["release_changed"]
    gate: str
    release: int = Field(ge=0)  #: its index in the gate's ``releases``.
    at: TimeS | None = None
    bags: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _something(self) -> ReleaseChanged:
        if self.at is None and self.bags is None:
            raise ValueError("give the new time 'at', the new count 'bags', or both")
        return self


class Closed(_Frozen):
    """A stairwell or a whole building is closed (a new case) until ``until``: its
    households are served after that, if the shifts allow."""

    type: Literal["closed"]
    stairwell: str | None = None
    building: str | None = None
    until: TimeS

    @model_validator(mode="after")
    def _one_place(self) -> Closed:
        if (self.stairwell is None) == (self.building is None):
            raise ValueError("give either 'stairwell' or 'building'")
        return self


class CartBroken(_Frozen):
    """A volunteer's cart is out of use from the replan on: trips go by hand."""

    type: Literal["cart_broken"]
    volunteer: str


Event = Annotated[
    VolunteerLeaves | VolunteerLate | VolunteerJoins | HouseholdsAdded | HouseholdsRemoved
    | UrgentOrder | ReleaseChanged | Closed | CartBroken,
    Field(discriminator="type"),
]


class Events(_Frozen):
    """The events of the day a replan takes in (JSON format ``supplyroute.events``)."""

    format: Literal["supplyroute.events"] = EVENTS_FORMAT
    version: Literal[1] = 1
    events: tuple[Event, ...] = ()

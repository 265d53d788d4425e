"""What every model of a scenario shares: times of day (seconds, or ``"HH:MM"``), the
limits beyond which a number is a typo rather than a compound, and the frozen base
model that refuses unknown fields, NaN and ``true``/``false`` for a number."""

from __future__ import annotations

import re
import types
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)


#: The latest time of day a scenario may name: a round may run on for a week of nights.
MAX_TIME_S = 7 * 86400


def parse_time(value: Any) -> Any:
    """Accept seconds (number) or ``"HH:MM[:SS]"``; refuse anything else in the words of
    a time (JSON ``true``/``false`` is not a number of seconds)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("expected a time: seconds since midnight or 'HH:MM' text")
    if isinstance(value, str):
        match = _HHMM.match(value.strip())
        if not match:
            raise ValueError(f"time {value!r} is neither seconds nor 'HH:MM[:SS]'")
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        if minutes >= 60 or seconds >= 60:
            raise ValueError(f"time {value!r} has minutes or seconds above 59")
        return hours * 3600 + minutes * 60 + seconds
    return value


#: The slowest walk or cart a scenario may give (180 m an hour): slower than any person
#: carrying bags, and slow enough that a trip would outlast every shift, so anything
#: below it is a typo (a speed in km/h divided once too often), not a plan to make.
MIN_SPEED_MPS = 0.05

#: The farthest apart two places of a compound may lie (gates, entrances, walkway points).
MAX_SPAN_M = 100_000.0
EARTH_RADIUS_M = 6_371_000.0

#: What a time field accepts, for ``supplyroute schema``: what :func:`parse_time` takes.
TIME_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": MAX_TIME_S},
        {"type": "string", "pattern": r"^\s*\d{1,2}:[0-5]\d(:[0-5]\d)?\s*$"},
    ],
    "description": "a time of day: seconds since midnight, or 'HH:MM' / 'HH:MM:SS' "
                   "(hours may run past 24 for night work)",
}

#: A time of day in seconds since midnight; may run past 24:00 for night work.
TimeS = Annotated[
    float,
    BeforeValidator(parse_time),
    Field(ge=0, le=MAX_TIME_S),
    PlainSerializer(lambda v: int(v) if float(v).is_integer() else v, return_type=Any),
    WithJsonSchema(TIME_JSON_SCHEMA),
]


def _number_kind(annotation: Any) -> str | None:
    """``"whole"`` for an int field, ``"real"`` for a float one (optional or annotated
    alike), None for anything else: the fields JSON ``true``/``false`` must not fill."""
    if annotation is bool:
        return None
    if annotation is float:
        return "real"
    if annotation is int:
        return "whole"
    origin = get_origin(annotation)
    if origin is Annotated:
        return _number_kind(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        kinds = {_number_kind(a) for a in get_args(annotation)} - {None}
        return "real" if "real" in kinds else kinds.pop() if kinds else None
    return None


@cache
def _number_fields(model: type[BaseModel]) -> dict[str, str]:
    """The numeric fields of a model, by name (see :func:`_number_kind`)."""
    kinds = {name: _number_kind(f.annotation) for name, f in model.model_fields.items()}
    return {name: kind for name, kind in kinds.items() if kind is not None}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_values_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """JSON ``true``/``false`` is not a count of floors nor a speed: pydantic's lax
        mode would read it as 1 or 0, so refuse it here (times refuse it themselves)."""
        if isinstance(value, bool) and info.field_name is not None:
            kind = _number_fields(cls).get(info.field_name)
            if kind is not None:
                noun = "a whole number" if kind == "whole" else "a number"
                raise ValueError(f"expected {noun}, not true or false")
        return value

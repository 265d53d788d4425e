"""What a trip or a stop of a plan serves, as a volunteer's sheet shows it."""

from __future__ import annotations

from supplyroute.models import Trip
from supplyroute.models.plan import Stop


def stop_households(stop: Stop) -> list[str]:
    """The households a stop serves, in hand-over order, each once."""
    seen = [d.household for d in stop.drops] + [d.household for r in stop.runs
                                                for d in r.doors]
    return list(dict.fromkeys(seen))


def households_of(trip: Trip) -> list[str]:
    """The households a trip serves, in hand-over order, each once."""
    return list(dict.fromkeys(h for st in trip.stops for h in stop_households(st)))


def stop_key(stop: Stop) -> tuple[str, frozenset[str]]:
    """A stop as a volunteer's sheet shows it: where, and for whom."""
    return stop.stairwell, frozenset(stop_households(stop))

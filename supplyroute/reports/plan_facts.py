"""What the route sheets read off a plan: each volunteer's work, the bags it handles,
who meets whom at the entrance buffers, and what is in each bag of a cycle's day.

The Markdown sheets (:mod:`.markdown_sheets`), the printable HTML sheets
(:mod:`.html_sheets`) and the plan report share these readings, so that a volunteer's
paper and a coordinator's page say the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from supplyroute.models import (
    Bag,
    Climb,
    Household,
    Plan,
    RelayDrop,
    Scenario,
    Stop,
    Trip,
    Volunteer,
    VolunteerPlan,
)
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import DayPlan

#: Per household, a text per bag (by bag index) saying what is in it.
Contents = Mapping[str, Sequence[str]]


def bag_contents(cycle: CycleScenario, day: DayPlan) -> Contents:
    """What is in each bag of a cycle day's deliveries, for the sheets:
    ``"2 × masks, box of 10; 1 × rice, 5 kg"`` (the catalogue's names)."""
    names = {i.id: i.name or i.id for i in cycle.catalogue}
    return {
        d.household: ["; ".join(f"{u.units} × {names[u.item]}" for u in bag.contents)
                      for bag in d.bags]
        for d in day.deliveries
    }


def household_of(scenario: Scenario, household_id: str) -> Household:
    try:
        return scenario.household_by_id[household_id]
    except KeyError:
        raise ValueError(f"household {household_id!r} of the plan is not in the "
                         "scenario") from None


def bags_of(scenario: Scenario, household_id: str, indices: tuple[int, ...]) -> list[Bag]:
    """The bags a plan entry names, by index into the household's bags."""
    bags = scenario.bags_of(household_of(scenario, household_id))
    try:
        return [bags[i] for i in indices]
    except IndexError:
        raise ValueError(f"household {household_id!r} has no bag among indices "
                         f"{list(indices)}") from None


def stop_entries(stop: Stop) -> Iterable[tuple[str, tuple[int, ...]]]:
    """What a stop hands over or puts down, per household: drops, relays, then runs."""
    for drop in stop.drops:
        yield drop.household, drop.bags
    for relay in stop.relays:
        yield relay.household, relay.bags
    for run in stop.runs:
        for door in run.doors:
            yield door.household, door.bags


def climb_entries(climb: Climb) -> Iterable[tuple[str, tuple[int, ...]]]:
    """What a climber hands over on one climb, per household."""
    for door in climb.run.doors:
        yield door.household, door.bags


def trip_bags(scenario: Scenario, trip: Trip) -> list[Bag]:
    """Every bag loaded at the gate for a trip, relayed ones included."""
    return [b for stop in trip.stops for hid, idx in stop_entries(stop)
            for b in bags_of(scenario, hid, idx)]


def trip_households(trips: Iterable[Trip]) -> list[str]:
    """Household ids in delivery order, each once."""
    seen: dict[str, None] = {}
    for trip in trips:
        for stop in trip.stops:
            for hid, _ in stop_entries(stop):
                seen.setdefault(hid, None)
    return list(seen)


def households_of(vp: VolunteerPlan) -> list[str]:
    """Household ids a volunteer brings, puts down or takes up: trips, then climbs."""
    seen = dict.fromkeys(trip_households(vp.trips))
    for climb in vp.climbs:
        for hid, _ in climb_entries(climb):
            seen.setdefault(hid, None)
    return list(seen)


def handled_bags(scenario: Scenario, vp: VolunteerPlan) -> int:
    """How many distinct bags pass through a volunteer's hands (a bag it ferries and
    later takes up itself counts once)."""
    entries = [*(e for trip in vp.trips for stop in trip.stops for e in stop_entries(stop)),
               *(e for climb in vp.climbs for e in climb_entries(climb))]
    for hid, idx in entries:
        bags_of(scenario, hid, idx)  # validates the indices
    return len({(hid, i) for hid, idx in entries for i in idx})


class Relays:
    """Who meets whom at the entrance buffers of a relay plan.

    ``climber_of`` comes from the deliveries (the volunteer of a ferried household's
    ledger line); ``drops`` lists, per stairwell and household, each ferry's relay drops.
    """

    def __init__(self, plan: Plan) -> None:
        self.climber_of: dict[str, str] = {
            d.household: d.volunteer for d in plan.deliveries if d.ferry is not None}
        self.drops: dict[tuple[str, str], list[tuple[str, RelayDrop]]] = {}
        for vp in plan.volunteers:
            for trip in vp.trips:
                for stop in trip.stops:
                    for relay in stop.relays:
                        key = (stop.stairwell, relay.household)
                        self.drops.setdefault(key, []).append((vp.volunteer, relay))

    def arrivals(self, stairwell: str, household: str, bags: tuple[int, ...]
                 ) -> Iterator[tuple[str | None, tuple[int, ...], float | None]]:
        """Where a door's bags come from: ``(ferry, bag indices, dropped_s)`` for each
        ferry's drop that holds some of them, then ``(None, rest, None)`` for bags no
        drop at this stairwell holds (a plan the checker would refuse)."""
        left = list(bags)
        for ferry, relay in sorted(self.drops.get((stairwell, household), ()),
                                   key=lambda fr: fr[1].dropped_s):
            mine = tuple(i for i in left if i in relay.bags)
            if mine:
                left = [i for i in left if i not in mine]
                yield ferry, mine, relay.dropped_s
        if left:
            yield None, tuple(left), None


def roles_of(vp: VolunteerPlan) -> list[str]:
    """What a volunteer does in a relay plan: ``carrier`` (takes bags from the gate up to
    doors, or leaves them for households at entrances), ``ferry`` (leaves them in an
    entrance buffer), ``climber`` (takes buffered bags up); in that order."""
    stops = [stop for trip in vp.trips for stop in trip.stops]
    roles = []
    if any(stop.drops or stop.runs for stop in stops):
        roles.append("carrier")
    if any(stop.relays for stop in stops):
        roles.append("ferry")
    if vp.climbs:
        roles.append("climber")
    return roles


def find_volunteer(scenario: Scenario, plan: Plan, volunteer_id: str
                   ) -> tuple[Volunteer, VolunteerPlan]:
    """The scenario's volunteer and its plan (an empty one if the plan gives it no work)."""
    volunteer = scenario.volunteer_by_id.get(volunteer_id)
    if volunteer is None:
        raise ValueError(f"unknown volunteer {volunteer_id!r}")
    for vp in plan.volunteers:
        if vp.volunteer == volunteer_id:
            return volunteer, vp
    return volunteer, VolunteerPlan(volunteer=volunteer_id)

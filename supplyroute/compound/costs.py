"""The cost model of a doorstep round: what a parcel costs the volunteer who brings it.

A volunteer makes a trip by hand or, if it has one, with its cart (:func:`modes`);
a parcel's linear share of its trip (:func:`trip_cost`), of the climb to its door
(:func:`stair_cost`), and both together (:func:`parcel_cost`) are what the work LPs of
the bounds price and what the planners steer by. :func:`alike` finds volunteers that
differ in nothing but their id, so that costs and rules are computed once per kind.
"""

from __future__ import annotations

import math

from supplyroute.compound.demand import Demand, Parcel
from supplyroute.compound.travel import Travel
from supplyroute.models import Scenario, Volunteer


def modes(scenario: Scenario, volunteer: Volunteer) -> list[tuple[int, float, float]]:
    """How a volunteer may make a trip: (bags, kg, speed) by hand, and with the cart if
    it has one (a volunteer may always leave the cart behind)."""
    p = scenario.parameters
    bags, kg = scenario.hand_capacity(volunteer)
    out = [(bags, kg, volunteer.walk_speed_mps or p.walk_speed_mps)]
    if volunteer.cart is not None:
        out.append((volunteer.cart.capacity_bags, volunteer.cart.capacity_kg,
                    volunteer.cart.speed_mps or p.cart_speed_mps))
    return out


def trip_cost(demand: Demand, travel: Travel, v: int, parcel: Parcel,
              by_bags: tuple[bool, ...] | None = None) -> float:
    """The parcel's linear share of the trips that bring it from volunteer ``v``'s gate
    to its stairwell and back: the cheaper of the volunteer's trip modes (``by_bags[m]``:
    mode m shares trips by bag count, else by weight)."""
    s = demand.scenario
    volunteer = s.volunteers[v]
    p = s.parameters
    gate = travel.place(volunteer.gate, gate=True)
    u = travel.place(parcel.stairwell)
    metres = float(travel.dist_m[gate, u] + travel.dist_m[u, gate])
    trip = math.inf
    for m, (cap_bags, cap_kg, speed) in enumerate(modes(s, volunteer)):
        share = parcel.bags / cap_bags if by_bags is None or by_bags[m] else parcel.kg / cap_kg
        trip = min(trip, share * (p.load_s + metres / speed))
    return trip


def stair_cost(demand: Demand, travel: Travel, v: int, parcel: Parcel,
               by_hand_bags: bool = True) -> float:
    """The parcel's linear share of volunteer ``v``'s climbing: its share of the hands
    times the climb to its floor and back, and its hand-overs."""
    s = demand.scenario
    hand_bags, hand_kg = s.hand_capacity(s.volunteers[v])
    stairs = travel.stairs[parcel.stairwell]
    hand = parcel.bags / hand_bags if by_hand_bags else parcel.kg / hand_kg
    return (hand * (stairs.up_s(parcel.floor) + stairs.down_s(parcel.floor))
            + math.ceil(parcel.bags / hand_bags) * s.parameters.handover_s)


def parcel_cost(demand: Demand, travel: Travel, v: int, parcel: Parcel,
                by_bags: tuple[bool, ...] | None = None, by_hand_bags: bool = True) -> float:
    """The parcel's linear share of volunteer ``v``'s work when it brings the parcel
    and takes it up: its trip share, then its climb or its entrance drop."""
    cost = trip_cost(demand, travel, v, parcel, by_bags)
    if parcel.door:
        return cost + stair_cost(demand, travel, v, parcel, by_hand_bags)
    return cost + parcel.bags * demand.scenario.parameters.entrance_drop_s_per_bag


def alike(scenario: Scenario) -> dict[int, int]:
    """Each volunteer's representative: the first volunteer that differs from it in
    nothing but its id and group (gate, shift, capacities, cart, speed, skills, zone,
    role, station): every cost, saving and rule of the bounds is the same for both."""
    first: dict[str, int] = {}
    out: dict[int, int] = {}
    for v, vol in enumerate(scenario.volunteers):
        key = vol.model_dump_json(exclude={"id", "group"})
        out[v] = first.setdefault(key, v)
    return out


def walk_back_s(demand: Demand, travel: Travel, v: int, parcel: Parcel) -> float:
    """From the parcel's stairwell back to ``v``'s gate, at the slower of its speeds."""
    s = demand.scenario
    volunteer = s.volunteers[v]
    gate = travel.place(volunteer.gate, gate=True)
    slowest = min(speed for _, _, speed in modes(s, volunteer))
    return float(travel.dist_m[travel.place(parcel.stairwell), gate]) / slowest


def solo_delivery_s(demand: Demand, travel: Travel, v: int, parcel: Parcel) -> float:
    """Loading start to hand-over of a trip carrying only this parcel, at best."""
    s = demand.scenario
    volunteer = s.volunteers[v]
    p = s.parameters
    gate = travel.place(volunteer.gate, gate=True)
    fastest = max(speed for _, _, speed in modes(s, volunteer))
    walk = float(travel.dist_m[gate, travel.place(parcel.stairwell)]) / fastest
    if not parcel.door:
        return p.load_s + walk + parcel.bags * p.entrance_drop_s_per_bag
    up = travel.stairs[parcel.stairwell].up_s(parcel.floor)
    return p.load_s + walk + up + p.handover_s

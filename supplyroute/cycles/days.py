"""One day of a cycle as doorstep scenarios: the delivery round and the garbage round.

Each is an ordinary :class:`~supplyroute.models.Scenario`, planned by the doorstep
planner and checked by the doorstep checker like any other:

- The delivery round serves the households due a delivery (their packed bags), an
  order, or a ledger visit (a light check-in item, so that the visit is routed like a
  delivery and takes a hand-over at the door). Bags are released at the packing gate
  in the packing staff's batches; only the volunteers on duty that day take part.
- The garbage round starts from the collection point, no earlier than the round's
  start and each volunteer's return from deliveries plus the walk there: garbage never
  shares a trip with food or medicine. Red and orange homes are served only in full
  PPE (both are red in this round), and each such trip is followed by disinfection.
"""

from __future__ import annotations

from typing import Any

from supplyroute.clock import hhmm
from supplyroute.compound.travel import project
from supplyroute.models import Household, Plan, Risk, Scenario, Volunteer
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import NotServed, PackedBag
from supplyroute.supplies.packing_line import Batch

VISIT_KG = 0.1  #: a ledger visit's check-in item (a card, a thermometer reading).
COLLECTION_GATE = "collection-point"


def delivery_scenario(cs: CycleScenario, day: int, bags: dict[str, list[PackedBag]],
                      visits: list[str], batches: list[Batch]) -> Scenario:
    """The day's delivery round."""
    data = cs.compound.model_dump(mode="json", exclude_none=True)
    data["name"] = f"{cs.name} day {day + 1} deliveries"
    data["description"] = (f"Day {day + 1} of {cs.days}: {len(bags)} deliveries, "
                           f"{len(visits)} visits")
    data["notes"] = [f"Made by supplyroute cycle from {cs.name!r}, day {day} (0-based)."]
    gate = cs.packing_gate()
    for g in data["gates"]:
        g["releases"] = []
        if g["id"] == gate:
            g["releases"] = [{"at": round(max(0.0, b.release_s), 2),
                              "households": list(b.households)} for b in batches]
    wanted = set(bags) | set(visits)
    households = []
    for h in data["households"]:
        if h["id"] not in wanted:
            continue
        if h["id"] in bags:
            h["bags"] = [{"kind": b.kind, "weight_kg": b.weight_kg} for b in bags[h["id"]]]
        else:
            h["bags"] = [{"kind": "visit", "weight_kg": VISIT_KG}]
        households.append(h)
    data["households"] = households
    on_duty = set(cs.on_duty(day))
    data["volunteers"] = [v for v in data["volunteers"] if v["id"] in on_duty]
    return Scenario.model_validate(data)


def garbage_scenario(cs: CycleScenario, day: int, bags: dict[str, list[PackedBag]],
                     deliveries: Plan | None, delivery_scenario: Scenario | None,
                     ) -> tuple[Scenario | None, list[NotServed]]:
    """The day's garbage round, after each volunteer's deliveries (if there were any
    that day), and the homes it cannot take: those that no volunteer on duty who may
    collect from them has a minute of shift left for (None: no round at all)."""
    assert cs.garbage is not None
    garbage = cs.garbage
    data = cs.compound.model_dump(mode="json", exclude_none=True)
    data["name"] = f"{cs.name} day {day + 1} garbage"
    data["description"] = f"Day {day + 1} of {cs.days}: garbage from {len(bags)} homes"
    data["notes"] = [f"Made by supplyroute cycle from {cs.name!r}, day {day} (0-based)."]
    point = garbage.collection_point.model_dump(exclude_none=True)
    data["gates"] = [{"id": COLLECTION_GATE, "position": point}]
    params = dict(data.get("parameters", {}))
    params["disinfection_s"] = garbage.disinfection_s
    data["parameters"] = params
    crew = _garbage_crew(cs, day, deliveries, delivery_scenario)
    households = []
    not_served = []
    for h in data["households"]:
        if h["id"] not in bags:
            continue
        risky = h.get("risk") in (Risk.RED.value, Risk.ORANGE.value)
        if not any(_may_collect(cs, v, cs.compound.household_by_id[h["id"]]) for v, _ in crew):
            not_served.append(NotServed(
                household=h["id"], round="garbage", reason="no_time",
                note=f"the garbage round starts at {hhmm(garbage.start)}; nobody on duty "
                     "who may collect it has a minute of shift left by then"
                     + (" (full PPE)" if risky else "")))
            continue
        households.append({
            "id": h["id"], "stairwell": h["stairwell"], "floor": h["floor"],
            "residents": h.get("residents", 1), "risk": "red" if risky else "green",
            "bags": [{"kind": b.kind, "weight_kg": b.weight_kg} for b in bags[h["id"]]],
            "needs": ["garbage"],
        })
    data["households"] = households
    volunteers = []
    for v, start in crew:
        entry: dict[str, Any] = v.model_dump(mode="json", exclude_none=True)
        entry["gate"] = COLLECTION_GATE
        entry["shift"] = {"start": round(start, 2), "end": v.shift.end}
        volunteers.append(entry)
    if not volunteers or not households:
        return None, not_served
    data["volunteers"] = volunteers
    return Scenario.model_validate(data), not_served


def _garbage_crew(cs: CycleScenario, day: int, deliveries: Plan | None,
                  delivery_scenario: Scenario | None) -> list[tuple[Volunteer, float]]:
    """The volunteers on duty with at least a minute of shift left once the garbage
    round starts, back from their deliveries and walked to the collection point; and
    when each can start."""
    assert cs.garbage is not None
    back = {vp.volunteer: max((t.return_s for t in vp.trips), default=0.0)
            for vp in (deliveries.volunteers if deliveries is not None else ())}
    on_duty = set(cs.on_duty(day))
    crew = (delivery_scenario.volunteers if delivery_scenario is not None else
            tuple(v for v in cs.compound.volunteers if v.id in on_duty))
    walk_s = _walk_to_point_s(cs, cs.compound)
    out = []
    for v in crew:
        start = max(cs.garbage.start, v.shift.start,
                    back.get(v.id, 0.0) + walk_s.get(v.gate, 0.0))
        if start < v.shift.end - 60:
            out.append((v, start))
    return out


def _may_collect(cs: CycleScenario, volunteer: Volunteer, household: Household) -> bool:
    """Zone and full PPE (red and orange homes alike) for the garbage round."""
    if household.risk in (Risk.RED, Risk.ORANGE):
        household = household.model_copy(update={"risk": Risk.RED})
    return cs.compound.may_serve(volunteer, household)


def _walk_to_point_s(cs: CycleScenario, scenario: Scenario) -> dict[str, float]:
    """Walking time from each gate to the collection point (straight line x detour)."""
    assert cs.garbage is not None
    p = scenario.parameters
    positions = [g.position for g in scenario.gates] + [cs.garbage.collection_point]
    xy = project(positions)
    point = xy[-1]
    out = {}
    for g, at in zip(scenario.gates, xy[:-1], strict=True):
        metres = float(((at - point) ** 2).sum() ** 0.5) * p.detour_factor
        out[g.id] = metres / p.walk_speed_mps
    return out

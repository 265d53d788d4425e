"""What makes a scenario impossible to plan, found before any planning: duplicate ids,
references to what does not exist, places too far apart, walkways that leave a place
unreachable, volunteers who can serve nobody, households nobody could carry.

Each issue names the field by its JSON path, so that a coordinator who typed the
scenario (or whose spreadsheet was imported) knows which cell to mend.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from typing import Any

from supplyroute.errors import InputIssue
from supplyroute.models.scenario import (
    EARTH_RADIUS_M,
    MAX_SPAN_M,
    Building,
    Position,
    Role,
    Scenario,
)


def _duplicates(items: tuple[Any, ...], path: str) -> list[InputIssue]:
    seen: set[str] = set()
    issues = []
    for i, item in enumerate(items):
        if item.id in seen:
            issues.append(InputIssue(f"{path}[{i}].id", f"duplicate id {item.id!r}"))
        seen.add(item.id)
    return issues


def _span_issues(positions: list[tuple[str, Position]]) -> list[InputIssue]:
    """A compound whose places lie over ``MAX_SPAN_M`` apart: a typo in a coordinate (or
    lat/lon swapped), and walks long enough to break the planner's arithmetic. Names
    the place farthest from the middle (the median place); longitudes are counted on
    across the 180th meridian, where a compound may straddle it."""
    points = [(p.x or 0.0, p.y or 0.0) for _, p in positions]
    if positions[0][1].is_geographic:
        lons = [p.lon or 0.0 for _, p in positions]
        wrap = max(lons) - min(lons) > 180
        metres = math.pi / 180 * EARTH_RADIUS_M  # a degree of latitude
        east = metres * math.cos(math.radians(sum(p.lat or 0.0 for _, p in positions)
                                              / len(positions)))
        points = [((lon + 360 if wrap and lon < 0 else lon) * east, (p.lat or 0.0) * metres)
                  for lon, (_, p) in zip(lons, positions, strict=True)]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    if math.hypot(max(xs) - min(xs), max(ys) - min(ys)) <= MAX_SPAN_M:
        return []
    middle = (statistics.median(xs), statistics.median(ys))
    far = max(range(len(points)), key=lambda i: math.dist(middle, points[i]))
    return [InputIssue(positions[far][0], f"{math.dist(middle, points[far]) / 1000:,.0f} km "
                       "from the middle of the compound: its places must lie within "
                       f"{MAX_SPAN_M / 1000:g} km of each other")]


def scenario_issues(s: Scenario) -> list[InputIssue]:
    """Every cross-reference and every number that no plan could satisfy."""
    issues: list[InputIssue] = []
    issues += _duplicates(s.gates, "gates")
    issues += _duplicates(s.buildings, "buildings")
    issues += _duplicates(s.households, "households")
    issues += _duplicates(s.volunteers, "volunteers")
    stairwells = _stairwell_buildings(s, issues)
    issues += _position_issues(s)
    issues += _walkway_issues(s)
    issues += _release_issues(s)
    issues += _volunteer_issues(s, stairwells)
    issues += _household_issues(s, stairwells)
    return issues


def _stairwell_buildings(s: Scenario, issues: list[InputIssue]) -> dict[str, Building]:
    """Stairwell id -> its building; adds to ``issues`` repeated stairwell ids and
    stairwells taller than their building."""
    stairwells: dict[str, Building] = {}
    for b_i, b in enumerate(s.buildings):
        for s_i, w in enumerate(b.stairwells):
            path = f"buildings[{b_i}].stairwells[{s_i}]"
            if w.id in stairwells:
                issues.append(InputIssue(f"{path}.id", f"duplicate stairwell id {w.id!r}"))
            stairwells[w.id] = b
            if w.floors is not None and w.floors > b.floors:
                issues.append(InputIssue(f"{path}.floors", f"{w.floors} floors, but building "
                                         f"{b.id!r} has {b.floors}"))
    return stairwells


def _position_issues(s: Scenario) -> Iterator[InputIssue]:
    """Places (gates, entrances, walkway points) mixing x/y with lat/lon, or too far apart."""
    positions = [(f"gates[{g_i}].position", g.position) for g_i, g in enumerate(s.gates)]
    positions += [(f"buildings[{b_i}].stairwells[{s_i}].entrance", w.entrance)
                  for b_i, b in enumerate(s.buildings) for s_i, w in enumerate(b.stairwells)]
    if s.walkways:
        positions += [(f"walkways.points[{p_i}].position", p.position)
                      for p_i, p in enumerate(s.walkways.points)]
    geographic = sum(p.is_geographic for _, p in positions)
    if 0 < geographic < len(positions):
        # Name the first position in the minority system: that is the likely typo.
        odd = geographic <= len(positions) - geographic
        path = next(path for path, p in positions if p.is_geographic == odd)
        yield InputIssue(path, "mixes x/y and lat/lon positions; "
                         "use one system for the whole scenario")
    if not 0 < geographic < len(positions):
        yield from _span_issues(positions)


def _walkway_issues(s: Scenario) -> Iterator[InputIssue]:
    """Walkway points repeated, and edges, gates and stairwells naming unknown points."""
    points = {p.id for p in s.walkways.points} if s.walkways else set()
    if s.walkways:
        yield from _duplicates(s.walkways.points, "walkways.points")
        for e_i, e in enumerate(s.walkways.edges):
            for end in ("a", "b"):
                if getattr(e, end) not in points:
                    yield InputIssue(f"walkways.edges[{e_i}].{end}",
                                     f"unknown walkway point {getattr(e, end)!r}")
    for g_i, g in enumerate(s.gates):
        if g.node is not None and g.node not in points:
            yield InputIssue(f"gates[{g_i}].node", f"unknown walkway point {g.node!r}")
    for b_i, b in enumerate(s.buildings):
        for s_i, w in enumerate(b.stairwells):
            if w.node is not None and w.node not in points:
                yield InputIssue(f"buildings[{b_i}].stairwells[{s_i}].node",
                                 f"unknown walkway point {w.node!r}")


def _release_issues(s: Scenario) -> Iterator[InputIssue]:
    """Gate releases naming unknown households, or households another release names."""
    household_ids = {h.id for h in s.households}
    named: dict[str, str] = {}
    for g_i, g in enumerate(s.gates):
        for r_i, r in enumerate(g.releases):
            for h_i, hid in enumerate(r.households or ()):
                path = f"gates[{g_i}].releases[{r_i}].households[{h_i}]"
                if hid not in household_ids:
                    yield InputIssue(path, f"unknown household {hid!r}")
                elif hid in named:
                    yield InputIssue(path, f"household {hid!r} is already released in {named[hid]}")
                else:
                    named[hid] = path


def _volunteer_issues(s: Scenario, stairwells: dict[str, Building]) -> Iterator[InputIssue]:
    """Volunteers with an unknown gate, zone or station, a shift that ends first, a
    station outside their zone or for a ferry, or a cart smaller than their hands."""
    gate_ids = {g.id for g in s.gates}
    building_ids = {b.id for b in s.buildings}
    for v_i, v in enumerate(s.volunteers):
        path = f"volunteers[{v_i}]"
        if v.gate not in gate_ids:
            yield InputIssue(f"{path}.gate", f"unknown gate {v.gate!r}")
        if v.shift.end <= v.shift.start:
            yield InputIssue(f"{path}.shift.end", "the shift must end after it starts")
        for z_i, bid in enumerate(v.zone or ()):
            if bid not in building_ids:
                yield InputIssue(f"{path}.zone[{z_i}]", f"unknown building {bid!r}")
        for s_i, place in enumerate(v.station or ()):
            if place in building_ids:
                building_id = place
            elif place in stairwells:
                building_id = stairwells[place].id
            else:
                yield InputIssue(f"{path}.station[{s_i}]",
                                 f"unknown stairwell or building {place!r}")
                continue
            if v.zone is not None and building_id not in v.zone:
                yield InputIssue(f"{path}.station[{s_i}]",
                                 f"{place!r} is outside the volunteer's zone")
        if v.station is not None and v.role is Role.FERRY:
            yield InputIssue(f"{path}.station", "a ferry never climbs: a station is "
                             "for volunteers who climb (role 'climber' or 'any')")
        if v.cart is not None:
            hand_bags, hand_kg = s.hand_capacity(v)
            if v.cart.capacity_bags < hand_bags or v.cart.capacity_kg < hand_kg:
                yield InputIssue(f"{path}.cart", "a cart that carries less than the "
                                 "volunteer's hands is not a cart")


def _household_issues(s: Scenario, stairwells: dict[str, Building]) -> Iterator[InputIssue]:
    """Households in an unknown stairwell or above its top floor, with bags nobody can
    carry, a risk nobody on the roster may serve, or a deadline before their window."""
    all_skills = {skill for v in s.volunteers for skill in v.skills}
    max_hand_kg = max(s.hand_capacity(v)[1] for v in s.volunteers)
    # Trip capacities of those who make trips, once: a compound has thousands of homes.
    trip_capacities = {s.trip_capacity(v) for v in s.volunteers if v.role is not Role.CLIMBER}
    for h_i, h in enumerate(s.households):
        path = f"households[{h_i}]"
        building = stairwells.get(h.stairwell)
        if building is None:
            yield InputIssue(f"{path}.stairwell", f"unknown stairwell {h.stairwell!r}")
            continue
        top = next(w.floors or building.floors for w in building.stairwells if w.id == h.stairwell)
        if h.floor > top:
            yield InputIssue(f"{path}.floor", f"floor {h.floor} is above the top "
                             f"floor {top} of stairwell {h.stairwell!r}")
        bags = s.bags_of(h)
        for b_i, bag in enumerate(bags):
            if bag.weight_kg > max_hand_kg:
                where = f"{path}.bags[{b_i}].weight_kg" if h.bags else "parameters.default_bags"
                yield InputIssue(where, f"a {bag.weight_kg:g} kg bag is heavier than "
                                 f"any volunteer can carry ({max_hand_kg:g} kg)")
        # A climber makes no trips from the gate: someone else must bring the bags.
        bags_kg = sum(b.weight_kg for b in bags)
        if not any(len(bags) <= cap_bags and bags_kg <= cap_kg + 1e-9
                   for cap_bags, cap_kg in trip_capacities):
            yield InputIssue(f"{path}.bags", f"{len(bags)} bags ({bags_kg:g} kg) exceed every "
                             "volunteer's trip capacity")
        if s.needs_ppe(h) and "ppe" not in all_skills:
            yield InputIssue(f"{path}.risk", f"a {h.risk.value}-risk household needs a volunteer "
                             "with skill 'ppe', and nobody on the roster has it")
        if h.deadline is not None and h.window is not None and h.deadline < h.window.start:
            yield InputIssue(f"{path}.deadline", "the deadline is before the window opens")

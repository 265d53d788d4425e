"""The layout sheet: one row per building (its number, floors, lift, units and where
unit 1's door is), gate, walkway point or batch of bags released at a gate."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from supplyroute.desk.address import building_number, normal
from supplyroute.desk.cells import (
    ROW_KINDS,
    Sheet,
    hhmm_text,
    read_count,
    read_number,
    read_position,
    read_time,
    read_yes_no,
)
from supplyroute.desk.privacy import shown
from supplyroute.desk.tables import Row
from supplyroute.generate import STAIRWELL_SPACING_M


@dataclass
class Layout:
    """What the layout sheet says: buildings, gates, releases (row, gate id, release,
    its household cell) and the optional walkway graph (points and the paths between)."""

    buildings: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    gates: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    releases: list[tuple[Row, str, dict[str, Any], str]] = dataclasses.field(default_factory=list)
    points: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    walkways: list[tuple[Row, dict[str, Any]]] = dataclasses.field(default_factory=list)


def read_layout(sheet: Sheet) -> Layout:
    """Read the layout sheet row by row; a row that cannot be read is refused."""
    out = Layout()
    if sheet.missing("kind", "id"):
        return out
    seen_b: dict[str, int] = {}
    seen_g: dict[str, int] = {}
    for row in sheet.table.rows:
        word = normal(sheet.cell(row, "kind"))
        kind = next((k for k, words in ROW_KINDS.items() if word in words), None)
        ident = sheet.cell(row, "id")
        refusal: tuple[str, str] | None = None
        if kind is None:
            refusal = "kind", (f"{shown(sheet.cell(row, 'kind'))} is not building, gate, release, "
                               "point or walkway (楼栋/大门/批次/路口/通道)")
        elif kind == "building":
            refusal = _read_building(sheet, row, ident, seen_b, out.buildings)
        elif kind == "gate":
            if not ident:
                refusal = "id", "the gate has no id"
            elif ident in seen_g:
                refusal = "id", f"gate {shown(ident)} is already in row {seen_g[ident]}"
            else:
                seen_g[ident] = row.number
                if (where := read_position(sheet, row)) is not None:
                    out.gates.append({"_row": row.number, "id": ident, "position": where})
        elif kind == "point":
            if not ident or ident in {p["id"] for p in out.points}:
                refusal = "id", "a walkway point needs an id of its own"
            elif (where := read_position(sheet, row)) is not None:
                out.points.append({"_row": row.number, "id": ident, "position": where})
        elif kind == "walkway":
            refusal = _read_walkway(sheet, row, out.walkways)
        else:
            refusal = _read_release(sheet, row, ident, out.releases)
        if refusal is not None:
            sheet.refuse(row, *refusal)
    points = {p["id"] for p in out.points}
    for row, edge in out.walkways:
        for end in ("a", "b"):
            if edge[end] not in points:
                sheet.refuse(row, "from" if end == "a" else "to", f"{shown(edge[end])} is not a "
                             "walkway point of the layout")
    return out


def _read_building(sheet: Sheet, row: Row, ident: str, seen: dict[str, int],
                   buildings: list[dict[str, Any]]) -> tuple[str, str] | None:
    """Add a building and its stairwells to ``buildings``, or give the column and reason
    that refuse the row."""
    number = building_number(ident)
    if number is None:
        return "id", f"building {shown(ident)} is not a building number such as 4 or 4号楼"
    if number in seen:
        return "id", f"building {number} is already in row {seen[number]}"
    seen[number] = row.number
    floors = read_count(sheet.cell(row, "floors"))
    if floors is None or not 1 <= floors <= 200:
        return "floors", (f"floors {shown(sheet.cell(row, 'floors'))} is not a number of floors "
                          "from 1 to 200")
    units = read_count(sheet.cell(row, "stairwells") or "1")
    if units is None or not 1 <= units <= 50:
        return "stairwells", (f"{shown(sheet.cell(row, 'stairwells'))} is not a number of units "
                              "(stairwells) from 1 to 50")
    lift = read_yes_no(sheet.cell(row, "lift"))
    if lift is None:
        return "lift", f"lift {shown(sheet.cell(row, 'lift'))} is not yes/no (有/无)"
    where = read_position(sheet, row)
    if where is not None:
        bid = f"B{number}"
        axis = "lon" if "lon" in where else "x"
        other = "lat" if axis == "lon" else "y"
        step = STAIRWELL_SPACING_M if axis == "x" else STAIRWELL_SPACING_M / 85_000
        buildings.append({
            "_row": row.number, "id": bid, "name": sheet.cell(row, "name") or f"{number}号楼",
            "floors": floors, "lift": lift,
            "stairwells": [{"id": f"{bid}-{k}", "entrance": {
                axis: round(where[axis] + step * (k - 1), 7), other: where[other]}}
                for k in range(1, units + 1)]})
    return None


def _read_walkway(sheet: Sheet, row: Row,
                  walkways: list[tuple[Row, dict[str, Any]]]) -> tuple[str, str] | None:
    """Add a walkway (its ends checked later) or give the column and reason refusing it."""
    a, b = sheet.cell(row, "from"), sheet.cell(row, "to")
    if not a or not b:
        return "from" if not a else "to", "a walkway runs from one point to another: give both"
    edge: dict[str, Any] = {"a": a, "b": b}
    if sheet.cell(row, "length"):
        metres = read_number(sheet.cell(row, "length"), whole=False)
        if metres is None or metres <= 0:
            return "length", f"{shown(sheet.cell(row, 'length'))} is not a length in metres"
        edge["length_m"] = metres
    walkways.append((row, edge))
    return None


def _read_release(sheet: Sheet, row: Row, ident: str,
                  releases: list[tuple[Row, str, dict[str, Any], str]]) -> tuple[str, str] | None:
    """Add a batch released at a gate, or give the column and reason refusing it."""
    at = read_time(sheet.cell(row, "at"))
    if at is None:
        return "at", f"{shown(sheet.cell(row, 'at'))} is not a time HH:MM"
    gate = sheet.cell(row, "gate") or ident
    bags_text, homes = sheet.cell(row, "bags"), sheet.cell(row, "households")
    if bool(bags_text) == bool(homes):
        return "bags", "give either a count of bags or the households (addresses) of this batch"
    release: dict[str, Any] = {"at": hhmm_text(at)}
    if bags_text:
        count = read_count(bags_text)
        if count is None:
            return "bags", f"{shown(bags_text)} is not a count of bags"
        release["bags"] = count
    releases.append((row, gate, release, homes))
    return None

"""The coordinator's three spreadsheets read into scenario data.

* layout: one row per building (``kind`` building), gate (``kind`` gate) or batch of
  bags released at a gate (``kind`` release);
* ledger: one row per household;
* roster: one row per volunteer.

Every row that cannot be read is an issue ``FILE:row N:column C``; all of them are
raised together. A resident's name or phone never goes into a message.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supplyroute.desk.address import (
    Address,
    building_number,
    normal,
    parse_address,
    parse_parts,
)
from supplyroute.desk.columns import FIELDS, find_columns
from supplyroute.desk.tables import Row, Table, read_table
from supplyroute.errors import InputError, InputIssue
from supplyroute.generate import STAIRWELL_SPACING_M, bags_for
from supplyroute.io import validate_document
from supplyroute.models.scenario import Scenario, parse_time

#: Grid spacing (metres between rows and columns) when the layout gives none.
GRID_SPACING_M = 40.0
#: A cart given as "yes": the examples' carts.
CART_BAGS, CART_KG = 24, 240.0
#: Kilograms a cart carries per bag of capacity, when given as a number of bags.
CART_KG_PER_BAG = 10.0
MAX_QUANTITY = 10

_KINDS = {"building": ("building", "楼", "楼栋", "楼房", "bldg"),
          "gate": ("gate", "门", "大门", "出入口", "卡口"),
          "release": ("release", "批次", "到货", "放行", "batch"),
          "point": ("point", "路口", "路点", "节点", "walkwaypoint"),
          "walkway": ("walkway", "通道", "路径", "道路", "path")}

#: Category word -> (priority or None, need tag or None).
CATEGORIES: dict[str, tuple[str | None, str | None]] = {
    "独居": ("vulnerable", "elderly_alone"), "独居老人": ("vulnerable", "elderly_alone"),
    "elderlyalone": ("vulnerable", "elderly_alone"),
    "空巢": ("vulnerable", "empty_nest"), "空巢老人": ("vulnerable", "empty_nest"),
    "emptynest": ("vulnerable", "empty_nest"),
    "高龄": ("vulnerable", "elderly"), "高龄老人": ("vulnerable", "elderly"),
    "elderly": ("vulnerable", "elderly"),
    "大病": ("vulnerable", "seriously_ill"), "重病": ("vulnerable", "seriously_ill"),
    "seriouslyill": ("vulnerable", "seriously_ill"),
    "残疾": ("vulnerable", "disabled"), "残障": ("vulnerable", "disabled"),
    "disabled": ("vulnerable", "disabled"),
    "孕妇": ("vulnerable", "pregnant"), "pregnant": ("vulnerable", "pregnant"),
    "行动不便": ("vulnerable", "limited_mobility"),
    "透析": ("urgent", "dialysis"), "dialysis": ("urgent", "dialysis"),
    "胰岛素": ("urgent", "insulin"), "insulin": ("urgent", "insulin"),
    "急需药品": ("urgent", "medicine"), "medicine": ("urgent", "medicine"),
    "糖尿病": (None, "diabetes"), "diabetes": (None, "diabetes"),
    "密接": (None, "close_contact"), "closecontact": (None, "close_contact"),
    "次密接": (None, "secondary_contact"), "secondarycontact": (None, "secondary_contact"),
    "普通": (None, None), "一般": (None, None), "无": (None, None),
    "standard": (None, None), "none": (None, None),
}

RISKS = {"红": "red", "红色": "red", "红码": "red", "高风险": "red", "red": "red",
         "橙": "orange", "橙色": "orange", "中高风险": "orange", "orange": "orange",
         "黄": "yellow", "黄色": "yellow", "黄码": "yellow", "中风险": "yellow",
         "yellow": "yellow", "绿": "green", "绿色": "green", "绿码": "green",
         "低风险": "green", "green": "green"}

_YES = {"yes", "y", "true", "1", "是", "有", "√", "✓"}
_NO = {"no", "n", "false", "0", "否", "无", "没有", "×", ""}
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}
_SPLIT = re.compile(r"[,，、;；/|]+")


class _Sheet:
    """A table, its columns found, and the issues met reading it."""

    def __init__(self, table: Table, kind: str, mapping: Mapping[str, str] | None,
                 issues: list[InputIssue]):
        self.table = table
        self.kind = kind
        self.columns, found = find_columns(table, kind, mapping)
        issues += found
        self.issues = issues

    def has(self, field: str) -> bool:
        return field in self.columns

    def cell(self, row: Row, field: str) -> str:
        return row.get(self.columns.get(field))

    def refuse(self, row: Row, field: str | None, reason: str) -> None:
        header = self.columns.get(field) if field else None
        self.issues.append(InputIssue(self.table.where(row.number, header), reason))

    def missing(self, *fields: str) -> bool:
        """Issue (on the header row) for the first of ``fields`` with no column; True if any."""
        for field in fields:
            if field not in self.columns:
                names = "/".join(FIELDS[self.kind][field][:3])
                self.issues.append(InputIssue(self.table.where(self.table.header_row), f"no column "
                                              f"for the {field} ({names})"))
                return True
        return False


def _number(text: str, whole: bool = True) -> float | None:
    try:
        value = float(normal(text))
    except ValueError:
        return None
    if whole and not value.is_integer():
        return None
    return value


def _count(text: str) -> int | None:
    """``"2"``, ``"2份"``, ``"两份"``, ``"十"`` -> the number; None otherwise."""
    s = re.sub(r"(份|袋|个|人|口|户)$", "", normal(text))
    if s in _NUMERALS:
        return _NUMERALS[s]
    if re.fullmatch(r"\d+", s):
        return int(s)
    return None


def _yes_no(text: str) -> bool | None:
    s = normal(text)
    return True if s in _YES else False if s in _NO else None


def _time(text: str) -> float | None:
    try:
        value = parse_time(normal(text).replace("：", ":"))
    except ValueError:
        return None
    return float(value)


def _hhmm(seconds: float) -> str:
    return f"{int(seconds) // 3600:02d}:{int(seconds) % 3600 // 60:02d}"


def _position(sheet: _Sheet, row: Row) -> dict[str, float] | None:
    """x/y, lat/lon, or grid row/column times the spacing; None (issue made) if none."""
    values = {f: sheet.cell(row, f) for f in ("x", "y", "lat", "lon", "row", "col")}
    for pair in (("x", "y"), ("lat", "lon"), ("row", "col")):
        if values[pair[0]] or values[pair[1]]:
            got = {}
            for f in pair:
                number = _number(values[f], whole=False)
                if number is None:
                    sheet.refuse(row, f, f"{f} {values[f]!r} is not a number")
                    return None
                got[f] = number
            if pair == ("row", "col"):
                spacing = GRID_SPACING_M
                if sheet.cell(row, "spacing"):
                    spacing = _number(sheet.cell(row, "spacing"), whole=False) or -1
                    if spacing <= 0:
                        sheet.refuse(row, "spacing", "the grid spacing is not a number of "
                                     "metres")
                        return None
                return {"x": got["col"] * spacing, "y": got["row"] * spacing}
            return got
    sheet.refuse(row, None, "no position: give x and y (metres), lat and lon, or a grid "
                 "row and col")
    return None


@dataclass
class _Layout:
    """What the layout sheet says: buildings, gates, releases (row, gate id, release,
    its household cell) and the optional walkway graph (points and the paths between)."""

    buildings: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    gates: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    releases: list[tuple[Row, str, dict[str, Any], str]] = dataclasses.field(default_factory=list)
    points: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    walkways: list[tuple[Row, dict[str, Any]]] = dataclasses.field(default_factory=list)


def _layout(sheet: _Sheet) -> _Layout:
    """Read the layout sheet row by row; a row that cannot be read is refused."""
    out = _Layout()
    if sheet.missing("kind", "id"):
        return out
    seen_b: dict[str, int] = {}
    seen_g: dict[str, int] = {}
    for row in sheet.table.rows:
        word = normal(sheet.cell(row, "kind"))
        kind = next((k for k, words in _KINDS.items() if word in words), None)
        ident = sheet.cell(row, "id")
        refusal: tuple[str, str] | None = None
        if kind is None:
            refusal = "kind", (f"{sheet.cell(row, 'kind')!r} is not building, gate, release, "
                               "point or walkway (楼栋/大门/批次/路口/通道)")
        elif kind == "building":
            refusal = _read_building(sheet, row, ident, seen_b, out.buildings)
        elif kind == "gate":
            if not ident:
                refusal = "id", "the gate has no id"
            elif ident in seen_g:
                refusal = "id", f"gate {ident!r} is already in row {seen_g[ident]}"
            else:
                seen_g[ident] = row.number
                if (where := _position(sheet, row)) is not None:
                    out.gates.append({"_row": row.number, "id": ident, "position": where})
        elif kind == "point":
            if not ident or ident in {p["id"] for p in out.points}:
                refusal = "id", "a walkway point needs an id of its own"
            elif (where := _position(sheet, row)) is not None:
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
                sheet.refuse(row, "from" if end == "a" else "to", f"{edge[end]!r} is not a "
                             "walkway point of the layout")
    return out


def _read_building(sheet: _Sheet, row: Row, ident: str, seen: dict[str, int],
                   buildings: list[dict[str, Any]]) -> tuple[str, str] | None:
    """Add a building and its stairwells to ``buildings``, or give the column and reason
    that refuse the row."""
    number = building_number(ident)
    if number is None:
        return "id", f"building {ident!r} is not a building number such as 4 or 4号楼"
    if number in seen:
        return "id", f"building {number} is already in row {seen[number]}"
    seen[number] = row.number
    floors = _count(sheet.cell(row, "floors"))
    if floors is None or not 1 <= floors <= 200:
        return "floors", (f"floors {sheet.cell(row, 'floors')!r} is not a number of floors "
                          "from 1 to 200")
    units = _count(sheet.cell(row, "stairwells") or "1")
    if units is None or not 1 <= units <= 50:
        return "stairwells", (f"{sheet.cell(row, 'stairwells')!r} is not a number of units "
                              "(stairwells) from 1 to 50")
    lift = _yes_no(sheet.cell(row, "lift"))
    if lift is None:
        return "lift", f"lift {sheet.cell(row, 'lift')!r} is not yes/no (有/无)"
    where = _position(sheet, row)
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


def _read_walkway(sheet: _Sheet, row: Row,
                  walkways: list[tuple[Row, dict[str, Any]]]) -> tuple[str, str] | None:
    """Add a walkway (its ends checked later) or give the column and reason refusing it."""
    a, b = sheet.cell(row, "from"), sheet.cell(row, "to")
    if not a or not b:
        return "from" if not a else "to", "a walkway runs from one point to another: give both"
    edge: dict[str, Any] = {"a": a, "b": b}
    if sheet.cell(row, "length"):
        metres = _number(sheet.cell(row, "length"), whole=False)
        if metres is None or metres <= 0:
            return "length", f"{sheet.cell(row, 'length')!r} is not a length in metres"
        edge["length_m"] = metres
    walkways.append((row, edge))
    return None


def _read_release(sheet: _Sheet, row: Row, ident: str,
                  releases: list[tuple[Row, str, dict[str, Any], str]]) -> tuple[str, str] | None:
    """Add a batch released at a gate, or give the column and reason refusing it."""
    at = _time(sheet.cell(row, "at"))
    if at is None:
        return "at", f"{sheet.cell(row, 'at')!r} is not a time HH:MM"
    gate = sheet.cell(row, "gate") or ident
    bags_text, homes = sheet.cell(row, "bags"), sheet.cell(row, "households")
    if bool(bags_text) == bool(homes):
        return "bags", "give either a count of bags or the households (addresses) of this batch"
    release: dict[str, Any] = {"at": _hhmm(at)}
    if bags_text:
        count = _count(bags_text)
        if count is None:
            return "bags", f"{bags_text!r} is not a count of bags"
        release["bags"] = count
    releases.append((row, gate, release, homes))
    return None


def _home(sheet: _Sheet, row: Row) -> tuple[Address, str] | None:
    """The row's home and its address as written."""
    if sheet.has("address") and sheet.cell(row, "address"):
        written = sheet.cell(row, "address")
        home = parse_address(written)
        field = "address"
    elif sheet.has("building") and sheet.has("room"):
        parts = [sheet.cell(row, f) for f in ("building", "unit", "room")]
        written = "-".join(p for p in parts if p)
        home = parse_parts(*parts)
        field = "building" if isinstance(home, str) and "building" in home else \
            "unit" if isinstance(home, str) and "unit" in home else "room"
    else:
        sheet.refuse(row, "address", "the address is empty")
        return None
    if isinstance(home, str):
        sheet.refuse(row, field, home)
        return None
    return home, written


def _household(sheet: _Sheet, row: Row, buildings: dict[str, dict[str, Any]],
               homes: dict[str, int]) -> dict[str, Any] | None:
    h, ok = _ledger_home(sheet, row, buildings, homes)
    residents = _count(sheet.cell(row, "residents"))
    if residents is None or not 1 <= residents <= 50:
        sheet.refuse(row, "residents", f"{sheet.cell(row, 'residents')!r} is not a number "
                     "of residents from 1 to 50")
        ok = False
    name, phone = sheet.cell(row, "name"), sheet.cell(row, "phone")
    if len(name) > 100:
        sheet.refuse(row, "name", f"the name in row {row.number} is longer than 100 characters")
        ok = False
    if phone and not _is_phone(phone):
        sheet.refuse(row, "phone", f"the phone in row {row.number} is not a phone number")
        ok = False
    priority, needs, understood = _priority_and_needs(sheet, row)
    risk = "green"
    if text := sheet.cell(row, "risk"):
        risk = RISKS.get(normal(text), "")
        if not risk:
            sheet.refuse(row, "risk", f"risk {text!r} is not a colour: 红/橙/黄/绿 or "
                         "red/orange/yellow/green")
            ok = False
    quantity = 1
    if sheet.cell(row, "quantity"):
        count = _count(sheet.cell(row, "quantity"))
        if count is None or not 1 <= count <= MAX_QUANTITY:
            sheet.refuse(row, "quantity", f"quantity {sheet.cell(row, 'quantity')!r} is not "
                         f"a number of portions from 1 to {MAX_QUANTITY} (2, 2份, 两份)")
            ok = False
        else:
            quantity = count
    deadline = None
    if sheet.cell(row, "deadline"):
        deadline = _time(sheet.cell(row, "deadline"))
        if deadline is None:
            sheet.refuse(row, "deadline", f"{sheet.cell(row, 'deadline')!r} is not a time HH:MM")
            ok = False
    extras = _extra_bags(sheet, row)
    if not (ok and understood) or extras is None or residents is None:
        return None
    h.update(residents=residents, bags=bags_for(residents) * quantity + extras)
    if priority != "standard":
        h["priority"] = priority
    if deadline is not None:
        h["deadline"] = _hhmm(deadline) if deadline % 60 == 0 else deadline
    if risk != "green":
        h["risk"] = risk
    if needs:
        h["needs"] = needs
    if sheet.cell(row, "note"):
        h["note"] = sheet.cell(row, "note")
    if name:
        h["name"] = name
    if phone:
        h["phone"] = phone
    return h


def _ledger_home(sheet: _Sheet, row: Row, buildings: dict[str, dict[str, Any]],
                 homes: dict[str, int]) -> tuple[dict[str, Any], bool]:
    """The household's id, stairwell, floor and address, and whether its home can be read."""
    found = _home(sheet, row)
    if found is None:
        return {}, False
    home, written = found
    where = "address" if sheet.has("address") else "building"
    building = buildings.get(home.building)
    if building is None:
        sheet.refuse(row, where, f"building {home.building} is not in the layout")
    elif home.unit > len(building["stairwells"]):
        sheet.refuse(row, where, f"unit {home.unit}: building {home.building} has "
                     f"{len(building['stairwells'])} units")
    elif home.floor > building["floors"]:
        sheet.refuse(row, where, f"floor {home.floor} is above the top floor "
                     f"{building['floors']} of building {home.building}")
    elif home.household_id in homes:
        sheet.refuse(row, where, f"the same home as row {homes[home.household_id]}")
    else:
        homes[home.household_id] = row.number
        h = {"id": home.household_id, "stairwell": home.stairwell_id, "floor": home.floor}
        if written:
            h["address"] = written
        return h, True
    return {}, False


def _priority_and_needs(sheet: _Sheet, row: Row) -> tuple[str, list[str], bool]:
    """The priority and need tags its category words give, and whether all are understood."""
    priority, needs, ok = "standard", [], True
    for word in filter(None, (w.strip() for w in _SPLIT.split(sheet.cell(row, "category")))):
        known = CATEGORIES.get(normal(word)) or CATEGORIES.get(word.strip())
        if known is None:
            sheet.refuse(row, "category", f"category {word!r} is not understood (e.g. 独居, "
                         "空巢, 高龄, 重病, 残疾, 孕妇, 透析, 胰岛素, 密接, 普通)")
            ok = False
            continue
        level, tag = known
        if level == "urgent" or (level == "vulnerable" and priority == "standard"):
            priority = level
        if tag and tag not in needs:
            needs.append(tag)
    return priority, needs, ok


def _extra_bags(sheet: _Sheet, row: Row) -> list[dict[str, Any]] | None:
    """The household's extra bags (insulin 0.5kg, 药品 1公斤); None if one cannot be read."""
    extras: list[dict[str, Any]] | None = []
    for item in filter(None, (w.strip() for w in _SPLIT.split(sheet.cell(row, "extra")))):
        match = re.fullmatch(r"(.+?)\s*(\d+(?:\.\d+)?)\s*(?:kg|公斤|千克)", normal(item))
        if not match or float(match.group(2)) <= 0:
            sheet.refuse(row, "extra", f"extra {item!r} is not a bag and its weight "
                         "(insulin 0.5kg, 药品 1公斤)")
            extras = None
        elif extras is not None:
            extras.append({"kind": match.group(1), "weight_kg": float(match.group(2))})
    return extras


def _is_phone(text: str) -> bool:
    digits = re.sub(r"[\s\-()（）]", "", normal(text))
    digits = re.sub(r"^(\+?86)", "", digits)
    return bool(re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}\d{7,8}|\d{7,8}", digits))


def _volunteer(sheet: _Sheet, row: Row, gates: list[str], buildings: dict[str, Any],
               seen: dict[str, int]) -> dict[str, Any] | None:
    ok = True
    ident = sheet.cell(row, "id") or sheet.cell(row, "name")
    if not ident:
        sheet.refuse(row, "id", "the volunteer has no id or name")
        return None
    if ident in seen:
        sheet.refuse(row, "id" if sheet.has("id") else "name",
                     f"the same volunteer as row {seen[ident]}")
        return None
    seen[ident] = row.number
    if sheet.cell(row, "shift"):
        parts = re.split(r"[-~～—至到]", normal(sheet.cell(row, "shift")))
        start_text, end_text = (parts + ["", ""])[:2] if len(parts) == 2 else ("?", "?")
        field_start = field_end = "shift"
    else:
        start_text, end_text = sheet.cell(row, "start"), sheet.cell(row, "end")
        field_start, field_end = "start", "end"
    start, end = _time(start_text), _time(end_text)
    if start is None:
        sheet.refuse(row, field_start, f"{start_text!r} is not a start time HH:MM")
        ok = False
    if end is None:
        sheet.refuse(row, field_end, f"{end_text!r} is not an end time HH:MM")
        ok = False
    gate = sheet.cell(row, "gate") or (gates[0] if len(gates) == 1 else "")
    if gate not in gates:
        sheet.refuse(row, "gate", f"gate {gate!r} is not in the layout")
        ok = False
    v: dict[str, Any] = {"id": ident, "shift": {"start": _hhmm(start or 0),
                                               "end": _hhmm(end or 0)}, "gate": gate}
    cart = sheet.cell(row, "cart")
    if cart:
        answer, size = _yes_no(cart), _count(cart)
        if size is not None and 2 <= size <= 500:
            v["cart"] = {"capacity_bags": size, "capacity_kg": size * CART_KG_PER_BAG}
        elif answer is True:
            v["cart"] = {"capacity_bags": CART_BAGS, "capacity_kg": CART_KG}
        elif answer is False:
            pass
        else:
            sheet.refuse(row, "cart", f"cart {cart!r} is not yes/no nor a number of bags")
            ok = False
    skills = []
    for word in (w.strip() for w in _SPLIT.split(sheet.cell(row, "skills"))):
        if not word:
            continue
        s = normal(word)
        if s in ("ppe", "防护", "防护服", "全套防护", "是", "yes"):
            skills.append("ppe")
        elif s in ("medical", "医护", "医疗", "医生", "护士"):
            skills.append("medical")
        elif s in ("否", "no", "无"):
            continue
        else:
            sheet.refuse(row, "skills", f"skill {word!r} is not understood (防护/PPE, "
                         "医护/medical)")
            ok = False
    if skills:
        v["skills"] = sorted(set(skills), key=skills.index)
    zone = []
    for word in (w.strip() for w in _SPLIT.split(sheet.cell(row, "zone"))):
        if not word:
            continue
        number = building_number(word)
        if number is None or number not in buildings:
            sheet.refuse(row, "zone", f"building {word!r} is not in the layout")
            ok = False
        else:
            zone.append(f"B{number}")
    if zone:
        v["zone"] = zone
    if sheet.cell(row, "group"):
        v["group"] = sheet.cell(row, "group")
    return v if ok else None


def import_compound(layout: str | Path, ledger: str | Path, roster: str | Path,
                    columns: Mapping[str, Any] | None = None,
                    name: str | None = None) -> dict[str, Any]:
    """Scenario data from the layout, ledger and roster files (CSV or XLSX).

    ``columns`` maps our field to their header, for all sheets or per sheet
    (``{"ledger": {"address": "住户地址"}}``). Raises one :class:`InputError` with
    every row that cannot be read; what only the whole scenario shows (bags beyond
    every trip's capacity, a red home and nobody in PPE) is said of the row it came
    from."""
    columns = columns or {}
    issues: list[InputIssue] = []

    def mapping(kind: str) -> dict[str, str]:
        """Our field -> their header for one sheet: those given for all, then its own."""
        flat = {k: v for k, v in columns.items() if isinstance(v, str)}
        flat.update(columns.get(kind) or {})
        return flat

    tables = []
    for path in (layout, ledger, roster):
        try:
            tables.append(read_table(path))
        except InputError as exc:
            issues += exc.issues
    if issues:
        raise InputError(issues)
    lay, led, ros = (_Sheet(table, kind, mapping(kind), issues)
                     for table, kind in zip(tables, ("layout", "ledger", "roster"), strict=True))
    issues += _column_issues(columns, tables)
    read = _layout(lay)
    buildings, gates = read.buildings, read.gates
    if not lay.missing("kind") and not buildings:
        issues.append(InputIssue(lay.table.where(lay.table.header_row), "no building rows"))
    if not gates and lay.has("kind"):
        issues.append(InputIssue(lay.table.where(lay.table.header_row), "no gate rows"))
    by_number = {b["id"][1:]: b for b in buildings}
    households, h_rows = _ledger_households(led, by_number, issues)
    gate_ids = [g["id"] for g in gates]
    _release_at_gates(lay, read, gate_ids, {h["id"] for h in households})
    volunteers, v_rows = _roster_volunteers(ros, gate_ids, by_number)
    if issues:
        raise InputError(issues)
    unread = [f"{s.table.source}: {h}" for s in (lay, led, ros)
              for h in s.table.headers if h and h not in s.columns.values()]
    notes = [f"Imported from {layout}, {ledger} and {roster} by 'supplyroute import'."]
    if unread:
        notes.append("Columns not read: " + "; ".join(unread) + ".")
    places = {"buildings": (lay, [b.pop("_row") for b in buildings]),
              "gates": (lay, [g.pop("_row") for g in gates]),
              "households": (led, h_rows), "volunteers": (ros, v_rows)}
    data = {"name": name or Path(ledger).stem, "notes": notes, "gates": gates,
            "buildings": buildings, "households": households, "volunteers": volunteers}
    if read.points:
        places["walkways.points"] = (lay, [p.pop("_row") for p in read.points])
        data["walkways"] = {"points": read.points, "edges": [e for _, e in read.walkways]}
    try:
        validate_document(Scenario, data)
    except InputError as exc:
        raise InputError([_in_sheets(i, places) for i in exc.issues]) from None
    return data


def _column_issues(columns: Mapping[str, Any], tables: list[Table]) -> Iterator[InputIssue]:
    """Column mappings (``--columns``) naming no sheet, field or header we have."""
    kind_tables = {"layout": tables[0], "ledger": tables[1], "roster": tables[2]}
    for field, header in columns.items():
        if isinstance(header, dict):
            if field not in kind_tables:
                yield InputIssue("--columns", f"{field!r} is not layout, ledger or roster")
                continue
            for f, h in header.items():
                if f not in FIELDS[field] or h not in kind_tables[field].headers:
                    yield InputIssue("--columns", f"{field}: {f!r} -> {h!r} is not a field "
                                     f"and a header of the {field}")
        elif not isinstance(header, str) or all(header not in t.headers for t in tables):
            yield InputIssue("--columns", f"{field!r} -> {header!r}: no sheet has that header")
        elif all(field not in f for f in FIELDS.values()):
            yield InputIssue("--columns", f"{field!r} is not a field of any sheet")


def _ledger_households(led: _Sheet, by_number: dict[str, dict[str, Any]],
                       issues: list[InputIssue]) -> tuple[list[dict[str, Any]], list[int]]:
    """The ledger's households that can be read, and their rows (none without columns)."""
    households: list[dict[str, Any]] = []
    h_rows: list[int] = []
    if not led.has("address") and not (led.has("building") and led.has("room")):
        led.missing("address")
    elif not led.missing("residents"):
        homes: dict[str, int] = {}
        for row in led.table.rows:
            h = _household(led, row, by_number, homes)
            if h is not None:
                households.append(h)
                h_rows.append(row.number)
        if not led.table.rows:
            issues.append(InputIssue(led.table.where(led.table.header_row), "no households"))
    return households, h_rows


def _release_at_gates(lay: _Sheet, read: _Layout, gate_ids: list[str],
                      household_ids: set[str]) -> None:
    """Add each release to its gate, its addresses as household ids; refuse the rest."""
    for row, gate, release, homes_text in read.releases:
        if gate not in gate_ids:
            lay.refuse(row, "gate", f"gate {gate!r} is not in the layout")
            continue
        if homes_text:
            ids = []
            for written in (w.strip() for w in _SPLIT.split(homes_text)):
                home = parse_address(written)
                if isinstance(home, str) or home.household_id not in household_ids:
                    lay.refuse(row, "households", f"{written!r} is not a household of the ledger")
                    continue
                ids.append(home.household_id)
            release["households"] = ids
        next(g for g in read.gates if g["id"] == gate).setdefault("releases", []).append(release)


def _roster_volunteers(ros: _Sheet, gate_ids: list[str], by_number: dict[str, dict[str, Any]]
                       ) -> tuple[list[dict[str, Any]], list[int]]:
    """The roster's volunteers that can be read, and their rows (none without columns)."""
    volunteers: list[dict[str, Any]] = []
    v_rows: list[int] = []
    seen: dict[str, int] = {}
    if not (ros.has("id") or ros.has("name")):
        ros.missing("id")
    elif ros.has("shift") or not ros.missing("start", "end"):
        for row in ros.table.rows:
            v = _volunteer(ros, row, gate_ids, by_number, seen)
            if v is not None:
                volunteers.append(v)
                v_rows.append(row.number)
    return volunteers, v_rows


#: A scenario field -> the column it came from (the first the sheet has).
_SOURCES = {
    "households": {"bags": ("quantity", "residents", "extra"), "risk": ("risk",),
                   "floor": ("address", "room"), "deadline": ("deadline",),
                   "name": ("name",), "phone": ("phone",), "residents": ("residents",),
                   "stairwell": ("address", "unit")},
    "volunteers": {"shift": ("end", "shift"), "gate": ("gate",), "zone": ("zone",),
                   "cart": ("cart",), "id": ("id", "name")},
    "buildings": {"floors": ("floors",), "stairwells": ("x", "lat", "row")},
    "gates": {"position": ("x", "lat", "row"), "releases": ("bags", "households")},
}


def _in_sheets(issue: InputIssue, places: dict[str, tuple[_Sheet, list[int]]]) -> InputIssue:
    """A scenario issue (``households[3].bags``) said of the sheet row it came from."""
    match = re.match(r"(\w+)\[(\d+)\](?:\.(\w+))?", issue.path)
    if not match or match.group(1) not in places:
        return issue
    sheet, rows = places[match.group(1)]
    index = int(match.group(2))
    if index >= len(rows):
        return issue
    wanted = _SOURCES[match.group(1)].get(match.group(3) or "", ())
    field = next((f for f in wanted if sheet.has(f)), None)
    return InputIssue(sheet.table.where(rows[index], sheet.columns.get(field) if field
                                        else None), issue.reason)

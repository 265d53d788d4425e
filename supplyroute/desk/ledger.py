"""The household ledger: one row per household, its address as it is written, how many
live there, the category words that make it vulnerable or urgent, its risk colour,
portions, deadline and extra bags. A resident's name or phone never goes into a
message."""

from __future__ import annotations

import re
from typing import Any

from supplyroute.desk.address import Address, normal, parse_address, parse_parts
from supplyroute.desk.cells import (
    CATEGORIES,
    MAX_QUANTITY,
    RISKS,
    SPLIT,
    Sheet,
    hhmm_text,
    read_count,
    read_time,
)
from supplyroute.desk.privacy import shown
from supplyroute.desk.tables import Row
from supplyroute.generate import bags_for


def home_of(sheet: Sheet, row: Row) -> tuple[Address, str] | None:
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


def read_household(sheet: Sheet, row: Row, buildings: dict[str, dict[str, Any]],
               homes: dict[str, int]) -> dict[str, Any] | None:
    h, ok = _ledger_home(sheet, row, buildings, homes)
    residents = read_count(sheet.cell(row, "residents"))
    if residents is None or not 1 <= residents <= 50:
        sheet.refuse(row, "residents", f"{shown(sheet.cell(row, 'residents'))} is not a number "
                     "of residents from 1 to 50")
        ok = False
    name, phone = sheet.cell(row, "name"), sheet.cell(row, "phone")
    if len(name) > 100:
        sheet.refuse(row, "name", f"the name in row {row.number} is longer than 100 characters")
        ok = False
    if phone and not is_phone(phone):
        sheet.refuse(row, "phone", f"the phone in row {row.number} is not a phone number")
        ok = False
    priority, needs, understood = _priority_and_needs(sheet, row)
    risk = "green"
    if text := sheet.cell(row, "risk"):
        risk = RISKS.get(normal(text), "")
        if not risk:
            sheet.refuse(row, "risk", f"risk {shown(text)} is not a colour: 红/橙/黄/绿 or "
                         "red/orange/yellow/green")
            ok = False
    quantity = 1
    if sheet.cell(row, "quantity"):
        count = read_count(sheet.cell(row, "quantity"))
        if count is None or not 1 <= count <= MAX_QUANTITY:
            sheet.refuse(row, "quantity", f"quantity {shown(sheet.cell(row, 'quantity'))} is not "
                         f"a number of portions from 1 to {MAX_QUANTITY} (2, 2份, 两份)")
            ok = False
        else:
            quantity = count
    deadline = None
    if sheet.cell(row, "deadline"):
        deadline = read_time(sheet.cell(row, "deadline"))
        if deadline is None:
            sheet.refuse(row, "deadline",
                         f"{shown(sheet.cell(row, 'deadline'))} is not a time HH:MM")
            ok = False
    extras = _extra_bags(sheet, row)
    if not (ok and understood) or extras is None or residents is None:
        return None
    h.update(residents=residents, bags=bags_for(residents) * quantity + extras)
    if priority != "standard":
        h["priority"] = priority
    if deadline is not None:
        h["deadline"] = hhmm_text(deadline) if deadline % 60 == 0 else deadline
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


def _ledger_home(sheet: Sheet, row: Row, buildings: dict[str, dict[str, Any]],
                 homes: dict[str, int]) -> tuple[dict[str, Any], bool]:
    """The household's id, stairwell, floor and address, and whether its home can be read."""
    found = home_of(sheet, row)
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


def _priority_and_needs(sheet: Sheet, row: Row) -> tuple[str, list[str], bool]:
    """The priority and need tags its category words give, and whether all are understood."""
    priority, needs, ok = "standard", [], True
    for word in filter(None, (w.strip() for w in SPLIT.split(sheet.cell(row, "category")))):
        known = CATEGORIES.get(normal(word)) or CATEGORIES.get(word.strip())
        if known is None:
            sheet.refuse(row, "category", f"category {shown(word)} is not understood (e.g. 独居, "
                         "空巢, 高龄, 重病, 残疾, 孕妇, 透析, 胰岛素, 密接, 普通)")
            ok = False
            continue
        level, tag = known
        if level == "urgent" or (level == "vulnerable" and priority == "standard"):
            priority = level
        if tag and tag not in needs:
            needs.append(tag)
    return priority, needs, ok


def _extra_bags(sheet: Sheet, row: Row) -> list[dict[str, Any]] | None:
    """The household's extra bags (insulin 0.5kg, 药品 1公斤); None if one cannot be read."""
    extras: list[dict[str, Any]] | None = []
    for item in filter(None, (w.strip() for w in SPLIT.split(sheet.cell(row, "extra")))):
        match = re.fullmatch(r"(.+?)\s*(\d+(?:\.\d+)?)\s*(?:kg|公斤|千克)", normal(item))
        if not match or float(match.group(2)) <= 0:
            sheet.refuse(row, "extra", f"extra {shown(item)} is not a bag and its weight "
                         "(insulin 0.5kg, 药品 1公斤)")
            extras = None
        elif extras is not None:
            extras.append({"kind": match.group(1), "weight_kg": float(match.group(2))})
    return extras


def is_phone(text: str) -> bool:
    digits = re.sub(r"[\s\-()（）]", "", normal(text))
    digits = re.sub(r"^(\+?86)", "", digits)
    return bool(re.fullmatch(r"1[3-9]\d{9}|0\d{2,3}\d{7,8}|\d{7,8}", digits))

"""The volunteer roster: one row per volunteer, its shift, gate, cart, skills and the
buildings of its group."""

from __future__ import annotations

import re
from typing import Any

from supplyroute.desk.address import building_number, normal
from supplyroute.desk.cells import (
    CART_BAGS,
    CART_KG,
    CART_KG_PER_BAG,
    SPLIT,
    Sheet,
    hhmm_text,
    read_count,
    read_time,
    read_yes_no,
)
from supplyroute.desk.privacy import shown
from supplyroute.desk.tables import Row


def read_volunteer(sheet: Sheet, row: Row, gates: list[str], buildings: dict[str, Any],
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
    start, end = read_time(start_text), read_time(end_text)
    if start is None:
        sheet.refuse(row, field_start, f"{shown(start_text)} is not a start time HH:MM")
        ok = False
    if end is None:
        sheet.refuse(row, field_end, f"{shown(end_text)} is not an end time HH:MM")
        ok = False
    gate = sheet.cell(row, "gate") or (gates[0] if len(gates) == 1 else "")
    if gate not in gates:
        sheet.refuse(row, "gate", f"gate {shown(gate)} is not in the layout")
        ok = False
    v: dict[str, Any] = {"id": ident, "shift": {"start": hhmm_text(start or 0),
                                               "end": hhmm_text(end or 0)}, "gate": gate}
    cart = sheet.cell(row, "cart")
    if cart:
        answer, size = read_yes_no(cart), read_count(cart)
        if size is not None and 2 <= size <= 500:
            v["cart"] = {"capacity_bags": size, "capacity_kg": size * CART_KG_PER_BAG}
        elif answer is True:
            v["cart"] = {"capacity_bags": CART_BAGS, "capacity_kg": CART_KG}
        elif answer is False:
            pass
        else:
            sheet.refuse(row, "cart", f"cart {shown(cart)} is not yes/no nor a number of bags")
            ok = False
    skills = []
    for word in (w.strip() for w in SPLIT.split(sheet.cell(row, "skills"))):
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
            sheet.refuse(row, "skills", f"skill {shown(word)} is not understood (防护/PPE, "
                         "医护/medical)")
            ok = False
    if skills:
        v["skills"] = sorted(set(skills), key=skills.index)
    zone = []
    for word in (w.strip() for w in SPLIT.split(sheet.cell(row, "zone"))):
        if not word:
            continue
        number = building_number(word)
        if number is None or number not in buildings:
            sheet.refuse(row, "zone", f"building {shown(word)} is not in the layout")
            ok = False
        else:
            zone.append(f"B{number}")
    if zone:
        v["zone"] = zone
    if sheet.cell(row, "group"):
        v["group"] = sheet.cell(row, "group")
    return v if ok else None

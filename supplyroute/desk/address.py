"""Addresses as residents and volunteers write them.

``4号楼2单元202室``, ``4-2-202``, ``4栋202`` (no unit: unit 1), ``Bldg 4 Unit 2 Rm 202``,
``4#2-202``, full-width digits (``４号楼``), an optional compound name before them
(``北京西路7号4号楼2单元202室``), a floor written out (``4号楼2单元2层1室``), or
separate building / unit / room cells. A room number's last two digits are the room,
the rest the floor: 202 is floor 2 room 2, 1502 floor 15 room 2.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from supplyroute.desk.privacy import shown

_NUMBER = r"0*([1-9]\d{0,2})"
_ROOM = r"(?:(?P<room>\d+)|(?P<floor>\d{1,3})层(?P<flat>\d{1,2}))(?:室|号|房|户)?"
_ZH = (
    rf"{_NUMBER}(?:号楼|号|栋|幢|座|楼|#)"
    rf"(?:{_NUMBER}(?:单元|门|-))?{_ROOM}")
_DASH = rf"{_NUMBER}-{_NUMBER}-{_ROOM}"
_EN = (
    rf"(?:building|bldg|bld|blk|block|b)\.?,?{_NUMBER},?"
    rf"(?:(?:unit|u|entrance)\.?,?{_NUMBER},?)?(?:room|rm|flat|apt|no|#)?\.?,?{_ROOM}")
#: The forms, first as the whole text, then after a compound's name (北京西路7号...).
_FORMS = [re.compile(f) for f in (_ZH, _DASH, _EN)] + \
    [re.compile(rf"(?:.*\D)??{f}") for f in (_ZH, _DASH, _EN)]


@dataclass(frozen=True)
class Address:
    """A home: building number, unit (stairwell), floor and room on the floor."""

    building: str
    unit: int
    floor: int
    room: int

    @property
    def stairwell_id(self) -> str:
        return f"B{self.building}-{self.unit}"

    @property
    def household_id(self) -> str:
        return f"B{self.building}-{self.unit}-{self.floor:02d}{self.room:02d}"


def normal(text: str) -> str:
    """Full-width forms folded (``４`` -> ``4``), lower case, spaces and dashes
    alike (``－``, ``—``), spaces dropped."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[‐‑‒–—―−﹣]", "-", text)
    return re.sub(r"\s+", "", text)


def split_room(text: str) -> tuple[int, int] | str:
    """``"1502"`` -> (15, 2); a reason for anything that is not floor + two digits."""
    digits = normal(text)
    digits = re.sub(r"(室|号|房|户)$", "", digits)
    if not re.fullmatch(r"\d+", digits):
        return f"room {shown(text)} is not a room number such as 202 or 1502"
    if len(digits) < 3:
        return f"room {shown(text)} does not say the floor: write it as 202 (floor 2, room 2)"
    if len(digits) > 4:
        return f"room {shown(text)} has too many digits for floor and room"
    floor, room = int(digits[:-2]), int(digits[-2:])
    if floor == 0:
        return f"room {shown(text)} names floor 0"
    if room == 0:
        return f"room {shown(text)} names room 00 of its floor"
    return floor, room


def building_number(text: str) -> str | None:
    """``"4"``, ``"B4"``, ``"4号楼"``, ``"４栋"``, ``"Bldg 4"`` -> ``"4"``; None otherwise."""
    match = re.fullmatch(r"(?:building|bldg|bld|blk|block|b)?\.?0*([1-9]\d{0,2})"
                         r"(?:号楼|号|栋|幢|座|楼|#)?", normal(text))
    return match.group(1) if match else None


def unit_number(text: str) -> int | None:
    """``"2"``, ``"2单元"``, ``"Unit 2"`` -> 2; None otherwise."""
    match = re.fullmatch(r"(?:unit|u|entrance)?\.?0*([1-9]\d{0,1})(?:单元|门)?", normal(text))
    return int(match.group(1)) if match else None


def _room_of(match: re.Match[str]) -> tuple[int, int] | str:
    if match.group("room"):
        return split_room(match.group("room"))
    floor, flat = int(match.group("floor")), int(match.group("flat"))
    if floor == 0 or flat == 0:
        return "floor and room count from 1"
    return floor, flat


def parse_address(text: str) -> Address | str:
    """The home an address names, or the reason it cannot be read."""
    if not text or not text.strip():
        return "the address is empty"
    s = normal(text)
    for pattern in _FORMS:
        match = pattern.fullmatch(s)
        if match:
            building, unit = match.group(1), match.group(2)
            room = _room_of(match)
            if isinstance(room, str):
                return room
            return Address(building, int(unit) if unit else 1, *room)
    if re.fullmatch(r"\d+-\d+", s):
        return (f"{shown(text)} gives two numbers: say which is the building and which the "
                "room (4号楼202 or 4-1-202)")
    if not re.search(r"\d", s):
        return f"{shown(text)} has no building or room number"
    return (f"{shown(text)} is not an address this reads (4号楼2单元202室, 4-2-202, 4栋202, "
            "Bldg 4 Unit 2 Rm 202)")


def parse_parts(building: str, unit: str, room: str) -> Address | str:
    """A home given in separate building, unit (may be empty: unit 1) and room cells."""
    b = building_number(building)
    if b is None:
        return f"building {shown(building)} is not a building number such as 4 or 4号楼"
    u = unit_number(unit) if unit else 1
    if u is None:
        return f"unit {shown(unit)} is not a unit number such as 2 or 2单元"
    if not room:
        return "the room is empty"
    r = split_room(room)
    if isinstance(r, str):
        return r
    return Address(b, u, *r)

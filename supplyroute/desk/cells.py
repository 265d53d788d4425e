"""A coordinator's spreadsheet cell read the way coordinators write it: numbers as
digits, full-width digits or Chinese numerals (``两份``), yes and no in either
language, times of day, positions as metres, latitude/longitude or a grid square.

A :class:`Sheet` is one table with its columns found; every cell it cannot read is an
issue naming the file, row and column, gathered so that all are reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from supplyroute.desk.address import normal
from supplyroute.desk.columns import FIELDS, find_columns
from supplyroute.desk.privacy import shown
from supplyroute.desk.tables import Row, Table
from supplyroute.errors import InputIssue
from supplyroute.models.base import parse_time

#: Grid spacing (metres between rows and columns) when the layout gives none.
GRID_SPACING_M = 40.0
#: A cart given as "yes": the examples' carts.
CART_BAGS, CART_KG = 24, 240.0
#: Kilograms a cart carries per bag of capacity, when given as a number of bags.
CART_KG_PER_BAG = 10.0
MAX_QUANTITY = 10

ROW_KINDS = {"building": ("building", "楼", "楼栋", "楼房", "bldg"),
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

YES = {"yes", "y", "true", "1", "是", "有", "√", "✓"}
NO = {"no", "n", "false", "0", "否", "无", "没有", "×", ""}
NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}
SPLIT = re.compile(r"[,，、;；/|]+")


class Sheet:
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


def read_number(text: str, whole: bool = True) -> float | None:
    try:
        value = float(normal(text))
    except ValueError:
        return None
    if whole and not value.is_integer():
        return None
    return value


def read_count(text: str) -> int | None:
    """``"2"``, ``"2份"``, ``"两份"``, ``"十"`` -> the number; None otherwise."""
    s = re.sub(r"(份|袋|个|人|口|户)$", "", normal(text))
    if s in NUMERALS:
        return NUMERALS[s]
    if re.fullmatch(r"\d+", s):
        return int(s)
    return None


def read_yes_no(text: str) -> bool | None:
    s = normal(text)
    return True if s in YES else False if s in NO else None


def read_time(text: str) -> float | None:
    try:
        value = parse_time(normal(text).replace("：", ":"))
    except ValueError:
        return None
    return float(value)


def hhmm_text(seconds: float) -> str:
    return f"{int(seconds) // 3600:02d}:{int(seconds) % 3600 // 60:02d}"


def read_position(sheet: Sheet, row: Row) -> dict[str, float] | None:
    """x/y, lat/lon, or grid row/column times the spacing; None (issue made) if none."""
    values = {f: sheet.cell(row, f) for f in ("x", "y", "lat", "lon", "row", "col")}
    for pair in (("x", "y"), ("lat", "lon"), ("row", "col")):
        if values[pair[0]] or values[pair[1]]:
            got = {}
            for f in pair:
                number = read_number(values[f], whole=False)
                if number is None:
                    sheet.refuse(row, f, f"{f} {shown(values[f])} is not a number")
                    return None
                got[f] = number
            if pair == ("row", "col"):
                spacing = GRID_SPACING_M
                if sheet.cell(row, "spacing"):
                    spacing = read_number(sheet.cell(row, "spacing"), whole=False) or -1
                    if spacing <= 0:
                        sheet.refuse(row, "spacing", "the grid spacing is not a number of "
                                     "metres")
                        return None
                return {"x": got["col"] * spacing, "y": got["row"] * spacing}
            return got
    sheet.refuse(row, None, "no position: give x and y (metres), lat and lon, or a grid "
                 "row and col")
    return None

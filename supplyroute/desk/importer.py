"""The coordinator's three spreadsheets read into scenario data.

* layout: one row per building (``kind`` building), gate (``kind`` gate) or batch of
  bags released at a gate (``kind`` release);
* ledger: one row per household;
* roster: one row per volunteer.

Every row that cannot be read is an issue ``FILE:row N:column C``; all of them are
raised together. A resident's name or phone never goes into a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from supplyroute.desk.address import parse_address
from supplyroute.desk.cells import SPLIT, Sheet
from supplyroute.desk.columns import FIELDS
from supplyroute.desk.layout import Layout, read_layout
from supplyroute.desk.ledger import read_household
from supplyroute.desk.privacy import shown
from supplyroute.desk.roster import read_volunteer
from supplyroute.desk.tables import Table, read_table
from supplyroute.errors import InputError, InputIssue
from supplyroute.io import validate_document
from supplyroute.models.scenario import Scenario


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
    lay, led, ros = (Sheet(table, kind, mapping(kind), issues)
                     for table, kind in zip(tables, ("layout", "ledger", "roster"), strict=True))
    issues += _column_issues(columns, tables)
    read = read_layout(lay)
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


def _ledger_households(led: Sheet, by_number: dict[str, dict[str, Any]],
                       issues: list[InputIssue]) -> tuple[list[dict[str, Any]], list[int]]:
    """The ledger's households that can be read, and their rows (none without columns)."""
    households: list[dict[str, Any]] = []
    h_rows: list[int] = []
    if not led.has("address") and not (led.has("building") and led.has("room")):
        led.missing("address")
    elif not led.missing("residents"):
        homes: dict[str, int] = {}
        for row in led.table.rows:
            h = read_household(led, row, by_number, homes)
            if h is not None:
                households.append(h)
                h_rows.append(row.number)
        if not led.table.rows:
            issues.append(InputIssue(led.table.where(led.table.header_row), "no households"))
    return households, h_rows


def _release_at_gates(lay: Sheet, read: Layout, gate_ids: list[str],
                      household_ids: set[str]) -> None:
    """Add each release to its gate, its addresses as household ids; refuse the rest."""
    for row, gate, release, homes_text in read.releases:
        if gate not in gate_ids:
            lay.refuse(row, "gate", f"gate {shown(gate)} is not in the layout")
            continue
        if homes_text:
            ids = []
            for written in (w.strip() for w in SPLIT.split(homes_text)):
                home = parse_address(written)
                if isinstance(home, str) or home.household_id not in household_ids:
                    lay.refuse(row, "households",
                               f"{shown(written)} is not a household of the ledger")
                    continue
                ids.append(home.household_id)
            release["households"] = ids
        next(g for g in read.gates if g["id"] == gate).setdefault("releases", []).append(release)


def _roster_volunteers(ros: Sheet, gate_ids: list[str], by_number: dict[str, dict[str, Any]]
                       ) -> tuple[list[dict[str, Any]], list[int]]:
    """The roster's volunteers that can be read, and their rows (none without columns)."""
    volunteers: list[dict[str, Any]] = []
    v_rows: list[int] = []
    seen: dict[str, int] = {}
    if not (ros.has("id") or ros.has("name")):
        ros.missing("id")
    elif ros.has("shift") or not ros.missing("start", "end"):
        for row in ros.table.rows:
            v = read_volunteer(ros, row, gate_ids, by_number, seen)
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


def _in_sheets(issue: InputIssue, places: dict[str, tuple[Sheet, list[int]]]) -> InputIssue:
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

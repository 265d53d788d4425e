"""Tables as coordinators keep them: CSV (UTF-8, UTF-8 with BOM or GB18030) or XLSX.

A table is its header row and its data rows; every cell keeps the row number and the
column (its letter and the header as written), so that a message can say where.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supplyroute.errors import InputError, InputIssue

#: Encodings tried in turn for a CSV file.
CSV_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")


def column_letter(index: int) -> str:
    """0 -> ``A``, 25 -> ``Z``, 26 -> ``AA``: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Row:
    """A data row: its number in the sheet (the header is row 1) and its cells by
    header as written."""

    number: int
    cells: dict[str, str]

    def get(self, header: str | None) -> str:
        """The cell under ``header`` (stripped), ``""`` if none."""
        if header is None:
            return ""
        return self.cells.get(header, "").strip()


@dataclass(frozen=True)
class Table:
    """A table read from a file: ``source`` names it in messages."""

    source: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    header_row: int = 1  #: the header's row number in the sheet.

    def letter(self, header: str) -> str:
        return column_letter(self.headers.index(header))

    def where(self, row: int, header: str | None = None) -> str:
        """``FILE:row N:column C`` (C the header as written)."""
        place = f"{self.source}:row {row}"
        return f"{place}:column {header}" if header is not None else place


def _text(value: Any) -> str:
    """A spreadsheet value as the text a person sees in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) :
            return value.date().isoformat()
        return value.strftime("%H:%M") if value.date() == dt.date(1899, 12, 30) \
            else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return str(value)


def _decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig")
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(InputIssue(source, "is neither UTF-8 nor GB18030 text"))


def _csv_rows(path: Path, source: str) -> list[list[str]]:
    text = _decode(path.read_bytes(), source)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(path: Path, source: str) -> list[list[str]]:
    import openpyxl  # imported here: only spreadsheets need it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zipfile, XML and openpyxl errors alike
        raise InputError(InputIssue(source, f"cannot be read as an XLSX workbook "
                                    f"({type(exc).__name__})")) from None
    try:
        sheet = book.worksheets[0]
        return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(path: str | Path, source: str | None = None) -> Table:
    """Read the first sheet of an XLSX file, or a CSV file, as a table. Blank rows and
    rows whose first filled cell starts with ``#`` (notes) are skipped."""
    path = Path(path)
    source = source or str(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = _xlsx_rows(path, source)
        else:
            raw = _csv_rows(path, source)
    except OSError as exc:
        raise InputError(InputIssue(source, f"cannot be read: {exc.strerror}")) from None
    numbered = [(n, [c.strip() for c in r]) for n, r in enumerate(raw, start=1)]
    numbered = [(n, r) for n, r in numbered
                if any(r) and not next(c for c in r if c).startswith("#")]
    if not numbered:
        raise InputError(InputIssue(source, "is empty: no header row"))
    header_number, header = numbered[0]
    while header and not header[-1]:
        header.pop()
    seen: set[str] = set()
    issues = []
    for i, name in enumerate(header):
        where = f"{source}:row {header_number}:column {column_letter(i)}"
        if not name:
            issues.append(InputIssue(where, "a column without a header"))
        elif name in seen:
            issues.append(InputIssue(where, f"a second column headed {name!r}"))
        seen.add(name)
    rows = []
    for number, cells in numbered[1:]:
        extra = [c for c in cells[len(header):] if c]
        if extra:
            issues.append(InputIssue(f"{source}:row {number}:column "
                                     f"{column_letter(len(header))}",
                                     "a value beyond the last headed column"))
        rows.append(Row(number, {h: (cells[i] if i < len(cells) else "")
                                 for i, h in enumerate(header) if h}))
    if issues:
        raise InputError(issues)
    return Table(source, header, rows, header_number)

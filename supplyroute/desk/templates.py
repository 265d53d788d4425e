"""Blank spreadsheets for the coordinator to fill in: layout, ledger, roster.

XLSX (or CSV by the file's suffix): a header row in zh and en, one example row, and
the meaning of every column in zh and en (a second sheet ``说明 notes`` in XLSX,
``#`` rows below the example in CSV; both are skipped when the file is imported).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from supplyroute.desk.columns import LABELS
from supplyroute.io import write_atomic

#: Per sheet: (field, example cell, meaning zh, meaning en).
COLUMNS: dict[str, list[tuple[str, str, str, str]]] = {
    "layout": [
        ("kind", "楼栋", "类型：楼栋 / 大门 / 批次 / 路口 / 通道",
         "kind: building, gate, release, point (of a walkway) or walkway"),
        ("id", "4", "楼号（4 或 4号楼）或大门编号", "building number (4) or gate id"),
        ("name", "4号楼", "名称（可空）", "name as residents say it (optional)"),
        ("floors", "6", "楼层数", "floors of the building"),
        ("lift", "无", "有无电梯（有/无）", "lift: yes/no"),
        ("stairwells", "2", "单元数（楼道数）", "units (stairwells) of the building"),
        ("x", "20", "一单元入口向东米数（或填经纬度、网格行列）",
         "metres east of unit 1's door (or give lat/lon, or grid row/col)"),
        ("y", "30", "向北米数", "metres north"),
        ("lat", "", "纬度", "latitude"),
        ("lon", "", "经度", "longitude"),
        ("row", "", "网格行（乘以间距）", "grid row (times the spacing)"),
        ("col", "", "网格列", "grid column"),
        ("spacing", "", "网格间距，米，默认40", "grid spacing in metres, default 40"),
        ("gate", "", "批次所在大门", "a release's gate"),
        ("at", "", "批次到达时间 HH:MM", "a release's time HH:MM"),
        ("bags", "", "批次袋数", "a release's count of bags"),
        ("households", "", "或：批次指定的住户地址，用；分隔",
         "or: the addresses a release is for, separated by ;"),
        ("from", "", "通道起点（路口编号；可不填通道：按直线距离）",
         "a walkway's first point (optional: without walkways, straight-line distances)"),
        ("to", "", "通道终点（路口编号）", "a walkway's other point"),
        ("length", "", "通道长度，米（可空：按直线）", "a walkway's length in metres (optional)"),
    ],
    "ledger": [
        ("address", "4号楼2单元202室", "地址：4号楼2单元202室、4-2-202、4栋202 等",
         "address: 4号楼2单元202室, 4-2-202, 4栋202, Bldg 4 Unit 2 Rm 202"),
        ("residents", "2", "在住人数", "residents at home"),
        ("name", "张三", "联系人姓名（不进日志）", "contact name (never logged)"),
        ("phone", "13800000000", "联系电话（不进日志）", "phone (never logged)"),
        ("category", "独居老人", "人员类别：独居、空巢、高龄、重病、残疾、孕妇、透析、胰岛素、"
         "密接、普通", "category: elderly alone, empty nest, elderly, seriously ill, "
         "disabled, pregnant, dialysis, insulin, close contact, standard"),
        ("risk", "绿", "风险颜色：红/橙/黄/绿", "risk colour: red/orange/yellow/green"),
        ("quantity", "1", "份数（2 或 2份 或 两份）", "portions (2, 2份, 两份)"),
        ("deadline", "", "最晚送达时间 HH:MM（透析、胰岛素等）", "hand over by HH:MM"),
        ("extra", "", "加送物品及重量：胰岛素 0.5kg", "extra bags: insulin 0.5kg"),
        ("note", "", "备注", "note"),
    ],
    "roster": [
        ("id", "V1", "编号", "volunteer id"),
        ("start", "08:00", "上班时间 HH:MM", "shift start HH:MM"),
        ("end", "18:00", "下班时间 HH:MM", "shift end HH:MM"),
        ("gate", "G", "所在大门编号（只有一个门可空）", "gate id (may be empty with one gate)"),
        ("cart", "否", "推车：是/否，或可装袋数", "cart: yes/no or the bags it holds"),
        ("skills", "防护", "技能：防护(PPE)、医护", "skills: PPE, medical"),
        ("zone", "", "负责楼栋：1、2、3（空：全部）", "buildings covered: 1,2,3 (empty: all)"),
        ("group", "", "小组", "group"),
    ],
}

#: The example of the layout, one row per kind.
_LAYOUT_GATE = {"kind": "大门", "id": "G", "x": "0", "y": "0"}


def header(field: str) -> str:
    """The bilingual header of a field: ``地址 address``."""
    zh, en = LABELS[field]
    return zh if zh == en else f"{zh} {en}"


def write_template(kind: str, path: str | Path) -> None:
    """Write the blank ``kind`` sheet (layout, ledger or roster) to ``path``."""
    if kind not in COLUMNS:
        raise ValueError(f"no template {kind!r}: layout, ledger or roster")
    spec = COLUMNS[kind]
    rows = [[header(f) for f, *_ in spec], [example for _, example, *_ in spec]]
    if kind == "layout":
        rows.append([_LAYOUT_GATE.get(f, "") for f, *_ in spec])
    notes = [[header(f), zh, en] for f, _, zh, en in spec]
    path = Path(path)
    if path.suffix.lower() == ".csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(rows)
        writer.writerows([[f"# {h}: {zh} / {en}"] for h, zh, en in notes])
        write_atomic(path, "\ufeff" + out.getvalue())
        return
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = kind
    for r in rows:
        sheet.append(r)
    explain = book.create_sheet("说明 notes")
    explain.append(["列 column", "说明", "meaning"])
    for r in notes:
        explain.append(r)
    data = io.BytesIO()
    book.save(data)
    _write_bytes(path, data.getvalue())


def _write_bytes(path: Path, data: bytes) -> None:
    """Write bytes via a temporary file and a rename, as :func:`write_atomic` does (and
    never onto a device, a pipe or a socket)."""
    from supplyroute.io import replace_atomic

    replace_atomic(path, data)

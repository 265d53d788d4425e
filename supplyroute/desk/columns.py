"""Which column is which: headers as people write them, zh and en, or a mapping.

Each kind of sheet (layout, ledger, roster) has its fields; a header names a field if
the whole header, or one of its parts (``地址 / address``), is one of the field's
names. A ``--columns`` mapping (our field -> their header) overrides the names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from supplyroute.desk.tables import Table
from supplyroute.errors import InputIssue

#: Per sheet: field -> the names people give its column (compared without case,
#: spaces, underscores or dashes).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "layout": {
        "kind": ("类型", "种类", "kind"),
        "id": ("编号", "楼号", "门号", "id"),
        "name": ("名称", "名字", "name"),
        "floors": ("层数", "楼层数", "floors"),
        "lift": ("电梯", "lift", "elevator"),
        "stairwells": ("单元数", "楼道数", "stairwells", "units"),
        "x": ("x", "东", "east"),
        "y": ("y", "北", "north"),
        "lat": ("纬度", "lat", "latitude"),
        "lon": ("经度", "lon", "lng", "longitude"),
        "row": ("行", "网格行", "row", "gridrow"),
        "col": ("列", "网格列", "col", "column", "gridcolumn", "gridcol"),
        "spacing": ("间距", "spacing"),
        "gate": ("大门", "出入口", "gate"),
        "at": ("时间", "到达时间", "放行时间", "at", "time"),
        "bags": ("袋数", "份数", "bags"),
        "households": ("住户", "户", "households", "homes"),
        "from": ("起点", "从", "from"),
        "to": ("终点", "到", "to"),
        "length": ("长度", "米数", "length", "lengthm"),
    },
    "ledger": {
        "address": ("地址", "住址", "家庭住址", "门牌地址", "address"),
        "building": ("楼号", "楼栋", "楼", "栋", "building", "bldg"),
        "unit": ("单元", "单元号", "unit"),
        "room": ("房号", "门牌", "门牌号", "室", "房间", "room", "flat", "apt"),
        "residents": ("人数", "户人数", "居住人数", "在住人数", "residents", "people"),
        "name": ("姓名", "联系人", "户主", "name", "contact"),
        "phone": ("电话", "手机", "联系电话", "手机号", "phone", "mobile", "tel"),
        "category": ("类别", "人员类别", "类型", "type", "category", "needs"),
        "note": ("备注", "说明", "note", "notes", "remark"),
        "quantity": ("份数", "数量", "quantity", "qty", "portions"),
        "risk": ("风险", "颜色", "风险等级", "码色", "risk", "colour", "color"),
        "deadline": ("时限", "截止时间", "送达时限", "最晚", "deadline", "dueby", "by"),
        "extra": ("加送", "附加", "另送", "extra", "extras"),
    },
    "roster": {
        "id": ("编号", "工号", "id"),
        "name": ("姓名", "name"),
        "start": ("开始", "上班", "开始时间", "start"),
        "end": ("结束", "下班", "结束时间", "end"),
        "shift": ("班次", "时段", "shift"),
        "gate": ("大门", "出入口", "门", "gate"),
        "cart": ("推车", "小车", "cart", "trolley"),
        "skills": ("技能", "防护", "skills", "ppe"),
        "zone": ("负责楼栋", "片区", "楼栋", "zone", "buildings"),
        "group": ("小组", "组", "group", "team"),
    },
}

#: What a field is called in messages and templates: (zh, en).
LABELS: dict[str, tuple[str, str]] = {
    "kind": ("类型", "kind"), "id": ("编号", "id"), "name": ("姓名", "name"),
    "floors": ("层数", "floors"), "lift": ("电梯", "lift"),
    "stairwells": ("单元数", "stairwells"), "x": ("x", "x"), "y": ("y", "y"),
    "lat": ("纬度", "lat"), "lon": ("经度", "lon"), "row": ("行", "row"),
    "col": ("列", "col"), "spacing": ("间距", "spacing"), "gate": ("大门", "gate"),
    "at": ("时间", "at"), "bags": ("袋数", "bags"), "households": ("住户", "households"),
    "from": ("起点", "from"), "to": ("终点", "to"), "length": ("长度", "length"),
    "address": ("地址", "address"), "building": ("楼号", "building"),
    "unit": ("单元", "unit"), "room": ("房号", "room"), "residents": ("人数", "residents"),
    "phone": ("电话", "phone"), "category": ("类别", "category"), "note": ("备注", "note"),
    "quantity": ("份数", "quantity"), "risk": ("风险", "risk"),
    "deadline": ("时限", "deadline"), "extra": ("加送", "extra"),
    "start": ("开始", "start"), "end": ("结束", "end"), "shift": ("班次", "shift"),
    "cart": ("推车", "cart"), "skills": ("技能", "skills"), "zone": ("负责楼栋", "zone"),
    "group": ("小组", "group"),
}


def key(text: str) -> str:
    """A header or a name compared without case, spaces, underscores, dashes or dots."""
    return re.sub(r"[\s_\-.:：·]", "", text.lower())


def _fields_of(header: str, names: dict[str, set[str]]) -> set[str]:
    whole = key(header)
    found = {f for f, n in names.items() if whole in n}
    if found:
        return found
    parts = [key(p) for p in re.split(r"[/|()（）\[\]【】,，\s]+", header) if key(p)]
    return {f for f, n in names.items() for p in parts if p in n}


def find_columns(table: Table, kind: str,
                 mapping: Mapping[str, str] | None = None) -> tuple[dict[str, str],
                                                                      list[InputIssue]]:
    """Field -> header for the columns of ``table`` (a ``kind`` sheet), and the
    issues: a header that names two fields, two headers for one field, a mapped
    header that is not in the table."""
    fields = FIELDS[kind]
    names = {f: {key(n) for n in ns} for f, ns in fields.items()}
    found: dict[str, str] = {}
    issues: list[InputIssue] = []
    mapped = {f: h for f, h in (mapping or {}).items() if f in fields}
    for f, header in mapped.items():
        if header in table.headers:
            found[f] = header
    taken = set(found.values())
    head = table.header_row
    for header in table.headers:
        if header in taken or not header:
            continue
        hits = _fields_of(header, names) - set(mapped)
        if len(hits) > 1:
            issues.append(InputIssue(table.where(head, header), "the header names more than "
                                     f"one field ({', '.join(sorted(hits))}); say which in "
                                     "--columns"))
        elif hits:
            (f,) = hits
            if f in found:
                issues.append(InputIssue(table.where(head, header), f"a second column for "
                                         f"the {f} (the first is {found[f]!r}); say which "
                                         "in --columns"))
            else:
                found[f] = header
    return found, issues

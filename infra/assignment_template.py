"""The 交办清单 template an office fills for the import: the header row the import reads, and a
sheet saying what each column takes. The import's refusals say "列名须与模板一致"; this is that
template, made from the same column lists and vocabularies the import reads."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from infra.assignment_import import ASSIGNMENT, KINDS, LEVELS, PROPOSER_TYPES, REGISTRATION
from infra.paper_labels import POLICY

# What each column takes, as a clerk reads it.
GUIDE = {
    "编号": "必填。同一类别、同一年度内不重复，如 JY-0001",
    "类别": "必填。" + "、".join(KINDS),
    "级别": "必填。" + "、".join(LEVELS),
    "年度": "必填。四位数字，如 2025（也可写 2025年、2025年度）",
    "标题": "必填",
    "提出人": (
        "必填。领衔人在前，多人用 、 分开（姓名中不留空格）；"
        "类型与“提出人类型”不同的，在名称后注明，如 民盟省委会（单位）"
    ),
    "提出人类型": "必填。" + "、".join(PROPOSER_TYPES),
    "收到日期": "必填。如 2025-01-20、2025.1.20、2025年1月20日",
    "主办单位": "交办时填。单位代码或名称；参阅件填其送达单位",
    "协办单位": "可选。即会办单位（工作台上的“会办”），多个用 、 分开",
    "分办单位": "可选。两个以上，用 、 分开（与主办单位不同时填）",
    "参阅件": "可选。是/否（空为否）",
    "交办日期": "填了主办、分办单位或参阅件时必填",
    "办理依据": "可选。空为默认规则；或填 " + " / ".join(POLICY.values()),
}


def template_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "交办清单"
    headers = [*REGISTRATION, *ASSIGNMENT]
    sheet.append(headers)
    for index, name in enumerate(headers, start=1):
        cell = sheet.cell(1, index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = 40 if name == "标题" else 14
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "填写要求"])
    for name in headers:
        guide.append([name, GUIDE[name]])
    guide.append([])
    guide.append(["说明", "第一行为表头，列的顺序不限；表头上方可有标题行。从第二行起每行一件。"])
    guide.column_dimensions["A"].width = 12
    guide.column_dimensions["B"].width = 70
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

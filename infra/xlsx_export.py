"""Writing an export as an .xlsx the way offices keep their 台账: Chinese headers in bold, the
header row frozen, sensible column widths, dates as real dates (Excel sorts and filters them),
and a last sheet 说明 stating what the figures were computed from.

openpyxl's write-only mode streams each row to disk as it comes, so an export of any number
of cases is written in bounded memory (rows arrive from generators that read a page at a time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from domain.business_day import CHINA
from domain.checks import legible
from infra.frozen_views import Basis

# openpyxl's stubs know neither a write-only sheet's column widths nor its cells as a type.
Sheet = Any
DATE_FORMAT = "yyyy-mm-dd"
# UI.md writes a rate "53.9 %": the % of a format multiplies by 100, the space is literal.
RATE_FORMAT = "0.0 %"
A4 = 9  # the page setup's paper size code


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 12
    kind: str = "text"  # text | date (ISO text in, a date out) | number | rate (a fraction)


@dataclass(frozen=True)
class SheetSpec:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def write_workbook(
    path: Path,
    sheets: Iterable[SheetSpec],
    basis: Basis,
    title: str,
    scope: Sequence[tuple[str, str]] = (),
    reading: Sequence[tuple[str, str]] = (),
    order: str | None = None,
) -> None:
    """``scope``: what the rows were chosen by, as (what, which) in words ("年度", "2025"):
    a file of the overdue cases, or of one unit's, must say so on its face. ``reading``: how a
    column is to be read where another paper counts the same thing otherwise (口径).
    ``order``: how the rows are ordered, where not by number."""
    book = Workbook(write_only=True)
    for spec in sheets:
        _write_sheet(book.create_sheet(spec.title[:31]), spec)
    _write_basis(book.create_sheet("说明"), basis, title, scope, reading, order)
    book.properties.title = legible(title)  # a property, not a cell: no escapes are read
    book.properties.description = f"as_of={basis.as_of} position={basis.position}"
    book.save(path)


def _write_sheet(sheet: Sheet, spec: SheetSpec) -> None:
    sheet.freeze_panes = "A2"
    # Printed as the office prints a 台账: A4 landscape, as wide as the page, the header on
    # every page (set before the rows: a write-only sheet writes its head first).
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append([_header(sheet, column.header) for column in spec.columns])
    kinds = [column.kind for column in spec.columns]
    count = 0
    for row in spec.rows:
        sheet.append([_cell(sheet, kind, value) for kind, value in zip(kinds, row, strict=True)])
        count += 1
    # A filter on every column, as an office sets one first thing on a 台账.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{count + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    # Each printed page numbered (a review printed a 台账 of many pages with none).
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _header(sheet: Sheet, text: str) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _cell(sheet: Sheet, kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "date":
        cell = WriteOnlyCell(sheet, value=_midnight(date.fromisoformat(str(value))))
        cell.number_format = DATE_FORMAT
        return cell
    if kind == "rate":
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = RATE_FORMAT
        return cell
    return _plain(sheet, value)


def _plain(sheet: Sheet, value: Any) -> Any:
    """A value as it is, and text beginning with = as text: openpyxl writes such a string as a
    formula, so a title or a name typed as =HYPERLINK(…) became a live link (or a formula that
    reads other cells) in a file the office forwards. Text is written as ``cell_text``."""
    if not isinstance(value, str):
        return value
    text = cell_text(value)
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


# ECMA-376's escape of a character in a cell's text (ST_Xstring), which a spreadsheet decodes.
_ESCAPE_LIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")


# What a cell holds at most (Excel's limit; openpyxl cuts longer text there without a word),
# and what a cut cell ends with, so that no reader takes it for whole.
CELL_LIMIT = 32_767
CUT_MARK = "……（超出 Excel 单元格长度上限，以下略去）"


def cell_text(value: str) -> str:
    """``value`` as a cell holds it to be read as written: ``legible`` (a file is XML, and a
    character it cannot hold failed the whole download), and text that spells an escape,
    _xHHHH_, with its underscore escaped (_x005F_): openpyxl writes it as it is, and a
    spreadsheet read _x202E_ as a direction mark and _xFFFF_ as a character the API refuses.
    Past ``CELL_LIMIT`` it is cut, and says so (``CUT_MARK``)."""
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", legible(value))
    if len(text) > CELL_LIMIT:
        return text[: CELL_LIMIT - len(CUT_MARK)] + CUT_MARK
    return text


# Characters of Chinese text the 说明 sheet's second column (72 wide) shows on one line.
BASIS_LINE = 36


def _write_basis(
    sheet: Sheet,
    basis: Basis,
    title: str,
    scope: Sequence[tuple[str, str]],
    reading: Sequence[tuple[str, str]] = (),
    order: str | None = None,
) -> None:
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 72
    made = datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")
    # The export's parameter names stay beside their words: asking again needs them.
    facts: list[tuple[str, Any]] = [
        ("表名", title),
        *((f"筛选：{what}", which) for what, which in scope),
        *((f"口径：{what}", how) for what, how in reading),
        *((("排列顺序", order),) if order else ()),
        ("统计日期（as_of）", basis.as_of),
        ("日志位置（position）", basis.position),
        ("防篡改链头", basis.chain_head or "（尚未生成）"),
        ("计算来源", "事件库重算" if basis.computed_from == "event_store" else "实时读模型"),
        *((("未计入（记录损坏）", words),) if (words := basis.left_out_words()) else ()),
        ("生成时间（北京时间）", made),
        # The clerk who reads this has the workbench, not a shell: the page first.
        (
            "复核",
            "以相同 position 再次导出，数字不变；"
            "链头可在 审计 › 防篡改校验 中核验（命令行：banli audit verify）",
        ),
    ]
    for name, value in facts:
        cell = _header(sheet, name)
        if isinstance(value, date):
            shown = WriteOnlyCell(sheet, value=_midnight(value))
            shown.number_format = DATE_FORMAT
            sheet.append([cell, shown])
        elif isinstance(value, str) and len(value) > BASIS_LINE:
            # Wrapped in its column: a 口径 line spilled into the next, cut off on paper.
            shown = WriteOnlyCell(sheet, value=cell_text(value))
            shown.data_type = "s"  # text, even when it begins with = (``_plain``)
            shown.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.append([cell, shown])
        else:
            sheet.append([cell, _plain(sheet, value)])


def _midnight(day: date) -> datetime:
    """Excel has no date type of its own: a date is a datetime shown in a date format."""
    return datetime(day.year, day.month, day.day)

"""Reading an uploaded workbook (.xlsx) into its header and data rows, refusing a bad file whole.

A file is refused (``BadFile``: 413 for what is too large, 422 for the rest) when it is not an
xlsx (a .xls, a renamed file, a broken zip), is password-protected (an encrypted workbook is an
OLE container, not a zip), unpacks to more than ``MAX_UNPACKED`` bytes (a zip bomb), has merged
or missing or unknown header cells, no data row, or more than ``MAX_ROWS`` data rows. Problems
of single cells (a formula instead of a value, an error value, a merged data cell) are kept with
their row and column, so an office sees them all at once with the rules' errors.

openpyxl reads in read-only mode (the sheet streamed, never held whole) and parses through
defusedxml (installed with it), so hostile XML is refused too.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.escape import unescape

MAX_FILE_BYTES = 20 * 1024 * 1024  # API.md v1.1: an upload is at most 20 MiB
MAX_ROWS = 100_000
MAX_UNPACKED = 512 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')

Progress = Callable[[int, int | None], None]  # data rows read so far, of about how many


class BadFile(Exception):
    """The file as a whole cannot be imported; nothing was read into the store."""

    def __init__(self, status: int, message: str, detail: str) -> None:
        super().__init__(f"{detail} / {message}")
        self.status = status
        self.message = message  # Chinese, for the office
        self.detail = detail


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row's number as Excel shows it
    cells: dict[str, Any]  # header → value (None when blank)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (header, Chinese message)


@dataclass(frozen=True)
class Sheet:
    sha256: str
    title: str
    headers: list[str]
    rows: list[SheetRow]


@dataclass(frozen=True)
class Columns:
    """What a sheet's header row may name: ``required`` ⊆ ``known``; ``ignored`` are read past
    (a 序号 column, remarks)."""

    known: Collection[str]
    required: Collection[str]
    ignored: Collection[str] = ()
    # Another name a column goes by (the workbench's 会办单位 for the template's 协办单位):
    # read as the column it names.
    aliases: Mapping[str, str] = field(default_factory=dict)


def read_sheet(data: bytes, columns: Columns, progress: Progress | None = None) -> Sheet:
    """The first worksheet's header and data rows; ``BadFile`` for a file that cannot be had."""
    if len(data) > MAX_FILE_BYTES:
        raise BadFile(413, "文件超过 20 MiB", f"the file is over {MAX_FILE_BYTES} bytes")
    archive = _archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a malformed package
        raise BadFile(
            422, "无法读取该 xlsx 文件", f"the workbook cannot be read: {error}"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        merged = _merged_ranges(archive, getattr(sheet, "_worksheet_path", ""))
        stated = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 1 else None
        sheet.reset_dimensions()  # writers' stated dimensions may be wrong: read every cell
        rows = _cells(sheet.iter_rows())
        headers, header_row = _header(rows, merged, columns)
        estimate = stated - header_row if stated else None
        body = list(_data_rows(rows, headers, header_row, merged, _every(1000, progress, estimate)))
        title = sheet.title
    except BadFile:
        raise
    except Exception as error:
        raise _unreadable_sheet(error) from None
    finally:
        workbook.close()
    if not body:
        raise BadFile(422, "表中没有数据行", "the sheet has a header row but no data rows")
    return Sheet(hashlib.sha256(data).hexdigest(), title, [h for h in headers if h], body)


def _unreadable_sheet(error: Exception) -> BadFile:
    """A worksheet openpyxl cannot read, said so a clerk can act: one whose XML is not well
    formed holds, most often, a control character a program wrote raw (Excel escapes them);
    the page said only 无法读取该工作表, the API the parser's English."""
    said = str(error)
    if isinstance(error, ParseError) or "not well-formed" in said:
        return BadFile(
            422,
            "工作表的内容不是合法的 XML，无法读取：常见原因是单元格中有控制字符（从其他系统"
            "复制来的不可见字符）。请在 Excel 中清除这些字符，另存后重新导入",
            f"the worksheet is not well-formed XML (often a raw control character): {said}",
        )
    return BadFile(422, "无法读取该工作表", f"the worksheet cannot be read: {said}")


def _every(step: int, progress: Progress | None, estimate: int | None) -> Progress | None:
    """``progress`` told every ``step`` rows (and at the end), with the sheet's stated size."""
    if progress is None:
        return None

    def told(count: int, total: int | None) -> None:
        if total is not None or count % step == 0:
            progress(count, total if total is not None else estimate)

    return told


def _archive(data: bytes) -> zipfile.ZipFile:
    if not data:  # a file saved before anything was written to it, or a copy that failed
        raise BadFile(422, "文件为空（0 字节），请重新选择文件", "the file is empty (0 bytes)")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise BadFile(
                422,
                "文件设置了打开密码，请取消密码后再导入",
                "the workbook is password-protected (encrypted)",
            )
        raise BadFile(
            422,
            "这是 Excel 97-2003 (.xls) 文件，请另存为 .xlsx 后再导入",
            "an Excel 97-2003 .xls file; save it as .xlsx",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BadFile(422, "不是 xlsx 文件", "the file is not an .xlsx workbook") from None
    if "xl/workbook.xml" not in names:
        raise BadFile(422, "不是 xlsx 文件", "the zip holds no Excel workbook")
    if unpacked > MAX_UNPACKED:
        raise BadFile(
            413, "文件解压后过大", f"the workbook unpacks to more than {MAX_UNPACKED} bytes"
        )
    return archive


Range = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[Range]:
    """The sheet's merged cells. Read-only sheets do not expose them, so the sheet's XML is
    scanned for its ``mergeCell`` elements in chunks (never held whole)."""
    if not path:
        return []
    found: list[Range] = []
    tail = b""
    with archive.open(path.lstrip("/")) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            for match in _MERGE.finditer(text):
                bounds = range_boundaries(match.group(1).decode())
                found.append(tuple(int(b or 0) for b in bounds))  # type: ignore[arg-type]
            tail = text[-200:]
    return sorted(set(found))


def _merged_at(merged: list[Range], row: int, col: int) -> bool:
    return any(c0 <= col <= c1 and r0 <= row <= r1 for c0, r0, c1, r1 in merged)


Cell = tuple[int, int, Any, str]  # row, column, value, openpyxl data type


def _cells(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[Cell]]:
    """Each stored row's non-empty cells with their coordinates (empty rows never come)."""
    for row in rows:
        cells = [
            (c.row, c.column, _unescaped(c.value), c.data_type)
            for c in row
            if getattr(c, "row", None) is not None and not _blank(c.value)
        ]
        if cells:
            yield cells


def _unescaped(value: Any) -> Any:
    """Text as Excel reads it: a character XML cannot hold is stored as ``_xHHHH_`` (a bell
    pasted into a title, a carriage return as ``_x000D_``; a literal ``_x`` as ``_x005F_x``),
    and openpyxl hands the escape on as it stands. Read as ``关于控制_x0007_字符``, it became a
    case's title; unescaped, the text checks refuse the character by its row and column."""
    return unescape(value) if isinstance(value, str) and "_x" in value else value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Rows above the header an office's sheet may hold: its title ("2026年省人大代表建议、政协
# 提案交办清单", merged across the table), a date or issuer line. Each has a cell or two and no
# column's name; the header is the first row that is not such a line.
TITLE_ROWS = 3


def _is_title(cells: list[Cell], columns: Columns) -> bool:
    names = {str(value).strip() for _, _, value, _ in cells}
    return len(cells) <= 2 and not names & {*columns.known, *columns.ignored}


def _header(
    rows: Iterator[list[Cell]], merged: list[Range], columns: Columns
) -> tuple[list[str], int]:
    first = next(rows, None)
    for _ in range(TITLE_ROWS):
        if first is None or not _is_title(first, columns):
            break
        first = next(rows, None)
    if first is None:
        raise BadFile(422, "工作表是空的", "the first worksheet is empty")
    number = first[0][0]
    if any(r0 <= number <= r1 for _, r0, _, r1 in merged):
        raise BadFile(422, "表头含有合并单元格，请拆分后再导入", "merged cells in the header row")
    width = max(col for _, col, _, _ in first)
    headers = [""] * width
    for _, col, value, _ in first:
        if not isinstance(value, str):
            raise BadFile(422, f"表头应为文字，却是 {value!r}", f"a header cell holds {value!r}")
        headers[col - 1] = columns.aliases.get(value.strip(), value.strip())
    named = [h for h in headers if h]
    twice = sorted({h for h in named if named.count(h) > 1})
    unknown = [h for h in named if h not in columns.known and h not in columns.ignored]
    missing = [h for h in columns.required if h not in named]
    if twice:
        raise BadFile(422, f"表头重复：{'、'.join(twice)}", f"header names repeated: {twice}")
    if unknown:
        raise BadFile(
            422,
            f"无法识别的列：{'、'.join(unknown)}（列名须与模板一致）",
            f"unknown columns {unknown}",
        )
    if missing:
        raise BadFile(422, f"缺少列：{'、'.join(missing)}", f"missing columns {missing}")
    return headers, number


def _data_rows(
    rows: Iterator[list[Cell]],
    headers: list[str],
    header_row: int,
    merged: list[Range],
    progress: Progress | None,
) -> Iterator[SheetRow]:
    count = 0
    for cells in rows:
        count += 1
        if count > MAX_ROWS:
            raise BadFile(
                413, f"数据行超过 {MAX_ROWS} 行", f"the sheet has more than {MAX_ROWS} data rows"
            )
        number = cells[0][0]
        values: dict[str, Any] = dict.fromkeys((h for h in headers if h), None)
        problems: list[tuple[str, str]] = []
        for _, col, value, kind in cells:
            header = headers[col - 1] if col <= len(headers) else ""
            if not header:
                continue  # a value under no header: notes beside the table
            if kind == "f":
                problems.append((header, "单元格是公式，请复制后“粘贴为数值”再导入"))
            elif kind == "e":
                problems.append((header, f"单元格是错误值 {value}"))
            else:
                values[header] = value.strip() if isinstance(value, str) else value
        for col, header in enumerate(headers, start=1):
            if header and _merged_at(merged, number, col) and number > header_row:
                problems.append((header, "合并单元格，请拆分并逐行填写"))
        if progress is not None:
            progress(count, None)
        yield SheetRow(number, values, problems)
    if progress is not None:
        progress(count, count)

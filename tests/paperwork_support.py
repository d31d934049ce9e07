"""Workbooks for the import tests, written with openpyxl as an office's spreadsheet would be."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from demo import load_demo
from tests.api.conftest import Api, create_units_and_users, start

HEADERS = (
    "编号", "类别", "级别", "年度", "标题", "提出人", "提出人类型", "收到日期",
    "主办单位", "协办单位", "分办单位", "参阅件", "交办日期", "办理依据",
)  # fmt: skip


def row(number: str, **cells: Any) -> dict[str, Any]:
    """A good 交办清单 row (a 2025 provincial suggestion led by FIN); ``cells`` override."""
    base: dict[str, Any] = {
        "编号": number,
        "类别": "建议",
        "级别": "省",
        "年度": 2025,
        "标题": f"关于{number}号事项的建议",
        "提出人": "张三、李四",
        "提出人类型": "代表",
        "收到日期": date(2025, 1, 20),
        "主办单位": "FIN",
        "协办单位": "",
        "分办单位": "",
        "参阅件": "否",
        "交办日期": date(2025, 2, 1),
        "办理依据": "",
    }
    return {**base, **cells}


def workbook(rows: Sequence[dict[str, Any]], headers: Sequence[str] = HEADERS) -> bytes:
    """The rows under ``headers`` (in that order) in the first sheet; dates as real dates."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "交办清单"
    sheet.append(list(headers))
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "交办清单.xlsx") -> dict[str, Any]:
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"file": (name, data, mime)}


@contextmanager
def demo_server(data_dir: Path) -> Iterator[Api]:
    """A server with a small demo year (every kind of event, published and withheld replies)."""
    client, services = start(data_dir)
    try:
        api = Api(client, services, create_units_and_users(client))
        load_demo(services.app, scale=0.15)
        yield api
    finally:
        services.close()

"""Importing the 交办清单 (API.md v1.1 "Excel in and out"): every row checked by the rules of
registration and assignment, written all at once or not at all, never twice."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook, load_workbook

from domain.directory import Unit
from infra.cell_values import CellError, date_of, one_of
from infra.clock import today
from infra.directory import BOOTSTRAP
from tests.api.conftest import Api, case_body
from tests.api.test_pages import logged_in
from tests.paperwork_support import HEADERS, row, upload, workbook

PATH = "/v1/imports/assignments"


def post(api: Api, data: bytes, *, dry_run: bool = False, who: str = "office") -> httpx.Response:
    response: httpx.Response = api.client.post(
        PATH,
        params={"dry_run": str(dry_run).lower()},
        files=upload(data),
        headers={"Authorization": f"Bearer {api.tokens[who]}"},
    )
    return response


def ledger(api: Api) -> dict[str, dict[str, Any]]:
    items = api.get("/v1/ledger", "office", limit=1000).json()["items"]
    return {item["number"]: item for item in items}


def test_a_dry_run_reports_what_an_import_then_writes_in_one_go(backend_api: Api) -> None:
    api = backend_api
    rows = [
        row("2025-001"),
        # Columns' words as offices type them: units by name, dates as text, 、-lists.
        row("2025-002", 主办单位="HOU厅", 协办单位="FIN、EDU", 收到日期="2025.1.21"),
        row("2025-003", 主办单位="", 分办单位="FIN、HOU", 交办日期="2025年2月3日"),
        row("2025-004", 主办单位="EDU", 参阅件="是"),
        row("2025-005", 主办单位="", 交办日期=None),  # registered, assigned later
        row("2025-006", 类别="提案", 提出人="民盟省委", 提出人类型="单位"),
    ]
    data = workbook(rows)
    head = api.head()
    dry = post(api, data, dry_run=True)
    assert dry.status_code == 200, dry.text
    expected = {"rows": 6, "registered": 6, "assigned": 5, "unchanged": 0, "errors": []}
    assert {k: dry.json()[k] for k in expected} == expected
    assert api.head() == head  # a dry run writes nothing

    done = post(api, data)
    assert done.status_code == 201, done.text
    assert {k: done.json()[k] for k in expected} == expected
    found = ledger(api)
    assert found["2025-002"]["lead_unit"] == "HOU"
    assert found["2025-002"]["co_units"] == ["FIN", "EDU"]
    assert found["2025-003"]["split_units"] == ["FIN", "HOU"]
    assert found["2025-004"]["reference"] is True
    assert found["2025-005"]["stage"] == "registered"
    assert found["2025-006"]["kind"] == "proposal"
    case = api.case(found["2025-002"]["case_id"])
    assert case["proposers"][0] == {"name": "张三", "type": "deputy", "role": "lead"}
    # Each event names the file it came from; a migration is not a late recording (R-X1).
    events = api.get(f"/v1/cases/{case['case_id']}/history", "auditor").json()["events"]
    assert [e["provenance"] for e in events] == [
        {"kind": "import", "sha256": done.json()["sha256"], "row": 3}
    ] * 2
    assert not any(e["late_recorded"] for e in events)

    # The same file again writes nothing.
    again = post(api, data)
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == 6 and again.json()["registered"] == 0
    assert api.head() == done.json()["position"]


def test_a_reference_case_assigned_after_31_october_is_imported_with_a_warning_R_D5(
    api: Api,
) -> None:
    """R-D5's 31 October is a fixed date: a 参阅件 assigned after it is overdue the day it is
    assigned. The rule stands; the check said nothing, and the case page then read 起算
    2025-11-03 · 到期 2025-10-31 已逾期."""
    late = row("2025-041", 参阅件="是", 交办日期=date(2025, 11, 3))
    data = workbook(
        [row("2025-040", 参阅件="是"), late, row("2025-042", 交办日期=date(2025, 11, 3))]
    )
    dry = post(api, data, dry_run=True)
    assert dry.status_code == 200 and dry.json()["errors"] == [], dry.text
    [warning] = dry.json()["warnings"]
    assert (warning["row"], warning["column"], warning["rule"]) == (3, "交办日期", "R-D5")
    assert warning["case_number"] == "2025-041"
    assert "2025-10-31" in warning["message"] and "交办即逾期" in warning["message"]
    done = post(api, data)
    assert done.status_code == 201 and done.json()["warnings"] == [warning], done.text
    # Written as the rule has it: overdue from the day it was assigned.
    assert ledger(api)["2025-041"]["stage"] != "registered"


def test_every_error_is_listed_with_row_column_and_rule_and_nothing_is_written(api: Api) -> None:
    tomorrow = today() + timedelta(days=1)  # the server's Beijing day, not UTC's
    rows = [
        row("2025-101"),
        row("2025-102", 主办单位="FIN", 协办单位="FIN"),  # R-A1: lead and co
        row("2025-103", 收到日期=tomorrow, 交办日期=tomorrow),  # R-X1
        row("2025-104", 类别="提案"),  # R-C4: a proposal raised by deputies
        row("2025-105", 主办单位="XYZ"),  # no such unit (no rule's: R-A1 is the shape)
        row("2025-106", 收到日期="3/1/2025"),  # no date spelling we know
        row("2025-107", 交办日期=date(2025, 1, 1)),  # R-X1: assigned before received
        row("2025-101", 标题="另一件"),  # the file names one case twice
        row("2025-108", 级别="市"),
        row("2025-109", 标题=""),
    ]
    data = workbook(rows)
    dry = post(api, data, dry_run=True)
    assert dry.status_code == 200, dry.text
    errors = {(e["row"], e["column"], e["rule"]) for e in dry.json()["errors"]}
    assert errors == {
        (3, "主办单位", "R-A1"),
        (4, "收到日期", "R-X1"),
        (5, "提出人类型", "R-C4"),
        (6, "主办单位", None),
        (7, "收到日期", None),
        (8, "交办日期", "R-X1"),
        (9, "编号", None),
        (10, "级别", None),
        (11, "标题", None),
    }
    assert all(e["message"] for e in dry.json()["errors"])
    # Each names its row's 编号 too, as written (the clerk's sheet may be sorted otherwise).
    numbers = {e["row"]: e["case_number"] for e in dry.json()["errors"]}
    assert numbers[3] == "2025-102" and numbers[9] == "2025-101" and numbers[11] == "2025-109"
    head = api.head()
    refused = post(api, data)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert len(refused.json()["errors"]) == 9
    # Nothing written: none registered, and what the good rows would give said as such (a
    # review read "registered": 2 in a refusal that wrote nothing).
    counts = {k: refused.json()[k] for k in ("registered", "assigned", "would_register")}
    assert counts == {"registered": 0, "assigned": 0, "would_register": dry.json()["registered"]}
    assert api.head() == head
    assert ledger(api) == {}


def test_a_known_number_with_other_content_is_an_error_not_an_overwrite_R_X2(api: Api) -> None:
    assert post(api, workbook([row("2025-201"), row("2025-202")])).status_code == 201
    head = api.head()
    changed = workbook([row("2025-201", 标题="改过的标题"), row("2025-202", 主办单位="HOU")])
    answer = post(api, changed, dry_run=True).json()
    assert [(e["row"], e["column"], e["rule"]) for e in answer["errors"]] == [
        (2, "标题", "R-X2"),
        (3, "主办单位", "R-X2"),
    ]
    assert answer["warnings"] == []  # refused for R-X2 itself: no second word of it
    assert post(api, changed).status_code == 422
    assert api.head() == head


def test_a_case_registered_earlier_is_assigned_by_its_row(api: Api) -> None:
    body = case_body("2025-301", title="关于2025-301号事项的建议")
    assert api.post("/v1/cases", body, "office").status_code == 201
    answer = post(api, workbook([row("2025-301")]))
    assert answer.status_code == 201, answer.text
    assert (answer.json()["registered"], answer.json()["assigned"]) == (0, 1)
    assert ledger(api)["2025-301"]["lead_unit"] == "FIN"


def test_columns_come_in_any_order_and_serial_numbers_are_read_past(api: Api) -> None:
    headers = ("序号", *reversed(HEADERS))
    rows = [{**row("2025-401"), "序号": 1}]
    answer = post(api, workbook(rows, headers), dry_run=True)
    assert answer.status_code == 200 and answer.json()["errors"] == []


def test_a_sheet_may_say_会办单位_for_协办单位(api: Api) -> None:
    """The workbench calls co units 会办单位 (its pages, the 台账's export); a sheet headed so
    was refused as an unknown column."""
    headers = tuple("会办单位" if h == "协办单位" else h for h in HEADERS)
    rows = [{**row("2025-411", 协办单位=None), "会办单位": "HOU"}]
    assert post(api, workbook(rows, headers)).status_code == 201
    assert ledger(api)["2025-411"]["co_units"] == ["HOU"]
    both = (*HEADERS, "会办单位")  # one column under both names is named twice
    assert "表头重复：协办单位" in refusal(api, workbook([row("2025-412")], both))


def test_only_the_office_imports(api: Api) -> None:
    assert post(api, workbook([row("2025-501")]), who="handler_fin").status_code == 403
    assert post(api, workbook([row("2025-501")]), who="leader").status_code == 403


# ---------------------------------------------------------------------- bad files


def sheet_bytes(fill: Any) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    fill(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refusal(api: Api, data: bytes, status: int = 422) -> str:
    answer = post(api, data, dry_run=True)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    detail: str = answer.json()["detail"]
    return detail


def test_files_that_are_no_xlsx_are_refused_clearly(api: Api) -> None:
    assert "not an .xlsx" in refusal(api, "编号,类别\n2025-1,建议\n".encode())
    assert "not an .xlsx" in refusal(api, b"PK\x03\x04broken zip")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    assert ".xls" in refusal(api, ole)


def test_a_password_protected_workbook_is_refused(api: Api) -> None:
    plain = OOXMLFile(io.BytesIO(workbook([row("2025-601")])))
    encrypted = io.BytesIO()
    plain.encrypt("secret", encrypted)
    assert "password" in refusal(api, encrypted.getvalue())


def test_formulas_merged_cells_and_empty_sheets_are_named(api: Api) -> None:
    def formula(sheet: Any) -> None:
        sheet.append(list(HEADERS))
        values = row("2025-701")
        sheet.append([values[h] for h in HEADERS])
        sheet["D2"] = "=2024+1"  # 年度 as a formula

    [error] = post(api, sheet_bytes(formula), dry_run=True).json()["errors"]
    assert (error["row"], error["column"]) == (2, "年度") and "公式" in error["message"]

    def merged_header(sheet: Any) -> None:
        sheet.append(list(HEADERS))
        sheet.merge_cells("A1:B1")

    assert "merged cells in the header" in refusal(api, sheet_bytes(merged_header))

    def merged_data(sheet: Any) -> None:
        sheet.append(list(HEADERS))
        for number in ("2025-702", "2025-703"):
            values = row(number)
            sheet.append([values[h] for h in HEADERS])
        sheet.merge_cells("I2:I3")  # one 主办单位 for two rows

    errors = post(api, sheet_bytes(merged_data), dry_run=True).json()["errors"]
    assert {(e["row"], e["column"]) for e in errors if "合并" in e["message"]} == {
        (2, "主办单位"),
        (3, "主办单位"),
    }

    def header_only(sheet: Any) -> None:
        sheet.append(list(HEADERS))
        sheet.append([None] * len(HEADERS))  # empty rows are read past

    assert "no data rows" in refusal(api, sheet_bytes(header_only))
    assert "empty" in refusal(api, sheet_bytes(lambda sheet: None))
    assert "unknown columns" in refusal(api, workbook([row("1")], (*HEADERS, "承办人")))
    assert "missing columns" in refusal(api, workbook([row("1")], HEADERS[1:]))


def test_empty_rows_between_data_rows_are_read_past(api: Api) -> None:
    def gappy(sheet: Any) -> None:
        sheet.append(list(HEADERS))
        for number in ("2025-801", None, "2025-802"):
            values = row(number) if number else {}
            sheet.append([values.get(h) for h in HEADERS])

    answer = post(api, sheet_bytes(gappy), dry_run=True).json()
    assert (answer["rows"], answer["errors"]) == (2, [])


def test_too_large_files_get_413_and_are_never_read_whole(api: Api) -> None:
    assert refusal(api, b"PK" + b"\x00" * (20 * 1024 * 1024), 413)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["编号", "类别", "级别", "年度", "标题", "提出人", "提出人类型", "收到日期"])
    for n in range(100_001):
        sheet.append([n, "建议", "省", 2025, "t", "张三", "代表", "2025-01-20"])
    out = io.BytesIO()
    book.save(out)
    assert "100000" in refusal(api, out.getvalue(), 413)


def test_a_sheet_with_its_title_above_the_header_is_read(api: Api) -> None:
    """Offices' 交办清单 carry a title merged across the table above the header (and often a
    date line): it was refused as "merged cells in the header row"."""

    def titled(sheet: Any) -> None:
        sheet.append(["2025年省人大代表建议、政协提案交办清单"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
        sheet.append(
            [None, None, None, None, None, None, None, None, None, None, None, None, "2025年2月"]
        )
        sheet.append(list(HEADERS))
        values = row("2025-901")
        sheet.append([values[h] for h in HEADERS])

    answer = post(api, sheet_bytes(titled), dry_run=True)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["rows"], answer.json()["errors"]) == (1, [])

    def headless(sheet: Any) -> None:  # a title and then data: the data is no header
        sheet.append(["交办清单"])
        values = row("2025-902")
        sheet.append([values[h] for h in HEADERS])

    assert "a header cell holds 2025" in refusal(api, sheet_bytes(headless))


def test_a_rows_errors_are_said_in_a_clerks_words(api: Api) -> None:
    """The messages named fields by their code ("title 不能为空"), printed a Python list
    (R-C4: "['赵丽华']") and left an unknown 办理依据 without its column or the known ones."""
    rows = [
        row("2025-951", 标题=""),
        row("2025-952", 类别="提案", 提出人="赵丽华"),
        row("2025-953", 办理依据="abc"),
    ]
    errors = post(api, workbook(rows), dry_run=True).json()["errors"]
    said = {e["row"]: (e["column"], e["message"]) for e in errors}
    assert said[2] == ("标题", "不能为空")  # read with the row's cells: the column says which
    assert said[3][0] == "提出人类型" and "赵丽华" in said[3][1] and "[" not in said[3][1]
    assert said[4][0] == "办理依据" and "河北省 2022 年办理要求" in said[4][1]
    assert not any(re.search(r"\b(title|policy|number)\b", e["message"]) for e in errors)


def test_proposers_apart_by_spaces_are_asked_about_and_a_year_may_say_nian_du_R_C4(
    api: Api,
) -> None:
    """ "王建国 李秀英　张伟" was saved as one deputy of that name (the co-signers lost, R-C4);
    read as three, 欧阳 娜娜 then became two deputies (a later review). Whole Chinese names
    apart by a space are asked about, by row and column, and nothing is written; apart by 、
    they are several. "2025年度" was refused as "却是“2025年”"."""
    before = api.head()
    for cell in ("王建国 李秀英　张伟", "欧阳 娜娜"):
        [error] = post(api, workbook([row("2025-960", 提出人=cell)]), dry_run=False).json()[
            "errors"
        ]
        assert error["column"] == "提出人" and "多人请用 、 分开" in error["message"], error
    assert api.head() == before
    rows = [row("2025-961", 提出人="王建国、李秀英、张伟", 年度="2025年度")]
    assert post(api, workbook(rows)).status_code == 201
    case = next(c for c in ledger(api).values() if c["number"] == "2025-961")
    proposers = api.case(case["case_id"])["proposers"]
    assert [(p["name"], p["role"]) for p in proposers] == [
        ("王建国", "lead"),
        ("李秀英", "co_signer"),
        ("张伟", "co_signer"),
    ]
    [error] = post(api, workbook([row("2025-962", 年度="二五年度")]), dry_run=True).json()["errors"]
    assert error["message"] == "年度应为四位数字，却是“二五年度”"


def test_a_year_its_received_day_does_not_fall_in_is_refused_as_the_form_refuses_it(
    api: Api,
) -> None:
    """A review imported 年度 2031 received 2026-11-02, and 年度 1990, unflagged: the 登记 form
    refused the same mismatch. The domain now refuses it for both, under 收到日期."""
    rows = [
        row("2031-001", 年度="2031", 收到日期="2026-11-02"),
        row("1990-001", 年度="1990", 收到日期="2025-01-20"),
        row("2025-981", 年度="2025", 收到日期="2024-12-20"),  # the winter before its session
        row("2024-981", 年度="2024", 收到日期="2025-03-20", 交办日期="2025-03-25"),  # next spring
    ]
    before = api.head()
    errors = post(api, workbook(rows), dry_run=True).json()["errors"]
    said = {e["row"]: (e["column"], e["message"]) for e in errors}
    assert said[2] == ("收到日期", "收到日期 2026-11-02 与年度 2031 不符：应在 2030–2032 年之间")
    assert said[3][0] == "收到日期" and "与年度 1990 不符" in said[3][1]
    assert 4 not in said and 5 not in said
    assert api.head() == before


def test_a_date_refused_is_named_as_its_column_names_it_R_X1(api: Api) -> None:
    """交办日期 before 收到日期 was said "发生日期 … 早于收到日期" under 交办日期."""
    rows = [row("2025-991", 收到日期="2025-03-20", 交办日期="2025-03-01")]
    [error] = post(api, workbook(rows), dry_run=True).json()["errors"]
    assert (error["column"], error["rule"]) == ("交办日期", "R-X1")
    assert error["message"] == "交办日期 2025-03-01 早于收到日期 2025-03-20"


def test_an_imported_event_says_so_on_the_timeline_where_a_late_one_says_bu_ji_R_X1(
    api: Api,
) -> None:
    """An import is a migration, never 补记 (R-X1), but the timeline said nothing at all: a
    review read a 交办 dated weeks before it was recorded, unflagged, beside a form's 补记."""
    assert post(api, workbook([row("2025-995"), row("2025-996")])).status_code == 201
    case = ledger(api)["2025-996"]
    page = logged_in(api, "clerk_imp").get(f"/cases/{case['case_id']}").text
    timeline = page.split('id="timeline"', 1)[1]
    tags = re.findall(r'<span class="tag imported" title="([^"]*)">导入</span>', timeline)
    assert len(tags) == 2  # 登记 and 交办
    assert all("交办清单第 3 行" in t and "不计补记" in t for t in tags), tags


def test_a_units_refusal_is_said_under_its_own_column_with_its_own_rule(api: Api) -> None:
    """A review read 分办至少两个单位 under 主办单位, and an unknown unit tagged R-A1 (a rule
    about the assignment's shape, which names no unit's existence)."""
    rows = [
        row("2025-993", 主办单位="", 分办单位="FIN"),
        row("2025-994", 主办单位="省财政局"),
    ]
    errors = post(api, workbook(rows), dry_run=True).json()["errors"]
    said = {e["row"]: (e["column"], e["rule"], e["message"]) for e in errors}
    assert said[2] == ("分办单位", "R-A1", "分办至少两个单位")
    assert said[3][:2] == ("主办单位", None) and "未知的单位“省财政局”" in said[3][2]


def test_every_unreadable_cell_of_a_row_is_listed_not_only_the_first(api: Api) -> None:
    """README: the dry run "lists every error by row, column and rule"; a row with a wrong
    年度, 收到日期 and 主办单位 was reported for its 年度 alone."""
    rows = [row("2025-971", 年度="2025年年", 收到日期="2025年2月30日", 主办单位="省财政局")]
    errors = post(api, workbook(rows), dry_run=True).json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (2, "年度"),
        (2, "收到日期"),
        (2, "主办单位"),
    }
    assert all(e["message"] for e in errors)


def test_a_rows_empty_and_unknown_cells_are_listed_with_its_unreadable_ones(api: Api) -> None:
    """A review needed four uploads to learn what one row lacked: its 级别, then 标题, then
    提出人, then 办理依据. An empty required cell and an unknown 办理依据 are read with the
    row's other cells, and said in the same check."""
    rows = [row("2025-972", 级别="市", 标题="", 提出人="", 办理依据="hebei-1999")]
    errors = post(api, workbook(rows), dry_run=True).json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (2, "级别"),
        (2, "标题"),
        (2, "提出人"),
        (2, "办理依据"),
    }
    said = {e["column"]: e["message"] for e in errors}
    assert "不能为空" in said["标题"] and "不能为空" in said["提出人"]
    assert "hebei-1999" in said["办理依据"] and "河北省 2022 年办理要求" in said["办理依据"]


def test_the_words_offices_type_are_taken(api: Api) -> None:
    """人大代表 for 代表, 代表建议 for 建议, 省财政厅 or full-width ＦＩＮ for a unit: each was
    refused."""
    rows = [
        row("2025-981", 提出人类型="人大代表", 类别="代表建议", 级别="省人大", 主办单位="ＦＩＮ"),
        row(
            "2025-982", 提出人类型="政协委员", 类别="政协提案", 级别="全国政协", 主办单位="省FIN厅"
        ),
    ]
    answer = post(api, workbook(rows))
    assert answer.status_code == 201, answer.text
    found = ledger(api)
    assert (found["2025-981"]["kind"], found["2025-981"]["level"]) == ("suggestion", "provincial")
    assert (found["2025-982"]["kind"], found["2025-982"]["level"]) == ("proposal", "national")
    assert found["2025-981"]["lead_unit"] == found["2025-982"]["lead_unit"] == "FIN"


def test_the_rules_a_case_follows_are_taken_by_the_name_the_assignment_form_shows(
    api: Api,
) -> None:
    """办理依据 took only hebei-2022 and guangxi-2018, and refused the names the 交办 form's own
    list shows (a review)."""
    rows = [
        row("2025-991", 办理依据="河北省 2022 年办理要求"),
        row("2025-992", 办理依据="广西财政厅服务代表委员工作规则"),
        row("2025-993", 办理依据="河北省2022年办理要求"),
    ]
    answer = post(api, workbook(rows))
    assert answer.status_code == 201, answer.text
    found = ledger(api)
    policies = {
        n: api.case(found[n]["case_id"])["policy"] for n in ("2025-991", "2025-992", "2025-993")
    }
    assert policies == {
        "2025-991": "hebei-2022",
        "2025-992": "guangxi-2018",
        "2025-993": "hebei-2022",
    }
    notes = load_workbook(
        io.BytesIO(api.get("/v1/imports/assignments/template.xlsx", "office").content)
    )["填写说明"]
    said = " ".join(str(c.value) for line in notes.iter_rows() for c in line if c.value)
    assert "河北省 2022 年办理要求" in said and "广西财政厅服务代表委员工作规则" in said


def test_the_template_the_refusals_name_is_there_and_imports_once_filled(api: Api) -> None:
    """ "列名须与模板一致", said the refusals, and no template could be had."""
    template = api.get("/v1/imports/assignments/template.xlsx", "office")
    assert template.status_code == 200
    assert template.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(template.content))
    assert book.sheetnames == ["交办清单", "填写说明"]
    sheet = book["交办清单"]
    headers = [str(c.value) for c in sheet[1]]
    assert set(headers) == set(HEADERS) and sheet.max_row == 1
    guide = {
        str(r[0]): str(r[1])
        for r in book["填写说明"].iter_rows(min_row=2, values_only=True)
        if r[0]
    }
    assert set(headers) <= set(guide) and all(guide[h] for h in headers)
    filled = row("2025-991")
    sheet.append([filled[h] for h in headers])
    out = io.BytesIO()
    book.save(out)
    assert post(api, out.getvalue()).status_code == 201
    assert api.get("/v1/imports/assignments/template.xlsx", "handler_fin").status_code == 403


def test_a_unit_name_two_older_units_share_is_said_so_not_unknown(api: Api) -> None:
    """Units made before names were told apart may share one (a browser review made a second
    FIN厅 under TS2): a row naming it was refused as an unknown unit, which it is not."""
    second = Unit.create(code="TS2", name="FIN厅", actor=BOOTSTRAP.actor())
    api.services.app.record(second.collect_events())  # as an older store holds it
    errors = post(api, workbook([row("2025-961", 主办单位="FIN厅")]), dry_run=True).json()["errors"]
    [said] = [(e["column"], e["message"]) for e in errors]
    assert said == ("主办单位", "单位名称“FIN厅”为多个单位所用（FIN、TS2），请填单位代码")


def test_an_imported_proposer_of_another_type_says_so_after_the_name_R_C4(api: Api) -> None:
    rows = [row("2025-995", 类别="提案", 提出人="民盟省委会（单位）、陈立群", 提出人类型="委员")]
    answer = post(api, workbook(rows))
    assert answer.status_code == 201, answer.text
    case = api.case(ledger(api)["2025-995"]["case_id"])
    found = [(p["name"], p["type"], p["role"]) for p in case["proposers"]]
    assert found == [("民盟省委会", "unit", "lead"), ("陈立群", "member", "co_signer")]


def test_a_refused_row_of_a_registered_number_says_so_at_once_R_X2(api: Api) -> None:
    """A row of a number already registered and a blank cell was refused for the cell alone;
    once the clerk filled it, the next check said the number was taken (R-X2): two rounds. The
    first now also warns that the number is registered and the row must match it."""
    assert post(api, workbook([row("2025-501")])).status_code == 201
    answer = post(api, workbook([row("2025-501", 交办日期=None)]), dry_run=True).json()
    assert [(e["row"], e["column"]) for e in answer["errors"]] == [(2, "交办日期")]
    [warning] = [w for w in answer["warnings"] if w["column"] == "编号"]
    assert (warning["row"], warning["rule"]) == (2, "R-X2")
    assert "已登记" in warning["message"] and warning["case_number"] == "2025-501"
    fresh = post(api, workbook([row("2025-502", 交办日期=None)]), dry_run=True).json()
    assert [w for w in fresh["warnings"] if w["column"] == "编号"] == []


def test_a_character_excel_escapes_is_read_as_excel_reads_it_R_D4(api: Api) -> None:
    """Excel stores a control character in a cell as ``_xHHHH_``; openpyxl hands the escape on,
    and a review's import made ``关于控制_x0007_字符的建议`` a case's title for good. Read as
    Excel reads it, the bell is refused by its row and column; an escaped ``_x`` stays text."""
    rows = [
        row("2025-301", 标题="关于控制_x0007_字符的建议"),
        row("2025-302", 提出人="张三_x001B_"),
        row("2025-303", 标题="关于_x005F_x0041_的建议"),
    ]
    dry = post(api, workbook(rows), dry_run=True)
    assert dry.status_code == 200, dry.text
    errors = {(e["row"], e["column"]): e["message"] for e in dry.json()["errors"]}
    assert set(errors) == {(2, "标题"), (3, "提出人")}, errors
    assert all("不可保存的字符" in message for message in errors.values()), errors
    assert post(api, workbook(rows[2:])).status_code == 201
    assert ledger(api)["2025-303"]["title"] == "关于_x0041_的建议"


def test_a_raw_control_character_is_named_as_the_likely_cause_R_D4(api: Api) -> None:
    """A program that writes a control character raw (Excel escapes it) makes the sheet's XML
    malformed: the page said only 无法读取该工作表, and the API the parser's English."""
    good = workbook([row("2025-311")])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.endswith(".xml"):  # the sheet or its shared strings
                content = content.replace(b"2025-311", b"2025-3\x0111")
            target.writestr(item, content)
    detail = refusal(api, out.getvalue())
    assert "控制字符" in detail and "not well-formed" in detail, detail
    assert ledger(api) == {}


def test_a_blank_choice_cell_is_said_to_be_empty() -> None:
    """A blank 类别 read “”不是可选值 (a review), where every other blank cell says 不能为空."""
    with pytest.raises(CellError, match=r"^不能为空（可选："):
        one_of(None, {"建议": "suggestion", "提案": "proposal"})
    with pytest.raises(CellError, match=r"^“议案”不是可选值"):
        one_of("议案", {"建议": "suggestion", "提案": "proposal"})


def test_a_date_not_read_is_said_back_as_typed() -> None:
    """“下周一” was said back as 下周1: the Chinese numerals read for a date were echoed."""
    with pytest.raises(CellError, match="无法识别的日期“下周一”"):
        date_of("下周一")
    with pytest.raises(CellError, match="不存在的日期“二〇二五年二月三十日”"):
        date_of("二〇二五年二月三十日")
    assert date_of("二〇二五年三月十一日") == date(2025, 3, 11)

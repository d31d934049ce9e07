"""The exports and the annual report, opened with independent readers (openpyxl, python-docx)
and checked against the JSON reads they restate (/v1/ledger, /v1/stats/units, …)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docx
import httpx
import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from infra import frozen_views
from infra import paper_labels as words
from tests.api.conftest import (
    UNIT_NAMES,
    Api,
    case_body,
    register_and_assign,
    reply_body,
)
from tests.api.proposer_support import reply_issued
from tests.api.test_imports import post
from tests.paperwork_support import demo_server, row, workbook
from tests.tampering import Deployment

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with demo_server(tmp_path_factory.mktemp("data")) as api:
        yield api


def download(api: Api, path: str, who: str = "office", **params: Any) -> httpx.Response:
    response = api.get(path, who, **params)
    assert response.status_code == 200, response.text
    return response


def book(response: httpx.Response) -> Workbook:
    return load_workbook(io.BytesIO(response.content))


def _further_disclosures(deadlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The disclosure deadlines after a unit's first: its further replies' (R-F2)."""
    seen: set[str | None] = set()
    found = []
    for d in deadlines:
        if d["kind"] == "disclosure":
            if d["unit"] in seen:
                found.append(d)
            seen.add(d["unit"])
    return found


def _first_disclosures(deadlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    later = [id(d) for d in _further_disclosures(deadlines)]
    return [d for d in deadlines if id(d) not in later]


def rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [r for r in sheet.iter_rows(min_row=2, values_only=True)]


def header(sheet: Any) -> list[str]:
    return [c.value for c in next(sheet.iter_rows(max_row=1))]


def test_the_ledger_export_restates_the_ledger_a_sheet_per_kind(demo_api: Api) -> None:
    response = download(demo_api, "/v1/exports/ledger.xlsx", as_of=AS_OF)
    assert response.headers["x-banli-as-of"] == AS_OF
    assert int(response.headers["x-banli-position"]) == demo_api.head()
    found = book(response)
    assert found.sheetnames == [
        "建议办理台账",
        "提案办理台账",
        "建议办理时限",
        "提案办理时限",
        "说明",
    ]
    for sheet, kind in ((found["建议办理台账"], "suggestion"), (found["提案办理台账"], "proposal")):
        assert sheet.freeze_panes == "A2"
        # Filtered and printed as an office works a 台账: every column, A4 landscape, the
        # header on each page.
        last = sheet.cell(sheet.max_row, sheet.max_column).coordinate
        assert sheet.auto_filter.ref == f"A1:{last}"
        assert (sheet.page_setup.orientation, sheet.print_title_rows) == ("landscape", "$1:$1")
        footer = sheet.oddFooter
        assert footer is not None and footer.center.text == "第 &P 页，共 &N 页"  # numbered
        names = header(sheet)
        assert names[:3] == ["编号", "标题", "提出人"]
        items = demo_api.get("/v1/ledger", "office", kind=kind, as_of=AS_OF, limit=1000).json()
        expected = {i["number"]: i for i in items["items"]}
        got = {r[0]: dict(zip(names, r, strict=True)) for r in rows(sheet)}
        assert set(got) == set(expected)
        for number, item in expected.items():
            line = got[number]
            assert line["标题"] == item["title"] and line["逾期天数"] == item["days_overdue"]
            following = item["next_deadline"]
            due = line["到期日"]
            assert (due.date().isoformat() if due else None) == (
                following["due_on"] if following else None
            )
        # Who raised it, when it was assigned, its reply and the verdict, as a clerk's 台账
        # names them (the export had none of them), read against the case itself.
        for number in sorted(expected)[::7]:
            case = demo_api.case(expected[number]["case_id"])
            _same_case(got[number], case)
    basis = dict(rows(found["说明"]))
    assert basis["日志位置（position）"] == int(response.headers["x-banli-position"])
    assert basis["防篡改链头"] == response.headers["x-banli-chain-head"]
    assert (basis["筛选：年度"], basis["筛选：类别"], basis["筛选：承办单位"]) == ("全部",) * 3


VERDICT_WORDS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}


def _day(value: Any) -> str | None:
    return value.date().isoformat() if value else None


def _same_case(line: dict[str, Any], case: dict[str, Any]) -> None:
    """A 办理台账 row's 提出人, 交办日期, 答复 and 反馈意见 as the case has them (a case with one
    replying unit: its latest issued reply)."""
    lead_first = sorted(case["proposers"], key=lambda p: p["role"] != "lead")
    assert line["提出人"] == "、".join(p["name"] for p in lead_first)
    assert _day(line["交办日期"]) == case["assigned_on"]
    issued = [r for r in case["replies"] if r["status"] == "issued"]
    if len({r["unit"] for r in issued}) <= 1:
        latest = max(issued, key=lambda r: r["issued_on"], default=None)
        assert line["答复类别"] == (f"{latest['classification']}类" if latest else None)
        assert line["答复文号"] == (latest["document_number"] if latest else None)
        assert _day(line["答复日期"]) == (latest["issued_on"] if latest else None)
    latest = case["feedback"][-1] if case["feedback"] else None
    said = VERDICT_WORDS[latest["verdict"]] if latest else None
    # R-F4: a verdict the office keyed in says so (the case page and 审计 tell them apart).
    keyed = latest is not None and latest["source"] == "office"
    assert line["反馈意见"] == (f"{said}（办公室代录）" if keyed else said)


def test_the_ledger_export_lists_every_deadline_with_its_status_R_S1_R_D8(demo_api: Api) -> None:
    """R-S1: the 台账 shows every deadline with its status and days overdue; the case sheet
    names the next one only, so a sheet beside it has a row per deadline."""
    found = book(download(demo_api, "/v1/exports/ledger.xlsx", as_of=AS_OF, kind="suggestion"))
    assert found.sheetnames == ["建议办理台账", "建议办理时限", "说明"]
    sheet = found["建议办理时限"]
    names = header(sheet)
    got = [dict(zip(names, r, strict=True)) for r in rows(sheet)]
    items = demo_api.get("/v1/ledger", "office", kind="suggestion", as_of=AS_OF, limit=1000).json()
    kinds = {"co_opinion": "会办意见", "reply": "答复", "disclosure": "公开"}
    kinds |= {"rehandling": "进一步办理", "reference_contact": "参阅件联系"}
    # A unit's second 公开 is its further reply's, as the case page names it (R-F2): the sheet
    # called both 公开 and two rows could not be told apart.
    expected = [
        (i["number"], kinds[d["kind"]], named(d["unit"]), d["due_on"], d["days_overdue"])
        for i in items["items"]
        for d in _first_disclosures(i["deadlines"])
    ]
    expected += [
        (i["number"], "进一步答复公开", named(d["unit"]), d["due_on"], d["days_overdue"])
        for i in items["items"]
        for d in _further_disclosures(i["deadlines"])
    ]
    assert any(e[1] == "进一步答复公开" for e in expected)  # the demo year holds some
    assert sorted(
        (g["编号"], g["时限"], g["时限单位"], g["到期日"].date().isoformat(), g["逾期天数"])
        for g in got
    ) == sorted(expected)
    statuses = {g["状态"] for g in got}
    assert {"按期办结", "已逾期"} <= statuses, statuses
    # R-D8: a deadline missed in time says so, as the case page does, not 逾期未办.
    in_time = [
        (i["number"], kinds[d["kind"]])
        for i in items["items"]
        for d in i["deadlines"]
        if d["status"] == "missed" and not d["days_overdue"]
    ]
    assert in_time, "the demo has a deadline missed in time"
    for number, kind in in_time:
        assert any(
            g["编号"] == number and g["时限"] == kind and g["状态"] == "期内终止未办" for g in got
        )


@pytest.mark.parametrize(
    "filters",
    [
        {"overdue": "true"},
        {"overdue": "false", "level": "provincial"},
        {"stage": "closed", "key": "true"},
        {"year": 2025, "kind": "proposal", "overdue": "true"},
    ],
)
def test_the_ledger_export_takes_the_ledgers_filters_R_S1(
    demo_api: Api, filters: dict[str, Any]
) -> None:
    """The 台账's 导出 Excel once wrote every case of the year whatever else was chosen: the
    file now holds exactly the cases /v1/ledger selects with the same filters."""
    found = book(download(demo_api, "/v1/exports/ledger.xlsx", as_of=AS_OF, **filters))
    exported = {r[0] for name in found.sheetnames if name != "说明" for r in rows(found[name])}
    # The file says what it holds: a 台账 of the overdue cases looked like the whole one.
    stated = {k.removeprefix("筛选："): v for k, v in rows(found["说明"]) if k.startswith("筛选：")}
    words = {"true": "是", "false": "否", "provincial": "省", "closed": "已办结"}
    words |= {"proposal": "提案", "2025": "2025"}
    named = {"overdue": "有逾期期限", "level": "级别", "stage": "阶段", "key": "重点件"}
    named |= {"year": "年度", "kind": "类别"}
    assert {named[k]: words[str(v)] for k, v in filters.items()} == {
        k: v for k, v in stated.items() if k in {named[f] for f in filters}
    }
    listed = demo_api.get("/v1/ledger", "office", as_of=AS_OF, limit=1000, **filters).json()
    assert listed["next_cursor"] is None
    assert exported == {i["number"] for i in listed["items"]}
    every = book(download(demo_api, "/v1/exports/ledger.xlsx", as_of=AS_OF))
    all_cases = {r[0] for name in every.sheetnames if name != "说明" for r in rows(every[name])}
    assert exported and exported < all_cases  # a selection: some cases, not every one


def test_the_b_class_ledger_takes_the_year_and_kind_it_is_given_R_Rv2(demo_api: Api) -> None:
    """/paperwork links every export with its 年度 and 类别; the B类滚动台账 ignored 类别."""
    every = rows(book(download(demo_api, "/v1/exports/commitments.xlsx"))["B类滚动台账"])
    for kind, word in (("proposal", "提案"), ("suggestion", "建议")):
        found = book(download(demo_api, "/v1/exports/commitments.xlsx", kind=kind, year=2025))
        chosen = rows(found["B类滚动台账"])
        assert chosen and {(r[2], r[3]) for r in chosen} == {(2025, word)}
        assert len(chosen) == sum(1 for r in every if (r[2], r[3]) == (2025, word))


def test_visit_compliance_says_it_counts_every_kind_when_asked_for_one_R_V2(demo_api: Api) -> None:
    """R-V2 counts a unit's lead cases of every kind: the 提案 file's figures are every kind's,
    and its 说明 said 筛选：类别 提案 above them."""
    asked = book(
        download(demo_api, "/v1/exports/visit-compliance.xlsx", year=2025, kind="proposal")
    )
    every = book(download(demo_api, "/v1/exports/visit-compliance.xlsx", year=2025))
    assert rows(asked["走访率"]) == rows(every["走访率"])
    # In the words of R-V3 (主动提出无需见面) and of the 总览's chart (剔除无需见面), where the
    # file said 婉拒见面.
    said = header(every["走访率"])
    assert "无需见面件数" in said and "剔除无需见面后走访率" in said
    assert not any("婉拒" in str(h) for h in said)
    stated = dict(rows(asked["说明"]))["筛选：类别"]
    assert stated.startswith("全部") and "R-V2" in stated
    ledger = book(download(demo_api, "/v1/exports/ledger.xlsx", year=2025, kind="proposal"))
    assert dict(rows(ledger["说明"]))["筛选：类别"] == "提案"


def test_a_years_file_names_its_year(demo_api: Api) -> None:
    """Two years' 办理台账.xlsx were told apart only by opening them."""
    one_year = download(demo_api, "/v1/exports/ledger.xlsx", year=2025)
    said = one_year.headers["content-disposition"]
    assert 'filename="ledger-2025.xlsx"' in said and quote("办理台账-2025.xlsx") in said
    every = download(demo_api, "/v1/exports/ledger.xlsx").headers["content-disposition"]
    assert 'filename="ledger.xlsx"' in every and quote("办理台账.xlsx") in every


def test_the_contacts_export_takes_the_kind_it_is_given(demo_api: Api) -> None:
    """It took ``kind`` (every export does) and ignored it: 提案 chosen, 建议 rows written."""
    for kind, word in (("proposal", "提案"), ("suggestion", "建议")):
        found = book(download(demo_api, "/v1/exports/contacts.xlsx", kind=kind))
        assert {r[2] for r in rows(found["沟通联络总台账"])} == {word}


def named(code: str) -> str:
    """A unit as the spreadsheets name it: the test units by name (``UNIT_NAMES``), the demo's
    units (no directory entry in this server) by code."""
    return UNIT_NAMES.get(code, code)


def test_the_measures_export_has_every_figure_and_the_cases_behind_it(demo_api: Api) -> None:
    found = book(download(demo_api, "/v1/exports/measures.xlsx", as_of=AS_OF, year=2025))
    stats = demo_api.get("/v1/stats/units", "office", as_of=AS_OF, year=2025).json()
    table = {r[0]: r for r in rows(found["办理指标"])}
    names = header(found["办理指标"])
    # A rate shows as UI.md writes one, "53.9 %" (the cell holds the fraction).
    column = names.index("按时答复办结率") + 1
    cells = next(found["办理指标"].iter_cols(column, column, 2))
    rates = [cell for cell in cells if cell.value is not None]
    assert rates and all(c.number_format == "0.0 %" for c in rates)
    for unit in [*stats["items"], {**stats["total"], "unit": "合计"}]:
        line = dict(zip(names, table[named(unit["unit"])], strict=True))
        assert line["主办"] == unit["lead_cases"]
        assert line["A类"] == unit["replies_by_class"]["A"]
        on_time = unit["measures"]["on_time_reply_rate"]
        assert (line["按时答复办结率分子"], line["按时答复办结率分母"]) == (
            on_time["numerator"],
            on_time["denominator"],
        )
    drill = rows(found["指标明细"])
    first = stats["items"][0]
    communication = [r for r in drill if r[0] == named(first["unit"]) and r[1] == "主办建议沟通率"]
    measure = first["measures"]["communication_rate"]
    assert sorted(r[2] for r in communication) == measure["of_cases"]
    assert sorted(r[2] for r in communication if r[3] == "是") == measure["cases"]
    # The class shares have their cases too (the first replies: R-R1, DOMAIN.md §4).
    a_class = [r for r in drill if r[0] == named(first["unit"]) and r[1] == "A类占比"]
    share = first["class_shares"]["A"]
    assert sorted(r[2] for r in a_class) == share["of_cases"] and share["of_cases"]
    assert sorted(r[2] for r in a_class if r[3] == "是") == share["cases"]


def test_the_measures_export_reports_satisfaction_by_source_and_the_class_shares_R_F4(
    demo_api: Api,
) -> None:
    found = book(download(demo_api, "/v1/exports/measures.xlsx", as_of=AS_OF, year=2025))
    stats = demo_api.get("/v1/stats/units", "office", as_of=AS_OF, year=2025).json()
    every = [*stats["items"], {**stats["total"], "unit": "合计"}]
    sheet = found["满意率按反馈来源"]
    names = header(sheet)
    lines = {(r[0], r[1]): dict(zip(names, r, strict=True)) for r in rows(sheet)}
    words = {"proposer": "代表委员本人", "office": "办公室代录"}
    for unit in every:
        for source, word in words.items():
            line = lines[(named(unit["unit"]), word)]
            for key, label in (
                ("satisfaction_rate", "满意率（含基本满意）"),
                ("strict_satisfaction_rate", "满意率（仅满意）"),
            ):
                split = unit["measures"][key]["by_source"][source]
                assert (line[f"{label}分子"], line[f"{label}分母"]) == (
                    split["numerator"],
                    split["denominator"],
                )
    total = stats["total"]["measures"]["satisfaction_rate"]["by_source"]
    assert total["proposer"]["denominator"] and total["office"]["denominator"]  # both in the demo
    table = {
        r[0]: dict(zip(header(found["办理指标"]), r, strict=True)) for r in rows(found["办理指标"])
    }
    for unit in every:
        for c in "ABC":
            share = unit["class_shares"][c]["rate"]
            assert table[named(unit["unit"])][f"{c}类占比"] == (share and pytest.approx(share))
    # The drill-down names each satisfaction verdict's source, and no source for other measures.
    drill = rows(found["指标明细"])
    first = stats["items"][0]
    satisfied = [
        r for r in drill if r[0] == named(first["unit"]) and r[1] == "满意率（含基本满意）"
    ]
    by_source = first["measures"]["satisfaction_rate"]["by_source"]
    assert (
        sorted(r[2] for r in satisfied if r[4] == "代表委员本人")
        == by_source["proposer"]["of_cases"]
    )
    assert (
        sorted(r[2] for r in satisfied if r[4] == "办公室代录") == by_source["office"]["of_cases"]
    )
    assert {r[4] for r in drill if r[1] == "主办建议沟通率"} == {None}


def test_visit_compliance_and_the_other_registers_open_and_agree(demo_api: Api) -> None:
    found = book(download(demo_api, "/v1/exports/visit-compliance.xlsx", year=2025))
    report = demo_api.get("/v1/stats/visit-compliance", "office", year=2025).json()["items"]
    assert [(r[0], r[1], r[3], r[8]) for r in rows(found["走访率"])] == [
        (named(i["unit"]), i["lead_cases"], i["visited_cases"], i["shortfall"]) for i in report
    ]
    # R-V2 counts a unit's split cases among its lead cases; 办理指标 counts them apart, and a
    # review read the two 主办 figures as a contradiction.
    assert header(found["走访率"])[1] == "主办件数（含分办）"
    commitments = demo_api.get("/v1/commitments", "office", include_closed=True).json()
    found = book(download(demo_api, "/v1/exports/commitments.xlsx"))
    assert sorted(r[0] for r in rows(found["B类滚动台账"])) == sorted(
        i["number"] for i in commitments["items"]
    )
    contacts = rows(book(download(demo_api, "/v1/exports/contacts.xlsx"))["沟通联络总台账"])
    assert contacts and all(isinstance(r[7], datetime) for r in contacts)
    duties = book(download(demo_api, "/v1/exports/responsibilities.xlsx", year=2025))
    assert header(duties["办理责任分解表"])[:4] == [
        "序号",
        "建议提案号",
        "建议提案标题",
        "代表委员",
    ]
    reviews = rows(book(download(demo_api, "/v1/exports/reviews.xlsx"))["办理情况复查表"])
    assert reviews and {r[6] for r in reviews} <= {"A类", "B类"}


def test_a_handler_exports_its_own_unit_only(demo_api: Api) -> None:
    found = book(download(demo_api, "/v1/exports/contacts.xlsx", "handler_fin"))
    assert {r[3] for r in rows(found["沟通联络总台账"])} == {"FIN厅"}
    assert dict(rows(found["说明"]))["筛选：承办单位"] == "FIN厅"  # the file says whose it is
    refused = demo_api.get("/v1/exports/ledger.xlsx", "handler_fin", unit="HOU")
    assert refused.status_code == 403
    assert demo_api.get("/v1/reports/annual.docx", "handler_fin", year=2025).status_code == 403


def test_the_annual_report_states_the_year_s_figures(demo_api: Api) -> None:
    response = download(demo_api, "/v1/reports/annual.docx", year=2025, as_of=AS_OF)
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    # The day under the title; the log position and chain head, for whoever checks the
    # figures, at the end rather than in the opening lines a leader reads.
    assert document.paragraphs[1].text == f"统计日期 {AS_OF}。"
    position, head = response.headers["x-banli-position"], response.headers["x-banli-chain-head"]
    assert head not in document.paragraphs[1].text
    assert document.paragraphs[-1].text.startswith(f"本报告据办理日志第 {position} 条")
    assert head in document.paragraphs[-1].text
    # All units together count a split case once per unit (its verdict too): said, not hidden.
    assert words.PER_UNIT_COUNT in text
    visits = {t.rows[0].cells[0].text: t for t in document.tables}["单位"]
    assert visits.rows[0].cells[1].text == "主办件数（含分办）" and "本表主办件数含分办件" in text
    stats = demo_api.get("/v1/stats/units", "office", as_of=AS_OF, year=2025).json()["total"]
    measures = {t.rows[0].cells[0].text: t for t in document.tables}["指标"]
    on_time = next(r for r in measures.rows if r.cells[0].text == "按时答复办结率")
    # R-F4: satisfaction by source, beside the measures.
    proposer = stats["measures"]["satisfaction_rate"]["by_source"]["proposer"]
    office = stats["measures"]["satisfaction_rate"]["by_source"]["office"]
    assert (
        f"代表委员本人反馈的满意率 {proposer['numerator']} / {proposer['denominator']}" in text
        and f"办公室代录反馈的满意率 {office['numerator']} / {office['denominator']}" in text
    )
    # What the rate counts, and how often dissatisfaction sent a case back, in its words.
    rehandled = stats["measures"]["rehandling_on_time_rate"]["denominator"]
    assert rehandled > 0 and "满意率按每件最后一次反馈计算" in text
    assert f"本年度因不满意进一步办理 {rehandled} 次" in text
    disclosed = stats["measures"]["disclosure_on_time_rate"]
    assert (
        f"按时公开率：{disclosed['numerator']} / {disclosed['denominator']}" in text
        and "不予公开的答复计入分母、不计入分子" in text
    )
    expected = stats["measures"]["on_time_reply_rate"]
    assert [c.text for c in on_time.cells[1:3]] == [
        str(expected["numerator"]),
        str(expected["denominator"]),
    ]
    # For a reader of the printed report (a review): numbered pages, a total under A/B/C, and
    # no rule ids in the text.
    footer = document.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer and "第 " in footer
    classes = next(
        t
        for t in document.tables
        if [c.text for c in t.rows[0].cells][:2] == ["类别", "件数"]
        and t.rows[1].cells[0].text == "A类"
    )
    total = [c.text for c in classes.rows[-1].cells]
    assert total[0] == "合计" and int(total[1]) == sum(
        int(r.cells[1].text) for r in classes.rows[1:-1]
    )
    # Its share written as the rows' are (it read 100 % under 42.9 %).
    assert total[2] == "100.0 %"
    assert "R-F4" not in text
    fin = docx.Document(
        io.BytesIO(download(demo_api, "/v1/reports/annual.docx", year=2025, unit="FIN").content)
    )
    # seed 002: the finance department's "five 100 %" on its lead cases.
    assert any("五个100%" in p.text for p in fin.paragraphs)
    assert any(p.text.endswith("——FIN厅") for p in fin.paragraphs)  # the unit by its name
    # A4, in Chinese, saying what it is (python-docx's template: US Letter, "python-docx").
    section = fin.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (
        fin.core_properties.title.startswith("2025年度") and fin.core_properties.author == "banli"
    )
    # The unit's key cases with its part in each: the key meeting rate counts its lead ones.
    key = {t.rows[0].cells[0].text: t for t in fin.tables if len(t.rows[0].cells) == 6}["编号"]
    assert [c.text for c in key.rows[0].cells][-1] == "本单位承办方式"
    parts = {r.cells[5].text for r in key.rows[1:]}
    assert parts and parts <= {"主办", "会办", "分办", "参阅"}


def test_figures_asked_at_a_position_stay_the_same_after_later_events(backend_api: Api) -> None:
    api = backend_api
    assert post(api, workbook([row(f"2025-{n:03d}") for n in range(5)])).status_code == 201
    first = download(api, "/v1/exports/measures.xlsx", year=2025, as_of=AS_OF)
    position = first.headers["x-banli-position"]
    later = workbook([row(f"2025-{n:03d}", 主办单位="HOU") for n in range(5, 9)])
    assert post(api, later).status_code == 201
    again = download(api, "/v1/exports/measures.xlsx", year=2025, as_of=AS_OF, position=position)
    assert again.headers["x-banli-position"] == position
    assert again.headers["x-banli-chain-head"] == first.headers["x-banli-chain-head"]
    before, after = book(first), book(again)
    assert rows(after["办理指标"]) == rows(before["办理指标"])
    assert rows(after["指标明细"]) == rows(before["指标明细"])
    now = book(download(api, "/v1/exports/measures.xlsx", year=2025, as_of=AS_OF))
    assert rows(now["办理指标"]) != rows(before["办理指标"])  # the newest figures moved on
    beyond = api.get("/v1/exports/ledger.xlsx", "office", position=10**9)
    assert beyond.status_code == 422


def test_figures_at_a_past_position_hold_when_its_cases_take_several_chunks(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk of cases recorded the position again, which a store refuses: any past
    position of a store with more than ``CHUNK`` aggregates (units and users count) was a 500."""
    monkeypatch.setattr(frozen_views, "CHUNK", 2)
    assert post(api, workbook([row(f"2025-{n:03d}") for n in range(5)])).status_code == 201
    first = download(api, "/v1/exports/measures.xlsx", year=2025, as_of=AS_OF)
    position = first.headers["x-banli-position"]
    assert post(api, workbook([row("2025-101", 主办单位="HOU")])).status_code == 201
    for path in ("/v1/exports/measures.xlsx", "/v1/exports/ledger.xlsx"):
        again = download(api, path, year=2025, as_of=AS_OF, position=position)
        assert again.headers["x-banli-position"] == position, path
    before = book(first)
    after = book(
        download(api, "/v1/exports/measures.xlsx", year=2025, as_of=AS_OF, position=position)
    )
    assert rows(after["指标明细"]) == rows(before["指标明细"])
    report = api.get("/v1/reports/annual.docx", "office", year=2025, position=position)
    assert report.status_code == 200, report.text


def test_the_cli_writes_the_same_export(demo_api: Api, tmp_path: Path) -> None:
    from banli.cli import main

    response = download(demo_api, "/v1/exports/ledger.xlsx", as_of=AS_OF)
    out = tmp_path / "ledger.xlsx"
    data_dir = str(demo_api.services.settings.data_dir)
    code = main(["export", "ledger", "--data-dir", data_dir, "--out", str(out), "--as-of", AS_OF])
    assert code == 0
    mine = load_workbook(out)
    theirs = book(response)
    assert rows(mine["建议办理台账"]) == rows(theirs["建议办理台账"])


def test_the_ledger_export_names_units_by_name_R_A1(api: Api) -> None:
    """The office reads 财政厅 in its spreadsheets, as on its pages (the import takes a name
    back as well as a code)."""
    register_and_assign(api, "P-80", lead="FIN", co=("HOU", "EDU"))
    found = book(download(api, "/v1/exports/ledger.xlsx"))
    sheet = found["建议办理台账"]
    line = dict(zip(header(sheet), next(r for r in rows(sheet) if r[0] == "P-80"), strict=True))
    assert (line["主办单位"], line["会办单位"]) == ("FIN厅", "HOU厅、EDU厅")
    assert line["下一时限"] == "会办意见" and line["时限单位"] in ("HOU厅", "EDU厅")


def test_each_split_units_reply_is_on_the_review_and_b_class_ledgers_R_R3_R_Rv2(api: Api) -> None:
    """A split case's units each reply: the 复查表 and the B类滚动台账 kept the last one only."""
    case_id = api.post("/v1/cases", case_body("SPLIT-1"), "office").json()["case_id"]
    body = {"split_units": ["FIN", "HOU"], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    reply_issued(api, case_id, "FIN", "B")
    reply_issued(api, case_id, "HOU", "B")
    reviewed = rows(book(download(api, "/v1/exports/reviews.xlsx", year=2025))["办理情况复查表"])
    assert sorted((r[5], r[6]) for r in reviewed if r[2] == "SPLIT-1") == [
        ("FIN厅", "B类"),
        ("HOU厅", "B类"),
    ]
    ledger = api.get("/v1/commitments", "office").json()["items"]
    assert sorted(i["unit"] for i in ledger if i["number"] == "SPLIT-1") == ["FIN", "HOU"]
    sheet = book(download(api, "/v1/exports/commitments.xlsx", "handler_hou")).worksheets[0]
    [mine] = [dict(zip(header(sheet), r, strict=True)) for r in rows(sheet) if r[0] == "SPLIT-1"]
    # What was committed, and by which letter: the sheet is read on paper, a year later.
    assert (mine["标题"], mine["答复单位"], mine["答复文号"]) == (
        case_body("SPLIT-1")["title"],
        "HOU厅",
        "HOU函〔2025〕1号",
    )
    assert mine["承诺事项"] == reply_body("HOU")["summary"]


def test_a_co_units_row_of_the_responsibilities_names_its_own_deadline_R_D1(api: Api) -> None:
    """A co unit answers by its opinion's deadline, not by the lead's reply deadline."""
    case_id = register_and_assign(api, "CO-1", lead="FIN", co=("HOU",))
    deadlines = api.case(case_id)["deadlines"]
    due = {(d["kind"], d["unit"]): d["due_on"] for d in deadlines}
    sheet = book(download(api, "/v1/exports/responsibilities.xlsx", year=2025)).worksheets[0]
    found = {r[4]: r[10] for r in rows(sheet) if r[1] == "CO-1"}
    assert found == {
        "FIN厅": datetime.fromisoformat(due[("reply", "FIN")]),
        "HOU厅": datetime.fromisoformat(due[("co_opinion", "HOU")]),
    }
    assert found["FIN厅"] != found["HOU厅"]


def test_a_merged_cases_commitment_points_to_the_primarys_reply_R_M1_R_Rv2(api: Api) -> None:
    """The merge's one reply is issued on its primary case; the other case commits through it,
    and the B类滚动台账 says where its commitment is written (it has no summary of its own)."""
    primary = register_and_assign(api, "MG-1")
    other = register_and_assign(api, "MG-2")
    body = {"case_ids": [primary, other], "occurred_on": "2025-03-10"}
    assert api.post("/v1/merges", body, "office").status_code == 201
    reply_issued(api, primary, "FIN", "B")
    found = {i["number"]: i for i in api.get("/v1/commitments", "office").json()["items"]}
    assert found["MG-1"]["commitment"] == reply_body("FIN")["summary"]
    assert found["MG-2"]["commitment"] == "并案办理，见MG-1的答复"
    assert (
        found["MG-2"]["document_number"] == found["MG-1"]["document_number"] == "FIN函〔2025〕1号"
    )


def test_figures_at_a_position_leave_out_a_damaged_case_and_name_it_R_X2(
    backend_api: Api,
) -> None:
    """One case whose stored events were broken in the database refused every export at a
    position with 409 (and in the Kafka shape every export, always recomputed). The other
    cases' figures come, the broken case named in the 说明 sheet, the report and a header."""
    api = backend_api
    damaged = register_and_assign(api, "D-1")
    register_and_assign(api, "D-2")
    position = api.head()
    Deployment(api.services.settings, api.services.app, api.services.views).break_registration(
        damaged
    )

    response = download(api, "/v1/exports/ledger.xlsx", as_of=AS_OF, position=position)
    assert response.headers["x-banli-damaged-cases"] == damaged
    found = book(response)
    assert [r[0] for r in rows(found["建议办理台账"])] == ["D-2"]
    said = {r[0]: r[1] for r in found["说明"].iter_rows(values_only=True)}
    assert f"D-1（{damaged}）" in str(said["未计入（记录损坏）"])
    report = api.get("/v1/reports/annual.docx", "office", year=2025, position=position)
    assert report.status_code == 200, report.text
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs)
    assert f"未计入本表：D-1（{damaged}）" in text
    # Figures that need no position still come from the live 台账, which holds the case.
    assert download(api, "/v1/exports/ledger.xlsx").headers["x-banli-damaged-cases"] == ""


@pytest.mark.parametrize("path", ["/v1/reports/annual.docx", "/v1/exports/ledger.xlsx"])
def test_a_paper_for_a_unit_that_does_not_exist_is_refused_not_written_for_it(
    demo_api: Api, path: str
) -> None:
    """A review's hand-made address gave 2025年度承办工作总结——ZZZ, full of zeros: a paper
    titled for a unit no one can find. It is refused, naming the code."""
    refused = demo_api.get(path, "office", year=2025, unit="ZZZ")
    assert refused.status_code == 422, refused.text
    assert "单位不存在：ZZZ" in refused.json()["detail"]
    assert demo_api.get(path, "office", year=2025, unit="FIN").status_code == 200


def test_both_stores_refuse_a_paper_for_an_unknown_unit_and_still_answer(backend_api: Api) -> None:
    """The refusal comes before anything is written or read for the paper, on PostgreSQL as on
    SQLite; the ledger answers after."""
    refused = backend_api.get("/v1/reports/annual.docx", "office", year=2025, unit="ZZZ")
    assert refused.status_code == 422 and "单位不存在：ZZZ" in refused.json()["detail"]
    export = backend_api.get("/v1/exports/ledger.xlsx", "office", unit="Z\u00e9Z")
    assert export.status_code == 422
    assert backend_api.get("/v1/ledger", "office").status_code == 200


def test_the_review_table_says_its_class_is_the_latest_replys_R_F2(api: Api) -> None:
    """The 复查表 lists what each unit last promised, a further reply's class included, while
    the 办理指标 count first replies: a review found 198 A类 rows against 196 and no word of why.
    Its 说明 says how its 答复类别 is read, as the 办理台账's does."""
    found = book(download(api, "/v1/exports/reviews.xlsx", year=2025))
    reading = {k: v for k, v in rows(found["说明"]) if k.startswith("口径：")}
    assert list(reading) == ["口径：答复类别"]
    assert "进一步答复" in reading["口径：答复类别"] and "首次答复" in reading["口径：答复类别"]
    line = next(r for r in found["说明"].iter_rows() if r[0].value == "口径：答复类别")
    assert line[1].alignment.wrap_text  # within its column, on screen and on paper
    # The 台账's 答复类别 is read the same way (it had no such column).
    ledger = book(download(api, "/v1/exports/ledger.xlsx", year=2025))
    said = {k: v for k, v in rows(ledger["说明"]) if k.startswith("口径：")}
    assert said["口径：答复类别"] == reading["口径：答复类别"]
    # A split case's units each reply: which day stands for them (a review asked).
    assert "最晚的印发日期" in said["口径：答复日期"]


def test_an_annual_report_of_a_year_without_cases_says_so_first(api: Api) -> None:
    """A report for 2031 was a page of zeros, and its 重点建议提案 a table of headers alone."""
    register_and_assign(api, "YR-1")  # 2025, no key case
    empty = docx.Document(io.BytesIO(download(api, "/v1/reports/annual.docx", year=2031).content))
    lines = [p.text for p in empty.paragraphs]
    assert lines[2] == "截至统计日期，全部承办单位在2031年度没有承办建议提案，以下各项均为 0。"
    year = docx.Document(io.BytesIO(download(api, "/v1/reports/annual.docx", year=2025).content))
    text = [p.text for p in year.paragraphs]
    assert "以下各项均为 0" not in "\n".join(text)
    key = text.index("六、重点建议提案")
    assert text[key + 1] == "本年度没有确定重点建议提案。"
    assert not [t for t in year.tables if t.rows[0].cells[0].text == "编号"]


def test_the_annual_report_says_how_many_cases_wait_to_be_assigned(api: Api) -> None:
    """A review's 2024 report read 主办 0 件，会办 0 件… under a table of 44 cases: registered,
    never assigned, so no unit's. The report says so rather than contradicting itself."""
    register_and_assign(api, "AR-1")
    for number in ("AR-2", "AR-3"):
        assert api.post("/v1/cases", case_body(number), "office").status_code == 201
    response = download(api, "/v1/reports/annual.docx", year=2025)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "各承办单位合计：主办 1 件" in text
    assert "另有 2 件已登记、尚未交办，不计入各单位件数。" in text
    fin = download(api, "/v1/reports/annual.docx", year=2025, unit="FIN")
    assert "尚未交办" not in "\n".join(
        p.text for p in docx.Document(io.BytesIO(fin.content)).paragraphs
    )


def test_the_basis_sheet_says_where_a_clerk_checks_the_chain_head(api: Api) -> None:
    """A review's clerk read 链头可由 banli audit verify 核验: a command it cannot run. The 说明
    sheet names the workbench's page first."""
    said = dict(rows(book(download(api, "/v1/exports/ledger.xlsx"))["说明"]))
    assert "审计 › 防篡改校验" in said["复核"]

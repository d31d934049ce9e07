"""督办's 重点件 tab lists every key case, closed ones too; a reminder is recorded only on a
case still being handled (the case page offers none on a closed one), so a closed row gets no
reminder form that could only be refused (R-S3)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from tests.api.conftest import Api
from tests.api.test_exports import rows
from tests.api.test_pages import csrf_of, logged_in
from tests.paperwork_support import demo_server


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with demo_server(tmp_path_factory.mktemp("data")) as api:
        yield api


def test_the_key_tab_offers_reminders_on_open_cases_only_R_S3(demo_api: Api) -> None:
    """Open cases are chased, and closed ones a 回头看 put back under supervision (R-Rv1)."""
    items = demo_api.get("/v1/ledger", "office", key="true", limit=200).json()["items"]
    stages = {
        i["number"]: "chased" if i["stage"] != "closed" or i["under_supervision"] else "closed"
        for i in items
    }
    assert "closed" in stages.values() and set(stages.values()) - {"closed"}
    client = logged_in(demo_api, "du_ban", role="supervisor")
    page = client.get("/supervision?tab=key").text
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">.*?</tr>", page, re.S)
    assert len(rows) == len(stages)
    for row in rows:
        number = re.search(r"<a [^>]*>([^<]+)</a>", row)
        assert number
        has_form = "/forms/reminder" in row
        assert has_form == (stages[number.group(1)] != "closed"), number.group(1)


def test_the_rows_and_the_case_pages_reminder_forms_ask_alike_R_S3(demo_api: Api) -> None:
    """One command, one form: the same label for its text and the same order of its means."""
    client = logged_in(demo_api, "du_ban_2", role="supervisor")
    listed = client.get("/supervision?tab=key").text
    row_form = re.search(
        r'<form method="post" action="/cases/([^/]+)/forms/reminder".*?</form>', listed, re.S
    )
    assert row_form
    case_form = re.search(
        r'<details class="form" id="form-reminder">.*?</form>',
        client.get(f"/cases/{row_form.group(1)}").text,
        re.S,
    )
    assert case_form

    def asked(form: str) -> tuple[list[str], list[str]]:
        means = re.search(r'name="means"[^>]*>(.*?)</select>', form, re.S)
        assert means
        labels = re.findall(r"<label[^>]*>([^<]+)", form)
        return re.findall(r'<option value="([^"]+)"', means.group(1)), labels

    row_means, row_labels = asked(row_form.group(0))
    case_means, case_labels = asked(case_form.group(0))
    # Both leave an empty field to the page's own words beside it (UI.md Forms): the row's
    # form had the browser's bubble, in the browser's language ("Please fill out this field").
    for form in (row_form.group(0), case_form.group(0)):
        tag = re.search(r"<form [^>]*>", form)
        assert tag and " novalidate" in tag.group(0), tag
    body = {
        "_csrf": csrf_of(client, f"/cases/{row_form.group(1)}"),
        "_back": "/supervision?tab=key",
        "means": "phone",
        "note": "",
        "occurred_on": "2025-06-01",
    }
    refused = client.post(f"/cases/{row_form.group(1)}/forms/reminder", data=body)
    assert refused.status_code == 422
    said = '<span class="problem" id="reminder-note-problem" role="alert">催办内容不能为空</span>'
    assert said in refused.text
    assert row_means == case_means and len(row_means) == 4
    assert "催办内容" in row_labels and "催办内容" in case_labels
    # In one order: the row asked 方式, 日期, 内容 and the case page 方式, 内容, 日期.
    assert [w.split("（")[0] for w in row_labels] == [w.split("（")[0] for w in case_labels]


def test_a_printed_ledger_page_says_it_holds_one_page_of_the_ledger(demo_api: Api) -> None:
    """Printing the 台账 printed the 50 rows on screen under "共 457 件", the pager hidden."""
    client = logged_in(demo_api, "du_ban_3", role="supervisor")
    page = client.get("/ledger?year=2025").text
    total = re.search(r"共 <strong>(\d+)</strong> 件", page)
    scope = re.search(r'<span class="print-only" id="print-scope">([^<]*)</span>', page)
    assert total and scope
    assert int(total.group(1)) > 50
    # On screen too, as 督办 says it: the count line named the whole only.
    assert f"共 <strong>{total.group(1)}</strong> 件，本页 50 件" in page
    assert (
        scope.group(1)
        == f"本打印件列出本页的 50 件，不是全部 {total.group(1)} 件；全部件请用“导出 Excel”。"
    )
    one = client.get("/ledger?year=2025&overdue=1").text
    small = re.search(r'id="print-scope">([^<]*)<', one)
    assert small and "不是全部" not in small.group(1)


def test_the_dissatisfied_tab_keeps_a_case_satisfied_after_its_further_reply_R_S2(
    demo_api: Api,
) -> None:
    """不满意件 listed only cases in re-handling: one whose further reply then satisfied its
    proposer vanished from the office's tracking (the demo year has 8 such first verdicts)."""
    client = logged_in(demo_api, "du_cha_bm", role="supervisor")
    page = client.get("/supervision?tab=dissatisfied").text
    stages = re.findall(r'<td class="nowrap" data-label="阶段">([^<]+)</td>', page)
    tracked = demo_api.get("/v1/ledger", "office", dissatisfied="true", limit="200").json()
    assert len(stages) == len(tracked["items"]) > 0
    assert "已办结" in stages  # satisfied since: still listed, its stage says so
    rehandling = demo_api.get("/v1/ledger", "office", stage="rehandling", limit="200").json()
    assert {i["case_id"] for i in rehandling["items"]} <= {i["case_id"] for i in tracked["items"]}


@pytest.mark.parametrize(
    ("tab", "filters", "ledger"),
    [
        ("overdue", {"overdue": "true"}, "/ledger?overdue=1&amp;sort=overdue"),
        ("key", {"key": "true"}, "/ledger?key=1"),
        ("dissatisfied", {"dissatisfied": "true"}, "/ledger?dissatisfied=1"),
    ],
)
def test_a_tab_says_how_many_it_lists_and_opens_them_on_the_ledger_R_S3(
    demo_api: Api, tab: str, filters: dict[str, str], ledger: str
) -> None:
    """A review read 本页 17 件 and no more: not how many the tab holds past its first page,
    and no way to filter or sort them (the 台账 does both, and exports)."""
    items = demo_api.get("/v1/ledger", "office", limit=1000, **filters).json()["items"]
    client = logged_in(demo_api, f"du_ban_{tab}", role="supervisor")
    page = client.get(f"/supervision?tab={tab}")
    count = re.search(r'<p class="count" id="tab-count">(.*?)</p>', page.text, re.S)
    assert count is not None
    assert f"共 <strong>{len(items)}</strong> 件" in count[1]
    shown = len(re.findall(r"<tr>\s*<td class=\"nowrap\">", page.text))
    assert (f"本页 {shown} 件" in count[1]) == (shown < len(items))
    assert f'href="{ledger}"' in count[1]
    # The list on screen as a spreadsheet, from the tab itself (a review found only 导出 B类
    # 滚动台账 on every tab): the 台账's export with the tab's filter, the same cases.
    export = re.search(r'<a class="button no-print" id="tab-export" href="([^"]+)"', count[1])
    assert export is not None
    sheet = client.get(html.unescape(export[1]))
    assert sheet.status_code == 200
    found = load_workbook(io.BytesIO(sheet.content))
    exported = {r[0] for name in found.sheetnames if name != "说明" for r in rows(found[name])}
    assert exported == {i["number"] for i in items}


@pytest.mark.parametrize(
    ("field", "chosen"),
    [("dissatisfied", "曾不满意"), ("under_supervision", "挂账督办")],
)
def test_the_ledger_shows_and_keeps_a_tab_s_filter_when_filtered_again_R_S2(
    api: Api, field: str, chosen: str
) -> None:
    """A review opened 办理台账 · 曾不满意 (8 件), chose a unit and pressed 筛选: the 不满意
    filter, in the URL but in no field, was dropped, and 38 件 were listed. Each is a field of
    the form now, chosen as the URL says, and printed among the filters."""
    client = logged_in(api, f"ban_keep_{field}")
    page = client.get(f"/ledger?{field}=1&year=2025").text
    select = re.search(rf'<select id="f-{field}" name="{field}">(.*?)</select>', page, re.S)
    assert select, field
    picked = re.search(r'<option value="([^"]*)" selected>([^<]*)<', select.group(1))
    assert picked and picked.groups() == ("1", chosen)
    printed = re.search(r'id="print-filters">([^<]*)<', page)
    assert printed and chosen in printed.group(1)
    unfiltered = client.get("/ledger").text
    select = re.search(rf'<select id="f-{field}" name="{field}">(.*?)</select>', unfiltered, re.S)
    assert select and " selected" not in select.group(1)


def test_the_cases_once_dissatisfied_go_by_one_name_R_S2(api: Api) -> None:
    """A review met the same cases as 不满意件 (督办's tab), 曾不满意 (总览's link) and 不满意件
    again in the export's 说明: all eight were closed, their last verdict satisfied, and
    不满意件 read as live complaints. Each says 曾不满意, the 总览's word."""
    client = logged_in(api, "du_cha_name", role="supervisor")
    tabs = re.search(
        r'<nav class="tabs" aria-label="督办列表">(.*?)</nav>',
        client.get("/supervision").text,
        re.S,
    )
    assert tabs and ">曾不满意</a>" in tabs.group(1) and "不满意件" not in tabs.group(1)
    sheet = api.get("/v1/exports/ledger.xlsx", "office", dissatisfied="true")
    stated = dict(rows(load_workbook(io.BytesIO(sheet.content))["说明"]))
    assert stated.get("筛选：曾不满意") == "是"

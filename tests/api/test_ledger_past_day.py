"""A 台账 as of another day (R-X3, R-S1) judges its deadlines and reminders for that day, but
its stage and units are the case's today: a review's export as of 2025-06-01 read 阶段 已办结
beside 已逾期 20 天 with nothing saying so, where the page's header says 阶段（今日）. The
export says it now, in its header and on its 说明 sheet; the page no longer says that its
reminders are today's (they are counted as of the day, as the export counts them)."""

from __future__ import annotations

import re

from tests.api.conftest import Api, register_and_assign
from tests.api.test_exports import book, download, header, rows
from tests.api.test_pages import logged_in


def test_a_ledger_export_as_of_another_day_says_its_stage_is_today_s_R_X3(api: Api) -> None:
    register_and_assign(api, "PD-1")
    past = book(download(api, "/v1/exports/ledger.xlsx", as_of="2025-03-01"))
    assert "阶段（今日）" in header(past["建议办理台账"])
    said = dict(rows(past["说明"]))
    reading = said["口径：阶段（今日）"]
    assert "导出当天所见" in reading and "按统计日期" in reading
    today = book(download(api, "/v1/exports/ledger.xlsx"))
    assert "阶段" in header(today["建议办理台账"])
    assert not any(str(k).startswith("口径：阶段") for k in dict(rows(today["说明"])))


def test_a_ledger_page_as_of_another_day_says_what_is_today_s_R_X3(api: Api) -> None:
    register_and_assign(api, "PD-2")
    page = logged_in(api, "ban_pd").get("/ledger?as_of=2025-03-01").text
    count = re.search(r'<p class="count" id="row-count">(.*?)</p>', page, re.S)
    assert count and "阶段和单位为今天所见" in count.group(1) and "催办" not in count.group(1)


def test_the_filter_forms_orders_leave_out_today_s_on_a_past_day_R_X3(api: Api) -> None:
    """The form's 排序 (for a phone) offers what the heads link: on a past day's ledger, not
    the orders by the case as it stands (办理期限, 逾期天数), and the order chosen selected."""
    register_and_assign(api, "SC-1")
    office = logged_in(api, "ban_sc")

    def orders(path: str) -> tuple[list[str], list[str]]:
        form = re.search(r'<select id="f-sort".*?</select>', office.get(path).text, re.S)
        assert form, path
        chosen = re.findall(r'<option value="(\w+)" selected>', form.group(0))
        return re.findall(r'<option value="(\w+)"', form.group(0)), chosen

    offered, chosen = orders("/ledger?sort=due")
    assert "due" in offered and "overdue" in offered and chosen == ["due"]
    offered, chosen = orders("/ledger?as_of=2025-06-30&sort=title")
    assert "due" not in offered and "overdue" not in offered and chosen == ["title"]

"""A handler's overdue cases are those its own unit is late on (R-S1, R-D8): a case it
co-handles whose lead unit is late is not its lateness. The 总览's count, the 台账's 逾期
filter, the 督办 list and the export agree; the office still sees every late unit."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from tests.api.conftest import Api, case_body, co_opinion_body, register_and_assign
from tests.api.test_pages import logged_in

AS_OF = "2025-12-31"


def cases(api: Api) -> None:
    """HOU leads both; FIN co-handles. On OWN-1 FIN sent its opinion in time (only HOU is late,
    on its reply); on OWN-2 FIN never did (FIN is late too)."""
    on_time = register_and_assign(api, "OWN-1", lead="HOU", co=("FIN",))
    opinion = co_opinion_body("FIN", "2025-02-20")
    answer = api.post(f"/v1/cases/{on_time}/co-opinions", opinion, "handler_fin")
    assert answer.status_code == 201, answer.text
    register_and_assign(api, "OWN-2", lead="HOU", co=("FIN",))


def numbers(api: Api, path: str, who: str, **params: Any) -> list[str]:
    answer = api.get(path, who, as_of=AS_OF, **params)
    assert answer.status_code == 200, answer.text
    return sorted(i["number"] for i in answer.json()["items"])


def test_a_handler_is_overdue_only_on_its_own_units_deadlines_R_S1(api: Api) -> None:
    cases(api)
    assert numbers(api, "/v1/ledger", "office", overdue="true") == ["OWN-1", "OWN-2"]
    assert numbers(api, "/v1/ledger/overdue", "office") == ["OWN-1", "OWN-2"]
    assert numbers(api, "/v1/ledger", "handler_hou", overdue="true") == ["OWN-1", "OWN-2"]
    assert numbers(api, "/v1/ledger", "handler_fin", overdue="true") == ["OWN-2"]
    assert numbers(api, "/v1/ledger", "handler_fin", overdue="false") == ["OWN-1"]
    assert numbers(api, "/v1/ledger/overdue", "handler_fin") == ["OWN-2"]
    sheet = api.get("/v1/exports/ledger.xlsx", "handler_fin", as_of=AS_OF, overdue="true")
    assert sheet.status_code == 200
    rows = list(load_workbook(BytesIO(sheet.content))["建议办理台账"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["OWN-2"]


def test_the_handlers_overview_counts_its_own_lateness_R_S1(api: Api) -> None:
    cases(api)
    page = logged_in(api, "fin_4", role="handler", unit="FIN").get("/?year=2025").text
    card = re.search(r'<span class="n alert">(\d+)</span>(本单位逾期)', page)
    assert card and card.group(1) == "1"
    office = logged_in(api, "ban_4").get("/?year=2025").text
    assert re.search(r'<span class="n alert">2</span>有逾期期限', office)


def test_a_handlers_ledger_sorts_and_counts_days_by_its_own_deadlines_R_S1(
    backend_api: Api,
) -> None:
    """FIN's 台账 sorted by 办理期限 led with cases where HOU was late, each 逾期 hundreds of
    days, while its own overdue filter (rightly) left them out; the office's order stays the
    cases' own."""
    api = backend_api
    cases(api)  # OWN-1: FIN's opinion in time, HOU late; OWN-2: FIN late on its opinion
    register_and_assign(api, "OWN-3", lead="FIN", on="2025-11-03")  # FIN's reply, due later

    def ordered(who: str, sort: str) -> list[tuple[str, int]]:
        answer = api.get("/v1/ledger", who, as_of=AS_OF, sort=sort, limit=2)
        assert answer.status_code == 200, answer.text
        found = [(i["number"], i["days_overdue"]) for i in answer.json()["items"]]
        cursor = answer.json()["next_cursor"]
        while cursor:  # the keyset follows the unit's own order across pages
            answer = api.get("/v1/ledger", who, as_of=AS_OF, sort=sort, limit=2, cursor=cursor)
            found += [(i["number"], i["days_overdue"]) for i in answer.json()["items"]]
            cursor = answer.json()["next_cursor"]
        return found

    fin_due = ordered("handler_fin", "due")
    assert [n for n, _ in fin_due] == ["OWN-2", "OWN-3", "OWN-1"]  # OWN-1: FIN owes nothing
    days = dict(fin_due)
    assert days["OWN-1"] == 0 and days["OWN-3"] == 0 and days["OWN-2"] > 0
    # Falling overdue first: OWN-3's reply will, in 2026; on OWN-1 FIN owes nothing.
    assert [n for n, _ in ordered("handler_fin", "overdue")] == ["OWN-2", "OWN-3", "OWN-1"]
    office = dict(ordered("office", "due"))
    assert office["OWN-1"] > 0  # HOU's lateness, as the office reads it
    assert [n for n, _ in ordered("office", "due")][-1] == "OWN-3"


def test_most_overdue_first_follows_the_days_shown_for_a_late_reference_case_R_D5(
    backend_api: Api,
) -> None:
    """A 参阅件 assigned after 31 October is overdue from its due day (R-D5), counted so in its
    逾期天数, yet it fell overdue only on its assignment: sorted by that day it came after a
    case overdue fewer days (766 after 36 in a review)."""
    api = backend_api
    register_and_assign(api, "LATE-2", on="2025-08-20")  # reply due in November: ~40 days
    answer = api.post("/v1/cases", case_body("LATE-1"), "office")
    body = {"lead_unit": "FIN", "reference": True, "assigned_on": "2025-12-20"}
    late = answer.json()["case_id"]
    assert api.post(f"/v1/cases/{late}/assignment", body, "office").status_code == 201
    for who in ("office", "handler_fin"):
        answer = api.get("/v1/ledger", who, as_of=AS_OF, sort="overdue")
        items = [(i["number"], i["days_overdue"]) for i in answer.json()["items"]]
        assert [n for n, _ in items] == ["LATE-1", "LATE-2"], items
        assert items[0][1] > items[1][1] > 0


def test_the_pages_say_whose_days_and_which_start_passed_the_due_day_R_S1_R_D5(
    api: Api,
) -> None:
    """A handler's row showed another unit's red 已逾期 573 天 beside an empty 逾期天数; a late
    参阅件's deadline read 起算 2026-12-06 · 到期 2024-10-31 with no word between them."""
    cases(api)
    handler = logged_in(api, "fin_5", role="handler", unit="FIN").get("/ledger?year=2025").text
    assert ">逾期天数（本单位）<" in handler
    office = logged_in(api, "ban_5").get("/ledger?year=2025").text
    assert ">逾期天数<" in office and "（本单位）" not in office
    answer = api.post("/v1/cases", case_body("LATE-3"), "office")
    late = answer.json()["case_id"]
    body = {"lead_unit": "FIN", "reference": True, "assigned_on": "2025-12-20"}
    assert api.post(f"/v1/cases/{late}/assignment", body, "office").status_code == 201
    page = logged_in(api, "ban_6").get(f"/cases/{late}").text
    assert '2025-12-20<br><span class="hint">起算时已过到期日</span>' in page
    on_time = next(
        i for i in api.get("/v1/ledger", "office").json()["items"] if i["number"] == "OWN-1"
    )
    assert (
        "起算时已过到期日" not in logged_in(api, "ban_7").get(f"/cases/{on_time['case_id']}").text
    )


def test_the_office_filtering_one_unit_sees_that_units_lateness_R_S1(api: Api) -> None:
    """A review's supervisor filtered the 台账 by 财政厅 and 有逾期 and read 13 cases, 逾期 up
    to 573 天, where 财政厅's own opinions were all in time and the lead unit was late: chased,
    the wrong unit. With a unit chosen, the office reads that unit's lateness, as the unit's own
    handler does; without one, every unit's."""
    cases(api)
    assert numbers(api, "/v1/ledger", "office", unit="FIN", overdue="true") == ["OWN-2"]
    assert numbers(api, "/v1/ledger", "office", unit="FIN", overdue="false") == ["OWN-1"]
    assert numbers(api, "/v1/ledger", "office", unit="HOU", overdue="true") == ["OWN-1", "OWN-2"]
    [own_1] = api.get("/v1/ledger", "office", as_of=AS_OF, unit="FIN", overdue="false").json()[
        "items"
    ]
    assert own_1["days_overdue"] == 0 and own_1["overdue_deadlines"] == []
    sheet = api.get("/v1/exports/ledger.xlsx", "office", as_of=AS_OF, unit="FIN", overdue="true")
    book = load_workbook(BytesIO(sheet.content))
    assert [r[0] for r in list(book["建议办理台账"].iter_rows(values_only=True))[1:]] == ["OWN-2"]
    basis = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)}
    assert basis["筛选：有逾期期限（该单位的期限）"] == "是"
    page = logged_in(api, "ban_5").get("/ledger", params={"unit": "FIN", "overdue": "1"}).text
    assert "逾期天数（所选单位）" in page and "OWN-2" in page and "OWN-1" not in page


def test_the_ledgers_overdue_filter_says_whose_lateness_it_picks_R_S1(api: Api) -> None:
    """A review's handler saw 13 co-handled rows in red (the lead unit late) and chose 逾期 ·
    有逾期 to get none: the filter picks its own unit's lateness, as the 逾期天数（本单位）
    column counts it, and now says so; a unit chosen by the office narrows it the same way."""
    cases(api)

    def label(page: str) -> str:
        found = re.search(r'<label for="f-overdue">([^<]*)</label>', page)
        return found.group(1) if found else ""

    handler = logged_in(api, "fin_5", role="handler", unit="FIN")
    assert label(handler.get("/ledger").text) == "逾期（本单位）"
    clerk = logged_in(api, "ban_5")
    assert label(clerk.get("/ledger").text) == "逾期"
    assert label(clerk.get("/ledger?unit=FIN").text) == "逾期（所选单位）"
    printed = re.search(r'id="print-filters">([^<]*)<', handler.get("/ledger?overdue=1").text)
    assert printed and "本单位有逾期" in printed.group(1)


def test_a_handlers_year_choices_are_its_units_years(api: Api) -> None:
    """A review's handler was offered 2024 on 办理台账 and 导入导出, a year its unit had no
    case in (choosing it listed nothing): its years are its unit's, as its 总览's are."""
    register_and_assign(api, "YR-1", lead="HOU")
    other_year = api.post("/v1/cases", case_body("YR-2", year=2024), "office")
    assert other_year.status_code == 201, other_year.text
    case_id = other_year.json()["case_id"]
    body = {"lead_unit": "HOU", "co_units": [], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    register_and_assign(api, "YR-3", lead="FIN")

    def years(page: str, select: str) -> list[str]:
        found = re.search(rf'<select id="{select}"[^>]*>(.*?)</select>', page, re.S)
        assert found, select
        return [v for v in re.findall(r'<option value="([^"]*)"', found.group(1)) if v]

    handler = logged_in(api, "fin_yr", role="handler", unit="FIN")
    assert years(handler.get("/ledger").text, "f-year") == ["2025"]
    clerk = logged_in(api, "ban_yr")
    assert years(clerk.get("/ledger").text, "f-year") == ["2025", "2024"]
    paperwork = handler.get("/paperwork").text
    assert "2024" not in re.findall(r'<option value="(\d{4})"', paperwork)

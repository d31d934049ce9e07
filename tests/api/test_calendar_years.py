"""Loading a year's schedule (R-D7) as the admin sees it: a refusal in Chinese with the days
it names as dates (a browser review read "[datetime.date(2026, 12, 31)]" in English), an
empty year refused, and the years loaded listed with their days, Beijing time, and whether
each replaced the package's official schedule."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from domain.deadlines.calendar import BUILTIN_LAST_YEAR
from infra.clock import today
from tests.api.conftest import Api
from tests.api.test_pages import logged_in


def load(
    api: Api, year: int, holidays: list[str], workdays: tuple[str, ...] = ()
) -> httpx.Response:
    body: dict[str, Any] = {"holidays": holidays, "workdays": list(workdays)}
    headers = {"Authorization": f"Bearer {api.tokens['admin']}"}
    answer: httpx.Response = api.client.put(f"/v1/calendar/{year}", json=body, headers=headers)
    return answer


@pytest.mark.parametrize(
    ("holidays", "workdays", "said"),
    [
        (["2027-01-01", "2026-12-31"], [], "2027 年的安排含其他年份的日期：2026-12-31"),
        (["2027-10-01"], ["2027-10-01"], "日期既列为放假日又列为调休上班日：2027-10-01"),
        ([], ["2027-02-06"], "2027 年的安排没有放假日"),
        # A make-up workday is a weekend day worked (every one of 2004–2026 was): a Monday
        # listed as one was taken without a word, and changed nothing.
        (["2027-01-01"], ["2027-01-04"], "调休上班日应为周六或周日：2027-01-04（星期一）"),
    ],
)
def test_a_schedule_that_cannot_be_the_years_is_refused_in_words_R_D7(
    api: Api, holidays: list[str], workdays: list[str], said: str
) -> None:
    before = api.head()
    answer = load(api, 2027, holidays, tuple(workdays))
    assert answer.status_code == 409 and answer.json()["rule"] == "R-D7", answer.text
    assert said in answer.json()["detail"] and "datetime" not in answer.json()["detail"]
    assert api.head() == before


def test_the_years_loaded_show_their_days_in_beijing_time_R_D7(api: Api) -> None:
    start = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    assert load(api, 2030, ["2030-01-01", "2030-02-04"], ("2030-02-09",)).status_code == 200
    replaced = BUILTIN_LAST_YEAR
    assert load(api, replaced, [f"{replaced}-01-01"]).status_code == 200
    page = logged_in(api, "root", role="admin").get("/admin").text
    table = page[page.index('id="calendar-years"') :]
    day = '<span class="nowrap">{}</span>'.format
    assert f"<summary>2 天</summary>{day('2030-01-01')}、{day('2030-02-04')}</details>" in table
    assert f"<summary>1 天</summary>{day('2030-02-09')}</details>" in table
    assert "UTC" not in table
    end = datetime.now(UTC).replace(tzinfo=None)
    shown = [datetime.strptime(t, "%Y-%m-%d %H:%M:%S") for t in time_cells(table)]
    beijing = timedelta(hours=8)  # the column says 北京: UTC+8, as stored UTC it read 8 h early
    assert len(shown) == 2 and all(start + beijing <= t <= end + beijing for t in shown)
    rows = table.split("<tr>")
    [own] = [r for r in rows if f"<td>{replaced}<br>" in r]
    assert "取代内置安排" in own
    assert not any("<td>2030<br>" in r for r in rows)  # the package does not cover 2030


def time_cells(table: str) -> list[str]:
    return re.findall(r'<td class="nowrap">(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)</td>', table)


def test_both_stores_refuse_an_empty_year_alike_and_still_answer_R_D7(backend_api: Api) -> None:
    api = backend_api
    before = api.head()
    answer = load(api, 2027, [], ("2027-02-06",))
    assert answer.status_code == 409 and answer.json()["rule"] == "R-D7", answer.text
    assert api.head() == before
    assert api.get("/v1/ledger", "office").status_code == 200


def test_the_admin_is_told_which_coming_year_has_no_schedule_yet_R_D7(api: Api) -> None:
    """Deadlines of a year without the official schedule are provisional (R-D7). In December
    a review's admin learned that the coming year had none from one grey line."""
    coming = today().year + 1
    said = f"{coming} 年的放假与调休安排尚未载入"
    page = logged_in(api, "root", role="admin").get("/admin").text
    assert (said in page) == (coming > BUILTIN_LAST_YEAR)
    assert load(api, coming, [f"{coming}-01-01", f"{coming}-10-01"]).status_code == 200
    assert said not in logged_in(api, "root2", role="admin").get("/admin").text

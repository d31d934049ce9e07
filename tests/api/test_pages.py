"""The workbench's pages over HTTP, in-process (the browser tests drive them in Chromium): the
login form and its cookie, CSRF on every form post, the Content-Security-Policy, If-Match from
a form's version, a handler's 404 for another unit's case, bad parameters as 400 pages, and a
calendar load showing the deadlines it moved (R-D7)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import chinese_calendar
import httpx
import pytest
from fastapi.testclient import TestClient

from api import pages_ledger, queries_ledger
from api.pages_admin import moved
from infra.paper_labels import PER_UNIT_COUNT
from projections import ledger_summary
from projections.core import ViewReader
from tests.api.accounts_support import PASSWORD, browser, new_user
from tests.api.conftest import Api, case_body, contact_body, register_and_assign, reply_body
from tests.api.proposer_support import issued

T = TypeVar("T")
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def page_login(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/login")
    token = CSRF.search(form.text)
    assert token, form.text
    body = {"_csrf": token.group(1), "username": username, "password": password, "next": "/"}
    response: httpx.Response = client.post("/login", data=body, follow_redirects=False)
    return response


def logged_in(api: Api, username: str, role: str = "office", unit: str | None = None) -> TestClient:
    """A browser session of a new user with ``role`` (and ``unit``), logged in by the form."""
    new_user(api, username, role=role, unit=unit)
    client = browser(api)
    assert page_login(client, username).status_code == 303
    return client


def csrf_of(client: TestClient, path: str) -> str:
    found = CSRF.search(client.get(path).text)
    assert found, path
    return found.group(1)


def contact_form(version: int, csrf: str) -> dict[str, str]:
    body = contact_body()
    return {
        "_csrf": csrf,
        "_version": str(version),
        "phase": body["phase"],
        "channel": body["channel"],
        "contacted_by.name": "王科长",
        "contacted_by.rank": "科长",
        "person": body["person"],
        "reached": "1",
        "summary": "电话沟通",
        "occurred_on": body["occurred_on"],
    }


def test_pages_forbid_inline_script_and_framing(api: Api) -> None:
    response = api.client.get("/login")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert script.strip() == "script-src 'self'"
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.text  # every script is a file under /static
    assert response.headers["cache-control"] == "no-store"


def test_the_login_page_shows_the_public_the_way_to_the_register_R_P1(api: Api) -> None:
    """The public had no way from the site's front page to the published replies."""
    page = browser(api).get("/login").text
    way = page.split('id="public-register"', 1)[1].split("</p>", 1)[0]
    assert '<a href="/public">公开目录</a>' in way
    assert browser(api).get("/public").status_code == 200


def test_the_login_form_sets_an_httponly_strict_cookie_secure_over_tls(api: Api) -> None:
    new_user(api, "clerk")
    plain, tls = browser(api), browser(api, https=True)
    for client, secure in ((plain, False), (tls, True)):
        response = page_login(client, "clerk")
        assert response.status_code == 303 and response.headers["location"] == "/"
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith("banli_session=")
        )
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert ("Secure" in cookie) is secure
    assert page_login(browser(api), "clerk", "wrong password!").status_code == 401


def test_a_login_without_the_forms_token_is_refused(api: Api) -> None:
    new_user(api, "clerk")
    client = browser(api)
    body = {"_csrf": "forged", "username": "clerk", "password": PASSWORD}
    response = client.post("/login", data=body, follow_redirects=False)
    assert response.status_code == 403
    assert "banli_session" not in response.headers.get("set-cookie", "")


def test_a_page_without_a_session_sends_the_browser_to_log_in(api: Api) -> None:
    response = browser(api).get("/ledger?year=2025", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fledger%3Fyear%3D2025"
    # A form posted after the session ended goes back to the page it was posted from.
    posted = browser(api).post(
        "/cases/x/forms/contact",
        data={"_csrf": "x"},
        headers={"referer": "http://testserver/cases/x?done=1"},
        follow_redirects=False,
    )
    assert posted.headers["location"] == "/login?next=%2Fcases%2Fx%3Fdone%3D1"
    # A bearer token is for /v1: pages know sessions only.
    token = api.tokens["office"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert browser(api).get("/", headers=bearer, follow_redirects=False).status_code == 303


def test_a_form_post_needs_the_sessions_csrf_token_and_writes_nothing_without_it(
    api: Api,
) -> None:
    new_user(api, "fin_clerk", role="handler", unit="FIN")
    case_id = register_and_assign(api, "P-1")
    version = api.case(case_id)["version"]
    client = browser(api)
    page_login(client, "fin_clerk")
    path = f"/cases/{case_id}/forms/contact"
    for forged in ("", "0" * 64):
        response = client.post(path, data=contact_form(version, forged))
        assert response.status_code == 403
    assert api.case(case_id)["version"] == version


def test_a_form_sends_its_version_as_if_match(api: Api) -> None:
    new_user(api, "fin_clerk", role="handler", unit="FIN")
    case_id = register_and_assign(api, "P-2")
    version = api.case(case_id)["version"]
    client = browser(api)
    page_login(client, "fin_clerk")
    csrf = csrf_of(client, f"/cases/{case_id}")
    path = f"/cases/{case_id}/forms/contact"
    first = client.post(path, data=contact_form(version, csrf), follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"].startswith(f"/cases/{case_id}?done={case_id}:")
    # The same form again, drawn from the version before the contact: refused, nothing written.
    again = client.post(path, data=contact_form(version, csrf))
    assert again.status_code == 409
    assert api.case(case_id)["version"] == version + 1
    # What was typed is kept and the form is drawn from the new version: a review was told to
    # refresh (请刷新后重试), which threw the text away, where sending it again would do.
    said = html.unescape(re.sub(r"<[^>]+>", "", again.text))
    assert f"该件已被他人修改（现为第 {version + 1} 版）" in said and "请刷新" not in said
    assert f'name="_version" value="{version + 1}"' in again.text


def test_a_handler_gets_404_for_another_units_case_page(api: Api) -> None:
    new_user(api, "hou_clerk", role="handler", unit="HOU")
    case_id = register_and_assign(api, "P-3", lead="FIN")
    client = browser(api)
    page_login(client, "hou_clerk")
    assert client.get(f"/cases/{case_id}").status_code == 404
    missing = client.get("/cases/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    csrf = csrf_of(client, "/ledger")
    posted = client.post(f"/cases/{case_id}/forms/contact", data=contact_form(1, csrf))
    assert posted.status_code == 404


def test_bad_parameters_are_a_400_page_never_a_500(api: Api) -> None:
    new_user(api, "clerk")
    client = browser(api)
    page_login(client, "clerk")
    case_id = register_and_assign(api, "P-4")
    for path in (
        "/?year=abc",
        "/?kind=poem",
        "/ledger?stage=done",
        "/ledger?overdue=maybe",
        "/ledger?sort=secret",
        "/ledger?cursor=%5B1",
        "/ledger?as_of=2025-13-01",
        "/supervision?tab=x",
        f"/cases/{case_id}?at=yesterday",
        f"/cases/{case_id}?at=2999-01-01T00:00",  # a state no one has seen yet
        "/figures?figure=nope",
    ):
        response = client.get(path)
        assert response.status_code in (400, 422), (path, response.status_code)
        assert "text/html" in response.headers["content-type"]


def test_the_ledger_as_of_another_day_keeps_that_day_in_its_links(api: Api) -> None:
    new_user(api, "clerk")
    register_and_assign(api, "P-6", on="2025-02-01")
    client = browser(api)
    page_login(client, "clerk")
    early = client.get("/ledger?overdue=1&as_of=2025-04-01")
    late = client.get("/ledger?overdue=1&as_of=2025-06-01&sort=title")
    assert early.status_code == late.status_code == 200
    assert "P-6" not in early.text and "P-6" in late.text  # the reply was due 2025-05-06
    assert 'name="as_of" value="2025-06-01"' in late.text.split('id="row-count"')[0]  # the form
    assert "改按今天" in late.text


def test_a_calendar_load_shows_the_deadlines_it_moved(api: Api) -> None:
    new_user(api, "root", role="admin")
    # Assigned 2025-02-01: the reply is due three months on, 2025-05-01, a holiday in the
    # published schedule, so it rolls to 2025-05-06 (R-D6). A 2025 with only 元旦 moves it.
    register_and_assign(api, "P-5", on="2025-02-01")
    client = browser(api)
    page_login(client, "root")
    csrf = csrf_of(client, "/admin")
    response = client.post(
        "/admin/calendar",
        # Fewer holidays than the statutory ones: loaded once confirmed (below).
        data={
            "_csrf": csrf,
            "year": "2025",
            "holidays": "2025-01-01",
            "workdays": "",
            "short_ok": "1",
        },
    )
    assert response.status_code == 200, response.text
    moved = response.text.split('id="moved"', 1)[1]
    assert "P-5" in moved and "2025-05-06" in moved and "2025-05-01" in moved


def test_a_calendar_load_says_which_met_deadlines_it_turned_late_R_D7(api: Api) -> None:
    """A review reloaded 2025 with a make-up workday: a reply issued the day before its new due
    date read 逾期办结 from then on, and the unit's on-time rate fell, with only the dates said."""
    case_id = register_and_assign(api, "P-7", on="2025-02-01")  # reply due 2025-05-06
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    reply = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin").json()
    path = f"/v1/cases/{case_id}/replies/{reply['reply_id']}"
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-03"}
    assert api.post(f"{path}/approval", approval, "leader").is_success
    issue = {"document_number": "财建函〔2025〕7号", "occurred_on": "2025-05-05"}
    assert api.post(f"{path}/issue", issue, "handler_fin").is_success
    client = logged_in(api, "root7", role="admin")
    posted = {"year": "2025", "holidays": "2025-01-01", "workdays": "", "short_ok": "1"}
    loaded = client.post("/admin/calendar", data={"_csrf": csrf_of(client, "/admin"), **posted})
    assert loaded.status_code == 200, loaded.text
    [row] = re.findall(r"<tr>(<td>P-7</td>.*?)</tr>", loaded.text.split('id="moved"', 1)[1])
    assert "按期办结 → 逾期办结" in row
    assert "其中 1 个已办结的期限由按期变为逾期" in loaded.text


def test_a_year_short_of_the_statutory_holidays_is_loaded_only_once_confirmed_R_D7(
    api: Api,
) -> None:
    """A 2027 of 元旦 alone (typed twice) was loaded without a word, and every 2027 deadline
    lost its provisional mark (⚠)."""
    client = logged_in(api, "root2", role="admin")
    csrf = csrf_of(client, "/admin")
    posted = {"_csrf": csrf, "year": "2027", "holidays": "2027-01-01\n2027-01-01", "workdays": ""}
    head = api.head()
    asked = client.post("/admin/calendar", data=posted)
    assert asked.status_code == 422
    assert "R-D7 2027 年的安排只列了 1 个工作日放假，少于每年的法定节假日（13 天）" in asked.text
    assert 'name="short_ok"' in asked.text and "2027-01-01\n2027-01-01" in asked.text
    assert api.head() == head  # nothing loaded
    loaded = client.post("/admin/calendar", data={**posted, "short_ok": "1"})
    assert loaded.status_code == 200, loaded.text
    said = loaded.text.split('id="calendar-loaded"', 1)[1].split("</p>", 1)[0]
    assert "已载入 2027 年安排" in said
    assert '重复填写的日期已按一天计：<span class="nowrap">2027-01-01</span>' in said
    # A whole year (2026's published schedule: 19 weekdays off) is not asked about.
    whole = {**posted, "year": "2026", "holidays": "\n".join(_weekdays_off_2026())}
    assert client.post("/admin/calendar", data=whole).status_code == 200


def test_a_schedule_the_rules_refuse_is_refused_before_the_short_year_question_R_D7(
    api: Api,
) -> None:
    """A 2027 holding a 2026 day was asked 确认按此载入 first (counting the 2026 day), and
    refused for it only once confirmed."""
    client = logged_in(api, "root3", role="admin")
    csrf = csrf_of(client, "/admin")
    posted = {"_csrf": csrf, "year": "２０２７", "holidays": "2026-05-01\n2027-01-01"}
    refused = client.post("/admin/calendar", data={**posted, "workdays": ""})
    assert refused.status_code == 422
    # ２０２７ read as 2027; the rule cited first, as a case form cites it.
    assert "R-D7 2027 年的安排含其他年份的日期：2026-05-01" in refused.text
    assert 'name="short_ok"' not in refused.text and "法定节假日" not in refused.text
    both = {**posted, "holidays": "2027-01-01", "workdays": "2027-01-01"}
    assert "日期既列为放假日又列为调休上班日" in client.post("/admin/calendar", data=both).text
    assert (
        "年度“二〇二七”无效"
        in client.post("/admin/calendar", data={**both, "year": "二〇二七"}).text
    )


def test_a_schedule_copied_with_its_holiday_names_is_read_for_its_days_R_D7(api: Api) -> None:
    """``2027-01-01 元旦`` was refused (元旦 is no date): the names, weekdays and bracketed
    words of the State Council's notice are read past; any other word is still refused, so a
    day written some other way is said, not dropped."""
    client = logged_in(api, "root4", role="admin")
    csrf = csrf_of(client, "/admin")
    named = {
        "_csrf": csrf,
        "year": "2027",
        "holidays": "2027-01-01 元旦节\n2027-02-05（除夕）、２０２７-02-08 春节假期：周一",
        "workdays": "2027-02-20 周六补班",
        "short_ok": "1",
    }
    loaded = client.post("/admin/calendar", data=named)
    assert loaded.status_code == 200, loaded.text
    events = api.get("/v1/audit/events?limit=500", "admin").json()["items"]
    year = next(e["data"] for e in events if e["type"] == "YearScheduleLoaded")
    assert year["holidays"] == ["2027-01-01", "2027-02-05", "2027-02-08"]
    assert year["workdays"] == ["2027-02-20"]
    head = api.head()
    chinese = {**named, "holidays": "二〇二七年一月一日 元旦"}
    refused = client.post("/admin/calendar", data=chinese)
    assert refused.status_code == 422
    assert "放假日第 1 行“二〇二七年一月一日”不是日期" in refused.text
    typo = {**named, "holidays": "2027-01-01\n2027-02-05\n2027-02-30 春节"}
    assert "放假日第 3 行“2027-02-30”不是日期" in client.post("/admin/calendar", data=typo).text
    assert api.head() == head


def _weekdays_off_2026() -> list[str]:
    return [d.isoformat() for d in chinese_calendar.holidays if d.year == 2026 and d.weekday() < 5]


def _choices(page: str, select: str) -> list[str]:
    found = re.search(rf'<select id="{select}" name="\w+">(.*?)</select>', page)
    assert found, select
    return [v for v in re.findall(r'<option value="([^"]*)"', found.group(1)) if v]


def test_the_ledgers_unit_and_year_choices_are_read_once_per_log_position_and_follow_it(
    backend_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 台账's filter choices are remembered while nothing is written, and a write shows in
    them on the next page (read-your-writes); one statement reads both, on either database."""
    api = backend_api
    reads: list[str] = []

    def counted(name: str, read: Callable[[ViewReader], T]) -> Callable[[ViewReader], T]:
        def reading(reader: ViewReader) -> T:
            reads.append(name)
            return read(reader)

        return reading

    choices = counted("choices", ledger_summary.ledger_choices)
    monkeypatch.setattr(queries_ledger, "ledger_choices", choices)
    register_and_assign(api, "P-9", lead="FIN")
    client = logged_in(api, "clerk9")
    first = client.get("/ledger").text
    assert (_choices(first, "f-unit"), _choices(first, "f-year")) == (["FIN"], ["2025"])
    again = client.get("/ledger?stage=handling").text
    assert _choices(again, "f-unit") == ["FIN"] and reads == ["choices"]  # not read again
    response = api.post("/v1/cases", case_body("P-10", year=2026), "office")
    case_id = response.json()["case_id"]
    body = {"lead_unit": "HOU", "co_units": ["EDU"], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    after = client.get("/ledger").text
    assert _choices(after, "f-unit") == ["EDU", "FIN", "HOU"]
    assert _choices(after, "f-year") == ["2026", "2025"]
    assert reads == ["choices", "choices"]  # once more, after the log moved


def test_a_reminder_sent_from_the_supervision_page_is_recorded_and_returns_there_R_S3(
    api: Api,
) -> None:
    """督办's rows each carry a reminder form (``pages_markup.reminder_form``): filled in as a
    browser would, it records the reminder on that case and comes back to the same tab, which
    says what was recorded (unchanged, the page left the reminder looking unsent)."""
    case_id = register_and_assign(api, "P-9")  # assigned in 2025: overdue by now
    client = logged_in(api, "du_ban", role="supervisor")
    page = client.get("/supervision?tab=overdue")
    assert page.status_code == 200
    action = f"/cases/{case_id}/forms/reminder"
    form = re.search(rf'<form method="post" action="{action}".*?</form>', page.text, re.S)
    assert form, page.text
    fields = re.findall(r'name="(_csrf|_back|occurred_on)" value="([^"]*)"', form.group(0))
    means = re.findall(r'<option value="([^"]+)"', form.group(0))
    body = {name: html.unescape(value) for name, value in fields}
    assert body["_back"] == "/supervision?tab=overdue" and means
    body |= {"means": means[0], "note": "请加快办理"}
    posted = client.post(action, data=body, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    back = posted.headers["location"]
    assert back.startswith("/supervision?tab=overdue&done=")
    assert "已记录催办：P-9。" in client.get(back).text
    assert "已记录催办" not in page.text
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()
    reminders = [e for e in history["events"] if e["type"] == "Reminded"]
    assert [(r["data"], r["actor"]["user"]) for r in reminders] == [
        ({"means": means[0], "note": "请加快办理"}, "du_ban")
    ]
    # Refused (a day to come), it is shown on the case page, whose way back is to 督办's tab
    # (a review was left with « 办理台账 only).
    refused = client.post(action, data={**body, "occurred_on": "2099-01-01"})
    assert refused.status_code == 409 and "R-X1" in refused.text  # a rule, not a form error
    assert re.search(
        r'<a href="/supervision\?tab=overdue" id="back-to-list">« 督办</a>', refused.text
    )


def test_a_reminder_sent_from_a_later_page_of_supervision_comes_back_to_that_page_R_S3(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages_ledger, "PAGE_SIZE", 1)  # two overdue cases: two pages
    for number in ("P-10", "P-11"):
        register_and_assign(api, number)
    client = logged_in(api, "du_ban", role="supervisor")
    first = client.get("/supervision?tab=overdue")
    later = re.search(
        r'href="(/supervision\?tab=overdue&(?:amp;)?cursor=[^"]+)" rel="next"', first.text
    )
    assert later, first.text
    page = client.get(html.unescape(later.group(1)))
    back = re.search(r'name="_back" value="([^"]*)"', page.text)
    assert back
    query = parse_qs(urlsplit(html.unescape(back.group(1))).query)
    assert query == parse_qs(urlsplit(html.unescape(later.group(1))).query)
    assert set(query) == {"tab", "cursor"}


def test_the_ledgers_export_link_carries_every_filter_the_page_shows_R_S1(api: Api) -> None:
    for number in ("P-20", "P-21"):
        register_and_assign(api, number)
    client = logged_in(api, "clerk")
    page = client.get("/ledger?year=2025&overdue=1&level=provincial&stage=handling")
    link = re.search(r'id="export-ledger" href="([^"]+)"', page.text)
    assert link, page.text
    href = html.unescape(link.group(1))
    query = parse_qs(urlsplit(href).query)
    assert {k: v for k, v in query.items() if k != "as_of"} == {
        "year": ["2025"],
        "overdue": ["true"],
        "level": ["provincial"],
        "stage": ["handling"],
    }
    exported = client.get(href)
    assert exported.status_code == 200, exported.text


def test_a_unit_without_cases_named_by_the_url_shows_as_chosen_not_as_all_R_S1(
    api: Api,
) -> None:
    """/ledger?unit=XXX said 共 0 件 under a unit filter reading 全部."""
    register_and_assign(api, "P-22")
    page = logged_in(api, "clerk_x").get("/ledger?unit=XXX").text
    select = re.search(r'<select id="f-unit" name="unit">.*?</select>', page, re.S)
    assert select, page
    chosen = re.findall(r'<option value="([^"]*)" selected>([^<]*)</option>', select.group(0))
    assert chosen == [("XXX", "XXX（无此单位的件）")]


def test_the_ledger_sorts_by_its_deadlines_as_the_cases_stand_R_S1(api: Api) -> None:
    """UI.md: sortable columns. 办理期限 orders by the next open deadline (the most overdue
    first); on a ledger as of another day its header is no link (the order is today's)."""
    for number, day in (("P-23", "2025-03-01"), ("P-24", "2025-02-01")):
        register_and_assign(api, number, on=day)
    client = logged_in(api, "clerk_s")
    page = client.get("/ledger").text
    heads = dict(re.findall(r'<a class="sort" href="([^"]+)"[^>]*>([^<]+)</a>', page))
    links = {title: html.unescape(href) for href, title in heads.items()}
    assert links["办理期限"].endswith("sort=due") and links["逾期天数"].endswith("sort=overdue")
    ordered = client.get(links["办理期限"]).text
    assert ordered.index(">P-24<") < ordered.index(">P-23<")  # assigned first, due first
    # The arrow says what the reader sees: due dates rising, days overdue falling (a review
    # read 逾期天数▲ above 572, 571, 565 days).
    assert re.search(r'aria-sort="ascending"><a class="sort" href="[^"]*">办理期限<', ordered)
    most_overdue = client.get(links["逾期天数"]).text
    assert most_overdue.index(">P-24<") < most_overdue.index(">P-23<")
    assert re.search(r'aria-sort="descending"><a class="sort" href="[^"]*">逾期天数<', most_overdue)
    fewest = client.get(links["逾期天数"] + "&desc=1").text
    assert re.search(r'aria-sort="ascending"><a class="sort" href="[^"]*">逾期天数<', fewest)
    # On paper the filter form is not printed: the page says what it lists.
    filtered = client.get("/ledger?stage=handling&key=0&overdue=1").text
    printed = re.search(r'id="print-filters">(.*?)</p>', filtered)
    assert printed and printed.group(1) == "筛选：阶段 办理中；非重点件；有逾期"
    assert 'id="print-filters">筛选：全部件</p>' in page
    past = client.get("/ledger?as_of=2025-06-01").text
    assert "sort=due" not in past and "sort=overdue" not in past
    # Only the deadlines are judged as of that day: the stage is today's, and says so (a
    # review read 已办结 beside 已逾期 12 天 on a 台账 as of a day the case was still open).
    assert ">阶段（今日）</a>" in past and "阶段和单位为今天所见" in past
    assert "（今日）" not in ordered and "为今天所见" not in ordered
    # Nor are the cases that day's: a review read 413 cases, all 已办结, as of a day before
    # any was registered.
    assert "该日之后登记的件也在列" in past and "该日之后登记" not in ordered


def test_a_figure_of_all_units_counts_a_split_case_per_unit_and_says_so(api: Api) -> None:
    """全厅合计 counts a split case once per unit that replied (件次) while its table lists the
    case once: the page once said 分子 193 件 above a table of 190 without a word why."""
    case_id = api.post("/v1/cases", case_body("P-30"), "office").json()["case_id"]
    split = {"split_units": ["FIN", "HOU"], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", split, "office").status_code == 201
    for unit in ("FIN", "HOU"):
        handler = f"handler_{unit.lower()}"
        posted = api.post(f"/v1/cases/{case_id}/contacts", contact_body(unit), handler)
        assert posted.status_code == 201, posted.text
        reply = api.post(f"/v1/cases/{case_id}/replies", reply_body(unit), handler)
        assert reply.status_code == 201, reply.text
        url = f"/v1/cases/{case_id}/replies/{reply.json()['reply_id']}"
        approval = {
            "approved": True,
            "leader": "钱厅长",
            "note": "同意",
            "occurred_on": "2025-04-05",
        }
        assert api.post(f"{url}/approval", approval, "leader").status_code == 201
        issue = {"document_number": f"{unit}〔2025〕1号", "occurred_on": "2025-04-10"}
        assert api.post(f"{url}/issue", issue, handler).status_code == 201
    client = logged_in(api, "clerk")
    total = client.get("/figures?year=2025&figure=class_A&part=numerator")
    assert total.status_code == 200
    text = re.sub(r"<[^>]+>", "", total.text)
    assert "分子 2 件次（1 件）" in text and "在每个单位各计一次" in text
    assert "共 1 件" in text
    one_unit = client.get("/figures?year=2025&figure=class_A&part=numerator&unit=FIN")
    assert "件次" not in one_unit.text
    # The 总览's 全厅合计 row says so too (its satisfaction once counted 389 verdicts of 385).
    overview = client.get("/?year=2025").text
    assert f'<p class="hint" id="per-unit-count">{PER_UNIT_COUNT}</p>' in overview
    # A leader read 满意率 100 % beside 8 cases once dissatisfied: the 总览 says what it counts
    # and where those cases are, as the figure page does.
    basis = re.search(r'<p class="hint" id="satisfaction-basis">(.*?)</p>', overview)
    assert basis and "最后一次反馈计" in basis.group(1)
    assert 'href="/ledger?dissatisfied=1&amp;year=2025"' in basis.group(1)


def test_a_stale_form_for_a_step_already_taken_is_not_offered_again(api: Api) -> None:
    """Two leaders had one case open; the second's approval, refused as stale, came back with
    the form and an empty 答复 choice, and sending it again led off the case to 未找到."""
    case_id = register_and_assign(api, "P-40")
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    reply = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin").json()
    client = logged_in(api, "qian_2", role="leader")
    csrf, version = csrf_of(client, f"/cases/{case_id}"), api.case(case_id)["version"]
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    url = f"/v1/cases/{case_id}/replies/{reply['reply_id']}/approval"
    assert api.post(url, approval, "leader").status_code == 201  # the other leader, first
    form = {**approval, "approved": "true", "reply_id": reply["reply_id"]}
    again = client.post(
        f"/cases/{case_id}/forms/approval", data={**form, "_csrf": csrf, "_version": str(version)}
    )
    assert again.status_code == 409 and 'id="form-approval"' not in again.text
    assert "该件已有变化，此项已无需办理" in again.text
    assert "请刷新后重试" not in again.text  # a retry would have nothing left to do
    assert api.case(case_id)["version"] == version + 1


def test_a_reminder_left_with_nothing_to_chase_still_returns_to_supervision_R_S3(
    api: Api,
) -> None:
    """A 督办 row's 催办, refused (a day to come), on a case closed meanwhile: the page says the
    step is gone, and its way back is still the tab it was sent from (the early return for a
    form no longer offered had skipped it)."""
    case_id, _ = issued(api, "P-46")
    client = logged_in(api, "du_ban_46", role="supervisor")
    body = {
        "_csrf": csrf_of(client, f"/cases/{case_id}"),
        "_back": "/supervision?tab=key",
        "means": "phone",
        "note": "请加快办理",
        "occurred_on": "2099-01-01",
    }
    satisfied = {"verdict": "satisfied", "comments": "", "occurred_on": "2025-04-20"}
    assert api.post(f"/v1/cases/{case_id}/feedback", satisfied, "office").status_code == 201
    refused = client.post(f"/cases/{case_id}/forms/reminder", data=body)
    assert "此项已无需办理" in refused.text and 'id="form-reminder"' not in refused.text
    assert re.search(r'<a href="/supervision\?tab=key" id="back-to-list">« 督办</a>', refused.text)


def test_a_calendar_load_lists_met_deadlines_it_re_judged_first_either_way_R_D7() -> None:
    def row(due: str, met: str | None, number: str) -> dict[str, Any]:
        return {"number": number, "kind": "reply", "unit": "FIN", "due_on": due, "met_on": met}

    before = {
        "a": row("2025-05-06", None, "P-1"),
        "b": row("2025-05-06", "2025-05-07", "P-2"),
        "c": row("2025-05-06", "2025-05-05", "P-3"),
        "d": row("2025-05-06", "2025-05-01", "P-4"),
    }
    after = {
        "a": row("2025-05-07", None, "P-1"),
        "b": row("2025-05-07", "2025-05-07", "P-2"),  # late became on time
        "c": row("2025-05-02", "2025-05-05", "P-3"),  # on time became late
        "d": row("2025-05-02", "2025-05-01", "P-4"),  # on time still
    }
    for rows in (before, after):
        for r in rows.values():
            r["missed_on"] = None
    assert [(m.number, m.turned_late) for m in moved(before, after)] == [
        ("P-2", False),
        ("P-3", True),
        ("P-1", None),
        ("P-4", None),
    ]

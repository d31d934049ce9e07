"""The 审计 page names what it lists in words an auditor reads (R-X1, R-X2): a case by its
number, a person by their name (the login on hover), a unit by its name, and times in
Beijing time."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.pages_audit import china_hour
from domain.business_day import CHINA
from infra.clock import china_date, today
from tests.api.accounts_support import new_user
from tests.api.conftest import Api, case_body, contact_body, register_and_assign
from tests.api.test_pages import csrf_of, logged_in
from tests.api.test_pages_override import returned_reply


def _li_ke(api: Api) -> str:
    """A FIN handler whose display name differs from the login; answers their token."""
    body = {
        "username": "li_ke",
        "display_name": "李科长",
        "role": "handler",
        "unit_code": "FIN",
    }
    made = api.post("/v1/users", body, "boot")
    assert made.status_code == 201, made.text
    token: str = made.json()["token"]
    return token


def test_the_event_log_names_cases_people_and_units_R_X1(api: Api) -> None:
    case_id = register_and_assign(api, "P-70")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), _li_ke(api))
    assert contact.status_code == 201, contact.text
    event = contact.json()["events"][-1]["id"].rsplit(":", 1)[1]
    client = logged_in(api, "shen_ji", role="auditor")
    page = client.get("/audit?tab=log").text
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "沟通联系" in r)
    assert '<span title="li_ke">李科长</span>（承办人·FIN厅）' in row
    # Back to this page of the log from the case (``?from=``, api/pages_came_from.py).
    back = "?from=/audit%3Ftab%3Dlog"
    assert f'<a href="/cases/{case_id}{back}#ev-{event}">2025年 P-70 #{event}</a>' in row


def test_the_event_log_reads_one_person_s_acts_alone_R_X1(backend_api: Api) -> None:
    """ "Who did what when" from the log meant paging through everyone's events by hand (a
    review): the log (and ``GET /v1/audit/events``) takes ``user``; a NUL in it is refused on
    either store, and the log still answers after."""
    api = backend_api
    case_id = register_and_assign(api, "P-75")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), _li_ke(api))
    assert contact.status_code == 201, contact.text
    mine = api.get("/v1/audit/events", "auditor", user="li_ke").json()["items"]
    assert [e["type"] for e in mine] == ["ContactRecorded"]
    assert {e["actor"]["user"] for e in mine} == {"li_ke"}
    assert api.get("/v1/audit/events", "auditor", user="a\x00b").status_code == 422
    client = logged_in(api, "shen_ji_5", role="auditor")
    page = client.get("/audit?tab=log&user=li_ke").text
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)[1:]  # the header row first
    assert len(rows) == 1 and "沟通联系" in rows[0]
    assert 'name="user" list="log-users" value="li_ke"' in page
    assert '<option value="li_ke">李科长</option>' in page  # offered by name
    assert "李科长（li_ke）记录的事件" in page
    assert client.get("/audit?tab=log&user=%00").status_code in (400, 422)  # never a 500
    assert api.get("/v1/audit/events", "auditor", user="li_ke").json()["items"] == mine


def test_the_event_log_reads_one_kind_of_event_alone_and_with_a_person_R_X1(
    backend_api: Api,
) -> None:
    """Every 停用用户, or every contact one handler recorded, meant paging through the whole
    log: the log (and ``GET /v1/audit/events``) takes ``type``, alone or with ``user``; a name
    no event type has is refused, on either store."""
    api = backend_api
    token = _li_ke(api)
    for number in ("P-76", "P-77"):
        case_id = register_and_assign(api, number)
        contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), token)
        assert contact.status_code == 201, contact.text
    contacts = api.get("/v1/audit/events", "auditor", type="ContactRecorded").json()["items"]
    assert [e["type"] for e in contacts] == ["ContactRecorded"] * 2
    both = api.get("/v1/audit/events", "auditor", type="CaseRegistered", user="li_ke")
    assert both.status_code == 200 and both.json()["items"] == []  # the office registered
    paged = api.get("/v1/audit/events", "auditor", type="ContactRecorded", limit=1).json()
    rest = api.get(
        "/v1/audit/events", "auditor", type="ContactRecorded", cursor=paged["next_cursor"]
    )
    assert [e["id"] for e in paged["items"] + rest.json()["items"]] == [e["id"] for e in contacts]
    for bad in ("Contact Recorded", "a\x00b", "x" * 81):
        refused = api.get("/v1/audit/events", "auditor", type=bad)
        assert refused.status_code == 422, (bad, refused.text)
    client = logged_in(api, "shen_ji_6", role="auditor")
    page = client.get("/audit?tab=log&type=ContactRecorded").text
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)[1:]
    assert len(rows) == 2 and all("沟通联系" in row for row in rows)
    assert '<option value="ContactRecorded" selected>沟通联系</option>' in page
    assert "全部“沟通联系”事件" in page
    assert 'id="log-latest"' not in page  # the whole log's last 100 positions, not these
    mine = client.get("/audit?tab=log&type=ContactRecorded&user=li_ke").text
    assert "李科长（li_ke）记录的“沟通联系”事件" in mine
    assert client.get("/audit?tab=log&type=Contact%20Recorded").status_code == 400
    assert client.get("/audit?tab=log&type=%00").status_code in (400, 422)  # never a 500


def test_the_signals_name_the_corrected_case_and_the_corrector_R_X2(api: Api) -> None:
    case_id = register_and_assign(api, "P-71")
    token = _li_ke(api)
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), token)
    contact_id = contact.json()["events"][-1]["id"]
    body = {"event_id": contact_id, "reason": "对象录错", "corrected": {"person": "李四"}}
    corrected = api.post(f"/v1/cases/{case_id}/corrections", body, token)
    assert corrected.status_code == 201, corrected.text
    client = logged_in(api, "shen_ji", role="auditor")
    page = client.get("/audit?tab=signals").text
    section = re.search(r"<h2>更正（R-X2）.*?</section>", page, re.S)
    assert section, page
    version = contact_id.rsplit(":", 1)[1]
    assert f">2025年 P-71 #{version}</a>" in section.group(0)
    assert '<span title="li_ke">李科长</span>' in section.group(0)


def test_a_burst_hour_recorded_in_utc_is_shown_in_beijing_time() -> None:
    assert china_hour("2025-03-01 18:00") == "2025-03-02 02:00"


def test_a_case_is_found_by_its_number_in_any_letter_case_or_width_R_X3(api: Api) -> None:
    case_id = register_and_assign(api, "JY-0021")
    client = logged_in(api, "reader", role="auditor")
    for typed in ("JY-0021", "jy-0021", "ＪＹ－００２１", " jy-0021 "):
        found = client.get("/audit/case", params={"number": typed}, follow_redirects=False)
        assert found.status_code == 303, typed
        assert found.headers["location"] == f"/cases/{case_id}", typed
    assert client.get("/audit/case", params={"number": "JY-0022"}).status_code == 404


def test_a_number_two_cases_hold_asks_which_one_R_X3(api: Api) -> None:
    """A number is unique per kind and year only: offices number each year from 0001. The
    lookup opened one of them and left the other out of reach (a review: JY-0001 of 2026 hid
    the 2025 one); it now lists those recorded by the moment asked, each opening as of it."""

    def beijing_now() -> str:
        return datetime.now(UTC).astimezone(CHINA).strftime("%Y-%m-%dT%H:%M:%S")

    old = register_and_assign(api, "JY-0001")
    time.sleep(1.1)
    between = beijing_now()
    time.sleep(1.1)
    body = case_body("JY-0001", year=2026, received_on="2026-01-20", title="关于2026年的建议")
    new = api.post("/v1/cases", body, "office").json()["case_id"]
    time.sleep(1.1)
    at = beijing_now()
    client = logged_in(api, "reader", role="auditor")
    page = client.get("/audit/case", params={"number": "jy-0001", "at": at})
    assert page.status_code == 300, page.status_code
    choice = re.search(r'<ul class="choices" id="a-number-choices">(.*?)</ul>', page.text, re.S)
    assert choice, page.text
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', choice.group(1))
    assert [href for href, _ in links] == [f"/cases/{new}?at={at}", f"/cases/{old}?at={at}"]
    assert ["2026" in text and "JY-0001" in text for _, text in links] == [True, False]
    assert "关于2026年的建议" in choice.group(1)
    assert "编号为 jy-0001 的件有 2 件" in page.text
    # At a moment only the first was recorded by, there is nothing to choose (a re-probe's
    # choice of the other opened 该时间点该件尚未记录); before both, the moment is refused.
    found = client.get(
        "/audit/case", params={"number": "JY-0001", "at": between}, follow_redirects=False
    )
    assert (found.status_code, found.headers["location"]) == (303, f"/cases/{old}?at={between}")
    before = client.get("/audit/case", params={"number": "JY-0001", "at": "2026-03-01T09:00:00"})
    assert before.status_code == 404 and "该时间点该件尚未记录" in before.text


def test_the_event_log_names_a_case_by_its_year_and_number_R_X1(api: Api) -> None:
    """Offices number each year from 0001: the log named the 2025 and the 2026 JY-0001 alike
    (JY-0001 #1 twice), so an auditor could not tell whose registration a row was."""
    old = register_and_assign(api, "JY-0001")
    body = case_body("JY-0001", year=2026, received_on="2026-01-20", title="关于2026年的建议")
    new = api.post("/v1/cases", body, "office").json()["case_id"]
    page = logged_in(api, "shen_ji_8", role="auditor").get("/audit?tab=log").text
    named = dict(re.findall(r'<a href="/cases/([^"?#]+)[^"]*#ev-1">([^<]+)</a>', page))
    assert (named[old], named[new]) == ("2025年 JY-0001 #1", "2026年 JY-0001 #1"), named


def test_a_burst_of_late_recordings_names_its_user_as_every_row_does_R_X1(api: Api) -> None:
    """The burst table showed the login ("chen.office"), every other row the person."""
    boot = {"Authorization": "Bearer " + api.tokens["boot"]}
    body = {"username": "chen.office", "display_name": "陈主任", "role": "office"}
    made = api.client.post("/v1/users", json=body, headers=boot)
    assert made.status_code == 201, made.text
    chen = {"Authorization": "Bearer " + made.json()["token"]}
    for n in range(20):  # 2025 registrations keyed in today: late, within one hour
        answer = api.client.post("/v1/cases", json=case_body(f"LATE-{n}"), headers=chen)
        assert answer.status_code == 201, answer.text
    page = logged_in(api, "reader", role="auditor").get("/audit?tab=signals").text
    bursts = page.split("集中补记", 1)[1].split("</table>", 1)[0]
    assert '<span title="chen.office">陈主任</span>（办公室）' in bursts


def test_a_check_without_anchors_says_what_it_cannot_prove_R_X2(api: Api) -> None:
    """Without an anchor outside the database, an edit followed by a rebuild of the chain
    passes the check: "未发现改动" alone would claim more than it proved."""
    register_and_assign(api, "P-72")
    answer = api.get("/v1/audit/verify", "boot").json()
    assert (answer["ok"], answer["anchors_checked"]) == (True, 0)
    page = _verified(logged_in(api, "shen_ji", role="auditor"))
    assert 'id="verify-result">完整' in page
    assert 'id="verify-unanchored">本次校验未经外部锚点核对' in page


def _verified(client: TestClient) -> str:
    """The verify tab after its 开始校验 button, once the run it started is done."""
    started = client.post(
        "/audit/verify",
        data={"_csrf": csrf_of(client, "/audit?tab=verify")},
        follow_redirects=False,
    )
    assert (started.status_code, started.headers["location"]) == (303, "/audit?tab=verify")
    deadline = time.monotonic() + 30
    while True:
        page: str = client.get("/audit?tab=verify").text
        if 'id="verify-running"' not in page:
            return page
        assert '<meta http-equiv="refresh" content="3">' in page  # the tab follows the run
        assert time.monotonic() < deadline, "the verification did not finish"
        time.sleep(0.05)


def test_the_verify_tab_runs_the_check_in_the_background_and_keeps_its_answer_R_X2(
    api: Api,
) -> None:
    """Opening the tab ran the whole verify in the request: minutes at scale, past any proxy's
    timeout, on every visit. The tab now shows the last run and starts one on request."""
    register_and_assign(api, "P-73")
    client = logged_in(api, "shen_ji", role="auditor")
    first = client.get("/audit?tab=verify").text
    assert 'id="verify-none">尚未运行过校验' in first and ">开始校验</button>" in first
    assert api.services.verify_runs.latest() is None  # looking started nothing
    page = _verified(client)
    assert 'id="verify-when">shen_ji于 ' in page and ">重新校验</button>" in page
    assert f"已校验 {api.head():,} 个事件" in page
    refused = client.post("/audit/verify", data={"_csrf": "forged"})
    assert refused.status_code == 403  # not this session's form


def test_a_correction_moving_an_act_long_back_is_a_late_recording_R_X1(api: Api) -> None:
    """Recorded today as happening today, then corrected to a day months ago: the act's date
    is now claimed months after it, which R-X1 makes visible like any late recording (it had
    turned a late co-opinion into one "met" on time with no signal)."""
    case_id = register_and_assign(api, "P-73")
    today = date.today().isoformat()
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(on=today), "handler_fin")
    assert contact.status_code == 201, contact.text
    event_id = contact.json()["events"][-1]["id"]
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()["events"]
    assert not next(e for e in history if e["id"] == event_id)["late_recorded"]
    body = {"event_id": event_id, "reason": "日期录错", "corrected": {"occurred_on": "2025-02-10"}}
    corrected = api.post(f"/v1/cases/{case_id}/corrections", body, "handler_fin")
    assert corrected.status_code == 201, corrected.text
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()["events"]
    correction = next(e for e in history if e["corrects"] == event_id)
    assert correction["late_recorded"]
    # The 补记事件 tab lists it too.
    page = logged_in(api, "shen_ji_3", role="auditor").get("/audit?tab=late").text
    assert f">2025年 P-73 #{correction['id'].rsplit(':', 1)[1]}</a>" in page


def test_a_moment_before_the_case_was_recorded_says_the_view_goes_by_recorded_time_R_X3(
    api: Api,
) -> None:
    """A reviewer asked for 2025-01-01 on a case registered (occurred) in January 2025 but
    recorded today, and read only 该时间点该件尚未登记: the answer says why."""
    case_id = register_and_assign(api, "AU-40")
    auditor = logged_in(api, "auditor_t", role="auditor")
    page = auditor.get(f"/cases/{case_id}", params={"at": "2025-01-01T00:00"})
    assert page.status_code == 404
    assert "回看按记录时间，不按发生日期" in page.text
    assert "按记录时间回看（R-X3）" in auditor.get(f"/cases/{case_id}").text


def test_a_case_page_as_of_a_bare_day_reads_it_as_history_does_R_X3(api: Api) -> None:
    """``/cases/…?at=2026-12-08`` said 该时间点该件尚未记录 of a case recorded that day, while
    ``history?as_of=2026-12-08`` gave it whole: a bare day is the end of that day in Beijing,
    on the page as in the API (today's end being to come, today's is now)."""
    case_id = register_and_assign(api, "AU-42")
    auditor = logged_in(api, "auditor_b", role="auditor")
    day = china_date(datetime.now(UTC)).isoformat()
    page = auditor.get(f"/cases/{case_id}", params={"at": day})
    assert page.status_code == 200, page.text
    history = api.get(f"/v1/cases/{case_id}/history", "auditor", as_of=day).json()
    assert f"此前记录的 {len(history['events'])} 个事件" in page.text
    assert f"<strong>{day} " in page.text
    yesterday = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    then = auditor.get(f"/cases/{case_id}", params={"at": yesterday})
    assert then.status_code == 404  # recorded today: it did not exist by yesterday's end
    assert api.get(f"/v1/cases/{case_id}/history", "auditor", as_of=yesterday).status_code == 404


def test_a_case_page_says_the_day_its_deadlines_are_judged_for_R_X3(api: Api) -> None:
    """A printed case page read 已逾期 573 天 without saying as of when; a past moment's page
    judges them for that moment's day."""
    case_id = register_and_assign(api, "AU-41")
    auditor = logged_in(api, "auditor_d", role="auditor")
    now = auditor.get(f"/cases/{case_id}").text
    assert f'id="deadlines-as-of">期限状态按 {today().isoformat()} 计算' in now
    moment = datetime.now(UTC)
    then = auditor.get(f"/cases/{case_id}", params={"at": moment.isoformat()}).text
    assert f'id="deadlines-as-of">期限状态按 {china_date(moment).isoformat()} 计算' in then


def test_the_event_log_lists_a_name_claim_in_words_and_links_no_case_R_X1(api: Api) -> None:
    _li_ke(api)
    client = logged_in(api, "shen_ji", role="auditor")
    page = client.get("/audit?tab=log").text
    rows = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "登记名称（唯一）" in r]
    assert rows, "the claim of li_ke's name is not in the log"
    assert not any("/cases/" in r for r in rows)


def test_a_corrected_date_is_shown_beside_the_first_with_links_both_ways_R_X2(api: Api) -> None:
    """History shows both (R-X2): the corrected contact links to its correction and says what
    it changed, beside the date first recorded; the 补记事件 tab shows the day the correction
    claims, from which its days late count (R-X1), and says 更正 once."""
    case_id = register_and_assign(api, "P-74")
    today = date.today().isoformat()
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(on=today), "handler_fin")
    event_id = contact.json()["events"][-1]["id"]
    body = {"event_id": event_id, "reason": "日期录错", "corrected": {"occurred_on": "2025-02-10"}}
    corrected = api.post(f"/v1/cases/{case_id}/corrections", body, "handler_fin")
    assert corrected.status_code == 201, corrected.text
    fix = corrected.json()["events"][-1]["id"].rsplit(":", 1)[1]
    shen_ji = logged_in(api, "shen_ji_4", role="auditor")
    page = shen_ji.get(f"/cases/{case_id}").text
    entry = re.search(rf'<li id="ev-{event_id.rsplit(":", 1)[1]}".*?</li>', page, re.S)
    assert entry is not None
    assert f'href="#ev-{fix}"' in entry.group(0)
    assert f"#{fix} 更正为：发生日期：2025-02-10" in re.sub(r"<[^>]+>", "", entry.group(0))
    assert f'发生：<time datetime="{today}">{today}</time>' in entry.group(0)
    # The correction's own entry says the day it claims, from which its 补记 counts.
    own = re.search(rf'<li id="ev-{fix}".*?</li>', page, re.S)
    assert own is not None and '更正所称：<time datetime="2025-02-10">2025-02-10</time>' in own[0]
    late = shen_ji.get("/audit?tab=late").text
    row = next(r for r in re.findall(r"<tr>.*?</tr>", late, re.S) if f"P-74 #{fix}<" in r)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    assert "更正所称 2025-02-10" in text
    assert "更正 更正" not in text


def test_the_event_log_says_what_a_decision_decided_R_X1(api: Api) -> None:
    """An approval and a return both read 答复审批: an auditor opened each to tell them apart."""
    returned_reply(api, "P-75")
    page = logged_in(api, "shen_ji_5", role="auditor").get("/audit?tab=log").text
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "P-75 #" in r and "审批" in r)
    assert "答复审批 · 退回重办" in re.sub(r"<[^>]+>", "", row)


@pytest.mark.parametrize(
    ("number", "at", "field", "said"),
    [
        ("JY-0099", "", "number", "没有编号为 JY-0099 的件"),
        ("JY-0021", "2099-01-01T09:00", "at", "晚于现在"),
        ("JY-0021", "明天", "at", "无效"),
        # Before the case was recorded: it went to an error page of its own.
        ("JY-0021", "2020-01-01T09:00", "at", "该时间点该件尚未记录"),
    ],
)
def test_a_refused_lookup_is_said_beside_the_field_and_keeps_what_was_typed_R_X3(
    api: Api, number: str, at: str, field: str, said: str
) -> None:
    """A refused lookup went to a page of its own, and the form was typed again."""
    register_and_assign(api, "JY-0021")
    client = logged_in(api, "reader_2", role="auditor")
    page = client.get("/audit/case", params={"number": number, "at": at})
    assert page.status_code in (400, 404)
    form = re.search(r'<form method="get" action="/audit/case".*?</form>', page.text, re.S)
    assert form is not None, "the lookup form is on the refusal"
    refused = re.search(
        rf'<div class="field refused">\s*<label for="a-{field}">.*?</div>', form[0], re.S
    )
    assert refused is not None and said in refused[0]
    assert f'value="{number}"' in form[0] and f'value="{at}"' in form[0]


def test_a_refused_lookup_comes_back_on_the_tab_it_was_made_from_R_X3(api: Api) -> None:
    """An auditor reading the 事件日志 looked a case up, mistyped it, and was sent to the
    完整性信号 tab with the refusal."""
    client = logged_in(api, "reader_3", role="auditor")
    page = client.get("/audit?tab=log").text
    form = re.search(r'<form method="get" action="/audit/case".*?</form>', page, re.S)
    assert form is not None and '<input type="hidden" name="tab" value="log">' in form[0]
    refused = client.get("/audit/case", params={"number": "JY-0098", "at": "", "tab": "log"})
    assert refused.status_code == 404 and "没有编号为 JY-0098 的件" in refused.text
    current = re.search(r'<a href="/audit\?tab=(\w+)" aria-current="page">', refused.text)
    assert current is not None and current[1] == "log"


def test_the_event_log_tells_the_two_opened_streams_apart_in_words_R_X1(api: Api) -> None:
    """Two streams name their first event ``Opened``: a unit's key-case quota for a year, and
    the calendar book. The log read the English word for both."""
    case_id = register_and_assign(api, "AU-50")
    key = {"source": "unit", "occurred_on": "2025-02-03"}
    assert api.post(f"/v1/cases/{case_id}/key", key, "office").status_code == 201
    holidays = {"holidays": ["2031-01-01"], "workdays": []}
    headers = {"Authorization": f"Bearer {api.tokens['admin']}"}
    assert api.client.put("/v1/calendar/2031", json=holidays, headers=headers).is_success
    page = logged_in(api, "shen_ji_5", role="auditor").get("/audit?tab=log").text
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    assert not [r for r in rows if ">Opened<" in r]
    quota = [r for r in rows if "开立重点件名额" in r]
    assert len(quota) == 1 and "FIN厅 2025 年" in quota[0]  # the unit by its name
    assert [r for r in rows if "建立工作日历" in r]


def test_the_event_log_names_a_proposer_links_grant_by_its_case_R_X1(api: Api) -> None:
    """A link's grant (the stream that finds it by its token) read ProposerLinkGranted, and
    its 对象 linked to a case page that does not exist (件 #1)."""
    case_id = register_and_assign(api, "AU-51")
    body = {"proposer_name": "张三", "expires_on": (date.today() + timedelta(days=30)).isoformat()}
    assert api.post(f"/v1/cases/{case_id}/proposer-links", body, "office").status_code == 201
    page = logged_in(api, "shen_ji_6", role="auditor").get("/audit?tab=log").text
    rows = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "专属链接登记" in r]
    assert (
        len(rows) == 1 and "ProposerLinkGranted" not in rows[0]
    )  # (the 事件 filter offers it by name)
    assert "AU-51 的专属链接" in rows[0] and "/cases/" not in rows[0]


def test_the_event_log_names_the_user_a_password_reset_or_token_is_for_R_X1(api: Api) -> None:
    """A review reset demo-handler-cul's password and issued demo-handler-wat a token: the log
    read 修改密码 · 演示管理员 and 发放令牌 with 对象 empty, so nobody could say whose."""
    new_user(api, "li_si", role="handler", unit="FIN")
    body = {"new_password": "another pass phrase"}
    assert api.post("/v1/users/li_si/password", body, "admin").status_code == 201
    assert api.post("/v1/users/li_si/tokens", {}, "admin").status_code == 201
    page = logged_in(api, "shen_ji_7", role="auditor").get("/audit?tab=log").text
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    for word in ("设置密码", "发放令牌"):
        assert any(word in r and "li_si" in r for r in rows), [r for r in rows if word in r]


def verified(client: TestClient) -> str:
    """The 防篡改校验 tab once a run its button started has a result."""
    client.post("/audit/verify", data={"_csrf": csrf_of(client, "/audit?tab=verify")})
    deadline = time.monotonic() + 30
    while 'id="verify-result"' not in (page := str(client.get("/audit?tab=verify").text)):
        assert time.monotonic() < deadline, page
        time.sleep(0.05)
    return page


def test_a_changed_event_is_said_as_a_change_in_chinese_at_a_linked_position_R_X2(
    api: Api, tmp_path: Path
) -> None:
    """A review's auditor edited a stored event: the page said 不完整 (a check cut short?), the
    chain's reason in English, positions unlinked, and the read models' 按事件应为 (the tampered
    value) as if the views had been changed."""
    case_id = register_and_assign(api, "TP-1")
    with sqlite3.connect(tmp_path / "data" / "events.sqlite3") as conn:
        [(position, state)] = [
            (p, bytes(s))
            for p, s in conn.execute("SELECT rowid, state FROM stored_events")
            if b'"TP-1"' in bytes(s)
        ]
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (state.replace(b'"TP-1"', b'"TP-9"'), position),
        )
    page = verified(logged_in(api, "shen_ji_8", role="auditor"))
    link = f'<a href="/audit?tab=log&amp;after={position - 1}">{position}</a>'
    # The case and the event at that position are named: a review's auditor had to open
    # the log to learn which case a finding was about.
    named = f'（2025年 TP-1 的第 1 个事件，<a href="/cases/{case_id}">打开该件</a>）'
    assert f'id="verify-result">发现改动：第一个异常位置 {link}{named}。' in page
    assert f"位置 {position} 的事件或其索引行与防篡改链不符" in page
    assert 'id="verify-views-follow"' in page and "请先查明被改动的事件" in page
    assert "不完整" not in page
    # Each finding in Chinese; the English the API gives beside it only on hover (every
    # finding ended in it: "(the stored event or its index row at 60 does not match …)").
    shown = re.sub(r'title="[^"]*"', "", _between(page, 'id="verify-result"', "<form"))
    assert not re.search("[A-Za-z]{3,} [A-Za-z]{3,}", re.sub(r"<[^>]+>", "", shown)), shown
    assert f'title="the stored event or its index row at {position} does not match' in page


def _between(page: str, start: str, end: str) -> str:
    begun = page.index(start)
    return page[begun : page.index(end, begun)]


def test_a_deleted_event_is_said_as_missing_at_its_position_R_X2(api: Api, tmp_path: Path) -> None:
    register_and_assign(api, "TP-2")
    with sqlite3.connect(tmp_path / "data" / "events.sqlite3") as conn:
        [position] = [
            p
            for p, s in conn.execute("SELECT rowid, state FROM stored_events")
            if b'"TP-2"' in bytes(s)
        ]
        conn.execute("DELETE FROM stored_events WHERE rowid = ?", (position,))
    page = verified(logged_in(api, "shen_ji_9", role="auditor"))
    link = f'<a href="/audit?tab=log&amp;after={position - 1}">{position}</a>'
    assert f"第一个异常位置 {link}（该位置已无事件：事件被删除）。" in page

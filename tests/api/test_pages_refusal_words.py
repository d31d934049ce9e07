"""UI.md: "a refusal shows the rule id and the Chinese message next to the field". A review
found the forms saying ``note 不能为空`` at their top, ``早于交办日期 assignment date`` and
pydantic's English ("Input should be a valid date or datetime, month value is outside …")."""

from __future__ import annotations

import re

import pytest

from tests.api.accounts_support import browser, new_user
from tests.api.conftest import Api, register_and_assign
from tests.api.test_pages import contact_form, csrf_of, page_login


def problem_beside(page: str, form: str, field: str) -> str:
    found = re.search(rf'id="{form}-{field}-problem"[^>]*>(.*?)</span>\s*(?:</div>|<)', page, re.S)
    assert found, f"no problem shown beside {form}-{field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_a_blank_field_is_named_by_its_label_beside_it(api: Api) -> None:
    new_user(api, "fin_clerk", role="handler", unit="FIN")
    case_id = register_and_assign(api, "W-1")
    client = browser(api)
    page_login(client, "fin_clerk")
    version = api.case(case_id)["version"]
    form = {**contact_form(version, csrf_of(client, f"/cases/{case_id}")), "contacted_by.rank": ""}
    response = client.post(f"/cases/{case_id}/forms/contact", data=form)
    assert response.status_code == 422
    said = problem_beside(response.text, "contact", "contacted_by")
    assert said == "联系人的职务不能为空"
    assert "contacted_by" not in said
    assert api.case(case_id)["version"] == version


def test_r_x1_an_act_before_the_assignment_is_refused_in_chinese_only(api: Api) -> None:
    new_user(api, "fin_clerk", role="handler", unit="FIN")
    case_id = register_and_assign(api, "W-2", on="2025-02-01")
    client = browser(api)
    page_login(client, "fin_clerk")
    version = api.case(case_id)["version"]
    form = {
        **contact_form(version, csrf_of(client, f"/cases/{case_id}")),
        "occurred_on": "2025-01-05",
    }
    response = client.post(f"/cases/{case_id}/forms/contact", data=form)
    assert response.status_code == 409
    said = problem_beside(response.text, "contact", "occurred_on")
    assert said == "R-X1 发生日期 2025-01-05 早于交办日期 2025-02-01"
    assert not re.search("[A-Za-z]{3,}", said.removeprefix("R-X1"))


def test_a_calendar_with_an_impossible_day_is_refused_in_chinese(api: Api) -> None:
    new_user(api, "root", role="admin")
    client = browser(api)
    page_login(client, "root")
    csrf = csrf_of(client, "/admin")
    posted = {"_csrf": csrf, "year": "2027", "holidays": "2027-01-01\n2027-13-01", "workdays": ""}
    response = client.post("/admin/calendar", data=posted)
    assert response.status_code == 422
    # By its line, quoted: once notes beside a day are read past, items no longer match lines.
    assert "放假日第 2 行“2027-13-01”不是日期（应写作 YYYY-MM-DD）" in response.text
    assert "Input should" not in response.text
    assert "2027-13-01" in response.text  # what was typed stays in the form


def test_a_calendar_day_beside_a_control_character_is_refused_for_it_R_D7(
    backend_api: Api,
) -> None:
    """``2028-01-01`` and an unseen NUL read 放假日第 1 行“2028-01-01”不是日期: a day that looked
    right, refused. Every other form names the character; nothing is written, on either store,
    and the calendar still reads."""
    api = backend_api
    new_user(api, "root", role="admin")
    client = browser(api)
    page_login(client, "root")
    csrf = csrf_of(client, "/admin")
    head = api.head()
    for typed in ("2028-01-01\x00", "2028-01-01\x07 元旦"):
        posted = {"_csrf": csrf, "year": "2028", "holidays": typed, "workdays": ""}
        response = client.post("/admin/calendar", data=posted)
        assert response.status_code == 422
        assert "放假日第 1 行含有不可保存的控制字符" in response.text
        assert "不是日期" not in response.text
    assert api.head() == head  # nothing written
    assert client.get("/admin").status_code == 200


def test_a_browser_gets_a_page_for_a_path_no_page_has_and_a_client_gets_json(api: Api) -> None:
    new_user(api, "clerk")
    client = browser(api)
    page_login(client, "clerk")
    html = {"Accept": "text/html,application/xhtml+xml"}
    missing = client.get("/nonexistent", headers=html)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "没有这个页面" in missing.text
    for path in ["/v1/nonexistent", "/nonexistent"]:
        answer = client.get(path, headers={} if path == "/nonexistent" else html)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"


def test_text_too_short_says_how_long_it_must_be_not_that_it_is_empty(api: Api) -> None:
    """A review typed an 11-character initial password and read 初始密码：不能为空 under a label
    saying 至少 12 位."""
    new_user(api, "root", role="admin")
    client = browser(api)
    page_login(client, "root")
    posted = {
        "_csrf": csrf_of(client, "/admin"),
        "username": "new_clerk",
        "display_name": "新办事员",
        "role": "office",
        "unit_code": "",
        "password": "short-11chr",
    }
    response = client.post("/admin/users", data=posted)
    assert response.status_code == 422
    assert "初始密码：至少 12 个字符" in response.text
    assert "不能为空" not in response.text


def test_reopening_the_address_a_form_answered_at_leads_to_its_page_not_json(api: Api) -> None:
    """A form's answer is shown at the address it was posted to (a refusal, a proposer link, a
    new user's token); reloading or reopening it asks that address with GET, which only the
    form's page answers. A browser is sent there; an API client still gets the 405."""
    new_user(api, "root", role="admin")
    case_id = register_and_assign(api, "W-9")
    client = browser(api)
    page_login(client, "root")
    html = {"Accept": "text/html,application/xhtml+xml"}
    for posted_to, page in [
        (f"/cases/{case_id}/links", f"/cases/{case_id}"),
        (f"/cases/{case_id}/forms/contact", f"/cases/{case_id}"),
        ("/admin/users", "/admin"),
        ("/paperwork/import", "/paperwork"),
        ("/logout", "/"),
    ]:
        answer = client.get(posted_to, headers=html, follow_redirects=False)
        assert (answer.status_code, answer.headers.get("location")) == (303, page), posted_to
    api_client = client.get(f"/v1/cases/{case_id}/contacts", headers=html)
    assert api_client.status_code == 405
    assert api_client.headers["content-type"] == "application/problem+json"
    assert client.get("/admin/users", follow_redirects=False).status_code == 405  # no HTML asked


def test_a_bad_cursor_is_said_in_chinese_on_the_pages_and_the_public_register(api: Api) -> None:
    new_user(api, "clerk")
    new_user(api, "reader", role="auditor")
    for who, path in [
        ("clerk", "/ledger?cursor=garbage"),
        ("reader", "/audit?tab=log&cursor=abc"),
    ]:
        client = browser(api)
        page_login(client, who)
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code in (400, 422), (path, page.status_code)
        assert page.headers["content-type"].startswith("text/html"), path
        assert "翻页位置无效" in page.text and "invalid cursor" not in page.text, path
    # The public, with no login: the register's own page, its first page, saying why (the
    # workbench's error page led to the workbench's login).
    public = browser(api).get("/public?cursor=abc&kind=suggestion")
    assert public.status_code == 200
    assert 'id="stale-link">该翻页链接已失效' in public.text and "工作台" not in public.text
    assert 'id="count"' in public.text and 'value="suggestion" selected' in public.text
    api_answer = api.get("/v1/public/replies", "office", cursor="abc")
    assert api_answer.status_code == 422
    assert api_answer.json()["detail"].startswith("invalid cursor")


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("q=" + "税" * 101, 'id="too-long">搜索内容过长'),
        ("limit=100000", "或每页条数超出 1–1000"),
        ("limit=abc&kind=suggestion", 'id="stale-link">该翻页链接已失效'),
        ("cursor=" + "x" * 600, 'id="stale-link">该翻页链接已失效'),
        ("unit=" + "U" * 65, 'id="count"'),
        # A year that is none was dropped without a word, and every year listed (a review).
        ("year=abc", 'id="bad-year">年度“abc”不是四位数字的年份，已忽略'),
    ],
)
def test_a_register_link_beyond_its_bounds_is_its_page_with_a_notice(
    api: Api, query: str, notice: str
) -> None:
    """A shared link with a search of 101 characters, or a page size of 100000, showed the
    public the API's problem+json in English (query.q: String should have at most 100
    characters); the search box stops typing at 100, a pasted link does not."""
    public = browser(api).get(f"/public?{query}")
    assert public.status_code == 200 and public.headers["content-type"].startswith("text/html")
    assert notice in public.text and "should have" not in public.text
    assert api.get("/v1/public/replies", "office", q="税" * 101).status_code == 422


def test_a_register_address_no_page_has_leads_back_to_the_register_not_the_workbench(
    api: Api,
) -> None:
    """``/public/nothing`` showed the workbench's 404, whose 返回总览 led the public to the
    staff login."""
    missing = browser(api).get("/public/nothing", headers={"accept": "text/html"})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert 'id="not-found">没有这个页面' in missing.text
    assert '<a href="/public">返回答复公开目录</a>' in missing.text
    assert "工作台" not in missing.text and "返回总览" not in missing.text
    staff = browser(api).get("/nothing", headers={"accept": "text/html"})
    assert staff.status_code == 404 and "返回总览" in staff.text  # the workbench's own, kept


def _marked(page: str) -> list[str]:
    """The ids of the fields a page marks as what its refusal is about."""
    return re.findall(r'id="([^"]+)"[^>]*aria-invalid="true"', page)


def test_the_admin_forms_mark_the_field_a_refusal_is_about_R_D7(api: Api) -> None:
    """管理 said a refusal above its form, led by its rule, and marked no field: a review's
    admin looked for which of five fields it meant."""
    new_user(api, "root_mark", role="admin")
    client = browser(api)
    page_login(client, "root_mark")
    csrf = csrf_of(client, "/admin")
    user = {"_csrf": csrf, "username": "mark_a", "display_name": "标记甲", "role": "handler"}
    made = client.post("/admin/users", data={**user, "unit_code": "FIN"})
    assert made.status_code == 201 and not _marked(made.text)
    user["username"] = "mark_b"
    # pydantic's refusal (the password too short), the directory's (no such unit), and its
    # conflict (the 姓名 mark_a has).
    for posted, field in [
        (
            {**user, "display_name": "标记乙", "unit_code": "", "password": "short-11chr"},
            "n-password",
        ),
        ({**user, "display_name": "标记乙", "unit_code": "NOPE"}, "n-unit"),
        ({**user, "unit_code": "FIN"}, "n-display"),
    ]:
        page = client.post("/admin/users", data=posted).text
        assert _marked(page) == [field], (posted, _marked(page))
        assert 'aria-describedby="problem-user" autofocus' in page
    unit = {"_csrf": csrf, "code": "fin", "name": "另一个单位"}  # FIN but for letter case
    assert _marked(client.post("/admin/units", data=unit).text) == ["u-code"]
    # In a user's row, the field of the form that was sent, not the 理由 of another form.
    moved = {"_csrf": csrf, "role": "handler", "unit_code": "NOPE", "reason": "调岗"}
    marked = _marked(client.post("/admin/users/mark_a/reassign", data=moved).text)
    assert len(marked) == 1 and marked[0].startswith("ru-"), marked
    assert not _marked(client.get("/admin").text)


def test_a_wps_file_is_refused_with_the_way_to_a_format_taken(api: Api) -> None:
    """WPS's default format was refused saying only what is accepted."""
    case_id = register_and_assign(api, "WPS-1")
    answer = api.client.post(
        f"/v1/cases/{case_id}/documents",
        data={"kind": "other", "occurred_on": "2025-03-01"},
        files={"file": ("答复函.wps", b"\xd0\xcf\x11\xe0 wps bytes", "application/octet-stream")},
        headers={"Authorization": f"Bearer {api.tokens['handler_fin']}"},
    )
    assert answer.status_code in (415, 422), answer.text
    assert "另存为 PDF 或 DOCX" in answer.json()["detail"], answer.text

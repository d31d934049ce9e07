"""A form too large to take, or an address no store can hold, as a browser sees it: a page
saying so in Chinese, with a way back to the form, and nothing recorded. A browser review
uploaded a 21 MB file from a case page and was shown the API's problem+json, in English, in
place of the page."""

from __future__ import annotations

from tests.api.conftest import Api, register_and_assign
from tests.api.test_pages import csrf_of, logged_in

HTML = {"accept": "text/html,application/xhtml+xml"}


def test_an_upload_over_the_limit_is_a_page_with_a_way_back(api: Api) -> None:
    case_id = register_and_assign(api, "BIG-1")
    handler = logged_in(api, "fin_big", role="handler", unit="FIN")
    page = f"http://testserver/cases/{case_id}"
    before = api.head()
    big = b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024)
    answer = handler.post(
        f"/cases/{case_id}/documents",
        files={"file": ("答复函.pdf", big, "application/pdf")},
        data={"kind": "reply_letter"},
        headers={**HTML, "referer": page},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "提交的内容超过 20 MB 的上限，未收下，什么也没有记录。" in answer.text
    assert f'<a href="/cases/{case_id}" id="back">返回上一页</a>' in answer.text
    assert api.head() == before


def test_a_form_over_the_text_limit_says_its_own_limit(api: Api) -> None:
    client = logged_in(api, "clerk_big")
    answer = client.post("/admin/units", data={"name": "x" * (2 * 1024 * 1024)}, headers=HTML)
    assert answer.status_code == 413 and "超过 1 MB 的上限" in answer.text
    assert 'id="back"' not in answer.text  # no page of this site asked: none to go back to


def test_the_apis_clients_still_get_problem_json(api: Api) -> None:
    body = {"name": "x" * (2 * 1024 * 1024)}
    answer = api.post("/v1/units", body, "admin")
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"


def test_an_address_holding_a_control_character_is_said_in_chinese(api: Api) -> None:
    """``/public?q=%00`` showed the public the API's problem+json, in English."""
    public = api.client.get("/public?q=%00&year=2025", headers=HTML)
    assert public.status_code == 200 and public.headers["content-type"].startswith("text/html")
    assert "搜索内容含有无法处理的字符（如控制字符），已忽略；以下为全部答复。" in public.text
    assert 'value="2025"' not in public.text  # the whole query was set aside, not half of it
    clerk = logged_in(api, "clerk_nul")
    page = clerk.get("/ledger?unit=%00", headers=HTML)
    assert page.status_code == 422 and "网址中含有无法处理的字符" in page.text
    answer = api.get("/v1/ledger?unit=%00", "office")
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_form_whose_escapes_are_not_utf_8_is_refused_and_writes_nothing(
    backend_api: Api,
) -> None:
    """``name=%FF`` was read as U+FFFD and stored: a unit named ``�`` no one had typed. Refused
    alike on both stores, which still answer after."""
    api = backend_api
    client = logged_in(api, "clerk_bytes", role="admin")
    csrf = csrf_of(client, "/admin")
    before = api.get("/v1/units", "admin").json()
    for body in (f"_csrf={csrf}&code=BAD&name=%FF%FE", f"_csrf={csrf}&code=BAD&name=\udcff"):
        answer = client.post(
            "/admin/units",
            content=body.encode("utf-8", "surrogateescape"),
            headers={**HTML, "content-type": "application/x-www-form-urlencoded"},
        )
        assert answer.status_code == 400 and "表单内容无法读取" in answer.text
    assert api.get("/v1/units", "admin").json() == before

"""Names the directory tells apart (the admin's 新建用户 / 新建单位, `POST /v1/users` and
`/v1/units`): a browser review created a user named ``tst zhao/x`` who could never be
disabled (its address named another page), a second 财政厅 under another code that made every
import row naming 财政厅 fail, and ``fin`` beside ``FIN``. Each is refused and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from infra.unit_names import every_unit
from tests.api.accounts_support import browser, new_user
from tests.api.conftest import Api
from tests.api.test_pages import csrf_of, page_login


def user_body(username: str) -> dict[str, str]:
    return {"username": username, "display_name": "张三", "role": "office"}


@pytest.mark.parametrize("username", ["tst zhao/x", "a/b", "张三", "-dash", "x?y"])
def test_a_username_an_address_cannot_carry_is_refused(api: Api, username: str) -> None:
    before = api.head()
    answer = api.post("/v1/users", user_body(username), "boot")
    assert answer.status_code == 422, answer.text
    assert "用户名只能由字母、数字和 . _ - @ 组成" in answer.json()["detail"]
    assert api.head() == before


@pytest.mark.parametrize("username", ["zhang.san", "Li_Si-2", "wang@fin", "u7"])
def test_usernames_of_letters_digits_and_marks_are_taken_and_can_be_disabled(
    api: Api, username: str
) -> None:
    new_user(api, username)
    reason = {"reason": "调离"}
    assert api.post(f"/v1/users/{username}/disable", reason, "boot").status_code == 201


@pytest.mark.parametrize(
    ("code", "name", "said"),
    [
        ("T S/4", "测试单位", "单位代码只能由字母、数字和 . _ - 组成"),
        ("fin", "另一个单位", "单位代码 fin 与已有单位 FIN 只差大小写"),
        ("TS2", "FIN厅", "单位名称“FIN厅”已由单位 FIN 使用"),
    ],
)
def test_a_unit_not_told_apart_from_the_others_is_refused(
    api: Api, code: str, name: str, said: str
) -> None:
    before = api.head()
    answer = api.post("/v1/units", {"code": code, "name": name}, "boot")
    assert answer.status_code in (409, 422), answer.text
    assert said in answer.json()["detail"]
    assert api.head() == before


def test_the_admin_page_says_why_and_offers_no_role_until_one_is_chosen(api: Api) -> None:
    new_user(api, "root", role="admin")
    client = browser(api)
    assert page_login(client, "root").status_code == 303
    page = client.get("/admin").text
    assert '<select id="n-role" name="role" required><option value="" selected>请选择</option>' in (
        page
    )
    form = {"code": "TS2", "name": "FIN厅", "_csrf": csrf_of(client, "/admin")}
    refused = client.post("/admin/units", data=form)
    assert refused.status_code == 422 and "单位名称“FIN厅”已由单位 FIN 使用" in refused.text


def test_both_stores_refuse_such_names_alike_and_still_answer(backend_api: Api) -> None:
    """The refusals come before any write, on PostgreSQL as on SQLite; reads answer after."""
    api = backend_api
    before = api.head()
    assert api.post("/v1/users", user_body("tst zhao/x"), "boot").status_code == 422
    assert api.post("/v1/units", {"code": "T S/4", "name": "测试单位"}, "boot").status_code == 422
    assert api.post("/v1/units", {"code": "fin", "name": "另一单位"}, "boot").status_code == 409
    assert api.head() == before
    assert api.get("/v1/ledger", "office").status_code == 200
    assert api.get("/v1/cases", "office", q="测试").status_code == 200


def stale_once(real: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """A directory read that misses, the first time, what another admin is creating at that
    moment (its transaction not committed yet); read again, it sees it."""
    calls = iter([True])

    def read(*args: Any) -> list[Any]:
        return [] if next(calls, False) else real(*args)

    return read


@pytest.mark.parametrize("read_before_the_other_wrote", [False, True])
def test_a_username_differing_only_in_case_is_refused(
    backend_api: Api, monkeypatch: pytest.MonkeyPatch, read_before_the_other_wrote: bool
) -> None:
    """Refused by the check; and when the check read the directory before the other user
    existed (created at the same moment), by the write's own transaction, which names the
    twin and writes nothing."""
    api = backend_api
    new_user(api, "tst.zhang")
    if read_before_the_other_wrote:
        directory = api.services.directory
        monkeypatch.setattr(directory, "usernames", stale_once(directory.usernames))
    before = api.head()
    answer = api.post("/v1/users", user_body("TST.ZHANG"), "boot")
    assert answer.status_code == 409, answer.text
    assert "用户名 TST.ZHANG 与已有用户 tst.zhang 只差大小写" in answer.json()["detail"]
    assert api.head() == before


@pytest.mark.parametrize(
    ("code", "name", "said"),
    [
        ("fin", "另一个单位", "单位代码 fin 与已有单位 FIN 只差大小写"),
        ("TS2", "FIN厅", "单位名称“FIN厅”已由单位 FIN 使用"),
    ],
)
def test_a_unit_created_at_the_same_moment_as_its_twin_is_refused_by_the_write(
    backend_api: Api, monkeypatch: pytest.MonkeyPatch, code: str, name: str, said: str
) -> None:
    api = backend_api
    monkeypatch.setattr("infra.directory.every_unit", stale_once(every_unit))
    before = api.head()
    answer = api.post("/v1/units", {"code": code, "name": name}, "boot")
    assert answer.status_code == 409, answer.text
    assert said in answer.json()["detail"]
    assert api.head() == before
    assert api.get("/v1/ledger", "office").status_code == 200


@pytest.mark.parametrize("username", ["bootstrap-admin", "Bootstrap-Admin"])
def test_the_set_up_tokens_name_is_no_accounts_R_X1(api: Api, username: str) -> None:
    """The trail records the set-up token's acts as ``bootstrap-admin``: an account of that
    name was taken, and its acts read in the event log as the set-up token's."""
    before = api.head()
    refused = api.post("/v1/users", user_body(username), "admin")
    assert refused.status_code == 409 and "留给初始管理员令牌" in refused.json()["detail"]
    assert api.head() == before


def test_the_event_log_names_the_set_up_tokens_acts_in_chinese_R_X1(api: Api) -> None:
    client = browser(api)
    new_user(api, "shen_ji_b", role="auditor")
    assert page_login(client, "shen_ji_b").status_code == 303
    page = client.get("/audit?tab=log&type=UnitCreated").text
    assert '<span title="bootstrap-admin">初始管理员</span>（管理员）' in page

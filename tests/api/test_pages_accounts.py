"""Accounts on the workbench: 我的账户 changes one's own password (the old one asked of every
role), and 管理 resets a user's password and revokes tokens, one by its prefix or all (API.md
v1.1 § Users and sessions, from forms). Each change is an event the audit log shows."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from infra.clock import china_date
from tests.api.accounts_support import PASSWORD, browser, grant, log_in, new_user, works
from tests.api.conftest import Api, FakeClock
from tests.api.test_pages import csrf_of, logged_in, page_login

NEW = "a brand new passphrase"


def own_change(client: TestClient, old: str, new: str, again: str | None = None) -> httpx.Response:
    form = {
        "_csrf": csrf_of(client, "/account"),
        "old_password": old,
        "new_password": new,
        "new_password_again": new if again is None else again,
    }
    response: httpx.Response = client.post("/account/password", data=form, follow_redirects=False)
    return response


def audit_types(api: Api, username: str) -> list[str]:
    page = api.get("/v1/audit/events?limit=500", "admin").json()
    return [e["type"] for e in page["items"] if e["actor"]["user"] == username]


def test_the_header_links_to_my_account_which_names_who_is_logged_in(api: Api) -> None:
    new_user(api, "wang", role="handler", unit="FIN")
    client = browser(api)
    page_login(client, "wang")
    home = client.get("/").text
    assert 'href="/account"' in home.split("</header>")[0]
    mine = client.get("/account")
    assert mine.status_code == 200
    facts = mine.text.split('id="me"', 1)[1].split("</table>")[0]
    assert "wang" in facts and "承办人" in facts


def test_a_user_changes_its_own_password_and_logs_in_again_with_the_new_one(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api)
    page_login(client, "wang")
    changed = own_change(client, PASSWORD, NEW)
    assert changed.status_code == 303
    assert changed.headers["location"] == "/login?changed=1"
    # The change ended this session too: the next page asks for a login.
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert "密码已修改，请用新密码重新登录" in client.get("/login?changed=1").text
    assert page_login(client, "wang", PASSWORD).status_code == 401
    assert page_login(client, "wang", NEW).status_code == 303
    assert "PasswordChanged" in audit_types(api, "wang")


def test_a_wrong_old_password_changes_nothing_and_counts_as_a_failed_login(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api)
    page_login(client, "wang")
    refused = own_change(client, "not my password", NEW)
    assert refused.status_code == 403
    assert "原密码不正确" in refused.text
    assert client.get("/account").status_code == 200  # still logged in
    assert log_in(browser(api), "wang", PASSWORD).status_code == 201
    assert "PasswordChanged" not in audit_types(api, "wang")


def test_the_failure_that_locks_the_name_says_so_on_both_pages(api: Api) -> None:
    """The fifth wrong password within 15 minutes locks the name (API.md § Users and
    sessions), yet the page that took it said only 原密码不正确 (or 用户名或密码错误): the user
    learned of the lock from the next attempt, their right password refused."""
    new_user(api, "wang")
    new_user(api, "li")
    client = browser(api)
    page_login(client, "wang")
    for _ in range(4):
        assert "已锁定" not in own_change(client, "not my password", NEW).text
    fifth = own_change(client, "not my password", NEW)
    assert fifth.status_code == 403
    assert "原密码不正确" in fifth.text and "已锁定，请 15 分钟后再试" in fifth.text
    other = browser(api)
    for _ in range(4):
        assert "已锁定" not in page_login(other, "li", "not my password").text
    refused = page_login(other, "li", "not my password")
    assert refused.status_code == 401
    assert "用户名或密码错误" in refused.text and "已锁定，请 15 分钟后再试" in refused.text


def test_an_admin_changing_its_own_password_on_the_page_must_give_the_old_one(
    api: Api,
) -> None:
    """The API lets an admin set any password without the old one; the own-password form
    asks it of everyone, and checks it (a session left open must not change its owner's)."""
    new_user(api, "root", role="admin")
    client = browser(api)
    page_login(client, "root")
    refused = own_change(client, "not my password", NEW)
    assert refused.status_code == 403
    assert "PasswordChanged" not in audit_types(api, "root")
    blank = own_change(client, "", NEW)
    assert blank.status_code == 422
    assert "请输入原密码" in blank.text


def test_two_different_new_passwords_or_a_short_one_are_refused_and_write_nothing(
    api: Api,
) -> None:
    new_user(api, "wang")
    client = browser(api)
    page_login(client, "wang")
    differ = own_change(client, PASSWORD, NEW, again=NEW + "x")
    assert differ.status_code == 422
    assert "两次输入的新密码不一致" in differ.text
    short = own_change(client, PASSWORD, "short")
    assert short.status_code == 422
    assert "12" in short.text.split('id="password-problem"')[1][:200]
    assert "PasswordChanged" not in audit_types(api, "wang")
    assert page_login(browser(api), "wang", PASSWORD).status_code == 303


def admin_client(api: Api) -> TestClient:
    return logged_in(api, "root", role="admin")


def user_row(page: str, username: str) -> str:
    rows: list[tuple[str, str]] = re.findall(
        r"<tr>\s*<td>([^<]+)</td>(.*?)</details>", page, flags=re.S
    )
    return next(row for name, row in rows if name == username)


def test_an_admin_resets_a_users_password_and_its_open_sessions_end(api: Api) -> None:
    new_user(api, "wang")
    wang = browser(api)
    page_login(wang, "wang")
    admin = admin_client(api)
    form = {"_csrf": csrf_of(admin, "/admin"), "new_password": NEW}
    reset = admin.post("/admin/users/wang/password", data=form, follow_redirects=True)
    assert reset.status_code == 200
    assert "已重设用户“wang”的密码" in reset.text.split('id="done"', 1)[1][:300]
    assert wang.get("/account", follow_redirects=False).status_code == 303
    assert page_login(browser(api), "wang", NEW).status_code == 303
    assert "PasswordChanged" in audit_types(api, "root")


def test_an_admin_reset_to_a_short_password_is_refused_beside_the_user(api: Api) -> None:
    new_user(api, "wang")
    admin = admin_client(api)
    form = {"_csrf": csrf_of(admin, "/admin"), "new_password": "short"}
    refused = admin.post("/admin/users/wang/password", data=form)
    assert refused.status_code == 422
    assert "新密码" in user_row(refused.text, "wang")
    assert "PasswordChanged" not in audit_types(api, "root")
    # Said at the top as well, where the page opens: a review missed it far below.
    top = re.search(
        r'<p class="error" id="refused">未能完成：([^<]*)<a href="#problem-wang">', refused.text
    )
    assert top and "新密码" in top.group(1)
    unknown = admin.post("/admin/users/nosuchuser/disable", data={**form, "reason": "离职"})
    assert unknown.status_code in (404, 422) and 'id="refused"' in unknown.text


def test_the_admin_page_lists_live_tokens_and_revokes_one_by_its_prefix(api: Api) -> None:
    first = new_user(api, "wang")
    second = grant(api, "wang")
    admin = admin_client(api)
    row = user_row(admin.get("/admin").text, "wang")
    assert first[:8] in row and second[:8] in row and "吊销全部 2 个令牌" in row
    form = {"_csrf": csrf_of(admin, "/admin"), "token_prefix": first[:8]}
    revoked = admin.post("/admin/users/wang/revoke", data=form, follow_redirects=True)
    assert f"已吊销用户“wang”的令牌 {first[:8]}（1 个）" in revoked.text
    assert not works(api, first) and works(api, second)
    row = user_row(revoked.text, "wang")
    assert first[:8] not in row and second[:8] in row and "吊销全部" not in row


def test_revoking_every_token_stops_them_all_and_the_list_empties(api: Api) -> None:
    first = new_user(api, "wang")
    second = grant(api, "wang")
    admin = admin_client(api)
    form = {"_csrf": csrf_of(admin, "/admin")}
    admin.post("/admin/users/wang/revoke", data=form)
    assert not works(api, first) and not works(api, second)
    row = user_row(admin.get("/admin").text, "wang")
    assert first[:8] not in row and "有效令牌" not in row


def test_a_token_past_its_day_is_no_longer_listed_as_live(timed_api: Api, clock: FakeClock) -> None:
    new_user(timed_api, "wang", password=None)
    last_day = grant(timed_api, "wang", expires_on=china_date(clock.now).isoformat())
    assert last_day[:8] in user_row(admin_client(timed_api).get("/admin").text, "wang")
    clock.advance(days=1)
    page = browser(timed_api)
    page_login(page, "root")
    assert last_day[:8] not in user_row(page.get("/admin").text, "wang")
    assert not works(timed_api, last_day)


def test_an_admin_cannot_reset_its_own_password_in_the_users_table(api: Api) -> None:
    """管理's 重设密码 asks no old password: on the admin's own row it would hand the account
    to whoever finds the desk open. Its row links to 我的账户 instead."""
    admin = admin_client(api)
    row = user_row(admin.get("/admin").text, "root")
    assert 'id="own-password"' in row and "/admin/users/root/password" not in row
    form = {"_csrf": csrf_of(admin, "/admin"), "new_password": NEW}
    refused = admin.post("/admin/users/root/password", data=form)
    assert refused.status_code == 403
    assert "修改本人的密码请到“我的账户”" in user_row(refused.text, "root")
    assert "PasswordChanged" not in audit_types(api, "root")
    assert page_login(browser(api), "root", PASSWORD).status_code == 303


def test_a_new_password_of_blanks_or_the_old_one_again_is_refused(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api)
    page_login(client, "wang")
    blanks = own_change(client, PASSWORD, " " * 12)
    assert blanks.status_code == 422 and "密码不能全是空白或不可见字符" in blanks.text
    same = own_change(client, PASSWORD, PASSWORD)
    assert same.status_code == 422 and "新密码不能与原密码相同" in same.text
    assert "PasswordChanged" not in audit_types(api, "wang")


def test_a_disabled_users_tokens_are_shown_suspended_and_enabling_warns_of_them(api: Api) -> None:
    """A review's admin disabled a user over a leaked token and read 有效令牌 1 beside it; once
    enabled again, the token worked, and nothing had said it would."""
    token = new_user(api, "wang")
    admin = admin_client(api)
    form = {"_csrf": csrf_of(admin, "/admin"), "reason": "令牌可能泄露"}
    assert admin.post("/admin/users/wang/disable", data=form).status_code in (200, 303)
    assert not works(api, token)
    row = user_row(admin.get("/admin").text, "wang")
    assert ">停用中 1</td>" in row and "未吊销的令牌（停用中）" in row
    assert "账号已停用，以下令牌暂不可用；启用后恢复可用。" in row
    assert "其未吊销的 1 个令牌将随之恢复可用；如令牌可能已泄露，请先吊销。" in row
    revoke = {"_csrf": csrf_of(admin, "/admin")}
    admin.post("/admin/users/wang/revoke", data=revoke)
    row = user_row(admin.get("/admin").text, "wang")
    assert "停用中" not in row and "恢复可用" not in row  # nothing left to come back
    admin.post("/admin/users/wang/enable", data=form)
    assert not works(api, token)

"""Password login and its session cookie (API.md v1.1 § Users and sessions): cookie flags, the
same 401 for every bad pair, the lockout (5 failures in 15 minutes → locked 15 minutes, 429),
logout, the absolute lifetime, and ``/v1/me``. Time is moved on an injected clock."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.accounts_support import (
    PASSWORD,
    audit_events,
    browser,
    counted_reads,
    log_in,
    new_user,
)
from tests.api.conftest import Api, FakeClock, bearer, case_body
from tests.api.test_pages import page_login


def cookie_flags(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}


def me(client: TestClient) -> int:
    status: int = client.get("/v1/me").status_code
    return status


def test_login_sets_an_httponly_samesite_strict_cookie(api: Api) -> None:
    new_user(api, "wang")
    response = log_in(browser(api), "wang")
    assert response.status_code == 201, response.text
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith("banli_session=")
    assert "samesite=strict" in set_cookie.lower()
    flags = cookie_flags(set_cookie)
    assert {"httponly", "max-age", "path"} <= flags
    assert "secure" not in flags  # plain http: a Secure cookie would never come back
    body = response.json()
    assert body["username"] == "wang" and body["role"] == "office"
    assert "expires_at" in body
    assert response.cookies["banli_session"] not in response.text  # the secret is not in the body


def test_login_over_https_sets_a_secure_cookie(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api, https=True)
    response = log_in(client, "wang")
    assert response.status_code == 201, response.text
    assert "secure" in cookie_flags(response.headers["set-cookie"])
    assert me(client) == 200


def test_the_session_cookie_authenticates_reads_and_commands(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    assert client.get("/v1/me").json() == {
        "username": "wang",
        "display_name": "wang",
        "role": "office",
        "unit_code": None,
    }
    assert client.get("/v1/ledger").status_code == 200
    registered = client.post("/v1/cases", json=case_body("S-1"))
    assert registered.status_code == 201, registered.text
    history = api.get(f"/v1/cases/{registered.json()['case_id']}/history", "office").json()
    assert history["events"][0]["actor"]["user"] == "wang"


def test_a_bearer_token_wins_over_the_session_cookie(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    response = client.get("/v1/me", headers=bearer(api.tokens["leader"]))
    assert response.json()["username"] == "leader"


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("wang", "wrong password!"),
        ("nobody", PASSWORD),
        ("nopassword", PASSWORD),
        ("disabled", PASSWORD),
    ],
    ids=["wrong-password", "unknown-user", "user-without-password", "disabled-user"],
)
def test_every_bad_pair_gets_the_same_401(api: Api, username: str, password: str) -> None:
    """No username probing: an unknown user is answered exactly as a wrong password is."""
    new_user(api, "wang")
    new_user(api, "nopassword", password=None)
    new_user(api, "disabled")
    api.post("/v1/users/disabled/disable", {"reason": "离职"}, "admin")
    reference = log_in(browser(api), "wang", "wrong password!")
    before = api.head()
    response = log_in(browser(api), username, password)
    assert response.status_code == 401
    assert response.json() == reference.json()
    assert response.json()["detail"] == "unknown username or wrong password"
    assert "set-cookie" not in response.headers
    assert api.head() == before


@pytest.mark.parametrize(
    "body",
    [
        {"username": "wang"},
        {"password": PASSWORD},
        {"username": "wang", "password": 123456789012},
        {"username": "wa\x00ng", "password": PASSWORD},
        {"username": "wang", "password": "\ud800 surrogate pass"},
        {"username": "x" * 101, "password": PASSWORD},
        {"username": "wang", "password": PASSWORD, "remember": True},
    ],
    ids=["no-password", "no-username", "number", "nul", "surrogate", "long-name", "extra"],
)
def test_a_malformed_login_is_422_with_a_null_rule(api: Api, body: dict[str, Any]) -> None:
    new_user(api, "wang")
    before = api.head()
    # As JSON escapes: a lone surrogate cannot be sent as UTF-8.
    response = browser(api).post(
        "/v1/session", content=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["rule"] is None
    assert api.head() == before


def test_five_failures_in_15_minutes_lock_the_user_for_15_minutes(
    timed_api: Api, clock: FakeClock
) -> None:
    api = timed_api
    new_user(api, "wang")
    client = browser(api)
    for _ in range(5):
        assert log_in(client, "wang", "wrong password!").status_code == 401
        clock.advance(minutes=2)  # the fifth failure comes 8 minutes after the first
    locked = log_in(client, "wang")  # even the right password
    assert locked.status_code == 429, locked.text
    assert locked.headers["content-type"] == "application/problem+json"
    assert int(locked.headers["retry-after"]) == 13 * 60
    clock.advance(minutes=12, seconds=59)
    assert log_in(client, "wang").status_code == 429
    clock.advance(seconds=1)  # 15 minutes after the fifth failure
    assert log_in(client, "wang").status_code == 201


def test_failures_spread_over_more_than_15_minutes_do_not_lock(
    timed_api: Api, clock: FakeClock
) -> None:
    api = timed_api
    new_user(api, "wang")
    client = browser(api)
    for _ in range(6):
        assert log_in(client, "wang", "wrong password!").status_code == 401
        clock.advance(minutes=4)
    assert log_in(client, "wang").status_code == 201


def test_an_unknown_username_is_locked_alike(timed_api: Api, clock: FakeClock) -> None:
    """Else the lock itself would tell which usernames exist."""
    api = timed_api
    new_user(api, "wang")
    client = browser(api)
    for name in ("wang", "nobody"):
        for _ in range(5):
            assert log_in(client, name, "wrong password!").status_code == 401
    known, unknown = log_in(client, "wang", "x" * 12), log_in(client, "nobody", "x" * 12)
    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json()


def test_a_lock_is_per_username(timed_api: Api, clock: FakeClock) -> None:
    api = timed_api
    new_user(api, "wang")
    new_user(api, "li")
    client = browser(api)
    for _ in range(5):
        log_in(client, "wang", "wrong password!")
    assert log_in(client, "wang").status_code == 429
    assert log_in(client, "li").status_code == 201


def test_a_successful_login_starts_the_count_afresh(timed_api: Api, clock: FakeClock) -> None:
    api = timed_api
    new_user(api, "wang")
    client = browser(api)
    for _ in range(4):
        log_in(client, "wang", "wrong password!")
    assert log_in(client, "wang").status_code == 201
    for _ in range(4):
        assert log_in(client, "wang", "wrong password!").status_code == 401
    assert log_in(client, "wang").status_code == 201


def test_a_wrong_old_password_counts_towards_the_lock(timed_api: Api, clock: FakeClock) -> None:
    """A stolen token cannot guess the password through the password change either."""
    api = timed_api
    token = new_user(api, "wang")
    body = {"old_password": "wrong password!", "new_password": "a new passphrase"}
    for _ in range(5):
        assert api.post("/v1/users/wang/password", body, token).status_code == 403
    assert log_in(browser(api), "wang").status_code == 429
    right = {"old_password": PASSWORD, "new_password": "a new passphrase"}
    assert api.post("/v1/users/wang/password", right, token).status_code == 429


def test_logout_ends_the_session(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    secret = client.cookies["banli_session"]
    response = client.delete("/v1/session")
    assert response.status_code == 204, response.text
    assert 'banli_session=""' in response.headers["set-cookie"]
    assert me(client) == 401
    replayed = browser(api)
    replayed.cookies.set("banli_session", secret)
    assert me(replayed) == 401
    assert replayed.delete("/v1/session").status_code == 401


def test_a_session_checked_again_reads_only_its_versions_until_the_store_moves(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session and its user are read in full once, then only their newest versions (one
    statement) until either has a newer event: a password change counts at the next request."""
    new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    reads = counted_reads(api, monkeypatch)
    assert me(client) == 200
    first = len(reads)
    assert first == 2  # the session, then its user
    assert me(client) == 200 and me(client) == 200
    assert len(reads) == first  # kept: nothing of either moved
    change = {"old_password": PASSWORD, "new_password": "another-long-password-9"}
    assert client.post("/v1/users/wang/password", json=change).status_code in (200, 201, 204)
    assert me(client) == 401  # the user moved: read again, and the session no longer admitted


def test_logout_without_a_session_is_401(api: Api) -> None:
    response = api.client.delete("/v1/session", headers=bearer(api.tokens["office"]))
    assert response.status_code == 401, response.text


def test_logins_and_logouts_are_in_the_audit_log(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    client.delete("/v1/session")
    events = [e for e in audit_events(api) if e["type"] in ("SessionStarted", "SessionEnded")]
    assert [(e["type"], e["actor"]["user"]) for e in events] == [
        ("SessionStarted", "wang"),
        ("SessionEnded", "wang"),
    ]


def test_a_session_ends_after_its_absolute_lifetime(timed_api: Api, clock: FakeClock) -> None:
    api = timed_api
    new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    clock.advance(hours=7, minutes=59)
    assert me(client) == 200  # using it does not extend it: the lifetime is absolute
    clock.advance(minutes=1)
    assert me(client) == 401


def test_disable_ends_sessions_at_once_and_enable_restores_them(api: Api) -> None:
    new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    api.post("/v1/users/wang/disable", {"reason": "调离"}, "admin")
    assert me(client) == 401
    api.post("/v1/users/wang/enable", {"reason": "返岗"}, "admin")
    assert me(client) == 200


def test_a_password_change_ends_earlier_sessions_but_not_tokens(api: Api) -> None:
    token = new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    api.post("/v1/users/wang/password", {"new_password": "a new passphrase"}, "admin")
    assert me(client) == 401
    assert api.get("/v1/me", token).status_code == 200
    assert log_in(client, "wang", "a new passphrase").status_code == 201
    assert me(client) == 200


def test_me_answers_for_a_token_a_session_and_the_bootstrap_token(api: Api) -> None:
    assert api.get("/v1/me", "handler_fin").json() == {
        "username": "handler_fin",
        "display_name": "handler_fin",
        "role": "handler",
        "unit_code": "FIN",
    }
    boot = api.get("/v1/me", "boot").json()
    assert (boot["username"], boot["role"], boot["unit_code"]) == ("bootstrap-admin", "admin", None)
    assert api.get("/v1/me", None).status_code == 401


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_form_another_site_could_post_cannot_use_the_session_cookie(
    api: Api, content_type: str
) -> None:
    """Beside SameSite=Strict: a command body must be JSON, which a plain HTML form cannot
    send, so a cross-site form post with the cookie writes nothing."""
    new_user(api, "wang")
    client = browser(api)
    log_in(client, "wang")
    before = api.head()
    response = client.post(
        "/v1/cases", content=json.dumps(case_body("X-1")), headers={"Content-Type": content_type}
    )
    assert response.status_code == 422, response.text
    assert api.head() == before


def test_the_login_page_tells_a_disabled_user_with_the_right_password_so(api: Api) -> None:
    """A review's disabled user, told 用户名或密码错误 for the right password, would have reset
    a password that was fine. Only the password's holder is told; the API answers as for any
    bad pair (above), and a wrong password reads as before."""
    new_user(api, "disabled")
    api.post("/v1/users/disabled/disable", {"reason": "离职"}, "admin")
    before = api.head()
    told = page_login(browser(api), "disabled")
    assert told.status_code == 403 and "该账号已停用，请联系系统管理员" in told.text
    assert "banli_session" not in told.headers.get("set-cookie", "") and api.head() == before
    wrong = page_login(browser(api), "disabled", "wrong password!")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    assert "已停用" not in wrong.text

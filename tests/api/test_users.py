"""Users and their tokens (API.md v1.1 § Users and sessions): disable, enable, new tokens with
an expiry, revocation by prefix or all, passwords; each an event the audit log shows."""

from __future__ import annotations

from typing import Any

import pytest

from domain.directory import User
from infra.clock import china_date
from tests.api.accounts_support import (
    PASSWORD,
    audit_events,
    browser,
    counted_reads,
    grant,
    log_in,
    new_user,
    works,
)
from tests.api.conftest import Api, FakeClock

# ---------------------------------------------------------------------- disable and enable


def test_disable_stops_every_token_of_the_user_at_once_and_enable_restores_them(api: Api) -> None:
    first = new_user(api, "wang")
    second = grant(api, "wang")
    assert works(api, first) and works(api, second)
    response = api.post("/v1/users/wang/disable", {"reason": "调离"}, "admin")
    assert response.status_code == 201, response.text
    assert response.json()["enabled"] is False
    assert not works(api, first) and not works(api, second)
    assert api.get("/v1/ledger", first).status_code == 401
    assert api.post("/v1/users/wang/enable", {"reason": "返岗"}, "admin").status_code == 201
    assert works(api, first) and works(api, second)


def test_a_token_checked_again_reads_its_user_again_only_once_the_user_moved(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user behind a bearer token is read in full once, then only its newest version (one
    statement) until it has a newer event: a disable counts at the next request."""
    token = new_user(api, "wang")
    user_id = User.create_id("wang")
    reads = counted_reads(api, monkeypatch)
    assert works(api, token)
    before = reads.count(user_id)
    assert works(api, token) and works(api, token)
    assert reads.count(user_id) == before  # kept: the user did not move
    assert api.post("/v1/users/wang/disable", {"reason": "调离"}, "admin").status_code == 201
    disabled = reads.count(user_id)
    assert not works(api, token)
    assert reads.count(user_id) == disabled + 1  # moved: read again, and no longer admitted


def test_a_disabled_user_cannot_get_a_new_token_that_works(api: Api) -> None:
    """A token issued while the user was disabled failed, then worked the day the user was
    enabled again, with nothing said when it was issued (a review): it is refused instead."""
    new_user(api, "wang")
    api.post("/v1/users/wang/disable", {"reason": "调离"}, "admin")
    before = api.head()
    refused = api.post("/v1/users/wang/tokens", {}, "admin")
    assert refused.status_code == 409 and "已停用" in refused.json()["detail"], refused.text
    assert api.head() == before
    api.post("/v1/users/wang/enable", {"reason": "调回"}, "admin")
    assert works(api, grant(api, "wang"))


def test_disable_answers_the_event_it_recorded(api: Api) -> None:
    new_user(api, "wang")
    before = api.head()
    body = api.post("/v1/users/wang/disable", {"reason": "调离"}, "admin").json()
    assert body["username"] == "wang"
    [event] = body["events"]
    assert event["type"] == "UserDisabled"
    assert event["position"] == before + 1


def test_disabling_a_disabled_user_is_409_and_writes_nothing(api: Api) -> None:
    new_user(api, "wang")
    api.post("/v1/users/wang/disable", {"reason": "调离"}, "admin")
    before = api.head()
    response = api.post("/v1/users/wang/disable", {"reason": "再次"}, "admin")
    assert response.status_code == 409, response.text
    assert api.post("/v1/users/admin/enable", {"reason": "x"}, "boot").status_code == 409
    assert api.head() == before


def test_an_admin_cannot_disable_itself(api: Api) -> None:
    before = api.head()
    response = api.post("/v1/users/admin/disable", {"reason": "误操作"}, "admin")
    assert response.status_code == 409, response.text
    assert works(api, api.tokens["admin"])
    assert api.head() == before


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": ""}, {"reason": 5}, {"reason": "a\x00b"}, {"reason": "x", "extra": 1}],
    ids=["missing", "empty", "number", "nul", "extra-field"],
)
def test_disable_without_a_proper_reason_is_422_and_writes_nothing(
    api: Api, body: dict[str, Any]
) -> None:
    before = api.head()
    response = api.post("/v1/users/office/disable", body, "admin")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["rule"] is None
    assert api.head() == before
    assert works(api, api.tokens["office"])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("disable", {"reason": "x"}),
        ("enable", {"reason": "x"}),
        ("tokens", {}),
        ("tokens/revoke", {}),
        ("password", {"new_password": PASSWORD}),
    ],
)
def test_a_user_command_on_an_unknown_user_is_404_and_writes_nothing(
    api: Api, path: str, body: dict[str, Any]
) -> None:
    before = api.head()
    response = api.post(f"/v1/users/nobody/{path}", body, "admin")
    assert response.status_code == 404, response.text
    assert api.head() == before


# ---------------------------------------------------------------------- tokens


def test_a_new_token_works_beside_the_earlier_ones(api: Api) -> None:
    first = new_user(api, "wang")
    second = grant(api, "wang")
    third = grant(api, "wang")
    assert len({first, second, third}) == 3
    assert all(works(api, t) for t in (first, second, third))
    me = api.get("/v1/me", third).json()
    assert me == {"username": "wang", "display_name": "wang", "role": "office", "unit_code": None}


def test_a_token_works_through_its_expires_on_day_and_is_401_after(
    timed_api: Api, clock: FakeClock
) -> None:
    api = timed_api
    new_user(api, "wang")
    last_day = china_date(clock.now)
    token = grant(api, "wang", expires_on=last_day.isoformat())
    assert works(api, token)
    clock.advance(days=1)
    assert not works(api, token)
    assert works(api, api.tokens["admin"])  # tokens without an expiry are not touched


@pytest.mark.parametrize(
    "expires_on",
    ["2000-01-01", "2030-13-01", 20300101, True, "tomorrow", None],
    ids=["past", "bad-month", "number", "bool", "word", "null-is-fine"],
)
def test_expires_on_must_be_a_date_not_in_the_past(api: Api, expires_on: Any) -> None:
    new_user(api, "wang")
    before = api.head()
    response = api.post("/v1/users/wang/tokens", {"expires_on": expires_on}, "admin")
    if expires_on is None:
        assert response.status_code == 201, response.text
        return
    assert response.status_code == 422, response.text
    assert response.json()["rule"] is None
    assert api.head() == before


def test_revoke_by_prefix_stops_only_that_token(api: Api) -> None:
    first = new_user(api, "wang")
    second = grant(api, "wang")
    response = api.post("/v1/users/wang/tokens/revoke", {"token_prefix": second[:8]}, "admin")
    assert response.status_code == 201, response.text
    assert response.json()["revoked"] == [second[:8]]
    assert not works(api, second)
    assert works(api, first)


def test_revoke_all_stops_every_token_and_a_later_token_works(api: Api) -> None:
    first = new_user(api, "wang")
    second = grant(api, "wang")
    response = api.post("/v1/users/wang/tokens/revoke", {}, "admin")
    assert response.status_code == 201, response.text
    assert sorted(response.json()["revoked"]) == sorted([first[:8], second[:8]])
    assert not works(api, first) and not works(api, second)
    third = grant(api, "wang")
    assert works(api, third)
    assert works(api, api.tokens["office"])  # another user's tokens are not touched


def test_revoking_a_prefix_no_live_token_has_is_404_and_writes_nothing(api: Api) -> None:
    token = new_user(api, "wang")
    api.post("/v1/users/wang/tokens/revoke", {"token_prefix": token[:8]}, "admin")
    before = api.head()
    for prefix in (token[:8], "zzzzzzzz"):
        response = api.post("/v1/users/wang/tokens/revoke", {"token_prefix": prefix}, "admin")
        assert response.status_code == 404, response.text
    assert api.head() == before


@pytest.mark.parametrize("prefix", ["short", "ninechars", "", 12345678])
def test_a_token_prefix_is_its_first_8_characters(api: Api, prefix: Any) -> None:
    token = new_user(api, "wang")
    response = api.post("/v1/users/wang/tokens/revoke", {"token_prefix": prefix}, "admin")
    assert response.status_code == 422, response.text
    assert works(api, token)


def test_a_user_manages_its_own_tokens_but_no_one_elses(api: Api) -> None:
    mine = new_user(api, "wang")
    other = new_user(api, "li", role="leader")
    second = grant(api, "wang", who=mine)
    assert works(api, second)
    revoke = {"token_prefix": second[:8]}
    assert api.post("/v1/users/wang/tokens/revoke", revoke, mine).status_code == 201
    assert not works(api, second)
    assert api.post("/v1/users/li/tokens", {}, mine).status_code == 403
    # Refused for who it is before its body is judged, as every role check is.
    assert api.post("/v1/users/li/tokens", {"expires_on": "soon"}, mine).status_code == 403
    assert api.post("/v1/users/li/tokens/revoke", {}, mine).status_code == 403
    assert api.post("/v1/users/wang/tokens/revoke", {}, other).status_code == 403
    assert works(api, mine)


def test_an_idempotent_token_grant_replays_without_the_token(api: Api) -> None:
    new_user(api, "wang")
    first = api.post("/v1/users/wang/tokens", {}, "admin", **{"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.text
    before = api.head()
    again = api.post("/v1/users/wang/tokens", {}, "admin", **{"Idempotency-Key": "k1"})
    assert again.status_code == 200, again.text
    assert again.json()["token"] is None
    assert again.json()["events"] == first.json()["events"]
    assert api.head() == before
    assert works(api, first.json()["token"])


# ---------------------------------------------------------------------- passwords


def test_a_user_created_with_a_password_can_log_in(api: Api) -> None:
    new_user(api, "wang", password=PASSWORD)
    response = log_in(browser(api), "wang")
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "password",
    ["short", "elevenchars", "", 123456789012, " " * 12, "\t" * 16, "\u200b" * 12],
    ids=repr,
)
def test_a_password_shorter_than_12_characters_or_blank_is_422_and_writes_nothing(
    api: Api, password: Any
) -> None:
    before = api.head()
    body = {"username": "wang", "display_name": "王", "role": "office", "password": password}
    response = api.post("/v1/users", body, "admin")
    assert response.status_code == 422, response.text
    assert response.json()["rule"] is None
    change = api.post("/v1/users/office/password", {"new_password": password}, "admin")
    assert change.status_code == 422, change.text
    assert api.head() == before


def test_an_admin_sets_a_password_without_the_old_one(api: Api) -> None:
    response = api.post("/v1/users/office/password", {"new_password": PASSWORD}, "admin")
    assert response.status_code == 201, response.text
    assert [e["type"] for e in response.json()["events"]] == ["PasswordChanged"]
    assert log_in(browser(api), "office").status_code == 201


def test_a_new_password_equal_to_the_old_one_is_422_and_writes_nothing(api: Api) -> None:
    token = new_user(api, "wang")
    before = api.head()
    same = {"old_password": PASSWORD, "new_password": PASSWORD}
    response = api.post("/v1/users/wang/password", same, token)
    assert response.status_code == 422, response.text
    assert api.head() == before


def test_an_admin_changes_its_own_password_only_with_the_old_one(api: Api) -> None:
    """A token or session left open must not hand an admin's account over: the old password
    is asked of an admin changing its own, as of anyone (another's it sets without)."""
    token = new_user(api, "root", role="admin")
    before = api.head()
    response = api.post("/v1/users/root/password", {"new_password": "taken over account"}, token)
    assert response.status_code == 422, response.text
    assert api.head() == before
    body = {"old_password": PASSWORD, "new_password": "a new passphrase here"}
    assert api.post("/v1/users/root/password", body, token).status_code == 201


def test_a_wrong_old_password_is_said_before_the_new_one_is_judged_against_it(api: Api) -> None:
    token = new_user(api, "wang")
    wrong = {"old_password": "not the password", "new_password": "not the password"}
    assert api.post("/v1/users/wang/password", wrong, token).status_code == 403


def test_an_old_password_an_admin_gives_is_checked_too(api: Api) -> None:
    """The workbench's own-password form sends it for every role: a wrong one is 403 and
    writes nothing, as for anyone."""
    before = api.head()
    wrong = {"old_password": "not the password", "new_password": PASSWORD}
    response = api.post("/v1/users/office/password", wrong, "admin")
    assert response.status_code == 403, response.text
    assert api.head() == before


def test_a_user_changes_its_own_password_with_the_old_one(api: Api) -> None:
    token = new_user(api, "wang")
    body = {"old_password": PASSWORD, "new_password": "a new passphrase here"}
    assert api.post("/v1/users/wang/password", body, token).status_code == 201
    assert log_in(browser(api), "wang", "a new passphrase here").status_code == 201
    assert log_in(browser(api), "wang", PASSWORD).status_code == 401


def test_changing_ones_own_password_needs_the_right_old_one(api: Api) -> None:
    token = new_user(api, "wang")
    before = api.head()
    missing = api.post("/v1/users/wang/password", {"new_password": "a new passphrase"}, token)
    assert missing.status_code == 422, missing.text
    wrong = {"old_password": "not the password", "new_password": "a new passphrase"}
    response = api.post("/v1/users/wang/password", wrong, token)
    assert response.status_code == 403, response.text
    assert api.head() == before
    assert log_in(browser(api), "wang").status_code == 201


def test_no_one_but_an_admin_changes_another_users_password(api: Api) -> None:
    new_user(api, "wang")
    body = {"old_password": PASSWORD, "new_password": "taken over account"}
    for who in ("office", "leader", "auditor", "handler_fin"):
        assert api.post("/v1/users/wang/password", body, who).status_code == 403


def test_an_idempotency_key_fingerprint_holds_no_password(api: Api) -> None:
    """Only whether a password was given is fingerprinted (a fast hash of the body would be a
    fast hash of the password): the same key with another password replays the first answer."""
    body = {"username": "wang", "display_name": "王", "role": "office", "password": PASSWORD}
    first = api.post("/v1/users", body, "admin", **{"Idempotency-Key": "u1"})
    assert first.status_code == 201, first.text
    other = {**body, "password": "another passphrase"}
    again = api.post("/v1/users", other, "admin", **{"Idempotency-Key": "u1"})
    assert again.status_code == 200, again.text
    without = {k: v for k, v in body.items() if k != "password"}
    clash = api.post("/v1/users", without, "admin", **{"Idempotency-Key": "u1"})
    assert clash.status_code == 409, clash.text


# ---------------------------------------------------------------------- the audit log


def test_the_audit_log_shows_who_disabled_granted_and_revoked(api: Api) -> None:
    token = new_user(api, "wang")
    api.post("/v1/users/wang/disable", {"reason": "调离"}, "admin")
    api.post("/v1/users/wang/enable", {"reason": "返岗"}, "boot")
    second = grant(api, "wang", who=token)
    api.post("/v1/users/wang/tokens/revoke", {"token_prefix": second[:8]}, "admin")
    api.post("/v1/users/wang/password", {"new_password": "another passphrase"}, "admin")
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in audit_events(api):
        by_type.setdefault(item["type"], []).append(item)
    [disabled] = by_type["UserDisabled"]
    assert disabled["actor"] == {"user": "admin", "role": "admin", "unit": None}
    assert disabled["data"]["reason"] == "调离"
    assert disabled["recorded_at"]
    [enabled] = by_type["UserEnabled"]
    assert enabled["actor"]["user"] == "bootstrap-admin"
    issued = [e for e in by_type["TokenIssued"] if e["data"]["prefix"] == second[:8]]
    assert [e["actor"]["user"] for e in issued] == ["wang"]
    [revoked] = by_type["TokensRevoked"]
    assert revoked["actor"]["user"] == "admin"
    assert revoked["data"]["every_token"] is False
    assert {e["actor"]["user"] for e in by_type["PasswordChanged"]} == {"bootstrap-admin", "admin"}


def test_the_audit_log_never_shows_a_password_or_its_hash(api: Api) -> None:
    new_user(api, "wang")
    api.post("/v1/users/wang/password", {"new_password": "another passphrase"}, "admin")
    text = str(audit_events(api))
    assert "argon2" not in text
    assert "password_hash" not in text
    assert PASSWORD not in text and "another passphrase" not in text


def test_a_token_without_expires_on_never_expires(timed_api: Api, clock: FakeClock) -> None:
    api = timed_api
    token = new_user(api, "wang")
    clock.advance(days=400)
    assert works(api, token)


@pytest.mark.parametrize("password", [" " * 12, "\u200b" * 12, "\x00" * 12], ids=repr)
def test_a_blank_or_invisible_password_is_refused_alike_on_both_stores(
    backend_api: Api, password: str
) -> None:
    """Refused before anything is written, on SQLite as on PostgreSQL (which holds no NUL),
    and the user reads on afterwards."""
    api = backend_api
    token = new_user(api, "wang")
    before = api.head()
    body = {"old_password": PASSWORD, "new_password": password}
    assert api.post("/v1/users/wang/password", body, token).status_code == 422
    assert api.head() == before
    assert works(api, token)
    assert log_in(browser(api), "wang").status_code == 201


def test_a_second_user_of_the_same_name_is_refused_and_nothing_written(api: Api) -> None:
    """A review created office2 as 陈主任 beside office.chen: its reminders and corrections read
    陈主任（办公室） on the timeline, the 更正 signals and the event log, exactly as the first's."""
    first = {"username": "chen1", "display_name": "陈主任", "role": "office"}
    assert api.post("/v1/users", first, "admin").status_code == 201
    before = api.head()
    body = {**first, "username": "chen2"}
    refused = api.post("/v1/users", body, "admin")
    assert refused.status_code == 409, refused.text
    assert "chen1" in refused.json()["detail"] and api.head() == before
    apart = {**body, "display_name": "陈主任（督查室）"}
    assert api.post("/v1/users", apart, "admin").status_code == 201

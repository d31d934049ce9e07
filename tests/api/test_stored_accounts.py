"""Accounts stored before users had passwords and token states keep working: a user and its
``TokenGrant`` as the earlier code wrote them, the demo accounts of ``make run``, and the
bootstrap token."""

from __future__ import annotations

from pathlib import Path

from demo.accounts import (
    DEMO_PASSWORD,
    create_demo_accounts,
    demo_tokens,
    demo_username,
    give_demo_passwords,
)
from domain.directory import TokenGrant, User, token_hash
from infra.directory import BOOTSTRAP
from tests.api.accounts_support import browser, grant, log_in, works
from tests.api.conftest import Api, start

EARLIER_TOKEN = "stored-before-token-states-existed"


def store_as_the_earlier_code_did(api: Api, username: str, token: str) -> None:
    """``UserCreated`` and ``TokenGranted`` only: no ``TokenIssued`` on the user."""
    actor = BOOTSTRAP.actor()
    user = User.create(
        username=username, display_name="老用户", role="office", unit_code=None, actor=actor
    )
    issued = TokenGrant(
        hashed=token_hash(token), username=username, role="office", unit_code=None, actor=actor
    )
    api.services.app.record([*user.collect_events(), *issued.collect_events()])


def test_a_token_granted_by_the_earlier_code_still_works(api: Api) -> None:
    store_as_the_earlier_code_did(api, "old", EARLIER_TOKEN)
    assert works(api, EARLIER_TOKEN)
    assert api.get("/v1/me", EARLIER_TOKEN).json()["username"] == "old"


def test_a_token_of_the_earlier_code_stops_when_its_user_is_disabled(api: Api) -> None:
    store_as_the_earlier_code_did(api, "old", EARLIER_TOKEN)
    api.post("/v1/users/old/disable", {"reason": "调离"}, "admin")
    assert not works(api, EARLIER_TOKEN)
    api.post("/v1/users/old/enable", {"reason": "返岗"}, "admin")
    assert works(api, EARLIER_TOKEN)


def test_a_token_of_the_earlier_code_is_revoked_with_all_the_users_tokens(api: Api) -> None:
    """Its user never recorded its prefix, so only ``{}`` (all) reaches it."""
    store_as_the_earlier_code_did(api, "old", EARLIER_TOKEN)
    prefix = {"token_prefix": EARLIER_TOKEN[:8]}
    assert api.post("/v1/users/old/tokens/revoke", prefix, "admin").status_code == 404
    assert works(api, EARLIER_TOKEN)
    assert api.post("/v1/users/old/tokens/revoke", {}, "admin").status_code == 201
    assert not works(api, EARLIER_TOKEN)
    assert works(api, grant(api, "old"))


def test_demo_tokens_keep_working_and_demo_users_log_in_with_the_demo_password(
    tmp_path: Path,
) -> None:
    client, services = start(tmp_path / "data")
    try:
        create_demo_accounts(services.directory)
        api = Api(client, services, {})
        for token in demo_tokens().values():
            assert works(api, token), token
        assert len(DEMO_PASSWORD) >= 12
        assert log_in(browser(api), demo_username("office"), DEMO_PASSWORD).status_code == 201
        handler = demo_username("handler", "FIN")
        response = log_in(browser(api), handler, DEMO_PASSWORD)
        assert response.status_code == 201, response.text
        assert response.json()["unit_code"] == "FIN"
    finally:
        services.close()


def test_demo_users_stored_without_a_password_are_given_the_demo_password(api: Api) -> None:
    store_as_the_earlier_code_did(api, demo_username("office"), "demo-office")
    assert log_in(browser(api), "demo-office", DEMO_PASSWORD).status_code == 401
    assert give_demo_passwords(api.services.directory) == 1
    assert give_demo_passwords(api.services.directory) == 0  # once
    assert log_in(browser(api), "demo-office", DEMO_PASSWORD).status_code == 201
    assert works(api, "demo-office")

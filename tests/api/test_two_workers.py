"""Two API workers on one store (two ``build_services`` on the same data folder): a disable,
revocation, logout or password change made through one counts at once on the other, although
the other has just authenticated the same token or session (and remembered its grant)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from banli.compose import build_services
from infra.settings import Settings
from tests.api.accounts_support import grant, log_in, new_user, works
from tests.api.conftest import BOOT, Api, start
from tests.api.conftest import create_units_and_users as seed


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[Api, Api]]:
    client, services = start(tmp_path / "data")
    # The second worker runs no projections of its own, as API workers in production.
    other = build_services(
        Settings(data_dir=tmp_path / "data", bootstrap_admin_token=BOOT), embedded=False
    )
    try:
        first = Api(client, services, seed(client))
        second = Api(TestClient(create_app(other), raise_server_exceptions=False), other, {})
        second.tokens = first.tokens
        yield first, second
    finally:
        other.close()
        services.close()


def test_a_disable_through_one_worker_stops_tokens_on_the_other_at_once(
    workers: tuple[Api, Api],
) -> None:
    one, two = workers
    token = new_user(one, "wang")
    assert works(two, token)  # the second worker now remembers the grant
    assert one.post("/v1/users/wang/disable", {"reason": "调离"}, "admin").status_code == 201
    assert not works(two, token)
    assert two.post("/v1/users/wang/enable", {"reason": "返岗"}, "admin").status_code == 201
    assert works(one, token) and works(two, token)


def test_a_revocation_through_one_worker_counts_on_the_other_at_once(
    workers: tuple[Api, Api],
) -> None:
    one, two = workers
    first = new_user(one, "wang")
    second = grant(two, "wang")
    assert works(one, second) and works(two, first)
    revoke = {"token_prefix": second[:8]}
    assert one.post("/v1/users/wang/tokens/revoke", revoke, "admin").status_code == 201
    assert not works(two, second) and works(two, first)
    assert two.post("/v1/users/wang/tokens/revoke", {}, "admin").status_code == 201
    assert not works(one, first)


def test_sessions_end_on_every_worker_at_once(workers: tuple[Api, Api]) -> None:
    one, two = workers
    new_user(one, "wang")
    browser_one = TestClient(one.client.app, raise_server_exceptions=False)
    log_in(browser_one, "wang")
    secret = browser_one.cookies["banli_session"]
    browser_two = TestClient(two.client.app, raise_server_exceptions=False)
    browser_two.cookies.set("banli_session", secret)
    assert browser_two.get("/v1/me").status_code == 200
    one.post("/v1/users/wang/disable", {"reason": "调离"}, "admin")
    assert browser_two.get("/v1/me").status_code == 401
    one.post("/v1/users/wang/enable", {"reason": "返岗"}, "admin")
    assert browser_two.get("/v1/me").status_code == 200
    assert browser_one.delete("/v1/session").status_code == 204
    assert browser_two.get("/v1/me").status_code == 401


def test_failed_logins_on_every_worker_count_towards_one_lock(workers: tuple[Api, Api]) -> None:
    one, two = workers
    new_user(one, "wang")
    for n in range(5):
        worker = one if n % 2 else two
        assert log_in(worker.client, "wang", "wrong password!").status_code == 401
    assert log_in(one.client, "wang").status_code == 429
    assert log_in(two.client, "wang").status_code == 429

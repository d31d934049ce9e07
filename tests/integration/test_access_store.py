"""Users, tokens, sessions and the login lockout against every event-store backend (SQLite,
PostgreSQL), with two "workers" (two applications on one store): what one changes, the other
sees at its next request, although it remembered the token's grant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from domain.directory import TokenGrant, User, token_hash
from infra.accounts import Accounts
from infra.application import BanliApplication
from infra.clock import china_date, today
from infra.command_context import CommandContext
from infra.directory import BOOTSTRAP, Directory, Principal
from infra.login_throttle import KEPT, LoginLocked, LoginThrottle
from infra.passwords import BadCredentials
from infra.sessions import Sessions

PASSWORD = "correct horse battery staple"
ADMIN = CommandContext(BOOTSTRAP.actor(), today())


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Worker:
    directory: Directory
    accounts: Accounts
    sessions: Sessions
    throttle: LoginThrottle


def worker(env: dict[str, str], clock: Clock) -> Worker:
    app = BanliApplication(env=env)
    directory = Directory(app, None, clock)
    throttle = LoginThrottle(app.index)
    accounts = Accounts(directory, throttle)
    return Worker(directory, accounts, Sessions(directory, throttle, timedelta(hours=8)), throttle)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pair(store_env: dict[str, str], clock: Clock) -> tuple[Worker, Worker]:
    return worker(store_env, clock), worker(dict(store_env), clock)


def new_user(w: Worker, username: str) -> str:
    answer, _ = w.directory.create_user(
        BOOTSTRAP, username=username, display_name=username, role="office", password=PASSWORD
    )
    token: str = answer["token"]
    return token


def test_a_disable_through_one_worker_counts_on_the_other_at_once(
    pair: tuple[Worker, Worker],
) -> None:
    one, two = pair
    token = new_user(one, "wang")
    assert two.directory.authenticate(token) == Principal("wang", "office", None, "wang")
    one.accounts.disable(ADMIN, "wang", "调离")
    assert two.directory.authenticate(token) is None
    two.accounts.enable(ADMIN, "wang", "返岗")
    assert one.directory.authenticate(token) is not None


def test_revocation_and_expiry_count_on_the_other_worker(
    pair: tuple[Worker, Worker], clock: Clock
) -> None:
    one, two = pair
    first = new_user(one, "wang")
    later = one.accounts.grant_token(ADMIN, BOOTSTRAP, "wang", china_date(clock.now)).token
    assert later is not None
    assert two.directory.authenticate(later) is not None
    clock.now += timedelta(days=1)
    assert two.directory.authenticate(later) is None
    assert two.directory.authenticate(first) is not None
    change = one.accounts.revoke_tokens(ADMIN, "wang", first[:8])
    assert change.revoked == (first[:8],)
    assert two.directory.authenticate(first) is None


def test_a_session_ends_on_every_worker(pair: tuple[Worker, Worker]) -> None:
    one, two = pair
    new_user(one, "wang")
    opened = one.sessions.login("wang", PASSWORD)
    assert two.sessions.authenticate(opened.secret) is not None
    assert two.sessions.end(opened.secret) is not None
    assert one.sessions.authenticate(opened.secret) is None
    assert one.sessions.end(opened.secret) is None


def test_failed_logins_lock_on_every_worker_and_are_pruned(
    pair: tuple[Worker, Worker], clock: Clock
) -> None:
    one, two = pair
    new_user(one, "wang")
    for n in range(5):
        with pytest.raises(BadCredentials):
            (one if n % 2 else two).sessions.login("wang", "wrong password!")
    for w in pair:
        with pytest.raises(LoginLocked):
            w.sessions.login("wang", PASSWORD)
    clock.now += KEPT
    with pytest.raises(BadCredentials):
        one.sessions.login("nobody", "wrong password!")  # a later failure prunes older rows
    rows = one.directory.app.index._fetch("SELECT username FROM banli_login_failures", ())
    assert [r["username"] for r in rows] == ["nobody"]
    assert two.sessions.login("wang", PASSWORD).principal.user == "wang"


def test_a_token_stored_by_the_earlier_code_works_until_all_are_revoked(
    pair: tuple[Worker, Worker],
) -> None:
    one, two = pair
    actor = BOOTSTRAP.actor()
    user = User.create(
        username="old", display_name="老", role="office", unit_code=None, actor=actor
    )
    grant = TokenGrant(
        hashed=token_hash("earlier-token"),
        username="old",
        role="office",
        unit_code=None,
        actor=actor,
    )
    one.directory.app.record([*user.collect_events(), *grant.collect_events()])
    assert two.directory.authenticate("earlier-token") is not None
    one.accounts.revoke_tokens(ADMIN, "old", None)
    assert two.directory.authenticate("earlier-token") is None

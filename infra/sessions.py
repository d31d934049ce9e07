"""Password logins (POST /v1/session): a session per login, found by the hash of its secret.

Like tokens, nothing about a session is trusted from memory: the session (ended?) and its user
(enabled? password changed since?) are read from the store on every request. Read again in
full when the store has a newer event of either, and otherwise kept (``KeptAggregates``: the
store answers their newest versions, one statement where reading both was two).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.directory import User, token_hash
from domain.errors import Conflict
from domain.sessions import Session
from infra.directory import Directory, Principal, new_secret, principal_of, well_formed_secret
from infra.kept_aggregates import KeptAggregates
from infra.login_throttle import LoginThrottle
from infra.passwords import AccountDisabled
from infra.recorders import LATEST


@dataclass(frozen=True)
class OpenedSession:
    secret: str  # given to the browser once, in the cookie; only its hash is stored
    expires_at: datetime
    principal: Principal


class Sessions:
    def __init__(self, directory: Directory, throttle: LoginThrottle, lifetime: timedelta) -> None:
        self.directory = directory
        self.throttle = throttle
        self.lifetime = lifetime
        self.kept = KeptAggregates(directory.app.index)

    def login(self, username: str, password: str) -> OpenedSession:
        """Raises ``LoginLocked`` or ``BadCredentials`` (also for an unknown user), and
        ``AccountDisabled`` for a disabled user's right password."""
        now = self.directory.clock()
        usable = self.directory.current_user(username)
        stored = usable.password_hash if usable is not None else None
        self.throttle.verify(username, stored, password, now)
        assert usable is not None  # verify refuses a missing hash
        if not usable.enabled:
            raise AccountDisabled
        secret = new_secret()
        who = principal_of(usable)
        session = Session(
            hashed=token_hash(secret),
            username=usable.username,
            expires_at=now + self.lifetime,
            user_version=usable.version,
            actor=who.actor(),
        )
        self.directory.app.record(session.collect_events())
        return OpenedSession(secret, session.expires_at, who)

    def authenticate(self, secret: str) -> Principal | None:
        found = self._live(secret)
        return found[1] if found else None

    def end(self, secret: str) -> Principal | None:
        """Logs out: the session stops working; None if it was not a live session."""
        found = self._live(secret, fresh=True)  # its own copy: ending it changes it
        if found is None:
            return None
        session, who = found
        try:
            session.end(actor=who.actor())
            self.directory.app.record(session.collect_events())
        except (Conflict, IntegrityError):
            return None  # ended meanwhile (another worker, a double click)
        return who

    def _live(self, secret: str, *, fresh: bool = False) -> tuple[Session, Principal] | None:
        if not well_formed_secret(secret):
            return None
        session_id = Session.create_id(token_hash(secret))
        read = partial(self._read, session_id)
        both = read() if fresh else self.kept.current_or_read(session_id, read)
        if both is None:
            return None
        found, user = both
        assert isinstance(found, Session) and isinstance(user, User)
        if not found.admits(self.directory.clock()) or not user.admits_session(found.user_version):
            return None
        return found, principal_of(user)

    def _read(self, session_id: UUID) -> tuple[Session, User] | None:
        """The session and its user as the store holds them now; None without either."""
        try:
            found: Any = self.directory.app.repository.get(session_id, version=LATEST)
        except AggregateNotFoundError:
            return None
        if not isinstance(found, Session):
            return None
        user = self.directory.current_user(found.username)
        return None if user is None else (found, user)

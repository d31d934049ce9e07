"""A login session (POST /v1/session) as an event-sourced record: who logged in, when, until
when, and when it was ended (so the audit log shows logins and logouts).

Only the SHA-256 of the session's secret is stored; the record's id derives from that hash, so
finding a session is one lookup by id. A session is a stream of its own, not events on the
user, so a user's stream (read on every request) stays short however often it logs in.
"""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import event

from domain.directory import DIRECTORY_NAMESPACE
from domain.errors import Conflict
from domain.found_by_hash import FoundByHash
from domain.records import Actor


class Session(FoundByHash):
    """A login: who, until when, and whether it was ended (logout, or a password change)."""

    id_namespace = DIRECTORY_NAMESPACE
    id_prefix = "session"

    @event("SessionStarted")
    def __init__(
        self,
        *,
        hashed: str,
        username: str,
        expires_at: datetime,
        user_version: int,
        actor: Actor,
    ) -> None:
        self.ended: bool = False  # by a logout; a password change ends it too
        self.hashed = hashed
        self.username = username
        self.expires_at = expires_at
        # The user's version at login: a later password change ends the session.
        self.user_version = user_version

    def admits(self, now: datetime) -> bool:
        return not self.ended and now < self.expires_at

    def end(self, *, actor: Actor) -> None:
        if self.ended:
            raise Conflict("会话已结束", "the session has already ended")
        self._ended(actor=actor)

    @event("SessionEnded")
    def _ended(self, *, actor: Actor) -> None:
        self.ended = True

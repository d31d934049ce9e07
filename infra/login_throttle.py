"""Login lockout (API.md § Users and sessions): after 5 failed logins within 15 minutes a
username is locked for 15 minutes, whether or not such a user exists (otherwise the lock itself
would tell which usernames are real).

Failures live in ``banli_login_failures`` beside the events (docs/decisions.md says why not
events), so every worker sees the same count. While locked, attempts are refused without
checking the password and are not counted, so a lock ends 15 minutes after the failure that
set it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from infra.passwords import BadCredentials, verify_password
from infra.recorders import IndexQueries

FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
# Older failures can neither start nor extend a lock that is still running.
KEPT = WINDOW + LOCK


class LoginLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


def lock_end(failures: Sequence[float]) -> float | None:
    """When the lock set by these failures (sorted epoch seconds) ends; None if none was set."""
    end = None
    for last in range(FAILURES - 1, len(failures)):
        if failures[last] - failures[last - FAILURES + 1] < WINDOW.total_seconds():
            end = failures[last] + LOCK.total_seconds()
    return end


class LoginThrottle:
    def __init__(self, queries: IndexQueries) -> None:
        self.queries = queries

    def verify(self, username: str, stored: str | None, given: str, now: datetime) -> None:
        """One counted password attempt: raises ``LoginLocked`` while locked (without looking
        at the password), ``BadCredentials`` on a mismatch; a match clears the count."""
        until = self.locked_until(username, now)
        if until is not None:
            raise LoginLocked(until)
        if not verify_password(stored, given):
            self.record_failure(username, now)
            raise BadCredentials
        self.clear(username)

    def locked_until(self, username: str, now: datetime) -> datetime | None:
        rows = self.queries._fetch(
            "SELECT failed_at FROM banli_login_failures "
            "WHERE username = ? AND failed_at > ? ORDER BY failed_at",
            (username, (now - KEPT).timestamp()),
        )
        end = lock_end([float(r["failed_at"]) for r in rows])
        if end is None or end <= now.timestamp():
            return None
        return datetime.fromtimestamp(end, UTC)

    def record_failure(self, username: str, now: datetime) -> None:
        self.queries.execute(
            "INSERT INTO banli_login_failures (username, failed_at) VALUES (?, ?)",
            (username, now.timestamp()),
        )
        # Pruning here keeps the table to the last half hour's failures without a sweeper.
        self.queries.execute(
            "DELETE FROM banli_login_failures WHERE failed_at <= ?", ((now - KEPT).timestamp(),)
        )

    def clear(self, username: str) -> None:
        """A successful login starts the count afresh."""
        self.queries.execute("DELETE FROM banli_login_failures WHERE username = ?", (username,))

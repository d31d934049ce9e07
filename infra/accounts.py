"""Commands on a user account (API.md § Users and sessions): disable, enable, new tokens,
revocations, password changes. Each is events on the ``User`` (the audit log shows who did it
and when), recorded with its idempotency answer in one transaction.

Every command reads the user from the store, never from a cache, and is retried on the fresh
state when another worker changed the user first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from eventsourcing.persistence import IntegrityError

from domain.directory import User
from domain.errors import Conflict, InvalidInput, NotFound
from infra.clock import china_date
from infra.command_context import CommandContext, event_id, parse_event_id
from infra.directory import Directory, Principal
from infra.idempotency import idempotency_row, stored_answer
from infra.login_throttle import LoginThrottle
from infra.passwords import check_password, hash_password

ATTEMPTS = 3  # a user changed by another worker meanwhile: read it again, this many times


@dataclass(frozen=True)
class EventRef:
    id: str
    type: str
    position: int | None = None


@dataclass(frozen=True)
class AccountChange:
    username: str
    enabled: bool
    events: tuple[EventRef, ...]
    revoked: tuple[str, ...] = ()  # prefixes of the tokens a revocation stopped
    token: str | None = None  # a new token: answered once, never stored
    replayed: bool = False


@dataclass(frozen=True)
class _Done:
    """What a command's action adds to the user's own events."""

    also_save: list[Any] = field(default_factory=list)
    revoked: tuple[str, ...] = ()
    token: str | None = None


class Accounts:
    def __init__(self, directory: Directory, throttle: LoginThrottle) -> None:
        self.directory = directory
        self.throttle = throttle

    def disable(self, ctx: CommandContext, username: str, reason: object) -> AccountChange:
        def disable(user: User) -> _Done:
            user.disable(reason=reason, actor=ctx.actor)
            return _Done()

        return self._change(ctx, username, disable)

    def enable(self, ctx: CommandContext, username: str, reason: object) -> AccountChange:
        def enable(user: User) -> _Done:
            user.enable(reason=reason, actor=ctx.actor)
            return _Done()

        return self._change(ctx, username, enable)

    def reassign(
        self,
        ctx: CommandContext,
        username: str,
        *,
        role: object,
        unit_code: object,
        reason: object,
    ) -> AccountChange:
        def reassign(user: User) -> _Done:
            if isinstance(unit_code, str):
                self.directory.check_unit_exists(unit_code, "unit_code")
            user.reassign(role=role, unit_code=unit_code, reason=reason, actor=ctx.actor)
            return _Done()

        return self._change(ctx, username, reassign)

    def grant_token(
        self, ctx: CommandContext, who: Principal, username: str, expires_on: date | None
    ) -> AccountChange:
        # Judged by the clock that judges expiry (Asia/Shanghai), not the business "today".
        if expires_on is not None and expires_on < china_date(self.directory.clock()):
            raise InvalidInput(
                "到期日已过", f"expires_on {expires_on} is before today", field="expires_on"
            )

        def grant(user: User) -> _Done:
            secret, grant = self.directory.issue_token(user, who, expires_on)
            return _Done(also_save=[grant], token=secret)

        return self._change(ctx, username, grant)

    def revoke_tokens(
        self, ctx: CommandContext, username: str, prefix: str | None
    ) -> AccountChange:
        def revoke(user: User) -> _Done:
            return _Done(revoked=tuple(user.revoke_tokens(prefix=prefix, actor=ctx.actor)))

        return self._change(ctx, username, revoke)

    def change_password(
        self,
        ctx: CommandContext,
        who: Principal,
        username: str,
        old_password: str | None,
        new_password: object,
    ) -> AccountChange:
        """An admin sets another user's password; everyone changes its own proving the old one
        (a counted attempt, like a login: ``LoginLocked``, ``BadCredentials``), an admin too:
        a session or token left open at a desk must not hand its owner's account over (a review
        reset an admin's own through the API's /docs page). An old password given is checked
        whoever gives it."""
        new_hash = hash_password(check_password(new_password))

        def change(user: User) -> _Done:
            own = user.username == who.user
            if (own or who.role != "admin") and old_password is None:
                raise InvalidInput(
                    "修改自己的密码须提供原密码", "old_password is needed to change your own"
                )
            if old_password is not None:
                now = self.directory.clock()
                self.throttle.verify(user.username, user.password_hash, old_password, now)
                if new_password == old_password:
                    # It would only end the user's sessions (a review's did, for nothing).
                    raise InvalidInput(
                        "新密码不能与原密码相同",
                        "new_password is the same as old_password",
                        field="new_password",
                    )
            user.change_password(password_hash=new_hash, actor=ctx.actor)
            return _Done()

        return self._change(ctx, username, change)

    def _change(
        self, ctx: CommandContext, username: str, action: Callable[[User], _Done]
    ) -> AccountChange:
        replay = self._replayed(ctx)
        if replay is not None:
            return replay
        app = self.directory.app
        for _ in range(ATTEMPTS):
            user = self.directory.current_user(username)
            if user is None:
                raise NotFound("用户不存在", f"no user {username!r}")
            done = action(user)
            pending = [*user.collect_events()]
            for other in done.also_save:
                pending.extend(other.collect_events())
            refs = tuple(
                EventRef(event_id(e.originator_id, e.originator_version), type(e).__name__)
                for e in pending
            )
            answer = AccountChange(user.username, user.enabled, refs, done.revoked)
            try:
                recordings = app.record(pending, idempotency_row(ctx, _stored(answer)))
            except IntegrityError:
                if (replay := self._replayed(ctx)) is not None:
                    return replay
                continue  # the user changed meanwhile: decide again on its new state
            positioned = tuple(
                replace(ref, position=r.notification.id)
                for ref, r in zip(refs, recordings, strict=True)
            )
            return replace(answer, events=positioned, token=done.token)
        raise Conflict("用户被并发修改，请重试", f"user {username!r} changed concurrently; retry")

    def _replayed(self, ctx: CommandContext) -> AccountChange | None:
        stored = stored_answer(self.directory.app.index, ctx)
        if stored is None:
            return None
        index = self.directory.app.index
        events = []
        for ref in stored["events"]:
            originator, version = parse_event_id(ref["id"])
            position = index.notification_id(str(originator), version)
            events.append(EventRef(ref["id"], ref["type"], position))
        return AccountChange(
            stored["username"],
            stored["enabled"],
            tuple(events),
            tuple(stored["revoked"]),
            replayed=True,
        )


def _stored(answer: AccountChange) -> dict[str, Any]:
    """The answer kept for an idempotent replay: never a token (the secret is not stored)."""
    kept: dict[str, Any] = json.loads(json.dumps(asdict(answer)))
    del kept["token"], kept["replayed"]
    return kept

"""Units, users and bearer tokens: creation (admin) and authentication (every request).

Authentication never trusts memory for what can change: a token's grant (hash → username) is
immutable and remembered, but the user (enabled? this token revoked or expired?) is read from
the store on every request, so a change made through any worker counts at once on all.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.directory import (
    TOKEN_PREFIX_LENGTH,
    TokenGrant,
    Unit,
    User,
    check_new_display_name,
    check_new_unit,
    check_new_username,
    token_hash,
)
from domain.errors import Conflict, InvalidInput
from domain.name_claims import claims_of_unit, claims_of_user
from domain.records import Actor
from infra.application import BanliApplication
from infra.clock import Clock, china_date, today, utc_now
from infra.command_context import CommandContext
from infra.idempotency import idempotency_row, stored_answer
from infra.kept_aggregates import KeptAggregates
from infra.passwords import check_password, hash_password
from infra.recorders import LATEST
from infra.unit_names import every_unit

# Remembered grants (hash → username) before the memory is cleared: a bound, not a policy.
GRANT_MEMORY = 100_000
# Longer "tokens" are not ours: refused before any hashing or lookup.
MAX_SECRET_LENGTH = 512


@dataclass(frozen=True)
class Principal:
    user: str
    role: str
    unit: str | None
    display_name: str = ""

    def actor(self) -> Actor:
        return Actor(user=self.user, role=self.role, unit=self.unit)


BOOTSTRAP = Principal(user="bootstrap-admin", role="admin", unit=None, display_name="初始管理员")


def principal_of(user: User) -> Principal:
    return Principal(user.username, user.role, user.unit_code, user.display_name)


def well_formed_secret(text: str) -> bool:
    """Tokens and session secrets are printable ASCII: anything else is no credential of ours
    (and must not reach a comparison or a hash that would choke on it)."""
    return 0 < len(text) <= MAX_SECRET_LENGTH and all("!" <= c <= "~" for c in text)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Directory:
    def __init__(
        self, app: BanliApplication, bootstrap_token: str | None = None, clock: Clock = utc_now
    ) -> None:
        self.app = app
        self.bootstrap_token = bootstrap_token
        self.clock = clock
        self._grant_users: dict[str, str] = {}  # token hash → username; grants never change
        self._token_users = KeptAggregates(app.index)  # by username: see ``_token_user``

    def authenticate(self, token: str) -> Principal | None:
        """The principal of a bearer token that works now; None for any other string."""
        if not well_formed_secret(token):
            return None
        if self.bootstrap_token and hmac.compare_digest(
            token.encode(), self.bootstrap_token.encode()
        ):
            return BOOTSTRAP
        hashed = token_hash(token)
        username = self._grant_user(hashed)
        if username is None:
            return None
        user = self._token_user(username)
        if user is None or not user.admits_token(hashed, china_date(self.clock())):
            return None
        return principal_of(user)

    def _token_user(self, username: str) -> User | None:
        """``current_user`` for a bearer token's check, kept between requests: a request then
        asks the store only for the user's newest version (one indexed statement) instead of
        reading and decoding every event of the user. A disable, a revoke or a new token is a
        newer event, so it counts at the next request on any worker."""

        def read() -> list[User] | None:
            user = self.current_user(username)
            return None if user is None else [user]

        kept = self._token_users.current_or_read(username, read)
        found: Any = kept[0] if kept else None
        return found if isinstance(found, User) else None

    def _grant_user(self, hashed: str) -> str | None:
        known = self._grant_users.get(hashed)
        if known is not None:
            return known
        try:
            grant: Any = self.app.repository.get(TokenGrant.create_id(hashed))
        except AggregateNotFoundError:
            return None
        if len(self._grant_users) >= GRANT_MEMORY:
            self._grant_users.clear()
        self._grant_users[hashed] = grant.username
        return str(grant.username)

    def current_user(self, username: str) -> User | None:
        """The user as stored now (never the command cache): one read of a short stream."""
        try:
            found: Any = self.app.repository.get(User.create_id(username), version=LATEST)
        except (AggregateNotFoundError, UnicodeError):
            return None
        return found if isinstance(found, User) else None

    def issue_token(
        self, user: User, actor: Principal, expires_on: date | None = None, secret: str = ""
    ) -> tuple[str, TokenGrant]:
        """A new token for ``user``: recorded on the user, with the grant that finds it.

        Both still have to be saved together by the caller."""
        secret = secret or new_secret()
        hashed = token_hash(secret)
        prefix = secret[:TOKEN_PREFIX_LENGTH]
        user.issue_token(hashed=hashed, prefix=prefix, expires_on=expires_on, actor=actor.actor())
        grant = TokenGrant(
            hashed=hashed,
            username=user.username,
            role=user.role,
            unit_code=user.unit_code,
            actor=actor.actor(),
        )
        return secret, grant

    def unit_exists(self, code: str) -> bool:
        return Unit.create_id(code) in self.app.repository

    def check_unit_exists(self, code: str, field: str | None = None) -> None:
        """Refuses a unit that does not exist (``field``: the one that names it, if any)."""
        if not self.unit_exists(code):
            raise InvalidInput(f"单位不存在：{code}", f"unit {code!r} does not exist", field=field)

    def usernames(self) -> list[str]:
        return [user.username for user in self.every_user()]

    def every_user(self) -> list[User]:
        """Every user (hundreds at most: read when a user is created); the store's index
        lists each stream that begins with ``UserCreated``."""
        ids = self.app.index.first_of_type("UserCreated")
        found: list[Any] = [self.app.repository.get(UUID(i)) for i in ids]
        return [user for user in found if isinstance(user, User)]

    def create_unit(
        self, actor: Principal, code: object, name: object, ctx: CommandContext | None = None
    ) -> tuple[dict[str, Any], bool]:
        """Answers the unit, and whether this is an idempotent replay of an earlier request."""
        ctx = ctx or CommandContext(actor.actor(), today())
        replay = stored_answer(self.app.index, ctx)
        if replay is not None:
            return replay, True
        unit = Unit.create(code=code, name=name, actor=actor.actor())
        self._check_new_unit(unit)
        answer = {"code": unit.code, "name": unit.name, "id": str(unit.id)}
        try:
            # One transaction with the claims of its code and name: a twin created meanwhile
            # (after the check read the directory) clashes on a claim.
            claims = claims_of_unit(unit, actor.actor())
            events = [*unit.collect_events(), *(e for c in claims for e in c.collect_events())]
            self.app.record(events, idempotency_row(ctx, answer))
        except IntegrityError:
            if (replay := stored_answer(self.app.index, ctx)) is not None:
                return replay, True
            self._check_new_unit(unit)  # names the twin, now in the directory
            raise Conflict(
                "单位代码已存在", f"unit {code!r} already exists", field="code"
            ) from None
        return answer, False

    def _check_new_unit(self, unit: Unit) -> None:
        check_new_unit(unit.code, unit.name, [(u.code, u.name) for u in every_unit(self.app)])

    def create_user(
        self,
        actor: Principal,
        *,
        username: object,
        display_name: object,
        role: object,
        unit_code: object = None,
        password: object = None,
        token: str | None = None,
        ctx: CommandContext | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Answers the user with its token, and whether this is an idempotent replay.

        A replay answers the first answer without the token: the secret is never stored.
        """
        ctx = ctx or CommandContext(actor.actor(), today())
        replay = stored_answer(self.app.index, ctx)
        if replay is not None:
            return replay, True
        user = User.create(
            username=username,
            display_name=display_name,
            role=role,
            unit_code=unit_code,
            actor=actor.actor(),
        )
        if user.username.casefold() == BOOTSTRAP.user.casefold():
            # The trail records the set-up token's acts under this name: an account of it
            # would act in the trail as that token.
            raise Conflict(
                f"用户名 {user.username} 留给初始管理员令牌：审计记录以此名记录该令牌的操作",
                f"username {user.username!r} is the bootstrap token's in the audit trail",
                field="username",
            )
        existing = self.every_user()
        check_new_username(user.username, [u.username for u in existing])
        check_new_display_name(user.display_name, [(u.username, u.display_name) for u in existing])
        if user.unit_code is not None:
            self.check_unit_exists(user.unit_code, "unit_code")
        if password is not None:
            user.change_password(
                password_hash=hash_password(check_password(password)), actor=actor.actor()
            )
        secret, grant = self.issue_token(user, actor, secret=token or "")
        answer: dict[str, Any] = {
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "unit_code": user.unit_code,
            "token": None,
        }
        try:
            # One transaction: no user without its grant (nor its idempotency answer), nor
            # without the claim of its name, on which a case twin created meanwhile clashes.
            (claim,) = claims_of_user(user, actor.actor())
            events = [*user.collect_events(), *grant.collect_events(), *claim.collect_events()]
            self.app.record(events, idempotency_row(ctx, answer))
        except IntegrityError:
            if (replay := stored_answer(self.app.index, ctx)) is not None:
                return replay, True
            check_new_username(user.username, self.usernames())  # names the twin
            raise Conflict(
                "用户名已存在", f"user {user.username!r} already exists", field="username"
            ) from None
        return {**answer, "token": secret}, False

"""Units, users and bearer tokens: creation (admin) and authentication (every request)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.directory import TokenGrant, Unit, User, token_hash
from domain.errors import Conflict, InvalidInput
from infra.application import BanliApplication, CommandContext
from infra.clock import today


@dataclass(frozen=True)
class Principal:
    user: str
    role: str
    unit: str | None

    def actor(self) -> dict[str, str | None]:
        return {"user": self.user, "role": self.role, "unit": self.unit}


BOOTSTRAP = Principal(user="bootstrap-admin", role="admin", unit=None)


class Directory:
    def __init__(self, app: BanliApplication, bootstrap_token: str | None = None) -> None:
        self.app = app
        self.bootstrap_token = bootstrap_token
        self._grants: dict[str, Principal] = {}  # token hash → principal; grants never change

    def authenticate(self, token: str) -> Principal | None:
        if self.bootstrap_token and hmac.compare_digest(token, self.bootstrap_token):
            return BOOTSTRAP
        hashed = token_hash(token)
        known = self._grants.get(hashed)
        if known is not None:
            return known
        try:
            grant: Any = self.app.repository.get(TokenGrant.create_id(hashed))
        except AggregateNotFoundError:
            return None
        principal = Principal(grant.username, grant.role, grant.unit_code)
        self._grants[hashed] = principal
        return principal

    def unit_exists(self, code: str) -> bool:
        return Unit.create_id(code) in self.app.repository

    def create_unit(
        self, actor: Principal, code: object, name: object, ctx: CommandContext | None = None
    ) -> tuple[dict[str, Any], bool]:
        """Answers the unit, and whether this is an idempotent replay of an earlier request."""
        ctx = ctx or CommandContext(actor.actor(), today())
        replay = self.app.stored_answer(ctx)
        if replay is not None:
            return replay, True
        unit = Unit.create(code=code, name=name, actor=actor.actor())
        answer = {"code": unit.code, "name": unit.name, "id": str(unit.id)}
        try:
            self.app.record(unit.collect_events(), self.app.idempotency_row(ctx, answer))
        except IntegrityError:
            if (replay := self.app.stored_answer(ctx)) is not None:
                return replay, True
            raise Conflict("单位代码已存在", f"unit {code!r} already exists") from None
        return answer, False

    def create_user(
        self,
        actor: Principal,
        *,
        username: object,
        display_name: object,
        role: object,
        unit_code: object = None,
        token: str | None = None,
        ctx: CommandContext | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Answers the user with its token, and whether this is an idempotent replay.

        A replay answers the first answer without the token: the secret is never stored.
        """
        ctx = ctx or CommandContext(actor.actor(), today())
        replay = self.app.stored_answer(ctx)
        if replay is not None:
            return replay, True
        user = User.create(
            username=username,
            display_name=display_name,
            role=role,
            unit_code=unit_code,
            actor=actor.actor(),
        )
        if user.unit_code is not None and not self.unit_exists(user.unit_code):
            raise InvalidInput("单位不存在", f"unit {user.unit_code!r} does not exist")
        secret = token or secrets.token_urlsafe(32)
        grant = TokenGrant(
            hashed=token_hash(secret),
            username=user.username,
            role=user.role,
            unit_code=user.unit_code,
            actor=actor.actor(),
        )
        answer: dict[str, Any] = {
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "unit_code": user.unit_code,
            "token": None,
        }
        try:
            # One transaction: no user without its grant (nor its idempotency answer).
            events = [*user.collect_events(), *grant.collect_events()]
            self.app.record(events, self.app.idempotency_row(ctx, answer))
        except IntegrityError:
            if (replay := self.app.stored_answer(ctx)) is not None:
                return replay, True
            raise Conflict("用户名已存在", f"user {user.username!r} already exists") from None
        return {**answer, "token": secret}, False

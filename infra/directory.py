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
from infra.application import BanliApplication


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

    def create_unit(self, actor: Principal, code: object, name: object) -> dict[str, str]:
        unit = Unit.create(code=code, name=name, actor=actor.actor())
        try:
            self.app.record(unit.collect_events())
        except IntegrityError:
            raise Conflict("单位代码已存在", f"unit {code!r} already exists") from None
        return {"code": unit.code, "name": unit.name, "id": str(unit.id)}

    def create_user(
        self,
        actor: Principal,
        *,
        username: object,
        display_name: object,
        role: object,
        unit_code: object = None,
        token: str | None = None,
    ) -> dict[str, Any]:
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
        try:
            # One transaction: no user without its grant.
            self.app.record([*user.collect_events(), *grant.collect_events()])
        except IntegrityError:
            raise Conflict("用户名已存在", f"user {user.username!r} already exists") from None
        return {
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "unit_code": user.unit_code,
            "token": secret,
        }

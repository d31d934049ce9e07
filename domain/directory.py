"""Units (承办单位) and users with their roles, as event-sourced records (who may do what is
itself auditable). A user's bearer token is stored only as its SHA-256 hash; the grant's id is
derived from that hash, so authentication is one lookup by id.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.checks import check_one_of, check_text
from domain.errors import InvalidInput

DIRECTORY_NAMESPACE = uuid.UUID("9a1d2c0e-55a3-4c58-9c1e-646972656374")
ROLES = frozenset({"admin", "office", "leader", "handler", "supervisor", "auditor"})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Unit(Aggregate):
    @staticmethod
    def create_id(code: str) -> uuid.UUID:
        return uuid.uuid5(DIRECTORY_NAMESPACE, f"unit:{code}")

    @classmethod
    def create(cls, *, code: object, name: object, actor: dict[str, Any]) -> Unit:
        return cls(code=check_text(code, "code"), name=check_text(name, "name"), actor=actor)

    @event("UnitCreated")
    def __init__(self, *, code: str, name: str, actor: dict[str, Any]) -> None:
        self.code = code
        self.name = name


class User(Aggregate):
    """A user account; its token grant is a separate record keyed by the token's hash."""

    @staticmethod
    def create_id(username: str) -> uuid.UUID:
        return uuid.uuid5(DIRECTORY_NAMESPACE, f"user:{username}")

    @classmethod
    def create(
        cls,
        *,
        username: object,
        display_name: object,
        role: object,
        unit_code: object,
        actor: dict[str, Any],
    ) -> User:
        checked_role = check_one_of(role, ROLES, "role")
        unit = None if unit_code is None else check_text(unit_code, "unit_code")
        if (checked_role == "handler") != (unit is not None):
            raise InvalidInput(
                "承办人必须且只有承办人绑定单位",
                "a handler is bound to exactly one unit; other roles to none",
            )
        return cls(
            username=check_text(username, "username"),
            display_name=check_text(display_name, "display_name"),
            role=checked_role,
            unit_code=unit,
            actor=actor,
        )

    @event("UserCreated")
    def __init__(
        self,
        *,
        username: str,
        display_name: str,
        role: str,
        unit_code: str | None,
        actor: dict[str, Any],
    ) -> None:
        self.username = username
        self.display_name = display_name
        self.role = role
        self.unit_code = unit_code


class TokenGrant(Aggregate):
    """Binds the hash of a bearer token to a user's identity and role."""

    @staticmethod
    def create_id(hashed: str) -> uuid.UUID:
        return uuid.uuid5(DIRECTORY_NAMESPACE, f"token:{hashed}")

    @event("TokenGranted")
    def __init__(
        self, *, hashed: str, username: str, role: str, unit_code: str | None, actor: dict[str, Any]
    ) -> None:
        self.hashed = hashed
        self.username = username
        self.role = role
        self.unit_code = unit_code

"""Names only one unit or user may hold, each claimed as a stream of its own.

Whether a new username or unit code differs from every other in more than letter case, and a
new unit's name from every other's, is checked against the directory before the write
(``check_new_username``, ``check_new_unit``); two admins creating ``fin`` and ``FIN`` at the
same moment would both pass that check. The claim closes the gap: its id is made of the name
as the check compares it, and it is saved in the same transaction as the unit or user that
takes it, so the second of two such creations clashes on the claim's version 1 and writes
nothing (as two registrations of one case number clash on the case's).
"""

from __future__ import annotations

import uuid
from typing import Literal

from eventsourcing.domain import Aggregate, event

from domain.directory import DIRECTORY_NAMESPACE, Unit, User
from domain.records import Actor

ClaimedAs = Literal["username", "unit_code", "unit_name"]


def claimed_key(kind: ClaimedAs, name: str) -> str:
    """The name as the directory's checks tell names apart: usernames and unit codes without
    letter case, unit names as written."""
    return name if kind == "unit_name" else name.casefold()


class NameClaim(Aggregate):
    @staticmethod
    def create_id(kind: str, key: str) -> uuid.UUID:
        return uuid.uuid5(DIRECTORY_NAMESPACE, f"claim:{kind}:{key}")

    @event("NameClaimed")
    def __init__(self, *, kind: str, key: str, name: str, holder: str, actor: Actor) -> None:
        self.kind = kind
        self.key = key
        self.name = name
        self.holder = holder  # the id of the unit or user that holds the name


def _claim(kind: ClaimedAs, name: str, holder: uuid.UUID, actor: Actor) -> NameClaim:
    return NameClaim(
        kind=kind, key=claimed_key(kind, name), name=name, holder=str(holder), actor=actor
    )


def claims_of_unit(unit: Unit, actor: Actor) -> list[NameClaim]:
    return [
        _claim("unit_code", unit.code, unit.id, actor),
        _claim("unit_name", unit.name, unit.id, actor),
    ]


def claims_of_user(user: User, actor: Actor) -> list[NameClaim]:
    return [_claim("username", user.username, user.id, actor)]

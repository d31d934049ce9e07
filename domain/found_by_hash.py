"""Aggregates found by the SHA-256 of a secret: a bearer token's grant, a login session, a
proposer's link grant.

The secret itself is never stored. The aggregate's id derives from the hash (a UUIDv5 in the
aggregate's namespace, under its own prefix), so the secret's holder is found with one lookup
by id, and two secrets can never share a record.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from eventsourcing.domain import Aggregate


class FoundByHash(Aggregate):
    # Both fixed for good: stored records are found again by the ids they give.
    id_namespace: ClassVar[uuid.UUID]
    id_prefix: ClassVar[str]

    @classmethod
    def create_id(cls, hashed: str) -> uuid.UUID:
        return uuid.uuid5(cls.id_namespace, f"{cls.id_prefix}:{hashed}")

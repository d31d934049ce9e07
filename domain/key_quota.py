"""A unit's own key cases of a year (R-S2: at most two), as a stream of its own.

The limit spans cases, so it cannot be checked on one case alone: a unit's designation records
an event on the case and one on this quota, in one transaction. Two designations racing for the
last place clash on the quota's version, and the loser is judged again on the fresh count.
"""

from __future__ import annotations

import uuid
from datetime import date

from eventsourcing.domain import Aggregate, event

from domain.records import Actor

QUOTA_NAMESPACE = uuid.UUID("3d1e5c7a-8b2f-4e61-9a0d-6b657971756f")
UNIT_KEY_CASES_PER_YEAR = 2


class KeyQuota(Aggregate):
    @staticmethod
    def create_id(unit: str, year: int) -> uuid.UUID:
        return uuid.uuid5(QUOTA_NAMESPACE, f"{unit}:{year}")

    @event("Opened")
    def __init__(self, *, unit: str, year: int) -> None:
        self.unit = unit
        self.year = year
        self.cases: list[str] = []

    @event("KeyCaseCounted")
    def counted(self, *, case_id: str, actor: Actor, occurred_on: date) -> None:
        self.cases.append(case_id)

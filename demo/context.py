"""The load in progress: application, generator, staff, event count, documents and tallies."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from demo.actors import draw_staff
from demo.dates import DEMO_TODAY, DEMO_YEAR
from demo.units import UNIT_BY_CODE
from domain.commands import CaseCommand
from domain.records import Actor
from infra.application import BanliApplication
from infra.command_context import CommandContext, CommandResult, migration

DEMO_PROVENANCE = migration("demo", year=DEMO_YEAR)


class Demo:
    """The load in progress: application, generator, staff, document counters and tallies."""

    def __init__(self, app: BanliApplication, rng: random.Random) -> None:
        self.app = app
        self.rng = rng
        self.staff = draw_staff(rng)
        self.head_at_start = app.recorder.max_notification_id() or 0
        self.documents: Counter[str] = Counter()
        self.replies: dict[str, Counter[str]] = {}

    @staticmethod
    def ctx(actor: Actor) -> CommandContext:
        # A seeded year brought in at once, as an import is: its events are not late (R-X1).
        return CommandContext(actor=actor, today=DEMO_TODAY, provenance=DEMO_PROVENANCE)

    def execute(self, actor: Actor, command: CaseCommand) -> CommandResult:
        return self.app.execute(self.ctx(actor), command)

    def events_written(self) -> int:
        """Every event the load stored: the cases' and the bookkeeping streams' (R-S2 quotas),
        which command answers leave out."""
        return (self.app.recorder.max_notification_id() or 0) - self.head_at_start

    def document_number(self, unit: str, on: date) -> str:
        self.documents[unit] += 1
        return f"{UNIT_BY_CODE[unit].doc_prefix}〔{on.year}〕{self.documents[unit]}号"

    def tally_reply(self, unit: str, classification: str) -> None:
        self.replies.setdefault(unit, Counter())[classification] += 1

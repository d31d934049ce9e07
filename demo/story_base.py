"""A case's story in progress: its own business-date clock and the plumbing of its commands.

The stage modules (``assignment``, ``communication``, ``replies``, ``feedback``, ``review``) add
their steps to this base; ``story.Story`` puts them in order.
"""

from __future__ import annotations

from datetime import date, timedelta

from demo.actors import OFFICE, Staff
from demo.context import Demo
from demo.dates import DEMO_TODAY
from demo.plan import CasePlan
from domain import commands as c
from domain.commands import CaseCommand
from domain.records import Actor
from infra.command_context import CommandResult


class StoryBase:
    """One case's commands in business-date order; ``self.on`` is the case's own clock."""

    def __init__(self, demo: Demo, plan: CasePlan) -> None:
        self.demo = demo
        self.plan = plan
        self.rng = demo.rng
        self.case_id = ""
        self.on = plan.received_on
        self.consent: tuple[bool, bool] | None = None  # (reply, original text) R-P2/R-P4
        # R-P2 with R-M1: a merged partner's proposer refused publishing the merge's reply.
        self.partner_refused = False
        self.classification = plan.classification
        self.co_objects = False  # a co unit advised against disclosure (R-P3)
        self.issued_on: date | None = None

    # -- clock

    def later(self, low: int, high: int) -> date:
        self.on = min(self.on + timedelta(days=self.rng.randint(low, high)), DEMO_TODAY)
        return self.on

    def at_least(self, day: date) -> date:
        self.on = min(max(self.on, day), DEMO_TODAY)
        return self.on

    def since_assignment(self, low: int, high: int) -> date:
        """No earlier than ``low``..``high`` days after assignment."""
        return self.at_least(self.plan.assigned_on + timedelta(days=self.rng.randint(low, high)))

    # -- plumbing

    def do(self, actor: Actor, command: CaseCommand) -> CommandResult:
        return self.demo.execute(actor, command)

    @property
    def replying_units(self) -> list[str]:
        if self.plan.reference:
            return []
        return self.plan.split or ([self.plan.unit] if self.plan.unit else [])

    def staff(self, unit: str) -> Staff:
        return self.demo.staff[unit]

    def remind(self, means: str, note: str) -> None:
        """R-S3: the office's reminder (督办) on this case."""
        self.do(
            OFFICE,
            c.Remind(case_id=self.case_id, means=means, note=note, occurred_on=self.later(1, 5)),
        )

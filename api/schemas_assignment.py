"""Request schemas of registration and assignment (API.md § Case commands: /v1/cases,
/assignment, /reassignment-requests, /decision, /ruling), each with its command.

Empty lists are ``Field(default=[])``: pydantic copies a default for every instance, but ruff
cannot see that ``Body`` (imported) is a pydantic model and would flag a bare ``[]``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.fields import Code, Day, Flag, Items, Name, Text, Year
from api.schemas import Body, Proposer
from domain import commands as c
from domain.vocabulary import Kind, Level, PolicyName


class CaseCreate(Body):
    number: Annotated[Code, Field(min_length=1)]
    kind: Kind
    level: Level
    year: Year
    title: Annotated[Text, Field(min_length=1)]
    proposers: Annotated[Items[Proposer], Field(min_length=1)]
    received_on: Day
    # The suggestion's own words (API.md v1.1 search "over number, title and text"; R-S4).
    text: Text = ""

    def command(self) -> c.RegisterCase:
        return c.RegisterCase(
            number=self.number,
            kind=self.kind,
            level=self.level,
            year=self.year,
            title=self.title,
            proposers=tuple(p.record() for p in self.proposers),
            received_on=self.received_on,
            text=self.text,
        )


class Assignment(Body):
    lead_unit: Code | None = None
    co_units: Items[Code] = Field(default=[])
    split_units: Items[Code] = Field(default=[])
    reference: Flag = False
    assigned_on: Day
    policy: PolicyName = "hebei-2022"

    def command(self, case_id: str) -> c.Assign:
        return c.Assign(
            case_id=case_id,
            assigned_on=self.assigned_on,
            lead_unit=self.lead_unit,
            co_units=tuple(self.co_units),
            split_units=tuple(self.split_units),
            reference=self.reference,
            policy=self.policy,
        )


class ReassignmentRequest(Body):
    unit: Code
    reason: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.RequestReassignment:
        return c.RequestReassignment(
            case_id=case_id, unit=self.unit, reason=self.reason, occurred_on=self.occurred_on
        )


class ReassignmentDecision(Body):
    approved: Flag
    lead_unit: Code | None = None
    co_units: Items[Code] = Field(default=[])
    note: Text
    occurred_on: Day
    restart_deadlines: Flag = False

    def command(self, case_id: str, request_id: str) -> c.DecideReassignment:
        return c.DecideReassignment(
            case_id=case_id,
            request_id=request_id,
            approved=self.approved,
            note=self.note,
            occurred_on=self.occurred_on,
            lead_unit=self.lead_unit,
            co_units=tuple(self.co_units),
            restart_deadlines=self.restart_deadlines,
        )


class RulingRecommendation(Body):
    """R-A2: the office's recommendation for a third assignment, which the leader rules on."""

    lead_unit: Code
    co_units: Items[Code] = Field(default=[])
    note: Text
    occurred_on: Day
    restart_deadlines: Flag = False  # R-A4 (an addition to API.md)

    def command(self, case_id: str) -> c.RecommendRuling:
        return c.RecommendRuling(
            case_id=case_id,
            lead_unit=self.lead_unit,
            note=self.note,
            occurred_on=self.occurred_on,
            co_units=tuple(self.co_units),
            restart_deadlines=self.restart_deadlines,
        )


class Ruling(Body):
    leader: Name
    lead_unit: Code
    co_units: Items[Code] = Field(default=[])
    note: Text
    occurred_on: Day
    restart_deadlines: Flag = False  # R-A4 (an addition to API.md)

    def command(self, case_id: str) -> c.RuleOnAssignment:
        return c.RuleOnAssignment(
            case_id=case_id,
            leader=self.leader,
            lead_unit=self.lead_unit,
            note=self.note,
            occurred_on=self.occurred_on,
            co_units=tuple(self.co_units),
            restart_deadlines=self.restart_deadlines,
        )

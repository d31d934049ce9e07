"""Request schemas of extensions 延期 (API.md v1.1 "Extensions"; DOMAIN.md R-E1), each with its
command: a unit asks for more time on one of its deadlines, the office grants or refuses."""

from __future__ import annotations

from typing import Literal

from api.fields import Code, Day, Flag, Text
from api.schemas import Body
from domain import commands as c

ExtendableKind = Literal["reply", "co_opinion", "rehandling"]


class ExtensionRequest(Body):
    """R-E1: before the deadline passes, once per deadline, for a date at most 3 months after
    the original one. Answers the ``request_id`` the office decides on."""

    unit: Code
    deadline_kind: ExtendableKind
    reason: Text
    requested_due_on: Day
    occurred_on: Day

    def command(self, case_id: str) -> c.RequestExtension:
        return c.RequestExtension(
            case_id=case_id,
            unit=self.unit,
            deadline_kind=self.deadline_kind,
            reason=self.reason,
            requested_due_on=self.requested_due_on,
            occurred_on=self.occurred_on,
        )


class ExtensionDecision(Body):
    """R-E1: the office grants a date (the one asked for unless ``due_on`` names another) or
    refuses; a refusal moves nothing."""

    approved: Flag
    due_on: Day | None = None
    note: Text
    occurred_on: Day

    def command(self, case_id: str, request_id: str) -> c.DecideExtension:
        return c.DecideExtension(
            case_id=case_id,
            request_id=request_id,
            approved=self.approved,
            note=self.note,
            occurred_on=self.occurred_on,
            due_on=self.due_on,
        )

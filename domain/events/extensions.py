"""The bodies of a case's extension events (延期, R-E1): a unit asks for more time on one of its
deadlines, and the office grants a date or refuses. ``domain.case`` declares them as events."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.records import Actor, ExtensionRequest

if TYPE_CHECKING:
    from domain.case import Case


def extension_requested(
    self: Case,
    *,
    request_id: str,
    unit: str,
    deadline_kind: str,
    opened_on: date,
    original_due_on: date,
    requested_due_on: date,
    reason: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    self.extensions[request_id] = ExtensionRequest(
        status="open",
        request_id=request_id,
        unit=unit,
        deadline_kind=deadline_kind,
        opened_on=opened_on,
        original_due_on=original_due_on,
        reason=reason,
        requested_due_on=requested_due_on,
        occurred_on=occurred_on,
    )


def extension_decided(
    self: Case,
    *,
    request_id: str,
    approved: bool,
    due_on: date | None,  # the date granted
    note: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    request = self.extensions[request_id]
    request.status = "approved" if approved else "refused"
    request.due_on, request.decided_on, request.note = due_on, occurred_on, note

"""Response schemas of the registers: the 台账 and its overdue list (R-S1), the disclosure
register (R-D4, R-P1 … R-P5) and the B-class rolling ledger (R-Rv2).

Fields are declared in the order the answers have always listed them.
"""

from __future__ import annotations

from datetime import date

from api.schemas import Public
from domain.deadlines.status import DeadlineStatus
from domain.vocabulary import (
    DeadlineKind,
    DisclosureOption,
    DisclosureStatus,
    Finding,
    Kind,
    Level,
    Stage,
)


class LedgerDeadline(Public):
    kind: DeadlineKind
    unit: str | None
    due_on: date
    missed_on: date | None
    status: DeadlineStatus
    days_overdue: int
    calendar_provisional: bool
    derivation: str


class NextDeadline(Public):
    """The earliest deadline still open."""

    kind: DeadlineKind
    unit: str | None
    due_on: date
    status: DeadlineStatus


class OverdueDeadline(Public):
    kind: DeadlineKind
    unit: str | None
    due_on: date
    days_overdue: int


class LedgerItem(Public):
    case_id: str
    number: str
    title: str
    kind: Kind
    level: Level
    year: int
    stage: Stage
    reference: bool
    lead_unit: str | None
    co_units: list[str]
    split_units: list[str]
    key: bool
    leader_in_charge: str | None
    under_supervision: bool
    next_deadline: NextDeadline | None
    overdue_deadlines: list[OverdueDeadline]
    days_overdue: int  # the largest of overdue_deadlines, 0 when none
    deadlines: list[LedgerDeadline]


class LedgerPage(Public):
    items: list[LedgerItem]
    next_cursor: str | None


class DisclosureItem(Public):
    case_id: str
    number: str
    reply_id: str
    unit: str
    disclosure: DisclosureOption
    due_on: date | None
    status: DisclosureStatus
    published_on: date | None
    withheld_reason: str | None
    url: str | None


class DisclosureRegister(Public):
    items: list[DisclosureItem]


class Commitment(Public):
    """A B-class reply's commitment, open across years until the case is closed out."""

    case_id: str
    number: str
    year: int
    kind: Kind
    unit: str
    issued_on: date
    latest_finding: Finding | None
    reassessed_on: date | None
    under_supervision: bool
    closed_out_on: date | None


class Commitments(Public):
    items: list[Commitment]

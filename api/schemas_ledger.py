"""Response schemas of the registers: the 台账 and its overdue list (R-S1), the disclosure
register (R-D4, R-P1 … R-P5) and the B-class rolling ledger (R-Rv2).

Fields are declared in the order the answers have always listed them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from api.schemas import Public
from domain.deadlines.status import DeadlineStatus
from domain.vocabulary import (
    Classification,
    DeadlineKind,
    DisclosureOption,
    DisclosureStatus,
    Finding,
    KeySource,
    Kind,
    Level,
    Stage,
)

# On the key ledger by designation, or as a confirmed repeat only (R-S4).
KeyLedgerSource = KeySource | Literal["repeat"]


class LedgerDeadline(Public):
    kind: DeadlineKind
    unit: str | None
    due_on: date
    missed_on: date | None
    status: DeadlineStatus
    days_overdue: int
    calendar_provisional: bool
    derivation: str
    original_due_on: date | None  # R-E1: the date an extension replaced
    extended_by: str | None  # R-E1: the extension request that moved it


class NextDeadline(Public):
    """The earliest deadline still open."""

    kind: DeadlineKind
    unit: str | None
    due_on: date
    status: DeadlineStatus
    original_due_on: date | None  # R-E1


class OverdueDeadline(Public):
    kind: DeadlineKind
    unit: str | None
    due_on: date
    days_overdue: int
    original_due_on: date | None  # R-E1


class AskedExtension(Public):
    """An extension request the office has yet to decide: whose deadline, from when to when."""

    unit: str
    deadline_kind: DeadlineKind
    original_due_on: date
    requested_due_on: date


class AskedReassignment(Public):
    """A reassignment (改办) request the office has yet to decide (R-A3): whose, why, when."""

    unit: str
    reason: str
    requested_on: date


class SuggestedRepeat(Public):
    """An earlier year's case found alike (R-S4) that the office has yet to confirm or dismiss:
    its number and year, and how alike (0–1)."""

    number: str
    year: int
    score: float


class RecommendedRuling(Public):
    """The office's recommendation a leader has yet to rule on (R-A2): the units it proposes,
    since when, and whether the deadlines are to run anew (R-A4)."""

    lead_unit: str
    co_units: list[str]
    recommended_on: date
    restart_deadlines: bool


class SubmittedReply(Public):
    """A reply submitted for a leader's approval and not yet approved or returned (R-R2)."""

    unit: str
    classification: Classification
    further: bool  # a further reply after dissatisfaction (R-F2)
    submitted_on: date
    # What approving it would be refused for now, rule and words ("R-F2 …"; R-C1, R-F2: the
    # leader could only return it), None when nothing (an addition to API.md).
    obstacle: str | None = None


class UnitStep(Public):
    """A replying unit's latest reply waiting on the unit itself (R-R2): approved by a leader
    and to be issued (``issue``, 待印发), or returned and to be submitted again (``redo``)."""

    unit: str
    step: Literal["issue", "redo"]
    classification: Classification
    further: bool  # a further reply after dissatisfaction (R-F2)
    decided_on: date  # the leader's approval, or return
    # R-R2 (an addition to API.md): the co units whose opinions an approved lead reply still
    # waits for before it is issued (the office may issue it first, with a reason).
    awaiting_co_opinions: list[str] = Field(default_factory=list)


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
    key: bool  # on the key ledger: designated, or a confirmed repeat (R-S4)
    key_source: KeyLedgerSource | None
    leader_in_charge: str | None
    under_supervision: bool
    next_deadline: NextDeadline | None
    overdue_deadlines: list[OverdueDeadline]
    days_overdue: int  # the largest of overdue_deadlines, 0 when none
    deadlines: list[LedgerDeadline]
    merged_with: list[str]  # R-M1: the merge's case numbers, its primary first (empty: none)
    open_extensions: list[AskedExtension]  # R-E1: requests awaiting the office's decision
    submitted_replies: list[SubmittedReply]  # R-R2: replies awaiting a leader's approval
    open_reassignments: list[AskedReassignment]  # R-A3: requests awaiting the office's decision
    # R-A2: the office's recommendation awaiting a leader's ruling (an addition to API.md).
    ruling_recommended: list[RecommendedRuling] = Field(default_factory=list)
    # R-S4: repeats found and not yet confirmed or dismissed (an addition to API.md).
    suggested_repeats: list[SuggestedRepeat] = Field(default_factory=list)
    unit_steps: list[UnitStep]  # R-R2: replies waiting on their own unit (待印发, 退回待重报)
    reminders: int  # R-S3: how often the case was chased (催办) up to as_of
    last_reminded_on: date | None


class LedgerPage(Public):
    items: list[LedgerItem]
    next_cursor: str | None


class DisclosureItem(Public):
    case_id: str
    number: str
    # The case's year and title (additions to API.md): what a list of replies is read by.
    year: int
    title: str
    reply_id: str
    unit: str
    disclosure: DisclosureOption
    # The day the reply was issued (an addition to API.md): a case's first reply and its
    # further reply (R-F2) are two items, told apart by it.
    issued_on: date
    due_on: date | None
    status: DisclosureStatus
    published_on: date | None
    withheld_reason: str | None
    url: str | None
    # R-P2 after the fact (an addition to API.md): published, and its proposers (or a merged
    # case's) have refused publication since; the public register no longer lists it, and
    # wherever else it was put it is to be taken down. Of now, whatever ``as_of``; false once
    # its take-down is recorded (``taken_down_on``).
    take_down: bool = False
    # R-P2 after the fact (an addition to API.md): the day its take-down was recorded as done
    # (登记撤下, ``/disclosure-take-down``), by ``as_of``, and where it was taken down from.
    taken_down_on: date | None = None
    taken_down_from: str | None = None
    # R-P3 (an addition to API.md): the office's latest review before publishing, ``approved``
    # or ``not_approved`` (None: not reviewed yet); publishing waits for an approval. Of now.
    office_review: Literal["approved", "not_approved"] | None = None
    # R-P2 (an addition to API.md): its proposers (or, once published, a merged case's) have
    # refused publication: not yet decided, it is to be withheld (R-P5), not published; once
    # published, it is to be taken down (``take_down``). Of now, whatever ``as_of``.
    proposer_refused: bool = False


class DisclosureRegister(Public):
    items: list[DisclosureItem]
    # Paged when ``limit`` is asked (an addition to API.md: a list's ``?limit=&cursor=``);
    # without it every item, and null.
    next_cursor: str | None = None


class Commitment(Public):
    """A B-class reply's commitment, open across years until the case is closed out."""

    case_id: str
    number: str
    title: str
    year: int
    kind: Kind
    unit: str
    issued_on: date
    commitment: str  # the B reply's summary: what the unit committed to
    document_number: str | None  # the reply's 文号
    latest_finding: Finding | None
    reassessed_on: date | None
    under_supervision: bool
    closed_out_on: date | None


class Commitments(Public):
    items: list[Commitment]

"""Deadlines 时限 (DOMAIN.md R-D1 … R-D8, R-E1): what they refuse. The dates themselves are
computed in ``domain.deadlines`` from the case, the policy in force and the working-day calendar.

R-D1 co-handling units deliver their opinion to the lead unit: only a co unit of the case does.
R-E1 before a reply, co-opinion or re-handling deadline passes, its unit may ask once for more
time, to at most 3 months after the original due date; the office grants a date or refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.checks import check_one_of
from domain.deadlines.case_deadlines import Deadline
from domain.deadlines.periods import add_months
from domain.errors import RuleViolation
from domain.records import ExtensionRequest
from domain.rules.accountability import refuse_recording_again
from domain.rules.requests import undecided
from domain.rules.state import CaseState
from domain.vocabulary import DEADLINE_KIND_WORDS

EXTENDABLE = ("reply", "co_opinion", "rehandling")
MAX_EXTENSION_MONTHS = 3


def check_co_unit(case: CaseState, unit: str) -> None:
    if unit not in case.co_units:
        raise RuleViolation(
            "R-D1", f"{unit} 不是该件的会办单位", f"unit {unit} is not a co-handling unit here"
        )


def check_co_opinion_open(case: CaseState, unit: str) -> None:
    """R-D1: a co unit delivers its opinion once; a second version is a correction (R-X2)."""
    check_co_unit(case, unit)
    if unit in case.co_opinions:
        refuse_recording_again("会办意见已提交", "the co-handling opinion was already delivered")


def extendable_deadline(
    case: CaseState,
    unit: str,
    kind: str,
    deadlines: Sequence[Deadline],
    on: date,
    known: Sequence[Deadline],
) -> Deadline:
    """R-E1: the unit's own open deadline of ``kind``, not yet passed on ``on`` and never
    extended before, nor asked to be while a request is open; ``deadlines`` as they stood on
    ``on``, ``known`` with every act recorded so far."""
    check_one_of(kind, EXTENDABLE, "deadline_kind")
    found: Deadline | None
    if kind == "rehandling":
        # Re-handling is the replying unit's (a split case's deadline names no unit).
        current = [d for d in deadlines if d.kind == kind] if unit in case.replying_units else []
        found = current[-1] if current else None
    else:
        found = next((d for d in deadlines if d.kind == kind and d.unit == unit), None)
    if found is None:
        raise RuleViolation(
            "R-E1",
            f"{unit} 没有可延期的{DEADLINE_KIND_WORDS.get(kind, kind)}期限",
            f"unit {unit} has no {kind} deadline here",
            field="deadline_kind",
        )
    if found.status in ("met", "met_late"):
        raise RuleViolation(
            "R-E1",
            f"时限 {found.due_on} 已办结，无需延期",
            f"the {kind} deadline of {found.due_on} is met ({found.status})",
            field="deadline_kind",
        )
    # Before the passed check: an extended deadline is no longer pending, and a second request
    # was refused as if its date had passed, the granted date months away.
    if any(_same_deadline(r, kind, unit, found.opened_on) for r in case.extensions.values()):
        raise RuleViolation(
            "R-E1",
            "每个时限只能延期一次",
            "a deadline is extended at most once (or asked once)",
            field="deadline_kind",
        )
    if found.status not in ("pending", "due_soon") or on > found.due_on:
        raise RuleViolation(
            "R-E1",
            f"时限 {found.due_on} 已过，延期须在到期前申请",
            f"the {kind} deadline of {found.due_on} has passed ({found.status})",
            field="occurred_on",  # the day it is asked on (a request dated before, R-X1)
        )
    _check_not_closed_since(found, known)
    return found


def _check_not_closed_since(found: Deadline, known: Sequence[Deadline]) -> None:
    """A request dated before the due day, recorded after the deadline was met (or closed),
    could only move the due date past an act already done: a reply issued late would count as
    on time. Asked in time and recorded late (R-X1 marks it) it stands; asked after the act,
    it is refused."""
    same = (found.kind, found.unit, found.opened_on)
    now = next((d for d in known if (d.kind, d.unit, d.opened_on) == same), None)
    closed_on = now.met_on or now.missed_on if now is not None else None
    if closed_on is not None:
        raise RuleViolation(
            "R-E1",
            f"时限 {found.due_on} 已于 {closed_on} 办结，不能再申请延期",
            f"the {found.kind} deadline of {found.due_on} was met or closed on {closed_on}: "
            "an extension asked for afterwards would only change whether it was met in time",
        )


def _same_deadline(request: ExtensionRequest, kind: str, unit: str, opened_on: date) -> bool:
    same = (request.deadline_kind, request.unit, request.opened_on) == (kind, unit, opened_on)
    return same and request.status in ("open", "approved")


def check_extended_date(original_due_on: date, new_due_on: date, current_due_on: date) -> None:
    """R-E1: later than the date it replaces, and at most 3 months after the original."""
    latest = add_months(original_due_on, MAX_EXTENSION_MONTHS)
    if not current_due_on < new_due_on <= latest:
        raise RuleViolation(
            "R-E1",
            f"延期日期须晚于 {current_due_on}，且不超过原定日期后三个月（{latest}）",
            f"an extended date falls after {current_due_on} and on or before {latest} "
            f"(3 months after the original {original_due_on}), not {new_due_on}",
        )


def open_extension(case: CaseState, request_id: str) -> ExtensionRequest:
    return undecided(case.extensions, request_id, "R-E1", "延期申请", "extension request")

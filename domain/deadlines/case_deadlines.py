"""Every deadline of a case (R-D1…R-D5, R-D8), computed as a pure function of the case and a day.

Nothing here is stored: due dates follow from the dates on the case's events, the policy recorded
at assignment and the working-day calendar, so loading a new year's schedule (R-D7) or asking
"as of" another day (R-X3) needs no migration — just a new call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.periods import PeriodEnd
from domain.deadlines.policies import Policy, get_policy
from domain.deadlines.status import DeadlineStatus, deadline_status
from domain.records import ExtensionRequest, after_verdict
from domain.rules.replies import unit_answers
from domain.rules.state import CaseState


@dataclass(frozen=True)
class Deadline:
    kind: str  # co_opinion | reply | disclosure | rehandling | reference_contact
    unit: str | None
    opened_on: date  # the act that started the period: assignment, issue, verdict
    due_on: date
    met_on: date | None
    missed_on: date | None  # the day its obligation could no longer be met (R-D8)
    status: DeadlineStatus
    days_overdue: int
    calendar_provisional: bool
    derivation: str
    original_due_on: date | None = None  # R-E1: the date an extension replaced
    extended_by: str | None = None  # R-E1: the extension request that moved it
    rule: str = ""  # the rule it is derived by (R-D1 …), as ``derivation`` begins

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "unit": self.unit,
            "opened_on": self.opened_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "met_on": self.met_on.isoformat() if self.met_on else None,
            # The day it was missed, once it is: a deadline met before the case closed was
            # never missed, though the closing is a lapse day for it (the ledger says the same).
            "missed_on": self.missed_on.isoformat()
            if self.missed_on and self.status == "missed"
            else None,
            "status": self.status,
            "days_overdue": self.days_overdue,
            "calendar_provisional": self.calendar_provisional,
            "derivation": self.derivation,
            "original_due_on": self.original_due_on.isoformat() if self.original_due_on else None,
            "extended_by": self.extended_by,
        }


def _first(dates: list[date], as_of: date) -> date | None:
    """The earliest act on or before ``as_of``: a later act did not exist yet on that day."""
    known = sorted(d for d in dates if d <= as_of)
    return known[0] if known else None


@dataclass(frozen=True)
class _Judge:
    """Turns a period into a deadline with its status, for one case's policy and one day."""

    policy: Policy
    calendar: WorkdayCalendar
    as_of: date

    extensions: Sequence[ExtensionRequest] = ()

    def deadline(
        self,
        kind: str,
        unit: str | None,
        opened_on: date,
        period: PeriodEnd,
        met_dates: list[date],
        rule: str,
        lapse_dates: Sequence[date] = (),
    ) -> Deadline:
        met_on = _first(met_dates, self.as_of)
        missed_on = _first([d for d in lapse_dates if d >= opened_on], self.as_of)
        extension = self._extension(kind, unit, opened_on)
        due_on = extension.due_on if extension and extension.due_on else period.due_on
        status, days = deadline_status(
            due_on,
            met_on,
            self.as_of,
            self.policy.due_soon_days,
            missed_on=missed_on,
            extended=extension is not None,
        )
        derivation = f"{rule} [{self.policy.name}]: {period.derivation}"
        if extension is not None:
            derivation += (
                f"; extended to {due_on} on {extension.decided_on} "
                f"(R-E1, request {extension.request_id})"
            )
        return Deadline(
            kind=kind,
            unit=unit,
            opened_on=opened_on,
            due_on=due_on,
            original_due_on=period.due_on if extension else None,
            extended_by=extension.request_id if extension else None,
            met_on=met_on,
            missed_on=missed_on,
            status=status,
            days_overdue=days,
            calendar_provisional=period.provisional,
            derivation=derivation,
            rule=rule,
        )

    def _extension(self, kind: str, unit: str | None, opened_on: date) -> ExtensionRequest | None:
        """The extension granted for this deadline by ``as_of`` (R-E1), if any: a split case's
        re-handling is the replying unit's, named on the request though the deadline has no
        unit."""
        for request in self.extensions:
            granted = request.decided_on is not None and request.decided_on <= self.as_of
            if not granted or request.status != "approved":
                continue
            same_unit = unit is None or request.unit == unit
            if (request.deadline_kind, request.opened_on) == (kind, opened_on) and same_unit:
                return request
        return None


def case_deadlines(case: CaseState, calendar: WorkdayCalendar, as_of: date) -> list[Deadline]:
    """All deadlines of ``case`` with their status as of ``as_of``."""
    start = case.deadline_start
    if start is None or start > as_of:
        return []
    judge = _Judge(get_policy(case.policy), calendar, as_of, tuple(case.extensions.values()))
    if case.reference:
        return [_reference_deadline(case, start, judge)]
    return [
        *_co_opinion_deadlines(case, start, judge),
        *_reply_deadlines(case, start, judge),
        *_disclosure_deadlines(case, judge),
        *_rehandling_deadlines(case, judge),
    ]


def due_before_opening(case: CaseState, calendar: WorkdayCalendar) -> list[Deadline]:
    """The deadlines ``case`` owes from a day already past their due day: a reference case
    assigned after its R-D5 date (31 October, a fixed date not counted from the assignment)
    is overdue from the day it is assigned. The rule's letter stands; the office is told."""
    return [d for d in case_deadlines(case, calendar, date.max) if d.due_on < d.opened_on]


def _co_opinion_deadlines(case: CaseState, start: date, judge: _Judge) -> list[Deadline]:
    """R-D1, and R-D8: a co opinion still outstanding when the lead's reply went out under an
    override can no longer inform it, nor can a merged partner's once the merge's reply went
    out from its primary (R-M1: a review's partner had its co units chased 241 days after);
    closing the case ends every handling obligation."""
    overridden = [
        r.issued_on
        for r in case.replies.values()
        if r.unit == case.lead_unit and r.issued and r.override_reason and r.issued_on
    ]
    answered = case.merge.answered_by if case.merge is not None else None
    if answered is not None and answered.case_id != str(case.id):
        overridden.append(answered.issued_on)
    period = judge.policy.co_opinion_due(start, judge.calendar)
    deadlines = []
    for unit in case.co_units:
        opinion = case.co_opinions.get(unit)
        met = [opinion.occurred_on] if opinion else []
        lapses = [*overridden, *(c.on for c in case.closings)]
        deadlines.append(judge.deadline("co_opinion", unit, start, period, met, "R-D1", lapses))
    return deadlines


def _reply_deadlines(case: CaseState, start: date, judge: _Judge) -> list[Deadline]:
    """R-D2: the lead, or each split unit, replies; a merge's reply answers its partners."""
    period = judge.policy.reply_due(start, judge.calendar)
    deadlines = []
    for unit in case.replying_units:
        met = [a.issued_on for a in unit_answers(case, unit) if a.issued_on is not None]
        closed = [c.on for c in case.closings]
        deadlines.append(judge.deadline("reply", unit, start, period, met, "R-D2", closed))
    return deadlines


def _reference_deadline(case: CaseState, start: date, judge: _Judge) -> Deadline:
    due = judge.policy.reference_contact_due(case.year)
    period = PeriodEnd(due_on=due, provisional=False, derivation=f"fixed date {due} (R-D5)")
    met = [c.occurred_on for c in case.contacts if c.reached]
    met += [v.occurred_on for v in case.visits]
    # The unit the reference case went to owes it (R-S1: every deadline names whose it is); it
    # named none, so a handler's overdue count and list left it out while its ledger said 已逾期.
    return judge.deadline("reference_contact", case.lead_unit, start, period, met, "R-D5")


def _disclosure_deadlines(case: CaseState, judge: _Judge) -> list[Deadline]:
    """R-D4: a reply marked proactive is published (or, with a reason, withheld) in time.
    Closing the case does not end it: publishing stays possible and owed (R-D8)."""
    deadlines = []
    for reply in case.replies.values():
        issued_on = reply.issued_on
        if not reply.issued or reply.disclosure != "proactive" or issued_on is None:
            continue
        if issued_on > judge.as_of:
            continue
        decided = case.disclosures.get(reply.reply_id)
        acted = (decided.published_on or decided.withheld_on) if decided else None
        met = [acted] if acted is not None else []
        period = judge.policy.disclosure_due(issued_on, judge.calendar)
        deadlines.append(judge.deadline("disclosure", reply.unit, issued_on, period, met, "R-D4"))
    return deadlines


def _rehandling_deadlines(case: CaseState, judge: _Judge) -> list[Deadline]:
    """R-D3: each dissatisfied verdict is answered by a further reply within 30 days."""
    further_issued = sorted(
        (r.issued_on, r.issued_version or 0)
        for r in case.replies.values()
        if r.further and r.issued and r.issued_on
    )
    # The lead unit owes the further reply (R-S1: every deadline names whose it is); a split
    # case's is any split unit's, so it names none.
    owner = case.lead_unit if not case.split_units else None
    deadlines = []
    for fb in case.feedback:
        if fb.verdict != "dissatisfied" or fb.occurred_on > judge.as_of:
            continue
        # Only a further reply issued after the verdict answers it: one issued earlier the same
        # day answered the verdict before (a second 不满意 that day showed its new 30 days met).
        met = [d for d, v in further_issued if after_verdict(d, v, fb)]
        period = judge.policy.rehandling_due(fb.occurred_on, judge.calendar)
        # Only a closing after the verdict ends its obligation: one earlier the same day (a
        # satisfied verdict, then a co-signer's dissatisfied one) is what the verdict reopened.
        closed = [c.on for c in case.closings if c.version > fb.version]
        deadlines.append(
            judge.deadline("rehandling", owner, fb.occurred_on, period, met, "R-D3", closed)
        )
    return deadlines

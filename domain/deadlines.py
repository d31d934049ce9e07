"""Every deadline of a case (R-D1…R-D5), computed as a pure function of the case and a day.

Nothing here is stored: due dates follow from the dates on the case's events, the policy recorded
at assignment and the working-day calendar, so loading a new year's schedule (R-D7) or asking
"as of" another day (R-X3) needs no migration — just a new call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.calendar import WorkdayCalendar
from domain.deadline_status import DeadlineStatus, deadline_status
from domain.periods import PeriodEnd
from domain.policies import Policy, get_policy


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "unit": self.unit,
            "opened_on": self.opened_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "missed_on": self.missed_on.isoformat() if self.missed_on else None,
            "status": self.status,
            "days_overdue": self.days_overdue,
            "calendar_provisional": self.calendar_provisional,
            "derivation": self.derivation,
        }


def _first(dates: list[date], as_of: date) -> date | None:
    """The earliest act on or before ``as_of``: a later act did not exist yet on that day."""
    known = sorted(d for d in dates if d <= as_of)
    return known[0] if known else None


def _deadline(
    kind: str,
    unit: str | None,
    opened_on: date,
    period: PeriodEnd,
    met_dates: list[date],
    as_of: date,
    policy: Policy,
    rule: str,
    lapse_dates: list[date] | None = None,
) -> Deadline:
    met_on = _first(met_dates, as_of)
    missed_on = _first([d for d in lapse_dates or [] if d >= opened_on], as_of)
    status, days = deadline_status(
        period.due_on, met_on, as_of, policy.due_soon_days, missed_on=missed_on
    )
    return Deadline(
        kind=kind,
        unit=unit,
        opened_on=opened_on,
        due_on=period.due_on,
        met_on=met_on,
        missed_on=missed_on,
        status=status,
        days_overdue=days,
        calendar_provisional=period.provisional,
        derivation=f"{rule} [{policy.name}]: {period.derivation}",
    )


def case_deadlines(case: Any, calendar: WorkdayCalendar, as_of: date) -> list[Deadline]:
    """All deadlines of ``case`` with their status as of ``as_of``."""
    start = case.deadline_start
    if start is None or start > as_of:
        return []
    policy = get_policy(case.policy)
    if case.reference:
        return [_reference_deadline(case, policy, as_of)]
    deadlines: list[Deadline] = []
    # R-D8: a co opinion still outstanding when the lead's reply went out under an override
    # can no longer inform it; and closing the case ends every handling obligation.
    overridden = [
        r["issued_on"]
        for r in case.replies.values()
        if r["unit"] == case.lead_unit and r["status"] == "issued" and r["override_reason"]
    ]
    for unit in case.co_units:
        opinion = case.co_opinions.get(unit)
        met = [opinion["occurred_on"]] if opinion else []
        period = policy.co_opinion_due(start, calendar)
        deadlines.append(
            _deadline(
                "co_opinion",
                unit,
                start,
                period,
                met,
                as_of,
                policy,
                "R-D1",
                lapse_dates=overridden + case.closings,
            )
        )
    answered_by = case.merge.get("answered_by") if case.merge else None
    for unit in case.replying_units:
        met = [
            r["issued_on"]
            for r in case.replies.values()
            if r["unit"] == unit and r["status"] == "issued" and not r["further"]
        ]
        if answered_by:
            met.append(answered_by["issued_on"])
        period = policy.reply_due(start, calendar)
        deadlines.append(
            _deadline(
                "reply", unit, start, period, met, as_of, policy, "R-D2", lapse_dates=case.closings
            )
        )
    deadlines += _disclosure_deadlines(case, policy, calendar, as_of)
    deadlines += _rehandling_deadlines(case, policy, calendar, as_of)
    return deadlines


def _reference_deadline(case: Any, policy: Policy, as_of: date) -> Deadline:
    due = policy.reference_contact_due(case.year)
    period = PeriodEnd(due_on=due, provisional=False, derivation=f"fixed date {due} (R-D5)")
    met = [c["occurred_on"] for c in case.contacts if c["reached"]]
    met += [v["occurred_on"] for v in case.visits]
    start = case.deadline_start
    return _deadline("reference_contact", None, start, period, met, as_of, policy, "R-D5")


def _disclosure_deadlines(
    case: Any, policy: Policy, calendar: WorkdayCalendar, as_of: date
) -> list[Deadline]:
    """R-D4: a reply marked proactive is published (or, with a reason, withheld) in time."""
    deadlines = []
    for reply in case.replies.values():
        if reply["status"] != "issued" or reply["disclosure"] != "proactive":
            continue
        if reply["issued_on"] > as_of:
            continue
        decided = case.disclosures.get(reply["reply_id"])
        met = [decided.get("published_on") or decided["withheld_on"]] if decided else []
        period = policy.disclosure_due(reply["issued_on"], calendar)
        opened = reply["issued_on"]
        deadlines.append(
            _deadline("disclosure", reply["unit"], opened, period, met, as_of, policy, "R-D4")
        )
    return deadlines


def _rehandling_deadlines(
    case: Any, policy: Policy, calendar: WorkdayCalendar, as_of: date
) -> list[Deadline]:
    """R-D3: each dissatisfied verdict is answered by a further reply within 30 days."""
    deadlines = []
    further_issued = sorted(
        r["issued_on"] for r in case.replies.values() if r["further"] and r["status"] == "issued"
    )
    for fb in case.feedback:
        if fb["verdict"] != "dissatisfied" or fb["occurred_on"] > as_of:
            continue
        met = [d for d in further_issued if d >= fb["occurred_on"]]
        period = policy.rehandling_due(fb["occurred_on"], calendar)
        opened = fb["occurred_on"]
        deadlines.append(
            _deadline(
                "rehandling",
                None,
                opened,
                period,
                met,
                as_of,
                policy,
                "R-D3",
                lapse_dates=case.closings,
            )
        )
    return deadlines

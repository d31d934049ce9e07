"""The bodies of a case's later events: feedback, follow-up calls, reassessments, close-out, the
merge, and corrections. ``domain.case`` declares them as events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.events.replies import close
from domain.records import (
    Actor,
    Correction,
    Feedback,
    FollowUpCall,
    Merge,
    Reassessment,
    person,
    proposer,
)
from domain.vocabulary import SUPERVISION_FINDINGS

if TYPE_CHECKING:
    from domain.case import Case

Item = dict[str, Any]  # a record's values as an event stores them


def feedback_recorded(
    self: Case,
    *,
    # Who spoke first, as the form and the timeline read it (both were added after R-F4).
    proposer: str | None = None,
    source: str = "office",
    verdict: str,
    comments: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    further = any(r.further and r.issued for r in self.replies.values())
    self.feedback.append(
        Feedback(verdict, comments, occurred_on, further, self.event_version, source, proposer)
    )
    if verdict == "dissatisfied":
        self.stage = "rehandling"  # R-F2: stays on the ledger until the further reply
        self.rehandling_opened_on = occurred_on
    else:
        close(self, occurred_on)


def follow_up_called(self: Case, *, summary: str, actor: Actor, occurred_on: date) -> None:
    self.follow_up_calls.append(FollowUpCall(summary, occurred_on, self.event_version))


def reassessed(
    self: Case, *, classification: str, finding: str, note: str, actor: Actor, occurred_on: date
) -> None:
    self.reassessments.append(
        Reassessment(classification, finding, note, occurred_on, self.event_version)
    )
    self.supervised_after_reassessment = finding in SUPERVISION_FINDINGS


def closed_out(self: Case, *, note: str, actor: Actor, occurred_on: date) -> None:
    self.closed_out_on = occurred_on
    self.supervised_after_reassessment = False


def merged(
    self: Case,
    *,
    merge_id: str,
    case_ids: list[str],
    numbers: list[str],
    proposers: list[Item],
    primary_case_id: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    self.merge = Merge(
        merge_id=merge_id,
        case_ids=list(case_ids),
        numbers=list(numbers),
        proposers=[proposer(p) for p in proposers],
        primary_case_id=primary_case_id,
        occurred_on=occurred_on,
    )


def merge_undone(
    self: Case,
    *,
    merge_id: str,
    reason: str,
    actor: Actor,
    occurred_on: date,
    # The merge's numbers, for the history. Optional: the first undos were stored without it,
    # and a stored event must replay whatever the code has added since (R-X3).
    separated: Sequence[str] = (),
) -> None:
    self.merge = None


def corrected(
    self: Case,
    *,
    corrects_version: int,
    corrects_type: str,
    reason: str,
    corrected: dict[str, Any],
    actor: Actor,
    occurred_on: date,
) -> None:
    self.corrections.append(
        Correction(corrects_version, corrects_type, reason, dict(corrected), self.event_version)
    )
    if corrects_type == "Registered":  # the registration's record is the case itself
        for name, value in corrected.items():
            setattr(self, name, value)
    for item in correctable_items(self, corrects_type, corrects_version):
        for name, value in corrected.items():
            setattr(item, name, _as_stored(name, value))


def already_holds(case: Case, corrects_type: str, version: int, corrected: dict[str, Any]) -> bool:
    """Whether the record of the event at ``version`` already holds every corrected value: a
    correction that changes nothing (R-X2)."""
    if corrects_type == "Registered":
        records: list[Any] = [case]
    else:
        records = correctable_items(case, corrects_type, version)
    return bool(records) and all(
        getattr(record, name, None) == _as_stored(name, value)
        for record in records
        for name, value in corrected.items()
    )


# The record's field naming the event that made it, where it is not ``version`` (a reply is
# submitted by one event and issued by another).
MADE_BY = {"ReplyIssued": "issued_version"}


def correctable_items(case: Case, event_type: str, version: int) -> list[Any]:
    """The records the event of ``event_type`` at ``version`` made, which a correction of it
    may amend (R-X2)."""
    made_by = MADE_BY.get(event_type, "version")
    return [i for i in _records(case, event_type) if getattr(i, made_by, None) == version]


def _records(case: Case, event_type: str) -> list[Any]:
    """The records an event type makes."""
    lists: dict[str, list[Any]] = {
        "ContactRecorded": case.contacts,
        "VisitRecorded": case.visits,
        "VisitDeclined": case.declined_visits,
        "OnSiteHandled": case.on_site_handlings,
        "CoOpinionDelivered": list(case.co_opinions.values()),
        "ReplySubmitted": list(case.replies.values()),
        "ReplyIssued": list(case.replies.values()),
        "ReplyPublished": list(case.disclosures.values()),
        "FeedbackRecorded": case.feedback,
        "FollowUpCalled": case.follow_up_calls,
        "Reminded": case.reminders,
        "Reassessed": case.reassessments,
    }
    return lists.get(event_type, [])


def _as_stored(name: str, value: Any) -> Any:
    """A corrected value as the record holds it (the event stores plain values)."""
    if name == "contacted_by":
        return person(value)
    if name == "visitors":
        return [person(v) for v in value]
    return value

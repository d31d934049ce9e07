"""Request schemas of feedback (feedback, follow-up calls), supervision and review (key
designation, reminders, reassessments, close-out), corrections and merges (API.md § Case
commands), each with its command."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field

from api.fields import Code, Day, Flag, Items, Name, Text
from api.schemas import Body
from domain import commands as c
from domain.checks import MAX_ITEMS
from domain.vocabulary import Finding, KeySource, ReminderMeans, Verdict


class Feedback(Body):
    verdict: Verdict
    comments: Text = ""
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordFeedback:
        return c.RecordFeedback(
            case_id=case_id,
            verdict=self.verdict,
            occurred_on=self.occurred_on,
            comments=self.comments,
        )


class FollowUpCall(Body):
    summary: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordFollowUpCall:
        return c.RecordFollowUpCall(
            case_id=case_id, summary=self.summary, occurred_on=self.occurred_on
        )


class KeyDesignation(Body):
    source: KeySource
    leader_in_charge: Name | None = None
    occurred_on: Day

    def command(self, case_id: str) -> c.DesignateKey:
        return c.DesignateKey(
            case_id=case_id,
            source=self.source,
            occurred_on=self.occurred_on,
            leader_in_charge=self.leader_in_charge,
        )


class Reminder(Body):
    means: ReminderMeans
    note: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.Remind:
        return c.Remind(
            case_id=case_id, means=self.means, note=self.note, occurred_on=self.occurred_on
        )


class Reassessment(Body):
    finding: Finding
    note: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.Reassess:
        return c.Reassess(
            case_id=case_id, finding=self.finding, note=self.note, occurred_on=self.occurred_on
        )


class CloseOut(Body):
    note: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.CloseOut:
        return c.CloseOut(case_id=case_id, note=self.note, occurred_on=self.occurred_on)


class RepeatReview(Body):
    of_case_id: Code
    confirmed: Flag
    note: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.ReviewRepeat:
        return c.ReviewRepeat(
            case_id=case_id,
            of_case_id=self.of_case_id,
            confirmed=self.confirmed,
            note=self.note,
            occurred_on=self.occurred_on,
        )


class Correction(Body):
    event_id: Annotated[Code, Field(max_length=100)]
    reason: Text
    # Checked field by field by the domain (R-X2); the request's nesting is bounded on the way in.
    corrected: Annotated[dict[Code, Any], Field(max_length=MAX_ITEMS)]

    def command(self, case_id: str, version: int) -> c.Correct:
        """The correction of the event at ``version`` of the case (``event_id`` names both)."""
        return c.Correct(
            case_id=case_id, version=version, reason=self.reason, corrected=self.corrected
        )


class Merge(Body):
    case_ids: Annotated[Items[Code], Field(min_length=2)]
    occurred_on: Day

    def command(self) -> c.MergeCases:
        return c.MergeCases(case_ids=tuple(self.case_ids), occurred_on=self.occurred_on)


class UndoMerge(Body):
    """R-M1: the merge the case is part of, undone on every case of it before its reply."""

    reason: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.UndoMerge:
        return c.UndoMerge(case_id=case_id, reason=self.reason, occurred_on=self.occurred_on)


class MergeWith(Body):
    """The case page's 并案 form: the case it is on is the primary, the others are named by
    their numbers as the office knows them (``api.pages_merge`` turns them into ``Merge``)."""

    with_numbers: Text
    occurred_on: Day

    def numbers(self) -> list[str]:
        """The numbers as typed, one each, separated by commas, 、 or spaces."""
        return list(dict.fromkeys(n for n in re.split(r"[\s,，、;；]+", self.with_numbers) if n))

"""Request schemas of handling a case (API.md § Case commands: contacts, visits, on-site
handling, the proposer's disclosure preference, co-opinions, replies and their disclosure),
each with its command."""

from __future__ import annotations

from datetime import date
from typing import Annotated, cast

from pydantic import Field

from api.fields import Code, Day, Flag, Items, Name, Text
from api.schemas import Body, Person
from domain import commands as c
from domain.vocabulary import Classification, ContactChannel, ContactPhase, DisclosureOption


class Contact(Body):
    unit: Code
    phase: ContactPhase
    channel: ContactChannel
    contacted_by: Person
    person: Name
    reached: Flag
    summary: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordContact:
        return c.RecordContact(
            case_id=case_id,
            unit=self.unit,
            phase=self.phase,
            channel=self.channel,
            contacted_by=self.contacted_by.record(),
            person=self.person,
            reached=self.reached,
            summary=self.summary,
            occurred_on=self.occurred_on,
        )


class Visit(Body):
    unit: Code
    organised_by: Code
    visitors: Items[Person]
    persons: Items[Name]
    summary: Text
    proposer_opinion: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordVisit:
        return c.RecordVisit(
            case_id=case_id,
            unit=self.unit,
            organised_by=self.organised_by,
            visitors=tuple(v.record() for v in self.visitors),
            persons=tuple(self.persons),
            summary=self.summary,
            proposer_opinion=self.proposer_opinion,
            occurred_on=self.occurred_on,
        )


class VisitDeclined(Body):
    unit: Code
    note: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordVisitDeclined:
        return c.RecordVisitDeclined(
            case_id=case_id, unit=self.unit, note=self.note, occurred_on=self.occurred_on
        )


class OnSiteHandling(Body):
    unit: Code
    proposer_present: Flag
    summary: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordOnSiteHandling:
        return c.RecordOnSiteHandling(
            case_id=case_id,
            unit=self.unit,
            proposer_present=self.proposer_present,
            summary=self.summary,
            occurred_on=self.occurred_on,
        )


class Responsibility(Body):
    """Who in the unit answers for its part of the case (its row of the 责任分解表, seed 003
    §三): the leader in charge (分管负责同志), the person handling it (承办人) and the phone
    number the proposer may call (联系电话). A handler records its own unit's; recorded again
    when one of them changes (the case keeps the latest, its timeline every record). R-A1: only
    a unit with a part in the case; the same people again are refused."""

    unit: Code
    unit_leader: Name
    handler: Name
    phone: Code
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordResponsibility:
        return c.RecordResponsibility(
            case_id=case_id,
            unit=self.unit,
            unit_leader=self.unit_leader,
            handler=self.handler,
            phone=self.phone,
            occurred_on=self.occurred_on,
        )


class DisclosurePreference(Body):
    consent_reply: Flag
    consent_original: Flag
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordDisclosurePreference:
        return c.RecordDisclosurePreference(
            case_id=case_id,
            consent_reply=self.consent_reply,
            consent_original=self.consent_original,
            occurred_on=self.occurred_on,
        )


class CoOpinion(Body):
    unit: Code
    summary: Text
    disclosure_opinion: DisclosureOption
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordCoOpinion:
        return c.RecordCoOpinion(
            case_id=case_id,
            unit=self.unit,
            summary=self.summary,
            disclosure_opinion=self.disclosure_opinion,
            occurred_on=self.occurred_on,
        )


class Reply(Body):
    unit: Code
    classification: Classification
    disclosure: DisclosureOption = "proactive"
    withheld_reason: Text | None = None
    consultation_form_ref: Name
    summary: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.SubmitReply:
        return c.SubmitReply(
            case_id=case_id,
            unit=self.unit,
            classification=self.classification,
            consultation_form_ref=self.consultation_form_ref,
            summary=self.summary,
            occurred_on=self.occurred_on,
            disclosure=self.disclosure,
            withheld_reason=self.withheld_reason,
        )


class Approval(Body):
    approved: Flag
    leader: Name
    note: Text
    occurred_on: Day

    def command(self, case_id: str, reply_id: str) -> c.DecideReply:
        return c.DecideReply(
            case_id=case_id,
            reply_id=reply_id,
            approved=self.approved,
            leader=self.leader,
            note=self.note,
            occurred_on=self.occurred_on,
        )


class Issue(Body):
    document_number: Name
    occurred_on: Day
    override_reason: Text | None = None

    def command(self, case_id: str, reply_id: str) -> c.IssueReply:
        return c.IssueReply(
            case_id=case_id,
            reply_id=reply_id,
            document_number=self.document_number,
            occurred_on=self.occurred_on,
            override_reason=self.override_reason,
        )


class DisclosureReview(Body):
    """R-P3: the office's review before publishing (and any secrecy review, 保密审查)."""

    reply_id: Code
    approved: Flag
    secrecy_review_ref: Name | None = None
    note: Text
    occurred_on: Day

    def command(self, case_id: str) -> c.ReviewDisclosure:
        return c.ReviewDisclosure(
            case_id=case_id,
            reply_id=self.reply_id,
            approved=self.approved,
            note=self.note,
            occurred_on=self.occurred_on,
            secrecy_review_ref=self.secrecy_review_ref,
        )


class TakeDown(Body):
    """R-P2 after publishing: a published reply its proposers came to refuse was taken down
    from where it was published (登记撤下)."""

    reply_id: Code
    taken_down_from: Name
    occurred_on: Day

    def command(self, case_id: str) -> c.RecordTakeDown:
        return c.RecordTakeDown(
            case_id=case_id,
            reply_id=self.reply_id,
            taken_down_from=self.taken_down_from,
            occurred_on=self.occurred_on,
        )


class DisclosureDecision(Body):
    """Publish (``published_on`` + ``url``) or withhold (``withheld_reason``) a reply."""

    reply_id: Code
    published_on: Day | None = None
    url: Annotated[Text, Field(max_length=2000)] | None = None
    include_original: Flag = False
    secrecy_review_ref: Name | None = None
    withheld_reason: Text | None = None
    occurred_on: Day | None = None

    def command(self, case_id: str) -> c.PublishReply | c.WithholdReply:
        """Withholding with a reason and no publication date, else publishing.

        The date and the url are optional here (one body, two commands) though each command
        needs its own: a missing one reaches the domain as ``None`` (``cast``), whose checks
        refuse it (422) in their order, after the case's and the reply's (a handler outside the
        case gets its 404 first, whatever the body lacks)."""
        if self.withheld_reason is not None and self.published_on is None:
            return c.WithholdReply(
                case_id=case_id,
                reply_id=self.reply_id,
                withheld_reason=self.withheld_reason,
                occurred_on=cast(date, self.occurred_on),
            )
        return c.PublishReply(
            case_id=case_id,
            reply_id=self.reply_id,
            published_on=cast(date, self.published_on),
            url=cast(str, self.url),
            include_original=self.include_original,
            secrecy_review_ref=self.secrecy_review_ref,
        )

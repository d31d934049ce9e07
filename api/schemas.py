"""Request and response schemas (pydantic v2), separate from the domain's types.

Closed vocabularies are ``Literal`` so the OpenAPI document lists them; the rules themselves are
checked by the domain, which names the rule a refused command breaks.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr

from api.fields import MAX_ITEMS, Code, Day, Flag, Items, Name, Text, Year, storable

Channel = Literal["phone", "wechat", "email", "video", "letter", "meeting", "visit", "site"]
Disclosure = Literal["proactive", "on_request", "withheld"]
Role = Literal["admin", "office", "leader", "handler", "supervisor", "auditor"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Person(Body):
    name: Name
    rank: Name


class Proposer(Body):
    name: Name
    type: Literal["deputy", "member", "unit"]
    role: Literal["lead", "co_signer"]


class UnitCreate(Body):
    code: Annotated[Code, Field(min_length=1)]
    name: Annotated[Name, Field(min_length=1)]


class UserCreate(Body):
    username: Annotated[StrictStr, Field(min_length=1, max_length=100), AfterValidator(storable)]
    display_name: Annotated[Name, Field(min_length=1)]
    role: Role
    unit_code: Code | None = None


class CalendarYear(Body):
    holidays: Annotated[list[Day], Field(max_length=366)]
    workdays: Annotated[list[Day], Field(max_length=366)] = []


class CaseCreate(Body):
    number: Annotated[Code, Field(min_length=1)]
    kind: Literal["suggestion", "proposal"]
    level: Literal["national", "provincial"]
    year: Year
    title: Annotated[Text, Field(min_length=1, max_length=500)]
    proposers: Annotated[Items[Proposer], Field(min_length=1)]
    received_on: Day


class Assignment(Body):
    lead_unit: Code | None = None
    co_units: Items[Code] = []
    split_units: Items[Code] = []
    reference: Flag = False
    assigned_on: Day
    policy: Literal["hebei-2022", "guangxi-2018"] = "hebei-2022"


class ReassignmentRequest(Body):
    unit: Code
    reason: Text
    occurred_on: Day


class ReassignmentDecision(Body):
    approved: Flag
    lead_unit: Code | None = None
    co_units: Items[Code] = []
    note: Text
    occurred_on: Day
    restart_deadlines: Flag = False


class Ruling(Body):
    leader: Name
    lead_unit: Code
    co_units: Items[Code] = []
    note: Text
    occurred_on: Day


class KeyDesignation(Body):
    source: Literal["congress", "cppcc", "government", "unit"]
    leader_in_charge: Name | None = None
    occurred_on: Day


class Contact(Body):
    unit: Code
    phase: Literal["before", "during", "after"]
    channel: Channel
    contacted_by: Person
    person: Name
    reached: Flag
    summary: Text
    occurred_on: Day


class Visit(Body):
    unit: Code
    organised_by: Code
    visitors: Items[Person]
    persons: Items[Name]
    summary: Text
    proposer_opinion: Text
    occurred_on: Day


class VisitDeclined(Body):
    unit: Code
    note: Text
    occurred_on: Day


class OnSiteHandling(Body):
    unit: Code
    proposer_present: Flag
    summary: Text
    occurred_on: Day


class DisclosurePreference(Body):
    consent_reply: Flag
    consent_original: Flag
    occurred_on: Day


class CoOpinion(Body):
    unit: Code
    summary: Text
    disclosure_opinion: Disclosure
    occurred_on: Day


class Reply(Body):
    unit: Code
    classification: Literal["A", "B", "C"]
    disclosure: Disclosure = "proactive"
    withheld_reason: Text | None = None
    consultation_form_ref: Name
    summary: Text
    occurred_on: Day


class Approval(Body):
    approved: Flag
    leader: Name
    note: Text
    occurred_on: Day


class Issue(Body):
    document_number: Name
    occurred_on: Day
    override_reason: Text | None = None


class DisclosureReview(Body):
    """R-P3: the office's review before publishing (and any secrecy review, 保密审查)."""

    reply_id: Code
    approved: Flag
    secrecy_review_ref: Name | None = None
    note: Text
    occurred_on: Day


class DisclosureDecision(Body):
    """Publish (``published_on`` + ``url``) or withhold (``withheld_reason``) a reply."""

    reply_id: Code
    published_on: Day | None = None
    url: Annotated[Text, Field(max_length=2000)] | None = None
    include_original: Flag = False
    secrecy_review_ref: Name | None = None
    withheld_reason: Text | None = None
    occurred_on: Day | None = None


class Feedback(Body):
    verdict: Literal["satisfied", "basically_satisfied", "dissatisfied"]
    comments: Text = ""
    occurred_on: Day


class FollowUpCall(Body):
    summary: Text
    occurred_on: Day


class Reminder(Body):
    means: Literal["phone", "meeting", "on_site", "circular"]
    note: Text
    occurred_on: Day


class Reassessment(Body):
    finding: Literal["implemented", "not_implemented", "advancing", "stalled", "fulfilled"]
    note: Text
    occurred_on: Day


class CloseOut(Body):
    note: Text
    occurred_on: Day


class Correction(Body):
    event_id: Annotated[Code, Field(max_length=100)]
    reason: Text
    # Checked field by field by the domain (R-X2); the request's nesting is bounded on the way in.
    corrected: Annotated[dict[Code, Any], Field(max_length=MAX_ITEMS)]


class Merge(Body):
    case_ids: Annotated[Items[Code], Field(min_length=2)]
    occurred_on: Day


class EventRef(BaseModel):
    id: str
    type: str
    position: int | None = None


class CommandAnswer(BaseModel):
    case_id: str
    version: int
    events: list[EventRef]
    reply_id: str | None = None
    request_id: str | None = None
    merge_id: str | None = None
    case_ids: list[str] | None = None

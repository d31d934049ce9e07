"""Request and response schemas (pydantic v2), separate from the domain's types.

Closed vocabularies are ``Literal`` so the OpenAPI document lists them; the rules themselves are
checked by the domain, which names the rule a refused command breaks.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["phone", "wechat", "email", "video", "letter", "meeting", "visit", "site"]
Disclosure = Literal["proactive", "on_request", "withheld"]
Role = Literal["admin", "office", "leader", "handler", "supervisor", "auditor"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Person(Body):
    name: str
    rank: str


class Proposer(Body):
    name: str
    type: Literal["deputy", "member", "unit"]
    role: Literal["lead", "co_signer"]


class UnitCreate(Body):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)


class UserCreate(Body):
    username: str = Field(min_length=1, max_length=100)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    unit_code: str | None = None


class CalendarYear(Body):
    holidays: list[date]
    workdays: list[date] = []


class CaseCreate(Body):
    number: str = Field(min_length=1, max_length=64)
    kind: Literal["suggestion", "proposal"]
    level: Literal["national", "provincial"]
    year: int = Field(ge=1949, le=2200)
    title: str = Field(min_length=1, max_length=500)
    proposers: list[Proposer] = Field(min_length=1)
    received_on: date


class Assignment(Body):
    lead_unit: str | None = None
    co_units: list[str] = []
    split_units: list[str] = []
    reference: bool = False
    assigned_on: date
    policy: Literal["hebei-2022", "guangxi-2018"] = "hebei-2022"


class ReassignmentRequest(Body):
    unit: str
    reason: str
    occurred_on: date


class ReassignmentDecision(Body):
    approved: bool
    lead_unit: str | None = None
    co_units: list[str] = []
    note: str
    occurred_on: date
    restart_deadlines: bool = False


class Ruling(Body):
    leader: str
    lead_unit: str
    co_units: list[str] = []
    note: str
    occurred_on: date


class KeyDesignation(Body):
    source: Literal["congress", "cppcc", "government", "unit"]
    leader_in_charge: str | None = None
    occurred_on: date


class Contact(Body):
    unit: str
    phase: Literal["before", "during", "after"]
    channel: Channel
    contacted_by: Person
    person: str
    reached: bool
    summary: str
    occurred_on: date


class Visit(Body):
    unit: str
    organised_by: str
    visitors: list[Person]
    persons: list[str]
    summary: str
    proposer_opinion: str
    occurred_on: date


class VisitDeclined(Body):
    unit: str
    note: str
    occurred_on: date


class OnSiteHandling(Body):
    unit: str
    proposer_present: bool
    summary: str
    occurred_on: date


class DisclosurePreference(Body):
    consent_reply: bool
    consent_original: bool
    occurred_on: date


class CoOpinion(Body):
    unit: str
    summary: str
    disclosure_opinion: Disclosure
    occurred_on: date


class Reply(Body):
    unit: str
    classification: Literal["A", "B", "C"]
    disclosure: Disclosure = "proactive"
    withheld_reason: str | None = None
    consultation_form_ref: str
    summary: str
    occurred_on: date


class Approval(Body):
    approved: bool
    leader: str
    note: str
    occurred_on: date


class Issue(Body):
    document_number: str
    occurred_on: date
    override_reason: str | None = None


class DisclosureDecision(Body):
    """Publish (``published_on`` + ``url``) or withhold (``withheld_reason``) a reply."""

    reply_id: str
    published_on: date | None = None
    url: str | None = None
    include_original: bool = False
    secrecy_review_ref: str | None = None
    withheld_reason: str | None = None
    occurred_on: date | None = None


class Feedback(Body):
    verdict: Literal["satisfied", "basically_satisfied", "dissatisfied"]
    comments: str = ""
    occurred_on: date


class FollowUpCall(Body):
    summary: str
    occurred_on: date


class Reminder(Body):
    means: Literal["phone", "meeting", "on_site", "circular"]
    note: str
    occurred_on: date


class Reassessment(Body):
    finding: Literal["implemented", "not_implemented", "advancing", "stalled", "fulfilled"]
    note: str
    occurred_on: date


class CloseOut(Body):
    note: str
    occurred_on: date


class Correction(Body):
    event_id: str
    reason: str
    corrected: dict[str, Any]


class Merge(Body):
    case_ids: list[str] = Field(min_length=2)
    occurred_on: date


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

"""What a correction (R-X2) may amend, per corrected event type, and how each amended value is
checked again: by the same check, or the same rule, that guarded it when it was recorded.

Fields other rules rest on (units, ``reached``) are not correctable: record a new event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

from domain.checks import (
    check_bool,
    check_name,
    check_names,
    check_one_of,
    check_person,
    check_text,
    check_title,
    check_web_address,
)
from domain.errors import RuleViolation
from domain.rules.accountability import corrected_date
from domain.rules.communication import check_consultation_form
from domain.rules.replies import check_class_correctable
from domain.rules.state import CaseState
from domain.rules.visits import check_visitors
from domain.vocabulary import CLASSIFICATIONS, CONTACT_PHASES

Check = Callable[[Any], Any]


def _text(field: str) -> Check:
    return lambda value: check_text(value, field)


DESCRIPTIVE: Mapping[str, Check] = {
    "title": check_title,
    "summary": _text("summary"),
    "note": _text("note"),
    "comments": _text("comments"),
    "person": lambda value: check_name(value, "person"),
    "proposer_opinion": _text("proposer_opinion"),
    "occurred_on": corrected_date,
    "phase": lambda value: check_one_of(value, CONTACT_PHASES, "phase"),
    "proposer_present": lambda value: check_bool(value, "proposer_present"),
    "contacted_by": lambda value: asdict(check_person(value, "contacted_by")),
    "visitors": lambda value: [asdict(v) for v in check_visitors(value)],  # R-V4
    "persons": lambda value: check_names(value, "persons"),
    "classification": lambda value: check_one_of(value, CLASSIFICATIONS, "classification"),
    "consultation_form_ref": check_consultation_form,  # R-C3
    "document_number": _text("document_number"),
    "url": lambda value: check_web_address(value, "url"),  # R-D4
}


def _fields(*names: str) -> Mapping[str, Check]:
    return {name: DESCRIPTIVE[name] for name in names}


CORRECTABLE: Mapping[str, Mapping[str, Check]] = {
    # A title keyed in wrong reads wrong on every list, paper and the public register. The
    # number, kind and year make the case's id (a wrong one is a new registration).
    "Registered": _fields("title"),
    "ContactRecorded": _fields("summary", "person", "contacted_by", "occurred_on", "phase"),
    "VisitRecorded": _fields("summary", "persons", "visitors", "proposer_opinion", "occurred_on"),
    "VisitDeclined": _fields("note", "occurred_on"),
    "OnSiteHandled": _fields("summary", "proposer_present", "occurred_on"),
    "CoOpinionDelivered": _fields("summary", "occurred_on"),
    "ReplySubmitted": _fields("summary", "classification", "consultation_form_ref"),
    # A 文号 or an address typed wrong would otherwise stand for good on every paper and on
    # the public register; the dates are what the deadlines were met by, and stay.
    "ReplyIssued": _fields("document_number"),
    "ReplyPublished": _fields("url"),
    "FeedbackRecorded": _fields("comments"),
    "FollowUpCalled": _fields("summary", "occurred_on"),
    "Reminded": _fields("note", "occurred_on"),
    "Reassessed": _fields("note"),
}


def check_corrected_reply(case: CaseState, version: int) -> None:
    """R-R1: a class is corrected only on a reply not yet issued."""
    reply = next((r for r in case.replies.values() if r.version == version), None)
    if reply is not None:
        check_class_correctable(reply)


def check_corrected_number(case: CaseState) -> None:
    """R-M1: a merge's reply answers every merged case under one 文号, which each of them
    holds: corrected on one case, the others would keep the wrong one."""
    if case.merge is not None:
        raise RuleViolation(
            "R-M1",
            "并案答复的文号为各并案件共有，不能在一件上更正",
            "a merged reply's document number is every merged case's; it is not corrected on one",
        )

"""Communication 沟通 (DOMAIN.md R-C1 … R-C4).

R-C1 a lead or split reply is approved only after a contact reached the proposer (先协商、后答复).
R-C2 every contact records phase, channel, who, whom, reached and a summary (the command's
fields). R-C3 a reply submitted for approval names its consultation form. R-C4 deputies sign
suggestions and members or units proposals; a joint suggestion's reply goes to every deputy, a
joint proposal's to its lead only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.checks import check_count, check_name, check_one_of, check_text
from domain.errors import InvalidInput, RuleViolation
from domain.records import Proposer, Reply
from domain.rules.state import CaseState
from domain.vocabulary import FACE_TO_FACE_CHANNELS, PROPOSER_ROLES, PROPOSER_TYPES


def check_proposers(kind: str, proposers: Sequence[Proposer]) -> list[Proposer]:
    """Exactly one lead; deputies sign suggestions, members or units sign proposals (R-C4)."""
    if not isinstance(proposers, list | tuple) or not proposers:
        raise InvalidInput("至少需要一名提出人", "proposers must list at least one proposer")
    check_count(proposers, "proposers")
    checked = [
        Proposer(
            name=check_name(p.name, "proposers.name"),
            type=check_one_of(p.type, PROPOSER_TYPES, "proposers.type"),
            role=check_one_of(p.role, PROPOSER_ROLES, "proposers.role"),
        )
        for p in proposers
    ]
    named = [p.name for p in checked]
    twice = sorted({name for name in named if named.count(name) > 1}, key=named.index)
    if twice:
        # One person signs once: a name listed twice is a list typed wrong, and its reply
        # would go to that person twice (R-C4), its links and contacts offered twice.
        raise InvalidInput(
            f"提出人重复：{'、'.join(twice)}",
            f"proposers listed more than once: {twice}",
            "proposers",
        )
    if sum(p.role == "lead" for p in checked) != 1:
        raise InvalidInput("须有且只有一名领衔人", "exactly one proposer must have role 'lead'")
    allowed = {"deputy"} if kind == "suggestion" else {"member", "unit"}
    wrong = [p.name for p in checked if p.type not in allowed]
    if wrong:
        raise RuleViolation(
            "R-C4",
            f"建议由代表提出、提案由委员或参加单位提出：{'、'.join(wrong)}",
            f"a {kind} is raised by {sorted(allowed)} only; wrong type for {wrong}",
        )
    return checked


def reply_recipients(case: CaseState) -> list[str]:
    """R-C4: joint suggestions go to every deputy; proposals only to the lead member or unit."""
    proposers = case.merge.proposers if case.merge else case.proposers
    if case.kind == "suggestion":
        return [p.name for p in proposers]
    return [p.name for p in proposers if p.role == "lead"]


def reached_contact_dates(case: CaseState, unit: str) -> list[tuple[date, bool]]:
    """(date, face-to-face) of every contact by ``unit`` that reached the proposer; visits count."""
    return [(on, face) for on, face, _ in reached_contacts(case, unit)]


def reached_contacts(case: CaseState, unit: str) -> list[tuple[date, bool, int]]:
    """(date, face-to-face, the version recording it) of every contact by ``unit`` that reached
    the proposer, visits included: the version orders what one day holds."""
    contacts = [
        (c.occurred_on, c.channel in FACE_TO_FACE_CHANNELS, c.version)
        for c in case.contacts
        if c.unit == unit and c.reached
    ]
    return contacts + [(v.occurred_on, True, v.version) for v in case.visits if v.unit == unit]


def check_contact_before_approval(case: CaseState, reply: Reply, approved_on: date) -> None:
    """R-C1 先协商、后答复: a contact by the replying unit reached the proposer, on or before
    the day of the approval."""
    reached = sorted(on for on, _ in reached_contact_dates(case, reply.unit))
    if not reached:
        raise RuleViolation(
            "R-C1",
            "答复前未与代表委员沟通联系到，应退回重办",
            "no contact reached the proposer before the reply; return it instead",
        )
    if reached[0] > approved_on:
        raise RuleViolation(
            "R-C1",
            f"批准日期 {approved_on} 早于首次联系到代表委员的日期 {reached[0]}：先协商、后答复",
            f"approved on {approved_on}, before the proposer was first reached on {reached[0]}",
        )


def check_consultation_form(ref: object) -> str:
    if not isinstance(ref, str) or not ref.strip():
        raise RuleViolation(
            "R-C3",
            "报送审批的答复须附征询意见表",
            "a reply submitted for approval carries the consultation form reference",
        )
    return check_text(ref, "consultation_form_ref")

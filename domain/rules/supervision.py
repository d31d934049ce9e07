"""Supervision 督办 (DOMAIN.md R-S1 … R-S4).

R-S1 the ledger (``projections.ledger``). R-S2 key cases: designated by congress, CPPCC, the
government or the unit, with the leader in charge. R-S3 reminders are events on the case.
R-S4 cases raised many years running are found, not declared: an earlier year's case alike in
title and text is put to the office, which confirms (it joins the key ledger) or dismisses it.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.checks import check_one_of, check_optional_text, check_text
from domain.errors import RuleViolation
from domain.key_quota import UNIT_KEY_CASES_PER_YEAR, KeyQuota
from domain.records import PossibleRepeat
from domain.rules.state import CaseState
from domain.similarity import REPEAT_THRESHOLD
from domain.vocabulary import KEY_SOURCES, REMINDER_MEANS


def key_designation(source: str, leader_in_charge: str | None) -> tuple[str, str | None]:
    return (
        check_one_of(source, KEY_SOURCES, "source"),
        check_optional_text(leader_in_charge, "leader_in_charge"),
    )


def check_changes_key(case: CaseState, source: str, leader_in_charge: str | None) -> None:
    """R-S2: a designation the case already holds, by the same source and leader, changes
    nothing; recorded again (a double click, a retried request without its key) it would be a
    second key event the 重点件 list and the audit trail show as a second decision."""
    key = case.key
    if key is not None and (key.source, key.leader_in_charge) == (source, leader_in_charge):
        raise RuleViolation(
            "R-S2",
            "该件已按同一来源和包案领导确定为重点件，无需重复确定",
            "the case is already a key case with this source and leader in charge",
        )


def check_unit_quota(case: CaseState, quota: KeyQuota) -> None:
    """R-S2: a unit designates at most two key cases of its own (its lead cases) a year."""
    if case.lead_unit is None or case.reference:
        raise RuleViolation(
            "R-S2",
            "单位自行确定的重点件须为本单位主办件",
            "a unit designates key cases among its own lead cases; this case has no lead unit",
        )
    full = len(quota.cases) >= UNIT_KEY_CASES_PER_YEAR
    if full and str(case.id) not in quota.cases:
        raise RuleViolation(
            "R-S2",
            f"{case.lead_unit} 本年度已自行确定 {UNIT_KEY_CASES_PER_YEAR} 件重点建议提案",
            f"unit {case.lead_unit} already designated {UNIT_KEY_CASES_PER_YEAR} key cases of "
            f"its own in {case.year}",
        )


def earlier_repeats(year: int, kind: str, found: Sequence[PossibleRepeat]) -> list[PossibleRepeat]:
    """R-S4: of the cases found alike, those of earlier years and of the same kind, alike enough;
    the best match first, each case once."""
    kept: dict[str, PossibleRepeat] = {}
    for match in sorted(found, key=lambda m: -m.score):
        if match.year < year and match.score >= REPEAT_THRESHOLD:
            kept.setdefault(match.case_id, match)
    return list(kept.values())


def repeat_to_review(case: CaseState, of_case_id: str) -> PossibleRepeat:
    repeat = case.possible_repeats.get(of_case_id)
    if repeat is None:
        raise RuleViolation(
            "R-S4",
            "该件未被提示与此件重复",
            f"case {of_case_id} was not found alike this case on registration",
        )
    return repeat


def tracked_as_repeat(case: CaseState) -> bool:
    """R-S4: a confirmed repeat is on the key ledger, designated or not."""
    return any(r.status == "confirmed" for r in case.possible_repeats.values())


def reminder(means: str, note: str) -> tuple[str, str]:
    return check_one_of(means, REMINDER_MEANS, "means"), check_text(note, "note")

"""Supervision 督办 (DOMAIN.md R-S1 … R-S4).

R-S1 the ledger (``projections.ledger``). R-S2 key cases: designated by congress, CPPCC, the
government or the unit, with the leader in charge. R-S3 reminders are events on the case.
"""

from __future__ import annotations

from domain.checks import check_one_of, check_optional_text, check_text
from domain.vocabulary import KEY_SOURCES, REMINDER_MEANS


def key_designation(source: str, leader_in_charge: str | None) -> tuple[str, str | None]:
    return (
        check_one_of(source, KEY_SOURCES, "source"),
        check_optional_text(leader_in_charge, "leader_in_charge"),
    )


def reminder(means: str, note: str) -> tuple[str, str]:
    return check_one_of(means, REMINDER_MEANS, "means"), check_text(note, "note")

"""The case page's 并案 form (R-M1): the office merges the case it is on (the primary, whose
reply answers every case) with others it names by number, of the same kind and year."""

from __future__ import annotations

from uuid import UUID

from api.schemas_review import MergeWith
from domain import commands as c
from domain.case import Case
from domain.checks import case_number_form
from domain.errors import InvalidInput, NotFound, RuleViolation
from infra.application import BanliApplication
from infra.paper_labels import KIND

FIELD = "with_numbers"


def merge_command(app: BanliApplication, case_id: str, body: MergeWith) -> c.MergeCases:
    """The merge of ``case_id`` with the cases ``body`` names; a number with no case of the
    same kind and year is refused beside the field, naming it."""
    primary = app.get_case(case_id)
    numbers = [n for n in body.numbers() if n != primary.number]
    if not numbers:
        raise InvalidInput(
            "请填写与本件并案的其他件的编号", "name the other cases to merge with", FIELD
        )
    others = [str(_case_numbered(app, primary, number)) for number in numbers]
    return c.MergeCases(case_ids=(str(primary.id), *others), occurred_on=body.occurred_on)


def _case_numbered(app: BanliApplication, primary: Case, number: str) -> UUID:
    """The case of the primary's year and kind numbered ``number`` (in any letter case: a
    case's id ignores it); one of the other kind is R-M1's refusal, said as such."""
    typed = case_number_form(number)
    for kind in (primary.kind, *(k for k in KIND if k != primary.kind)):
        found = Case.create_id(kind, primary.year, typed)
        try:
            other = app.get_case(found)
        except NotFound:
            continue
        if kind != primary.kind:
            raise RuleViolation(
                "R-M1",
                f"{other.number} 为{KIND[kind]}，建议和提案不得并案",
                "suggestions and proposals are never merged together",
            )
        return found
    raise InvalidInput(
        f"{primary.year}年度{KIND[primary.kind]}中没有编号为 {number} 的件",
        f"no {primary.kind} numbered {number} in {primary.year}",
        FIELD,
    )

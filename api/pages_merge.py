"""The case page's 并案 form (R-M1): the office merges the case it is on (the primary, whose
reply answers every case) with others it names by number, of the same kind and year."""

from __future__ import annotations

from api.schemas_review import MergeWith
from domain import commands as c
from domain.case import Case
from domain.errors import InvalidInput, NotFound
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
    others = []
    for number in numbers:
        other = Case.create_id(primary.kind, primary.year, number)
        try:
            app.get_case(other)
        except NotFound:
            raise InvalidInput(
                f"{primary.year}年度{KIND[primary.kind]}中没有编号为 {number} 的件",
                f"no {primary.kind} numbered {number} in {primary.year}",
                FIELD,
            ) from None
        others.append(str(other))
    return c.MergeCases(case_ids=(str(primary.id), *others), occurred_on=body.occurred_on)

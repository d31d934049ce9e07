"""Who answers for a unit's part of a case (R-A1; seed 003 §三): the "3+1" division of
responsibility, 主要负责同志负总责、分管负责同志直接抓、承办处室和承办人员具体办, that each unit
writes into its 责任分解表 and sends to the proposers.

A unit records its own people for a case it has a part in (R-A1: each unit answers for its
part), and records them again when one changes; the same people recorded twice change nothing,
and a record dated before the one on file does not replace it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.checks import check_name, check_phone, phone_digits
from domain.errors import RuleViolation
from domain.rules.assignment import check_unit_on_case
from domain.rules.state import CaseState


@dataclass(frozen=True)
class People:
    unit: str
    unit_leader: str
    handler: str
    phone: str


def check_responsibility(
    case: CaseState,
    unit: object,
    unit_leader: object,
    handler: object,
    phone: object,
    occurred_on: date,
) -> People:
    """The unit's people, each field checked in the form's order; refused when the unit has no
    part in the case (R-A1), when they are the ones already on record, or when the record is
    dated before the one it would replace (a paper form keyed in late would undo a later
    change the unit recorded itself, and the proposer be given the earlier number)."""
    people = People(
        check_unit_on_case(case, unit),
        check_name(unit_leader, "unit_leader"),
        check_name(handler, "handler"),
        check_phone(phone, "phone"),
    )
    held = case.responsibilities.get(people.unit)
    if held is None:
        return people
    if occurred_on < held.occurred_on:
        raise RuleViolation(
            "R-A1",
            f"该单位已于 {held.occurred_on} 登记了承办人（{held.handler}），"
            "早于该日期的登记不能替代它",
            f"the unit recorded its people on {held.occurred_on}; an earlier-dated record "
            "cannot replace them",
        )
    # The same number typed otherwise (0311 87801234, 0311-87801234) is the same phone.
    if (held.unit_leader, held.handler, phone_digits(held.phone)) == (
        people.unit_leader,
        people.handler,
        phone_digits(people.phone),
    ):
        raise RuleViolation(
            "R-A1",
            "与已登记的分管负责同志、承办人和联系电话相同，无需重复登记",
            "the unit's leader in charge, handler and phone are already recorded as these",
        )
    return people

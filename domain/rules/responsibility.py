"""Who answers for a unit's part of a case (R-A1; seed 003 §三): the "3+1" division of
responsibility, 主要负责同志负总责、分管负责同志直接抓、承办处室和承办人员具体办, that each unit
writes into its 责任分解表 and sends to the proposers.

A unit records its own people for a case it has a part in (R-A1: each unit answers for its
part), and records them again when one changes; the same people recorded twice change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.checks import check_name, check_phone
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
    case: CaseState, unit: object, unit_leader: object, handler: object, phone: object
) -> People:
    """The unit's people, each field checked in the form's order; refused when the unit has no
    part in the case (R-A1) or when they are the ones already on record."""
    people = People(
        check_unit_on_case(case, unit),
        check_name(unit_leader, "unit_leader"),
        check_name(handler, "handler"),
        check_phone(phone, "phone"),
    )
    held = case.responsibilities.get(people.unit)
    if held is not None and (held.unit_leader, held.handler, held.phone) == (
        people.unit_leader,
        people.handler,
        people.phone,
    ):
        raise RuleViolation(
            "R-A1",
            "该单位的分管负责同志、承办人和联系电话已如此登记，无需重复登记",
            "the unit's leader in charge, handler and phone are already recorded as these",
        )
    return people

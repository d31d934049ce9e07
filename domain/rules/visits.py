"""Visits 走访 (DOMAIN.md R-V1, R-V4; the rates of R-V2 and R-V3 are in ``domain.visit_rate``).

R-V1 a visit is organised by the handling unit itself, never delegated downwards. R-V4 each
visit has its card: visitors with rank, persons visited, content, the proposer's opinion.
"""

from __future__ import annotations

from domain.checks import check_count, check_person
from domain.errors import RuleViolation
from domain.records import Person


def check_organised_by_unit(unit: str, organised_by: str) -> None:
    """R-V1: a visit delegated to a subordinate or grassroots unit does not count."""
    if organised_by != unit:
        raise RuleViolation(
            "R-V1",
            f"走访须由承办单位 {unit} 自行组织，坚决杜绝委托下级和基层单位走访",
            f"a visit must be organised by the handling unit {unit} itself, not {organised_by}",
        )


def check_visitors(visitors: object) -> list[Person]:
    """R-V4: the visit card lists the visitors, each with name and rank."""
    if not isinstance(visitors, list | tuple) or not visitors:
        raise RuleViolation("R-V4", "走访卡须列明走访人员及职务", "a visit card lists the visitors")
    check_count(visitors, "visitors")
    return [check_person(v, "visitors") for v in visitors]

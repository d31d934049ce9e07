"""Deadlines 时限 (DOMAIN.md R-D1 … R-D8): what they refuse. The dates themselves are computed in
``domain.deadlines`` from the case, the policy in force and the working-day calendar.

R-D1 co-handling units deliver their opinion to the lead unit: only a co unit of the case does.
"""

from __future__ import annotations

from domain.errors import RuleViolation
from domain.rules.state import CaseState


def check_co_unit(case: CaseState, unit: str) -> None:
    if unit not in case.co_units:
        raise RuleViolation(
            "R-D1", f"{unit} 不是该件的会办单位", f"unit {unit} is not a co-handling unit here"
        )

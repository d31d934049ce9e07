"""Face-to-face visit-rate requirement and compliance (R-V2, R-V3), in exact arithmetic.

Rates are ``Fraction``s, never floats: ``ceil(30% × 67)`` must be 21, not a rounding accident.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


def required_visit_rate(lead_cases: int) -> Fraction:
    """R-V2: ≤10 lead cases → 100 %; 11–49 → 50 %; ≥50 → 30 % (national + provincial together)."""
    if lead_cases < 0:
        msg = "lead_cases cannot be negative"
        raise ValueError(msg)
    if lead_cases <= 10:
        return Fraction(1)
    if lead_cases <= 49:
        return Fraction(1, 2)
    return Fraction(3, 10)


@dataclass(frozen=True)
class VisitCompliance:
    lead_cases: int
    required_rate: Fraction
    visited_cases: int
    declined_cases: int
    actual_rate: Fraction | None
    actual_rate_excluding_declined: Fraction | None
    compliant: bool
    shortfall: int


def visit_compliance(lead_cases: int, visited_cases: int, declined_cases: int) -> VisitCompliance:
    """R-V3: report raw and declined-excluded rates; judge compliance and shortfall on the raw one.

    ``declined_cases`` counts lead cases whose proposer declined a meeting and that have no visit.
    """
    if not 0 <= visited_cases <= lead_cases or not 0 <= declined_cases <= lead_cases:
        msg = "visited and declined cases are counts among the lead cases"
        raise ValueError(msg)
    required = required_visit_rate(lead_cases)
    raw = Fraction(visited_cases, lead_cases) if lead_cases else None
    rest = lead_cases - declined_cases
    excluding = Fraction(visited_cases, rest) if rest > 0 else None
    needed = math.ceil(required * lead_cases)
    shortfall = max(0, needed - visited_cases)
    return VisitCompliance(
        lead_cases=lead_cases,
        required_rate=required,
        visited_cases=visited_cases,
        declined_cases=declined_cases,
        actual_rate=raw,
        actual_rate_excluding_declined=excluding,
        compliant=shortfall == 0,
        shortfall=shortfall,
    )

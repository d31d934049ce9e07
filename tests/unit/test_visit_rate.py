"""Visit-rate requirement and compliance: R-V2 thresholds, R-V3 declined meetings."""

from __future__ import annotations

from fractions import Fraction

import pytest

from domain.visit_rate import required_visit_rate, visit_compliance


@pytest.mark.parametrize(
    ("lead_cases", "rate"),
    [
        (1, 1),
        (10, 1),
        (11, Fraction(1, 2)),
        (49, Fraction(1, 2)),
        (50, Fraction(3, 10)),
        (76, Fraction(3, 10)),
    ],
)
def test_required_rate_steps_at_10_11_49_50_R_V2(lead_cases: int, rate: Fraction) -> None:
    assert required_visit_rate(lead_cases) == rate


def test_ten_lead_cases_need_every_one_visited_R_V2() -> None:
    assert visit_compliance(10, 10, 0).compliant
    short = visit_compliance(10, 9, 0)
    assert (short.compliant, short.shortfall) == (False, 1)


def test_eleven_lead_cases_need_six_visits_in_exact_arithmetic_R_V2() -> None:
    # ceil(1/2 × 11) = 6: five visits fall short by one.
    assert visit_compliance(11, 5, 0).shortfall == 1
    assert visit_compliance(11, 6, 0).compliant


def test_fifty_lead_cases_need_fifteen_visits_R_V2() -> None:
    assert visit_compliance(50, 14, 0).shortfall == 1
    assert visit_compliance(50, 15, 0).compliant
    # 3/10 × 67 = 20.1 → 21 visits, never a float rounding accident.
    assert visit_compliance(67, 20, 0).shortfall == 1


def test_declined_meetings_are_reported_but_compliance_is_judged_raw_R_V3() -> None:
    result = visit_compliance(10, 8, 2)
    assert result.actual_rate == Fraction(8, 10)
    assert result.actual_rate_excluding_declined == Fraction(1)
    assert (result.compliant, result.shortfall) == (False, 2)


def test_no_lead_cases_has_no_rate_and_nothing_owed_R_V2_R_V3() -> None:
    result = visit_compliance(0, 0, 0)
    assert (result.actual_rate, result.compliant, result.shortfall) == (None, True, 0)


def test_counts_outside_the_lead_cases_are_rejected_R_V3() -> None:
    with pytest.raises(ValueError):
        visit_compliance(5, 6, 0)
    with pytest.raises(ValueError):
        required_visit_rate(-1)

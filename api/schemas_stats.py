"""Response schemas of the measures (DOMAIN.md §4) and visit compliance (R-V2, R-V3).

Every measure answers the cases behind its numerator and denominator, so a claimed rate can be
checked down to the cases.
"""

from __future__ import annotations

from pydantic import Field

from api.schemas import Public


class Measure(Public):
    numerator: int
    denominator: int
    rate: float | None  # null when the denominator is 0
    cases: list[str]  # the numbers in the numerator
    of_cases: list[str]  # the numbers in the denominator


class ShareMeasure(Measure):
    """An A/B/C share, beside the same share of the year before (null when no year was asked)."""

    previous_year: Measure | None


class DeadlineMeasure(Measure):
    """An on-time measure: against an extended date once granted, and how many of the cases
    behind it had their deadline extended (R-E1)."""

    extended: int
    extended_cases: list[str]


class BySource(Public):
    """R-F4: the verdicts the proposers gave themselves, and those the office keyed in."""

    proposer: Measure
    office: Measure


class SatisfactionMeasure(Measure):
    by_source: BySource


class ByClass(Public):
    A: int
    B: int
    C: int


class ClassShares(Public):
    A: ShareMeasure
    B: ShareMeasure
    C: ShareMeasure


class Measures(Public):
    communication_rate: Measure
    key_meeting_rate: Measure
    on_site_participation_rate: Measure
    on_time_reply_rate: DeadlineMeasure
    satisfaction_rate: SatisfactionMeasure
    strict_satisfaction_rate: SatisfactionMeasure
    disclosure_on_time_rate: Measure
    rehandling_on_time_rate: DeadlineMeasure


class UnitFigures(Public):
    unit: str | None  # null in the organisation's total
    lead_cases: int
    co_cases: int
    split_cases: int
    reference_cases: int  # R-R3: 参阅件 the unit leads (no written reply)
    replies_by_class: ByClass
    class_shares: ClassShares
    measures: Measures


class UnitStats(Public):
    items: list[UnitFigures]
    total: UnitFigures | None  # the whole organisation; null for a handler


class VisitComplianceItem(Public):
    unit: str
    lead_cases: int
    required_rate: float  # a fraction, 0–1
    required_rate_exact: str  # the same as an exact fraction ("3/10")
    visited_cases: int
    declined_cases: int
    actual_rate: float | None
    actual_rate_excluding_declined: float | None
    compliant: bool
    shortfall: int  # visits still needed to comply
    visited: list[str]  # numbers of the visited cases
    # R-V3: numbers of the cases whose proposers declined a meeting, not visited (an addition
    # to API.md): the 总览's 无需见面 opens them.
    declined: list[str] = Field(default_factory=list)


class VisitCompliance(Public):
    items: list[VisitComplianceItem]

"""Jurisdiction deadline policies (R-D1..R-D6).

Provinces word the same rules differently (notably disclosure, R-D4), so the numbers live in a
named, immutable policy rather than in code paths; a case records which policy it ran under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import Literal

from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.periods import PeriodEnd, days_after, months_after, working_days_after


@dataclass(frozen=True)
class Policy:
    name: str
    co_opinion_months: int  # R-D1: co-handling opinion to the lead unit
    reply_months: int  # R-D2: reply from assignment
    rehandling_days: int  # R-D3: further-handling feedback after dissatisfaction
    disclosure_unit: Literal["days", "working_days"]  # R-D4
    disclosure_count: int  # R-D4
    source: str  # seed citation, shown next to every deadline
    reference_contact_month: int = 10  # R-D5: reference cases contacted by 31 October
    reference_contact_day: int = 31
    roll_to_workday: bool = True  # R-D6: a day/month period ending on a rest day rolls forward
    due_soon_days: int = 7  # ledger warns this many days ahead (R-S1)

    def co_opinion_due(self, assigned_on: date, cal: WorkdayCalendar) -> PeriodEnd:
        return months_after(
            assigned_on, self.co_opinion_months, cal, roll_to_workday=self.roll_to_workday
        )

    def reply_due(self, assigned_on: date, cal: WorkdayCalendar) -> PeriodEnd:
        return months_after(
            assigned_on, self.reply_months, cal, roll_to_workday=self.roll_to_workday
        )

    def rehandling_due(self, forwarded_on: date, cal: WorkdayCalendar) -> PeriodEnd:
        return days_after(
            forwarded_on, self.rehandling_days, cal, roll_to_workday=self.roll_to_workday
        )

    def disclosure_due(self, issued_on: date, cal: WorkdayCalendar) -> PeriodEnd:
        """R-D4: calendar days (Hebei) or working days (Guangxi) from the reply's issue."""
        if self.disclosure_unit == "working_days":
            return working_days_after(issued_on, self.disclosure_count, cal)
        return days_after(
            issued_on, self.disclosure_count, cal, roll_to_workday=self.roll_to_workday
        )

    def reference_contact_due(self, year: int) -> date:
        """R-D5: a fixed calendar date, not a counted period, so it is never rolled."""
        return date(year, self.reference_contact_month, self.reference_contact_day)


DEFAULT_POLICY = "hebei-2022"

_HEBEI_2022 = Policy(
    name="hebei-2022",
    co_opinion_months=2,
    reply_months=3,
    rehandling_days=30,
    disclosure_unit="days",
    disclosure_count=15,
    source="003 §三 §五 §七",
)

POLICIES: Mapping[str, Policy] = MappingProxyType(
    {
        "hebei-2022": _HEBEI_2022,
        # Guangxi's own rules (000) only fix disclosure; the other deadlines follow 003.
        "guangxi-2018": replace(
            _HEBEI_2022,
            name="guangxi-2018",
            disclosure_unit="working_days",
            disclosure_count=20,
            source="000 art.31; 003 §三 §七",
        ),
    }
)


def get_policy(name: str) -> Policy:
    try:
        return POLICIES[name]
    except KeyError:
        known = ", ".join(sorted(POLICIES))
        raise KeyError(f"unknown deadline policy {name!r}; known policies: {known}") from None

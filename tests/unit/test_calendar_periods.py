"""Deadline arithmetic on real dates (R-D1..R-D7, R-S1).

Dates are checked against the State Council schedules shipped in chinese-calendar 1.11.0, e.g.
2025-10-01..08 National Day + Mid-Autumn, and make-up workdays Sun 2025-09-28 / Sat 2025-10-11.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import domain.deadlines.calendar as calendar_module
from domain.deadlines.calendar import (
    BUILTIN_FIRST_YEAR,
    BUILTIN_LAST_YEAR,
    WorkdayCalendar,
    YearSchedule,
)
from domain.deadlines.periods import days_after, months_after, working_days_after
from domain.deadlines.policies import DEFAULT_POLICY, POLICIES, get_policy
from domain.deadlines.status import deadline_status

CAL = WorkdayCalendar()


# --- calendar (R-D7) -------------------------------------------------------------------------


def test_builtin_range_and_version_come_from_package_R_D7() -> None:
    assert (BUILTIN_FIRST_YEAR, BUILTIN_LAST_YEAR) == (2004, 2026)
    assert CAL.version == "chinese-calendar 1.11.0 (2004–2026)"
    assert CAL.has_schedule(2026) and not CAL.has_schedule(2027)


def test_make_up_weekend_days_are_workdays_R_D7() -> None:
    assert CAL.is_workday(date(2025, 9, 28))  # Sunday, 调休
    assert CAL.is_workday(date(2025, 10, 11))  # Saturday, 调休
    assert CAL.is_workday(date(2026, 10, 10))  # Saturday, 调休
    assert not CAL.is_workday(date(2025, 10, 8))  # Wednesday inside the holiday block
    assert not CAL.is_workday(date(2025, 10, 12))  # ordinary Sunday


def test_year_without_schedule_is_monday_to_friday_R_D7() -> None:
    assert CAL.is_workday(date(2027, 1, 1))  # Friday; New Year unknown until published
    assert not CAL.is_workday(date(2027, 1, 2))  # Saturday
    assert not CAL.has_schedule(2003) and CAL.is_workday(date(2003, 10, 1))


def test_loaded_schedule_overrides_builtin_year_R_D7() -> None:
    cal = CAL.with_year(YearSchedule(2025, holidays=frozenset(), workdays=frozenset()))
    assert cal.is_workday(date(2025, 10, 1))
    assert not cal.is_workday(date(2025, 9, 28))
    assert cal.version == "chinese-calendar 1.11.0 (2004–2026); loaded: 2025"
    assert months_after(date(2025, 7, 1), 3, cal).due_on == date(2025, 10, 1)
    assert CAL.is_workday(date(2025, 9, 28))  # the original calendar is unchanged


def test_year_schedule_validation_R_D7() -> None:
    with pytest.raises(ValueError, match="another year"):
        YearSchedule(2027, holidays=frozenset({date(2026, 10, 1)}), workdays=frozenset())
    with pytest.raises(ValueError, match="another year"):
        YearSchedule(2027, holidays=frozenset(), workdays=frozenset({date(2028, 1, 1)}))
    with pytest.raises(ValueError, match="both"):
        YearSchedule(
            2027, holidays=frozenset({date(2027, 2, 6)}), workdays=frozenset({date(2027, 2, 6)})
        )
    with pytest.raises(ValueError, match="registered under"):
        WorkdayCalendar({2028: YearSchedule(2027, frozenset(), frozenset())})


# --- periods (R-D6) --------------------------------------------------------------------------


def test_reply_due_rolls_past_national_day_R_D2_R_D6() -> None:
    end = months_after(date(2025, 7, 1), 3, CAL)
    assert end.due_on == date(2025, 10, 9)
    assert not end.provisional
    assert end.derivation == (
        "2025-07-01 + 3 months = 2025-10-01 (R-D6); 2025-10-01 is a holiday/rest day → "
        "first working day 2025-10-09; calendar chinese-calendar 1.11.0 (2004–2026)"
    )
    assert get_policy(DEFAULT_POLICY).reply_due(date(2025, 7, 1), CAL) == end


def test_co_opinion_due_two_months_R_D1_R_D6() -> None:
    # 2025-08-01 + 2 months = Wed 2025-10-01 → rolls to Thu 2025-10-09.
    assert POLICIES["hebei-2022"].co_opinion_due(date(2025, 8, 1), CAL).due_on == date(2025, 10, 9)


def test_month_end_clamping_R_D2_R_D6() -> None:
    assert months_after(date(2025, 1, 31), 1, CAL).due_on == date(2025, 2, 28)  # Friday, workday
    assert months_after(date(2024, 1, 31), 1, CAL).due_on == date(2024, 2, 29)  # leap year
    assert months_after(date(2025, 3, 31), 3, CAL).due_on == date(2025, 6, 30)  # Monday
    assert months_after(date(2025, 11, 30), 3, CAL).due_on == date(2026, 2, 28)  # Sat, 调休 day


def test_days_after_weekend_rolls_to_monday_R_D3_R_D6() -> None:
    end = days_after(date(2025, 7, 4), 15, CAL)  # 2025-07-19 is a Saturday
    assert end.due_on == date(2025, 7, 21)
    assert "2025-07-19 is a holiday/rest day → first working day 2025-07-21" in end.derivation
    plain = days_after(date(2025, 7, 4), 15, CAL, roll_to_workday=False)
    assert plain.due_on == date(2025, 7, 19)
    assert "not rolled" in plain.derivation
    # R-D3: forwarded 2025-09-01 + 30 days = Wed 2025-10-01 → 2025-10-09.
    assert POLICIES["hebei-2022"].rehandling_due(date(2025, 9, 1), CAL).due_on == date(2025, 10, 9)


def test_days_after_start_day_not_counted_R_D6() -> None:
    assert days_after(date(2025, 7, 1), 15, CAL).due_on == date(2025, 7, 16)  # Wednesday
    assert days_after(date(2025, 7, 1), 0, CAL).due_on == date(2025, 7, 1)


def test_negative_period_rejected_R_D6() -> None:
    with pytest.raises(ValueError):
        days_after(date(2025, 7, 1), -1, CAL)
    with pytest.raises(ValueError):
        months_after(date(2025, 7, 1), -1, CAL)
    with pytest.raises(ValueError):
        working_days_after(date(2025, 7, 1), -1, CAL)


def test_a_calendar_remembers_each_kind_of_period_apart_R_D6(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A calendar keeps what it computed; the same start and length mean other days in days,
    # months and working days, and a full memory starts over instead of answering wrongly.
    monkeypatch.setattr(calendar_module, "REMEMBERED", 2)
    cal = WorkdayCalendar()
    start = date(2025, 7, 1)
    for _ in range(2):
        assert days_after(start, 1, cal).due_on == date(2025, 7, 2)
        assert months_after(start, 1, cal).due_on == date(2025, 8, 1)
        assert working_days_after(start, 6, cal).due_on == date(2025, 7, 9)
        assert days_after(start, 6, cal).due_on == date(2025, 7, 7)  # a Monday
    assert len(cal._remembered) <= 2


def test_working_days_count_make_up_days_2025_R_D4_R_D6_R_D7() -> None:
    start = date(2025, 9, 26)  # Friday before the National Day block
    assert working_days_after(start, 1, CAL).due_on == date(2025, 9, 28)  # Sunday 调休
    assert working_days_after(start, 2, CAL).due_on == date(2025, 9, 29)
    assert working_days_after(start, 4, CAL).due_on == date(2025, 10, 9)  # skips 10-01..08
    assert working_days_after(start, 6, CAL).due_on == date(2025, 10, 11)  # Saturday 调休
    end = get_policy("guangxi-2018").disclosure_due(start, CAL)
    assert end.due_on == date(2025, 10, 30)
    assert not end.provisional


def test_working_days_count_make_up_days_2026_R_D4_R_D7() -> None:
    # 2026: 调休 Sun 09-20 and Sat 10-10; holidays 09-25..27 and 10-01..07.
    end = get_policy("guangxi-2018").disclosure_due(date(2026, 9, 18), CAL)
    assert end.due_on == date(2026, 10, 22)


def test_hebei_disclosure_fifteen_days_R_D4_R_D6() -> None:
    # Issued 2025-09-20 + 15 days = Sun 2025-10-05 (holiday) → 2025-10-09.
    end = get_policy("hebei-2022").disclosure_due(date(2025, 9, 20), CAL)
    assert end.due_on == date(2025, 10, 9)


def test_2027_deadline_is_provisional_until_schedule_loaded_R_D6_R_D7() -> None:
    end = months_after(date(2026, 11, 15), 3, CAL)
    assert end.due_on == date(2027, 2, 15)  # Monday, counted Monday–Friday
    assert end.provisional
    assert "PROVISIONAL: no official schedule for 2027" in end.derivation
    wd = working_days_after(date(2026, 12, 20), 20, CAL)
    assert (wd.due_on, wd.provisional) == (date(2027, 1, 15), True)

    # Illustrative 2027 schedule (test data, not the official one): 01-01 and 02-15..16 off,
    # Sunday 02-21 a make-up workday.
    schedule = YearSchedule(
        2027,
        holidays=frozenset({date(2027, 1, 1), date(2027, 2, 15), date(2027, 2, 16)}),
        workdays=frozenset({date(2027, 2, 21)}),
    )
    cal = CAL.with_year(schedule)
    assert cal.has_schedule(2027)
    assert cal.version == "chinese-calendar 1.11.0 (2004–2026); loaded: 2027"
    loaded = months_after(date(2026, 11, 15), 3, cal)
    assert (loaded.due_on, loaded.provisional) == (date(2027, 2, 17), False)
    assert "PROVISIONAL" not in loaded.derivation
    wd = working_days_after(date(2026, 12, 20), 20, cal)
    assert (wd.due_on, wd.provisional) == (date(2027, 1, 18), False)


# --- policies ---------------------------------------------------------------------------------


def test_policies_R_D1_to_R_D5() -> None:
    hebei, guangxi = get_policy("hebei-2022"), get_policy("guangxi-2018")
    assert DEFAULT_POLICY == "hebei-2022"
    assert (hebei.co_opinion_months, hebei.reply_months, hebei.rehandling_days) == (2, 3, 30)
    assert (hebei.disclosure_unit, hebei.disclosure_count) == ("days", 15)
    assert (guangxi.disclosure_unit, guangxi.disclosure_count) == ("working_days", 20)
    assert hebei.reference_contact_due(2025) == date(2025, 10, 31)
    assert hebei.roll_to_workday and hebei.due_soon_days == 7
    with pytest.raises(KeyError, match="unknown deadline policy 'hunan'"):
        get_policy("hunan")


# --- deadline status (R-S1, R-D6) ------------------------------------------------------------

DUE = date(2025, 10, 9)


def test_deadline_status_met_on_due_date_R_S1_R_D6() -> None:
    assert deadline_status(DUE, DUE, DUE, 7) == ("met", 0)
    assert deadline_status(DUE, date(2025, 9, 1), date(2025, 12, 1), 7) == ("met", 0)


def test_deadline_status_met_late_R_S1_R_D6() -> None:
    assert deadline_status(DUE, date(2025, 10, 10), date(2025, 12, 1), 7) == ("met_late", 1)
    assert deadline_status(DUE, date(2025, 10, 19), date(2025, 10, 19), 7) == ("met_late", 10)


def test_deadline_status_overdue_R_S1() -> None:
    assert deadline_status(DUE, None, date(2025, 10, 10), 7) == ("overdue", 1)
    assert deadline_status(DUE, None, date(2025, 11, 8), 7) == ("overdue", 30)
    # Met later than as_of: as of that day it had not happened yet (R-X3).
    assert deadline_status(DUE, date(2025, 11, 1), date(2025, 10, 20), 7) == ("overdue", 11)


def test_deadline_status_due_soon_boundaries_R_S1() -> None:
    assert deadline_status(DUE, None, DUE, 7) == ("due_soon", 0)
    assert deadline_status(DUE, None, DUE - timedelta(days=7), 7) == ("due_soon", 0)
    assert deadline_status(DUE, None, DUE - timedelta(days=8), 7) == ("pending", 0)
    assert deadline_status(DUE, None, DUE, 0) == ("due_soon", 0)
    assert deadline_status(DUE, DUE, DUE - timedelta(days=30), 7) == ("pending", 0)


# --- properties ------------------------------------------------------------------------------

dates = st.dates(min_value=date(2003, 1, 1), max_value=date(2028, 12, 31))
counts = st.integers(min_value=0, max_value=400)


@given(dates, counts)
def test_days_after_never_earlier_than_plain_count_R_D6(start: date, n: int) -> None:
    end = days_after(start, n, CAL)
    assert end.due_on >= start + timedelta(days=n)
    assert CAL.is_workday(end.due_on)


@given(dates, st.integers(min_value=1, max_value=120))
def test_working_days_after_counts_exactly_n_R_D6_R_D7(start: date, n: int) -> None:
    due = working_days_after(start, n, CAL).due_on
    assert CAL.is_workday(due)
    span = (due - start).days
    counted = sum(CAL.is_workday(start + timedelta(days=i)) for i in range(1, span + 1))
    assert counted == n


@given(dates, dates, st.integers(min_value=0, max_value=24))
def test_months_after_monotone_in_start_R_D6(a: date, b: date, n: int) -> None:
    lo, hi = sorted((a, b))
    assert months_after(lo, n, CAL).due_on <= months_after(hi, n, CAL).due_on


@given(dates, counts)
def test_provisional_iff_unscheduled_year_touched_R_D7(start: date, n: int) -> None:
    end = days_after(start, n, CAL)
    years = range(start.year, end.due_on.year + 1)
    assert end.provisional == any(not CAL.has_schedule(y) for y in years)

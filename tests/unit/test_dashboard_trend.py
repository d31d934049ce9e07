"""The 总览's overdue trend (R-S1): a point at each month's end, and today's once the year is
over. A year's cases go on being overdue after it, and the line stopped at 31 December (13)
beside the card's count of today (17)."""

from __future__ import annotations

from datetime import date

from api.pages_dashboard import month_ends


def test_a_past_years_trend_ends_today_beside_the_cards_count_R_S1() -> None:
    days = month_ends(2025, date(2026, 12, 8))
    assert days[0] == date(2025, 1, 31) and days[11] == date(2025, 12, 31)
    assert days[12:] == [date(2026, 12, 8)]


def test_this_years_trend_runs_to_the_last_month_end_then_today_R_S1() -> None:
    assert month_ends(2026, date(2026, 3, 31)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]
    assert month_ends(2026, date(2026, 4, 10))[-2:] == [date(2026, 3, 31), date(2026, 4, 10)]
    assert month_ends(2026, date(2026, 1, 5)) == [date(2026, 1, 5)]

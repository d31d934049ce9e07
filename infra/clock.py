"""The business "today": Chinese dates, so the day in Asia/Shanghai whatever the server's zone.

Code that decides by the time of day (sessions, login lockout, token expiry) takes a ``Clock``,
so tests move time instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from domain.business_day import CHINA, business_day

Clock = Callable[[], datetime]  # answers an aware datetime


def today() -> date:
    return datetime.now(CHINA).date()


def utc_now() -> datetime:
    return datetime.now(UTC)


def china_date(moment: datetime) -> date:
    return business_day(moment)

"""The business day is Beijing's: every date the rules compare (R-X1's "not after today", a
deadline's day, how many days after an act it was recorded) is the day in Asia/Shanghai, whatever
zone the server or the stored timestamps (UTC) are in. Between 00:00 and 08:00 Beijing time the
UTC date is still the day before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def business_day(moment: datetime) -> date:
    """The Beijing day of an aware ``moment`` (a naive one is taken as UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).date()

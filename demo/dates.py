"""The demo's business calendar: its year, its "today" and the 回头看 rounds."""

from __future__ import annotations

import random
from datetime import date, timedelta

DEMO_YEAR = 2025
DEMO_TODAY = date(2026, 6, 30)  # the demo's "today": no business date lies after it
REASSESSMENT_FROM = date(2025, 11, 10)  # 回头看 starts in the fourth quarter
FOLLOW_UP_FROM = date(2026, 3, 1)  # second 回头看 round, next spring


def between(rng: random.Random, first: date, last: date) -> date:
    """A day drawn from ``first``..``last``, both included."""
    return first + timedelta(days=rng.randint(0, (last - first).days))

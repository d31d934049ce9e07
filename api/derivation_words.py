"""A deadline's derivation in Chinese, for the pages' hover text (UI.md § Deadline status).

The domain writes each derivation from a few fixed English phrases (``domain/deadlines/
periods.py``, ``case_deadlines.py``); the API answers it as written, and the pages, read by
clerks, show it in their words. ``tests/unit/test_derivation_words`` renders every shape from
the domain itself and fails on any English left over, so a new phrase there cannot slip past.

Plain ``str.replace`` of each phrase, not regular expressions: a 台账 page carries some 150
deadlines, and eleven regex passes cost 40 µs a derivation (6 ms a page) where these cost a
few; a derivation shown again (the same page read again) is remembered.
"""

from __future__ import annotations

import re
from functools import lru_cache

from api.pages_labels import label
from domain.deadlines.calendar import BUILTIN_FIRST_YEAR, BUILTIN_LAST_YEAR, HOLIDAY_DATA_VERSION
from domain.deadlines.policies import POLICIES

# The names a derivation quotes, in the office's words: the policy it follows (its document)
# and the calendar data (the package's name and version mean nothing to a clerk).
NAMED: tuple[tuple[str, str], ...] = (
    *((f" [{p}]: ", f"［{label('policy', p)}］：") for p in POLICIES),
    (
        f"; calendar chinese-calendar {HOLIDAY_DATA_VERSION} "
        f"({BUILTIN_FIRST_YEAR}–{BUILTIN_LAST_YEAR})",
        f"；日历：法定节假日数据 {HOLIDAY_DATA_VERSION} 版"
        f"（收录 {BUILTIN_FIRST_YEAR}–{BUILTIN_LAST_YEAR} 年）",
    ),
)
# In order: a longer phrase before any phrase inside it.
PHRASES: tuple[tuple[str, str], ...] = (
    *NAMED,
    (" working days (counted from the next day) = ", " 个工作日（次日起算）= "),
    (" working day (counted from the next day) = ", " 个工作日（次日起算）= "),
    (" months = ", " 个月 = "),
    (" month = ", " 个月 = "),
    (" days = ", " 日 = "),
    (" day = ", " 日 = "),
    (" + ", " 起 "),
    (" is a holiday/rest day → first working day ", " 为节假日或休息日，顺延至第一个工作日 "),
    (" is a holiday/rest day, not rolled (roll_to_workday off)", " 为节假日或休息日，按规定不顺延"),
    ("; calendar ", "；日历 "),
    ("; loaded: ", "，另载入年度 "),
    ("; PROVISIONAL: no official schedule for ", "；暂定：以下年度放假调休安排尚未载入："),
    (", counted Monday–Friday (R-D7)", "，按周一至周五计算（R-D7）"),
    ("fixed date ", "固定日期 "),
    (" (R-D5)", "（R-D5）"),
    (" (R-D6)", "（R-D6）"),
    (" [", "［"),
    ("]: ", "］："),
)
# After the phrases (some begin with it), and after the extension (its pattern does too).
SEPARATOR = ("; ", "；")
# Only an extended deadline has this one, with two dates in the other order than Chinese says.
EXTENDED = re.compile(r"; extended to (\S+) on (\S+) \(R-E1, request ([^)]+)\)")


@lru_cache(maxsize=8192)
def derivation_words(text: str) -> str:
    """``text`` with every phrase the domain writes put into Chinese; anything else as it is."""
    for english, chinese in PHRASES:
        if english in text:
            text = text.replace(english, chinese)
    if "; extended to " in text:
        text = EXTENDED.sub(r"；\2 批准延期至 \1（R-E1，申请 \3）", text)
    return text.replace(*SEPARATOR)

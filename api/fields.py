"""Field types of the request schemas: strict, bounded, storable (API.md v1.1 "Input limits").

Every request field is one of these, so a limit is stated once: strict types (`"reached": "yes"`,
`"year": "2025"` and `"occurred_on": 20250101` are refused, not coerced), text that every store
can hold (no NUL or other control characters but tab and newlines, no lone surrogates), free
text up to 10,000 characters, names up to 200, lists up to 200 items.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StrictInt, StrictStr

from domain.checks import ISO_DAY, MAX_CODE, MAX_ITEMS, MAX_NAME, MAX_TEXT, text_problem

# ASCII digits only: ``\d`` would take "٢٠٢٦" (Arabic-Indic) or "２０２６" (full-width) too.
_DIGITS = re.compile("[0-9]{1,18}")


def whole_number(text: str) -> int | None:
    """The whole number ``text`` spells in ASCII digits, at most 18 of them (a log position, a
    case version, a cursor: ``int`` also takes '²' or '٢', and SQLite holds no more than 2**63);
    None when it spells none."""
    return int(text) if _DIGITS.fullmatch(text) else None


def storable(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(f"text {problem}")
    return value


def iso_day(value: Any) -> Any:
    """Dates only as `YYYY-MM-DD` strings (pydantic alone would also take numbers as Unix time)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


def digits(value: Any) -> Any:
    """Whole numbers in paths and query strings as plain digits (`2027.0` is not a year)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        raise ValueError("a whole number is written in digits only")
    return int(value)


Text = Annotated[StrictStr, Field(max_length=MAX_TEXT), AfterValidator(storable)]
Name = Annotated[StrictStr, Field(max_length=MAX_NAME), AfterValidator(storable)]
Code = Annotated[StrictStr, Field(max_length=MAX_CODE), AfterValidator(storable)]
Day = Annotated[date, BeforeValidator(iso_day)]
Flag = StrictBool
Year = Annotated[StrictInt, Field(ge=1949, le=2200)]
# A year or a count given in a path or a query string.
WholeNumber = Annotated[int, BeforeValidator(digits)]

T = TypeVar("T")
Items = Annotated[list[T], Field(max_length=MAX_ITEMS)]

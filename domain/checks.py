"""Plain validation shared by the commands: non-empty, storable text and closed vocabularies.

These refuse with ``InvalidInput`` (no rule id: the value is malformed, whatever the case's
state); refusals that a DOMAIN.md rule makes are in ``domain.rules``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from domain.errors import InvalidInput
from domain.records import Person

# Free text holds at most this many characters (API.md v1.1 "Input limits").
MAX_TEXT = 10_000
# Tab, newline and carriage return (a Windows line end, as browsers send a textarea's) are
# the only control characters text may hold: NUL in particular is refused by PostgreSQL, and a
# lone surrogate by any UTF-8 encoder.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text on every backend, or None when it can."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    code = ord(found.group())
    kind = "a lone surrogate" if code >= 0xD800 else "the control character"
    return f"contains {kind} U+{code:04X} at position {found.start()}"


def check_storable(value: str, field: str, max_length: int = MAX_TEXT) -> str:
    """Text any store keeps as given: no control characters but tab and newlines, no lone
    surrogates, at most ``max_length`` characters."""
    problem = text_problem(value)
    if problem is not None:
        raise InvalidInput(f"{field} 含有不可保存的字符", f"{field} {problem}")
    if len(value) > max_length:
        raise InvalidInput(
            f"{field} 超过 {max_length} 个字符", f"{field} holds more than {max_length} characters"
        )
    return value


def check_text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} 不能为空", f"{field} must be a non-empty string")
    return check_storable(value.strip(), field)


def check_optional_text(value: object, field: str) -> str | None:
    return None if value is None else check_text(value, field)


def check_one_of(value: object, allowed: Iterable[str], field: str) -> str:
    options = sorted(allowed)
    if value not in options:
        raise InvalidInput(
            f"{field} 取值无效：{value!r}，应为 {options}",
            f"{field} must be one of {options}, got {value!r}",
        )
    assert isinstance(value, str)
    return value


def check_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{field} 应为布尔值", f"{field} must be true or false")
    return value


def check_date(value: object, field: str) -> date:
    if not isinstance(value, date):
        raise InvalidInput(f"{field} 应为日期", f"{field} must be a date (YYYY-MM-DD)")
    return value


def check_person(value: object, field: str) -> Person:
    """A person with a name and a rank (R-C2 contacted_by, R-V4 visitors)."""
    if isinstance(value, Person):
        value = {"name": value.name, "rank": value.rank}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{field} 应包含姓名和职务", f"{field} must have a name and a rank")
    return Person(
        name=check_text(value.get("name"), f"{field}.name"),
        rank=check_text(value.get("rank"), f"{field}.rank"),
    )


def check_text_list(value: object, field: str) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        raise InvalidInput(f"{field} 至少需要一项", f"{field} must list at least one entry")
    return [check_text(v, field) for v in value]


def check_codes(value: object, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"{field} 应为单位代码列表", f"{field} must be a list of unit codes")
    return [check_text(v, field) for v in value]


def check_dict(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{field} 应为对象", f"{field} must be an object")
    return dict(value)

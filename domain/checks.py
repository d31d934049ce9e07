"""Plain validation shared by the commands: non-empty, storable text and closed vocabularies.

These refuse with ``InvalidInput`` (no rule id: the value is malformed, whatever the case's
state); refusals that a DOMAIN.md rule makes are in ``domain.rules``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sized
from datetime import date
from typing import Any

from domain.errors import InvalidInput
from domain.records import Person

# API.md v1.1 "Input limits", stated once for every way in (the API's request fields, a
# correction's values, an imported sheet's cells): free text holds at most MAX_TEXT characters,
# a name (a person's, a rank) MAX_NAME, a code (a unit's, a case's number) MAX_CODE; a list
# at most MAX_ITEMS entries.
MAX_TEXT = 10_000
MAX_NAME = 200
MAX_CODE = 64
MAX_ITEMS = 200
MAX_ADDRESS = 2_000  # a web address (API.md: a published reply's ``url``)
# Tab, newline and carriage return (a Windows line end, as browsers send a textarea's) are
# the only control characters text may hold: NUL in particular is refused by PostgreSQL, and a
# lone surrogate by any UTF-8 encoder. The noncharacters U+FFFE and U+FFFF are not XML, which
# every document made of the records is (a spreadsheet, a Word report, the Atom feed): one in
# a contact's summary failed the year's contacts register for every reader.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_KINDS = ((0xFFFE, "the noncharacter"), (0xD800, "a lone surrogate"), (0, "the control character"))


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text on every backend, or None when it can."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    code = ord(found.group())
    kind = next(kind for start, kind in _KINDS if code >= start)
    return f"contains {kind} U+{code:04X} at position {found.start()}"


def legible(value: str) -> str:
    """``value`` with each character ``text_problem`` refuses as U+FFFD, for a document made of
    records kept from before it was refused (an event keeps the text it was given)."""
    return _UNSTORABLE.sub("\ufffd", value)


def check_storable(value: str, field: str, max_length: int = MAX_TEXT) -> str:
    """Text any store keeps as given: no control characters but tab and newlines, no lone
    surrogates, at most ``max_length`` characters."""
    problem = text_problem(value)
    if problem is not None:
        raise InvalidInput(f"{field} 含有不可保存的字符", f"{field} {problem}", field=field)
    if len(value) > max_length:
        raise InvalidInput(
            f"{field} 超过 {max_length} 个字符",
            f"{field} holds more than {max_length} characters",
            field=field,
        )
    return value


def check_text(value: object, field: str, max_length: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} 不能为空", f"{field} must be a non-empty string", field=field)
    return check_storable(value.strip(), field, max_length)


# http(s)://, then a host (after any user@, before any :port), then the end or a path, query or
# fragment. A pattern, not ``urlsplit``: that caches what it parsed, and a rebuild asks once for
# each of many addresses (7.7 µs a call there against 0.7 in a loop over one).
_WEB_ADDRESS = re.compile(
    r"https?://(?:[^/?#@]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^/?#:@\[\]]+)(?::[0-9]*)?(?:[/?#]|$)",
    re.IGNORECASE,
)


def web_address(value: str | None) -> str | None:
    """``value`` when it is a whole web address (``http://`` or ``https://``, a host, nothing
    unprintable), else None. A reply's published address becomes a link on the public register
    and in its feed: anything else there (``javascript:`` above all) ran on our own site."""
    # ``isprintable`` is false for every separator but the ASCII space, and for every control.
    if value is None or not value.isprintable() or " " in value:
        return None
    return value if _WEB_ADDRESS.match(value) else None


def check_web_address(value: object, field: str) -> str:
    """A whole ``http(s)`` address (``web_address``), as a reply is published at (R-D4)."""
    text = check_text(value, field, MAX_ADDRESS)
    if web_address(text) is None:
        raise InvalidInput(
            f"{field} 须为以 http:// 或 https:// 开头的完整网址",
            f"{field} must be a whole http:// or https:// address",
            field=field,
        )
    return text


def check_name(value: object, field: str) -> str:
    """A name as people read it: nothing that draws nothing (``check_visible``: a zero-width
    space or joiner, a direction mark, a variation selector). 财政厅 with a zero-width space
    reads as 财政厅 and is another name, so a second unit, user or proposer would look like
    the first."""
    return check_visible(check_text(value, field, MAX_NAME), field)


def check_title(value: object) -> str:
    """A case's title, read on every list, paper and the public register: no invisible
    format character either, a direction mark reversing what follows it (关于\u202egnp.exe)."""
    return check_visible(check_text(value, "title"), "title")


# Characters that draw nothing, beside Unicode's format characters (Cf): the rest of its
# Default_Ignorable_Code_Point (combining grapheme joiner, Hangul fillers, Khmer inherent
# vowels, Mongolian and other variation selectors, tags) and the blank braille pattern. A
# re-probe registered JY-0001 followed by U+FE0F, U+180B or U+3164 and named a unit 财政厅
# followed by U+FE0F: each read as the one it copied.
_BLANK = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0000-\U000e0fff]"
)


def _hidden(c: str) -> bool:
    """Whether ``c`` draws nothing or a box: a format character, a control (DEL and the C1
    ones too, which text may otherwise hold), or one of ``_BLANK``."""
    return (unicodedata.category(c) in ("Cf", "Cc") and c not in "\t\n\r") or bool(_BLANK.match(c))


def check_visible(text: str, field: str) -> str:
    """``text`` when it holds no character that draws nothing (``_hidden``)."""
    hidden = next((c for c in text if _hidden(c)), None)
    if hidden is not None:
        raise InvalidInput(
            f"{field} 含有不可见字符 U+{ord(hidden):04X}",
            f"{field} holds the invisible character U+{ord(hidden):04X}",
            field=field,
        )
    return text


# A phone number as offices write one: a country code, an area code in brackets or before a
# hyphen, the number (in groups, as printed), an extension after 转 or 分机 (or in brackets);
# two numbers apart after 、 / , or ;.
_PHONE_NUMBER = re.compile(
    r"(\+\d{1,3}[- ]?)?(\(\d{2,5}\) ?|\d{2,5}[- ])?\d{3,12}([- ]\d{2,8}){0,2}"
    r"( ?(转|分机|ext\.? ?|x)\d{1,6}| ?\((转|分机)\d{1,6}\))?",
    re.IGNORECASE,
)
# China's numbers: a local number of at most 8 digits after its area code, a mobile one of 11;
# a group written after a whole number is its extension (0311-87801234-8012).
LOCAL_DIGITS = 8
MOBILE_DIGITS = 11
_PHONES_APART = re.compile(r" *[、/,;] *")
PHONE_DIGITS = (7, 20)  # a local number without its area code; the longest one dialled


def check_phone(value: object, field: str) -> str:
    """One or more numbers someone can dial, as typed (full-width digits and brackets from an
    input method read as such): 0311-87801234, 13800000000, 0311-87801234转8012,
    0311-87801234（分机8012）, 0311-87801234、13800000000."""
    text = unicodedata.normalize("NFKC", check_text(value, field, MAX_CODE)).strip()
    if not all(_dialable(number) is not None for number in phone_numbers(text)):
        raise InvalidInput(
            f"{field} 应为电话号码，如 0311-87801234、13800000000 或 0311-87801234转8012；"
            "两个号码之间用“、”分隔",
            f"{field} must be phone numbers such as 0311-87801234 or 13800000000 "
            f"(转 before an extension, 、 between two): {text!r}",
            field=field,
        )
    return text


def phone_digits(text: str) -> list[str]:
    """Each number of a phone text by its digits, extension included: the same numbers typed
    with spaces, dashes or brackets otherwise are the same phone (``dialled`` leaves the
    extension out, which tells two phones of one switchboard apart)."""
    return ["".join(filter(str.isdigit, n)) for n in phone_numbers(text)]


def phone_numbers(text: str) -> list[str]:
    """The numbers of a checked phone text, each as typed (0311-87801234、13800000000: two)."""
    return _PHONES_APART.split(text)


def dialled(number: str) -> str | None:
    """What a phone dials for one number of a checked phone text (``phone_numbers``): the
    country code's ``+`` and the digits, up to an extension, which whoever answers is asked
    for (0311-87801234转8012 dials 031187801234); None for text that is no number (a record
    kept from before numbers were checked as such)."""
    found = _dialable(number)
    if found is None:
        return None
    country = _digits(found.group(1) or "")
    area = _digits(found.group(2) or "")
    if country and area.startswith("0"):
        area = area[1:]  # the trunk 0 is not dialled after a country code: +86 (0311) …
    local_start = max(found.end(1), found.end(2), 0)
    local_end = found.start(4) if found.group(4) else len(number)
    groups = re.findall(r"\d+", number[local_start:local_end])
    whole = LOCAL_DIGITS if area else MOBILE_DIGITS
    while len(groups) > 1 and sum(map(len, groups)) > whole:
        groups.pop()  # an extension written as one more group
    return ("+" + country if country else "") + area + "".join(groups)


def _digits(text: str) -> str:
    return "".join(filter(str.isdigit, text))


def _dialable(number: str) -> re.Match[str] | None:
    """The number's parts when it is one a phone can dial, else None."""
    low, high = PHONE_DIGITS
    found = _PHONE_NUMBER.fullmatch(number)
    return found if found and low <= sum(map(str.isdigit, number)) <= high else None


# Dashes a number may be typed with that read as its hyphen: hyphen, non-breaking hyphen,
# figure dash, en and em dash, horizontal bar, minus sign, small em dash, small hyphen-minus.
_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-")
)


def case_number_form(value: str) -> str:
    """A case's number as it is kept (unique per kind and year): the same number typed another
    way, full-width digits from an IME or an accent composed or not, is the same number (NFKC,
    as Python compares identifiers), and so is one typed with another dash (JY–0001 is
    JY-0001). Letter case is kept as typed; the case's identity ignores it
    (``Case.create_id``)."""
    return unicodedata.normalize("NFKC", value).strip().translate(_DASHES)


# What a number is written with: ASCII, Latin letters with their accents, Chinese characters
# (〇 too) and the brackets of document numbers (〔2025〕, 【】, 《》, 「」). Not Greek or
# Cyrillic letters: a re-probe registered JΥ-0001 (a Greek Υ) beside JY-0001.
_NUMBER_ALPHABET = re.compile(
    "[\x20-\x7e\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u3007-\u3011\u3014-\u3017"
    "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]*"
)


def check_case_number(value: object) -> str:
    """A number, as its case's identity is made of it (``case_number_form``), in the
    characters numbers are written with: JY-0001 with a zero-width space, a variation
    selector or a Greek letter was a second JY-0001 beside the first."""
    typed = case_number_form(value) if isinstance(value, str) else value
    number = check_visible(check_text(typed, "number", MAX_CODE), "number")
    if not _NUMBER_ALPHABET.fullmatch(number):
        odd = next(c for c in number if not _NUMBER_ALPHABET.fullmatch(c))
        raise InvalidInput(
            f"number 只能由字母、数字、汉字和常用符号组成，不能含 {odd}（U+{ord(odd):04X}）",
            f"number holds {odd!r} (U+{ord(odd):04X}), no letter, digit, Chinese character or "
            "common sign",
            field="number",
        )
    return number


def check_count(value: Sized, field: str) -> None:
    if len(value) > MAX_ITEMS:
        raise InvalidInput(
            f"{field} 超过 {MAX_ITEMS} 项",
            f"{field} lists more than {MAX_ITEMS} entries",
            field=field,
        )


def check_optional_text(value: object, field: str) -> str | None:
    return None if value is None else check_text(value, field)


def check_one_of(value: object, allowed: Iterable[str], field: str) -> str:
    options = sorted(allowed)
    if value not in options:
        raise InvalidInput(
            f"{field} 取值无效：{value!r}，应为 {options}",
            f"{field} must be one of {options}, got {value!r}",
            field=field,
        )
    assert isinstance(value, str)
    return value


def check_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{field} 应为布尔值", f"{field} must be true or false", field=field)
    return value


# A date as JSON and the API write it; ASCII digits only (``\d`` takes any script's).
ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check_iso_day(value: object, field: str) -> date:
    """A date written ``YYYY-MM-DD`` (``date.fromisoformat`` alone also reads ``20260216``
    and week dates), or a date."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(
        f"{field} 应写作 YYYY-MM-DD 的日期",
        f"{field} must be a date written YYYY-MM-DD",
        field=field,
    )


def check_date(value: object, field: str) -> date:
    if not isinstance(value, date):
        raise InvalidInput(f"{field} 应为日期", f"{field} must be a date (YYYY-MM-DD)", field=field)
    return value


def check_person(value: object, field: str) -> Person:
    """A person with a name and a rank (R-C2 contacted_by, R-V4 visitors)."""
    if isinstance(value, Person):
        value = {"name": value.name, "rank": value.rank}
    if not isinstance(value, Mapping):
        raise InvalidInput(
            f"{field} 应包含姓名和职务", f"{field} must have a name and a rank", field=field
        )
    return Person(
        name=check_name(value.get("name"), f"{field}.name"),
        rank=check_name(value.get("rank"), f"{field}.rank"),
    )


def check_names(value: object, field: str) -> list[str]:
    """A non-empty list of names (R-V4's persons visited)."""
    if not isinstance(value, list | tuple) or not value:
        raise InvalidInput(
            f"{field} 至少需要一项", f"{field} must list at least one entry", field=field
        )
    check_count(value, field)
    return [check_name(v, field) for v in value]


def check_codes(value: object, field: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(
            f"{field} 应为单位代码列表", f"{field} must be a list of unit codes", field=field
        )
    check_count(value, field)
    return [check_text(v, field, MAX_CODE) for v in value]


def check_dict(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{field} 应为对象", f"{field} must be an object", field=field)
    return dict(value)

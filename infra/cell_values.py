"""What a spreadsheet cell of an office's 交办清单 means: dates as offices type them, years, 是/否,
lists separated by 、 and closed vocabularies in Chinese words.

A cell that cannot be read raises ``CellError`` with a Chinese message for the office; the import
reports it with the cell's row and column. What the rules say about the values (R-A1, R-X1, …)
is the domain's to judge, after these have turned the cells into typed values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime

# Chinese numerals as dates are written out on formal documents (二〇二五年三月一日).
_NUMERALS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_ISO_LIKE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
# Names and units in one cell: 、 as API.md says, and the commas and semicolons people also type.
# Between names: 、 as offices write lists, commas and semicolons, new lines, and spaces (a
# full-width one too) between whole names: "王建国 李秀英　张伟" is three people, not one
# deputy of that name (R-C4). A space beside a lone Chinese character is padding, not a
# parting: official lists pad two-character names to three (王　五), and the form had made
# 王 and 五 two proposers. Words of letters part as before (unit codes: FIN HOU).
_SEPARATORS = re.compile(r"[、，,；;\n\r]")
_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


class CellError(ValueError):
    """A cell whose content cannot mean what its column asks for (message in Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_of(value: object) -> str:
    """A cell as text: numbers typed into text columns (编号 2025001) read as they show."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        raise CellError("应为文字，却是日期")
    return str(value).strip()


def _chinese_numeral_year(text: str) -> str:
    """二〇二五年三月十一日 → 2025年3月11日 (十 as tens, as such dates write days and months)."""

    def number(part: str) -> str:
        if "十" not in part:
            return "".join(_NUMERALS.get(c, c) for c in part)
        tens, _, ones = part.partition("十")
        return str(int(_NUMERALS.get(tens, "1") if tens else "1") * 10 + int(number(ones) or 0))

    pieces = re.split(r"([年月日])", text)
    return "".join(p if p in "年月日" else number(p) for p in pieces)


def date_of(value: object) -> date:
    """A date cell, or a date typed as text in the spellings offices use: 2025-03-01, 2025/3/1,
    2025.3.1, 2025年3月1日, 二〇二五年三月一日, 20250301 (full-width digits too)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(f"日期写成了数字 {value}，请把单元格设为日期格式")
    typed = text_of(value)  # said back as typed: "下周一" was echoed as 下周1 (a review)
    text = _TIME_TAIL.sub("", unicodedata.normalize("NFKC", typed)).strip()
    if any(c in _NUMERALS or c == "十" for c in text):
        text = _chinese_numeral_year(text)
    found = _ISO_LIKE.match(text) or _COMPACT.match(text)
    if not found:
        raise CellError(f"无法识别的日期“{typed}”，请写成 2025-03-01 或 2025年3月1日")
    year, month, day = (int(g) for g in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"不存在的日期“{typed}”") from None


def year_of(value: object) -> int:
    """年度: 2025, "2025", "2025年" or "2025年度" (full-width digits too)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    typed = text_of(value)
    text = unicodedata.normalize("NFKC", typed).removesuffix("度").removesuffix("年")
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise CellError(f"年度应为四位数字，却是“{typed}”")
    return int(text)


def yes_no(value: object) -> bool:
    """是/否 (an empty cell is 否)."""
    if isinstance(value, bool):
        return value
    text = text_of(value)
    if text in ("", "否"):
        return False
    if text == "是":
        return True
    raise CellError(f"应填“是”或“否”，却是“{text}”")


def names_of(value: object) -> list[str]:
    """Names separated by 、 (or commas, semicolons, new lines, spaces between whole names), in
    order; blanks dropped."""
    names: list[str] = []
    for part in _SEPARATORS.split(text_of(value)):
        names += _spaced_names(part.split())
    return names


def person_names_of(value: object) -> list[str]:
    """``names_of`` for people (提出人): a space between two Chinese words of two characters
    or more is refused, asking for 、. 欧阳 娜娜 (one name padded to line up) and 张三 李四
    (two names) look alike, and reading the first as the second recorded a co-signer who
    does not exist (a review's import)."""
    for part in _SEPARATORS.split(text_of(value)):
        words = part.split()
        if len(words) > 1 and all(_chinese(w) and len(w) > 1 for w in words):
            raise CellError(
                f"“{' '.join(words)}”是一人还是多人无法判断：多人请用 、 分开，一人的姓名中不留空格"
            )
    return names_of(value)


# A proposer's own type written after the name, where the list mixes them (a proposal led by
# a participating unit with members co-signing: 民盟省委会（单位）、陈立群).
_OWN_TYPE = re.compile(r"^(.+?)\s*[（(](代表|委员|单位)[）)]$")
_TYPE_WORDS = {"代表": "deputy", "委员": "member", "单位": "unit"}


def typed_names(names: list[str], default: str) -> list[tuple[str, str]]:
    """Each name with its proposer type: the one written after it in brackets, else
    ``default`` (the 提出人类型 chosen for the list)."""
    typed = []
    for name in names:
        own = _OWN_TYPE.fullmatch(name)
        typed.append((own.group(1), _TYPE_WORDS[own.group(2)]) if own else (name, default))
    return typed


def _spaced_names(words: list[str]) -> list[str]:
    """The names that space-separated ``words`` make: a Chinese word joins the Chinese name
    before it when either is a lone character (padding: 王　五); else each is a name."""
    names: list[str] = []
    for word in words:
        padded = names and _chinese(names[-1]) and _chinese(word)
        if padded and (len(names[-1]) == 1 or len(word) == 1):
            names[-1] += word
        else:
            names.append(word)
    return names


def _chinese(word: str) -> bool:
    return _CHINESE.fullmatch(word) is not None


def one_of(value: object, words: Mapping[str, str]) -> str:
    """A closed vocabulary's value from its Chinese word."""
    text = text_of(value)
    if text not in words:
        choices = "、".join(sorted(set(words)))
        if not text:  # it read “”不是可选值 for a blank cell
            raise CellError(f"不能为空（可选：{choices}）")
        raise CellError(f"“{text}”不是可选值（{choices}）")
    return words[text]

"""Refusals in the workbench's words (UI.md: "a refusal shows the rule id and the Chinese message
next to the field").

A request schema (pydantic) says what is wrong in English and names a field by its code; so does
a plain check of the domain (``InvalidInput``: "note 不能为空"), which has no page's labels. A page
shows the field's own label and the problem in Chinese: "说明不能为空", "放假日第 2 项：日期应写作
YYYY-MM-DD". A problem without words here keeps pydantic's message, after "输入无效".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from domain.errors import PART_WORDS, DomainError, worded

# pydantic's error types (``ErrorDetails["type"]``) the workbench's fields can raise; the
# templates take the error's context (``max_length`` …).
PROBLEM_WORDS: Mapping[str, str] = {
    "missing": "必填",
    "string_too_short": "不能为空",
    "string_too_long": "超过 {max_length} 个字符",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "超过 {max_length} 项",
    "string_type": "应为文字",
    "date_type": "日期应写作 YYYY-MM-DD",
    "date_parsing": "日期应写作 YYYY-MM-DD",
    "date_from_datetime_parsing": "不是有效日期（应写作 YYYY-MM-DD）",
    "date_from_datetime_inexact": "日期应写作 YYYY-MM-DD",
    "bool_type": "应为“是”或“否”",
    "bool_parsing": "应为“是”或“否”",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "literal_error": "取值无效",
    "enum": "取值无效",
}

# A choice's errors (a select's Literal, a 是/否): left empty, it was not chosen.
CHOICE_ERRORS = frozenset({"literal_error", "enum", "bool_type", "bool_parsing"})

# What our own validators (``api.fields``) say, by a phrase of their message.
VALUE_WORDS: Mapping[str, str] = {
    "YYYY-MM-DD": "日期应写作 YYYY-MM-DD",
    "control character": "含有不可保存的控制字符",
    "lone surrogate": "含有不可保存的字符",
    "noncharacter": "含有不可保存的字符",
    "digits only": "应只用数字书写",
}


def problem_words(error: Mapping[str, Any]) -> str:
    """One pydantic error's problem, in Chinese (without the field)."""
    kind = str(error.get("type", ""))
    if error.get("input") == "" and kind != "string_too_short":
        # A field left empty (a form sends its empty date as ""): not "应写作 YYYY-MM-DD"; a
        # choice left on 请选择 is asked to be chosen.
        return "请选择" if kind in CHOICE_ERRORS else "不能为空"
    if kind == "value_error":
        message = str(error.get("msg", ""))
        found = next((words for phrase, words in VALUE_WORDS.items() if phrase in message), None)
        return found or f"输入无效：{message}"
    template = PROBLEM_WORDS.get(kind)
    if kind == "string_too_short" and error.get("ctx", {}).get("min_length", 1) > 1:
        # Something typed, too short (an initial password of 11 characters): not "empty".
        template = "至少 {min_length} 个字符"
    if template is None:
        return f"输入无效：{error.get('msg', '')}"
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return f"输入无效：{error.get('msg', '')}"


def field_words(location: tuple[Any, ...], labels: Mapping[str, str]) -> str:
    """Where an error is, in words: ``("holidays", 1)`` → "放假日第 2 项"."""
    words = ""
    for step in location:
        if isinstance(step, int):
            words += f"第 {step + 1} 项"
        elif not words:  # a field by its label; a part of one (a person's name) by its word
            words = bare_label(labels.get(str(step)) or PART_WORDS.get(str(step), str(step)))
        else:
            words += f"的{PART_WORDS.get(str(step), str(step))}"
    return words


def validation_problems(invalid: ValidationError) -> dict[str, str]:
    """Per top-level field, its first problem in Chinese (shown beside the field)."""
    found: dict[str, str] = {}
    for error in invalid.errors():
        location = tuple(error["loc"])
        field = str(location[0]) if location else ""
        rest = field_words(location[1:], {}) if len(location) > 1 else ""
        found.setdefault(field, f"{rest}：{problem_words(error)}" if rest else problem_words(error))
    return found


def validation_sentence(invalid: ValidationError, labels: Mapping[str, str]) -> str:
    """Every problem in one line, each named by its field's label (a form with one message)."""
    return "；".join(
        f"{field_words(tuple(e['loc']), labels)}：{problem_words(e)}"
        if e["loc"]
        else problem_words(e)
        for e in invalid.errors()
    )


def domain_words(error: DomainError, labels: Mapping[str, str]) -> str:
    """A domain refusal in a page's words: "note 不能为空" is "说明不能为空" on the page."""
    return worded(error, {name: bare_label(label) for name, label in labels.items()})


# A unit code as the domain's refusals name a unit ("承办单位 FIN"): capitals, digits, _ and -,
# not inside a longer run of them (a CJK neighbour is no letter of it).
UNIT_CODE = re.compile(r"(?<![A-Za-z0-9_-])[A-Z][A-Z0-9_-]*(?![A-Za-z0-9_-])")


def with_unit_names(text: str, names: Mapping[str, str]) -> str:
    """``text`` with each unit code ``names`` knows replaced by the unit's name: the domain
    speaks in codes, a page in the names the office reads everywhere else."""
    return UNIT_CODE.sub(lambda m: names.get(m.group(0), m.group(0)), text)


# A field's code as a domain refusal names it ("summary", "occurred_on").
FIELD_CODE = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z_]*(?![A-Za-z0-9_])")


def with_field_words(text: str, labels: Mapping[str, str]) -> str:
    """``text`` with each field code ``labels`` has a word for replaced by that word (without
    its hint): a correction's refusal names the corrected event's fields, not the form's."""
    return FIELD_CODE.sub(lambda m: bare_label(labels.get(m.group(0), m.group(0))), text)


# A refusal's list of the values a field takes, as ``check_one_of`` writes it: ['a', 'b'].
VALUE_LIST = re.compile(r"\[('[^'\]]*'(?:, '[^'\]]*')*)\]")


def with_value_words(text: str, vocabularies: Sequence[Mapping[str, str]]) -> str:
    """``text`` with a list of codes that is one of ``vocabularies`` (code → word) said as its
    words, in the vocabulary's order: 应为 ['after', 'before', 'during'] → 应为 办前、办中、办后."""

    def said(found: re.Match[str]) -> str:
        codes = set(re.findall(r"'([^']*)'", found.group(1)))
        words = next((v for v in vocabularies if set(v) == codes), None)
        return "、".join(words.values()) if words else found.group(0)

    return VALUE_LIST.sub(said, text)


def bare_label(label: str) -> str:
    """A label without its hint in brackets: "联系人（姓名、职务）" → "联系人"."""
    return label.split("（", 1)[0].strip() or label


def problem_list(
    form: str, fields: Sequence[tuple[str, str]], problems: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """A refused form's problems for the page's top, in the form's order: (the anchor of the
    problem beside its field, the field's label, the problem); the form's own problem (field
    "") first, with neither. A review's phone user read 请选择 beside a field a long scroll
    below a banner that said only 见下方表单."""
    found = [("", "", problems[""])] if problems.get("") else []
    for name, label in fields:
        if problems.get(name):
            said, words = bare_label(label), problems[name]
            # Said once: a problem in words of its own may name its field first (内容摘要不能为空).
            found.append((f"{form}-{name}-problem", said, words.removeprefix(said) or words))
    return found

"""A form's refusal of text no store can hold is said in Chinese, whatever the character: a
register form refusing U+FFFE had read "输入无效：Value error, text contains the noncharacter
U+FFFE at position 1" (a review), where U+0001 read 含有不可保存的控制字符."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError

from api.pages_refusals import problem_words, validation_problems
from domain.checks import text_problem


@pytest.mark.parametrize("text", ["a\u0001", "a\ud800", "a\ufffe", "a\uffff"])
def test_every_unstorable_character_is_refused_in_chinese(text: str) -> None:
    message = f"Value error, text {text_problem(text)}"
    words = problem_words({"type": "value_error", "msg": message, "input": text})
    assert words.startswith("含有不可保存的") and "Value error" not in words, words


def test_a_part_of_a_field_is_named_in_chinese() -> None:
    """A contact's 联系人 with a 201-character name read "name：超过 200 个字符" beside it."""

    class Person(BaseModel):
        name: str = Field(max_length=200)
        rank: str

    class Contact(BaseModel):
        contacted_by: Person

    with pytest.raises(ValidationError) as invalid:
        Contact.model_validate({"contacted_by": {"name": "张" * 201, "rank": "处长"}})
    assert validation_problems(invalid.value) == {"contacted_by": "姓名：超过 200 个字符"}

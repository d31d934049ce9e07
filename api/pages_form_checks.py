"""What a refused case form's typed fields would each be refused for, said beside each.

The domain checks a command's fields one after another and stops at the first it refuses, so
a visit card missing a visitor's rank, its 内容摘要 and the 代表委员意见 was refused three
times over, a field a time. When a form is refused for any reason, the page also runs the
domain's own check of each other required typed field (``check_text`` and its kin: a blank
one, say) and names what it refuses, in the domain's words. A field a rule speaks for
(``rule_fields``) is left to the domain, which cites the rule; so is a correction, whose one
value may be any field's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from api.pages_forms import CaseForm, Parsed
from api.pages_refusals import domain_words
from domain.checks import check_names, check_person, check_text
from domain.errors import DomainError


def _each_person(value: object, field: str) -> object:
    return [check_person(person, field) for person in value] if isinstance(value, list) else []


# The domain's check of a typed field, by the field's kind; a choice or a date is the body's.
CHECKS: Mapping[str, Callable[[Any, str], object]] = {
    "text": check_text,
    "textarea": check_text,
    "names": check_names,
    "person": check_person,
    "people": _each_person,
}


def typed_problems(form: CaseForm, data: Parsed) -> dict[str, str]:
    """Field name → what the domain's check of it refuses, for each required typed field."""
    if form.name == "correction":
        return {}
    ruled = set(form.rule_fields.values())
    labels = form.labels()
    found: dict[str, str] = {}
    for field in form.fields:
        check = CHECKS.get(field.kind)
        if check is None or not field.required or field.name in ruled:
            continue
        try:
            check(data.get(field.name), field.name)
        except DomainError as refused:
            found[field.name] = domain_words(refused, labels)
    return found

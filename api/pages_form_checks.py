"""Everything a refused case form would be refused for, each said beside its field.

The domain checks a command's fields one after another and stops at the first it refuses, so
a visit card missing a visitor's rank, its 内容摘要 and the 代表委员意见 was refused three
times over, a field a time, and a reply with a blank 征询意见表编号 (R-C3), a blank 内容摘要
and a future date (R-X1) took as many round trips. When a form is refused, the page also:

- asks the domain again (``later_refusals``), each time with the field it refused last stood
  in for by a value of its kind that is not blank, until it takes the command, refuses a field
  it refused already, or refuses one no stand-in fits (a choice, the form as a whole): what it
  says each time, rule and words, goes beside that field. ``BanliApplication.judge`` runs the
  handler on the case as stored and records nothing;
- runs the domain's own plain check (``check_text`` and its kin) of every other required
  typed field (``typed_problems``), for what a pass stopped before (a body the schema refused
  first, a choice no stand-in fits). A field a rule speaks for (``rule_fields``) is checked
  too, and the domain's refusal of it, citing the rule, stands in its place when the domain
  was asked: a reply sent without its 答复类别 said only 请选择, and its blank 征询意见表编号
  and 内容摘要 came a round later (a review).

A correction, whose one value may be any field's, and the commands judged on more than their
case (a merge, a unit's key designation) are not asked again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from api.pages_forms import CaseForm, Parsed
from api.pages_refusals import domain_words
from domain.checks import check_name, check_names, check_person, check_text
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
    "proposer": check_name,
    "leader": check_name,
}
# Forms not asked again: their commands are judged on more than their case.
NOT_JUDGED_AGAIN = frozenset({"correction", "merge", "unmerge", "key"})
STAND_IN = "（待填）"


def typed_problems(form: CaseForm, data: Parsed) -> dict[str, str]:
    """Field name → what the domain's plain check of it refuses, for each required typed field
    (the domain's own refusal of a field, when it was asked, is said in its place)."""
    if form.name == "correction":
        return {}
    labels = form.labels()
    found: dict[str, str] = {}
    for field in form.fields:
        check = CHECKS.get(field.kind)
        if check is None or not field.required:
            continue
        try:
            check(data.get(field.name), field.name)
        except DomainError as refused:
            found[field.name] = domain_words(refused, labels)
    return found


# Asks the domain about a form's data: its refusal, or None when it would take it (raises
# ``ValidationError`` when the body itself is refused).
Judge = Callable[[Parsed], DomainError | None]


def later_refusals(
    form: CaseForm, data: Parsed, first: Iterable[str], judge: Judge, today: date
) -> dict[str, DomainError]:
    """Field name → the domain's refusal of it, for each field it would refuse once the
    fields before were mended; ``first``: the fields already refused (by the domain, or by
    the body's own bounds: a date left blank)."""
    if form.name in NOT_JUDGED_AGAIN:
        return {}
    kinds = {f.name: f.kind for f in form.fields}
    refused_first = set(first)
    found: dict[str, DomainError] = {}
    trying, mending = dict(data), list(refused_first)
    for _ in form.fields:
        for field in mending:
            stand_in = _stand_in(kinds.get(field), today)
            if stand_in is None:
                return found
            trying[field] = stand_in
        try:
            refused = judge(trying)
        except ValidationError:
            break
        if refused is None:
            break
        field = form.field_of(refused)
        if not field or field in refused_first or field in found:
            break
        found[field] = refused
        mending = [field]
    return found


def _stand_in(kind: str | None, today: date) -> Any:
    """A value of ``kind`` that is not blank, for a field already refused; None where none
    fits (a choice: which one would be a guess)."""
    if kind in ("text", "textarea", "proposer", "leader", "reason"):
        return STAND_IN
    if kind == "names":
        return [STAND_IN]
    if kind == "person":
        return {"name": STAND_IN, "rank": STAND_IN}
    if kind == "people":
        return [{"name": STAND_IN, "rank": STAND_IN}]
    if kind == "date":
        return today.isoformat()
    return None

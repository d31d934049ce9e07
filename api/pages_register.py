"""登记新件: one case registered from a form, for the office (API.md: ``POST /v1/cases``, its
body ``CaseCreate``, run by the same ``register``). An item that arrives on its own (a
suggestion transferred late, one left off the list) needed a spreadsheet of one row.

The fields are the import's registration columns, in its words: the proposers a line or a 、
apart, the first the lead (领衔) and the others co-signers, all of the one 提出人类型, as an
imported row has them. A success opens the new case, where 交办 is the next form; a refusal
draws the form again as posted, every problem beside its field, the rule id beside its own,
and writes nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api.commands import context
from api.pages_refusals import domain_words, validation_problems
from api.pages_web import Form, Posted, Svc, render, roles, see_other
from api.problems import STATUS_BY_ERROR
from api.schemas_assignment import CaseCreate
from domain.case import Case
from domain.checks import check_case_number
from domain.commands import RegisterCase
from domain.errors import Conflict, DomainError
from domain.rules.accountability import RECEIVED, check_not_future
from domain.rules.assignment import check_received_in_its_year, check_registration
from infra import paper_labels as words
from infra.application import number_taken
from infra.cell_values import CellError, names_of, person_names_of, typed_names
from infra.clock import today
from infra.directory import Principal

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, Depends(roles("office"))]

LABELS = {
    "number": "编号",
    "kind": "类别",
    "level": "级别",
    "year": "年度",
    "title": "标题",
    "proposers": "提出人",
    "proposer_type": "提出人类型",
    "received_on": "收到日期",
    "text": "正文",
}
# Where a rule's refusal is shown when its message names no field of the form.
RULE_FIELDS = {"R-X1": "received_on", "R-C4": "proposer_type", "R-S4": "title"}


def page(
    request: Request,
    who: Principal,
    posted: Form | None = None,
    problems: dict[str, str] | None = None,
    rules: dict[str, str] | None = None,
    status: int = 200,
    existing: str | None = None,
) -> HTMLResponse:
    day = today()
    context_ = {
        "posted": posted.values() if posted else {},
        "problems": problems or {},
        "rules": rules or {},  # the rule each field's problem cites
        "existing": existing,  # the case a duplicate number names
        "kinds": words.KIND,
        "levels": words.LEVEL,
        "proposer_types": words.PROPOSER_TYPE,
        "today": day.isoformat(),
        "this_year": day.year,
    }
    return render(request, "register.html", who, context_, status=status)


@router.get("/cases/new", response_class=HTMLResponse)
def new_case_page(request: Request, who: Office) -> HTMLResponse:
    return page(request, who)


def body_of(posted: Form) -> dict[str, Any]:
    """``CaseCreate``'s JSON as the form's fields make it."""
    # As typed with a Chinese input method too (２０２６), as 编号 is read.
    year = unicodedata.normalize("NFKC", posted.get("year")).strip()
    kind_of_person = posted.get("proposer_type")
    names = names_of(posted.get("proposers").replace("\n", "、"))
    return {
        "number": posted.get("number").strip(),
        "kind": posted.get("kind"),
        "level": posted.get("level"),
        "year": int(year) if year.isascii() and year.isdigit() else year,
        "title": posted.get("title").strip(),
        "proposers": [
            {"name": name, "type": person_type, "role": "lead" if i == 0 else "co_signer"}
            for i, (name, person_type) in enumerate(typed_names(names, kind_of_person))
        ],
        "received_on": posted.get("received_on").strip(),
        "text": posted.get("text").strip(),
    }


@router.post("/cases/new", response_class=HTMLResponse)
def register_case(request: Request, who: Office, svc: Svc, posted: Posted) -> Response:
    found = judged(svc, body_of(posted), posted.get("proposer_type"))
    try:
        person_names_of(posted.get("proposers").replace("\n", "、"))
    except CellError as unclear:  # 欧阳 娜娜: one name, or two?
        found.problems["proposers"] = unclear.message
        found.body = None
    if found.body is not None and not found.problems:
        command = found.body.command()
        try:
            result = svc.app.register(context(request, who, found.body), command)
        except DomainError as error:  # what the checks before could not see (a race)
            found.problems, found.rules = {_field_of(error): domain_words(error, LABELS)}, {}
            found.status = next(s for t, s in STATUS_BY_ERROR.items() if isinstance(error, t))
            found.existing = _case_of(command) if isinstance(error, Conflict) else None
        else:
            # The case opens on 交办, the next step.
            done = f"{result.case_id}:{result.version}"
            return see_other(f"/cases/{result.case_id}?done={done}&open=assignment#form-assignment")
    return page(request, who, posted, found.problems, found.rules, found.status, found.existing)


@dataclass
class Judged:
    """A registration as the form's checks found it."""

    body: CaseCreate | None  # when its own bounds take it
    problems: dict[str, str]  # field → words
    rules: dict[str, str]  # field → the rule its problem cites
    status: int  # the answer's
    existing: str | None  # the case its number names, when that is taken


def judged(svc: Svc, data: dict[str, Any], proposer_type: str) -> Judged:
    """Every problem of a registration at once. The body's bounds come first (a blank 编号,
    标题 or 提出人 among them); the fields they refuse are then stood in for, so the form's
    other checks (``far_off``, each of the domain's: ``each_refusal``) still speak."""
    problems: dict[str, str] = {}
    status = 422
    try:
        body: CaseCreate | None = CaseCreate.model_validate(data)
        checked = body.command() if body is not None else None
    except ValidationError as invalid:
        problems = _on_fields(validation_problems(invalid))
        body, checked = None, _stood_in(data, problems)
    if proposer_type not in words.PROPOSER_TYPE:
        problems["proposer_type"] = "请选择提出人类型"
    rules: dict[str, str] = {}
    existing = None
    if checked is not None:
        existing = _case_of(checked) if _registered(svc, checked) else None
        for field, said in far_off(checked, today()).items():
            problems.setdefault(field, said)
        for field, refused in each_refusal(checked, existing is not None).items():
            if field not in problems:
                problems[field] = domain_words(refused, LABELS)
                rules.update({field: refused.rule} if refused.rule else {})
                status = next(s for t, s in STATUS_BY_ERROR.items() if isinstance(refused, t))
    return Judged(body, problems, rules, status, existing)


# What stands in for a field the body refused, to judge the others: not blank, of its kind.
STAND_INS: dict[str, Any] = {"number": "待填", "title": "待填"}


def _stood_in(data: dict[str, Any], refused: dict[str, str]) -> RegisterCase | None:
    """The registration with the refused fields stood in for (the received day by today, a
    proposer by a name of the type the kind takes); None when a choice the others hang on
    (类别, 年度, 级别) is itself refused: which one would be a guess."""
    if {"kind", "year", "level"} & set(refused):
        return None
    trying = dict(data)
    for field in refused:
        if field in STAND_INS:
            trying[field] = STAND_INS[field]
    if "received_on" in refused:
        trying["received_on"] = today().isoformat()
    if "proposers" in refused or "proposer_type" in refused:
        usual = "deputy" if data["kind"] == "suggestion" else "member"
        names = [p["name"] for p in data["proposers"]] or ["待填"]
        trying["proposers"] = [
            {"name": name, "type": usual, "role": "lead" if i == 0 else "co_signer"}
            for i, name in enumerate(names)
        ]
    try:
        return CaseCreate.model_validate(trying).command()
    except ValidationError:
        return None


def far_off(command: RegisterCase, day: date) -> dict[str, str]:
    """A year far from today, said before anything is registered: a review's 2099 was taken
    and headed every 台账's and 总览's years. The form registers this session's items (a year
    either side); earlier years come in with the import, which takes a whole list as it
    stands. (A received day outside its year is the domain's: ``check_received_in_its_year``.)"""
    found: dict[str, str] = {}
    first, last = day.year - 1, day.year + 1
    if not first <= command.year <= last:
        found["year"] = f"单件登记只收 {first}–{last} 年度的件；其他年度的件请导入交办清单"
    return found


def each_refusal(command: RegisterCase, taken: bool) -> dict[str, DomainError]:
    """Field → the refusal of each of a registration's checks run on its own (``register``
    stops at its first): the registration's own fields and rules (R-C4), its date (R-X1),
    and its number, when ``taken``."""
    found: dict[str, DomainError] = {}
    checks: list[Callable[[], object]] = [
        lambda: check_registration(command),
        lambda: check_not_future(command.received_on, today(), RECEIVED),
        lambda: check_received_in_its_year(command.year, command.received_on),
    ]
    for check in checks:
        try:
            check()
        except DomainError as refused:
            found.setdefault(_field_of(refused), refused)
    if taken:
        found["number"] = number_taken(command)
    return found


def _field_of(error: DomainError) -> str:
    """The form's field a refusal is about ("" when none: the form's top)."""
    named = (getattr(error, "field", None) or "").partition(".")[0]
    if isinstance(error, Conflict):
        return "number"  # a number already registered: the only conflict a registration has
    return RULE_FIELDS.get(error.rule or "") or (named if named in LABELS else "")


def _registered(svc: Svc, command: RegisterCase) -> bool:
    try:
        return (
            Case.create_id(command.kind, command.year, check_case_number(command.number))
            in svc.app.repository
        )
    except DomainError:
        return False


def _on_fields(problems: dict[str, str]) -> dict[str, str]:
    """The body's problems on the form's fields: a proposer's type is the form's one select."""
    if "proposers" in problems and "类型" in problems["proposers"]:
        problems["proposer_type"] = problems.pop("proposers")
    return problems


def _case_of(command: RegisterCase) -> str:
    """The id of the case registered under the command's kind, year and number."""
    return str(Case.create_id(command.kind, command.year, check_case_number(command.number)))

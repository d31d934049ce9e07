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
from domain.errors import Conflict, DomainError
from infra import paper_labels as words
from infra.cell_values import names_of
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
    rule: tuple[str, str] | None = None,
    status: int = 200,
    existing: str | None = None,
) -> HTMLResponse:
    day = today()
    context_ = {
        "posted": posted.values() if posted else {},
        "problems": problems or {},
        "rule": rule,  # (rule id, the field it stands beside)
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
    year = posted.get("year").strip()
    kind_of_person = posted.get("proposer_type")
    names = names_of(posted.get("proposers").replace("\n", "、"))
    return {
        "number": posted.get("number").strip(),
        "kind": posted.get("kind"),
        "level": posted.get("level"),
        "year": int(year) if year.isascii() and year.isdigit() else year,
        "title": posted.get("title").strip(),
        "proposers": [
            {"name": name, "type": kind_of_person, "role": "lead" if i == 0 else "co_signer"}
            for i, name in enumerate(names)
        ],
        "received_on": posted.get("received_on").strip(),
        "text": posted.get("text").strip(),
    }


@router.post("/cases/new", response_class=HTMLResponse)
def register_case(request: Request, who: Office, svc: Svc, posted: Posted) -> Response:
    try:
        # Every field's problem at once: the body's own bounds (a blank 编号, 标题 or 提出人
        # among them) are checked together, before the domain's, which stops at its first.
        body = CaseCreate.model_validate(body_of(posted))
        result = svc.app.register(context(request, who, body), body.command())
    except ValidationError as invalid:
        problems = _on_fields(validation_problems(invalid))
        return page(request, who, posted, problems, status=422)
    except DomainError as error:
        named = (getattr(error, "field", None) or "").partition(".")[0]
        where = RULE_FIELDS.get(error.rule or "") or (named if named in LABELS else "")
        status = next(s for t, s in STATUS_BY_ERROR.items() if isinstance(error, t))
        rule = (error.rule, where) if error.rule else None
        said = domain_words(error, LABELS)
        # A number already registered (a form sent twice, say): the way to the case it names.
        existing = _case_of(body) if isinstance(error, Conflict) else None
        return page(request, who, posted, {where: said}, rule, status, existing)
    return see_other(f"/cases/{result.case_id}?done={result.case_id}:{result.version}")


def _on_fields(problems: dict[str, str]) -> dict[str, str]:
    """The body's problems on the form's fields: a proposer's type is the form's one select."""
    if "proposers" in problems and "类型" in problems["proposers"]:
        problems["proposer_type"] = problems.pop("proposers")
    return problems


def _case_of(body: CaseCreate) -> str:
    """The id of the case registered under the body's kind, year and number."""
    return str(Case.create_id(body.kind, body.year, check_case_number(body.number)))

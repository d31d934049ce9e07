"""A refused case form names every typed field the domain would refuse, not only the first the
domain stopped at, each beside its field; the rule a refusal cites stands beside its own field
only. Nothing is written."""

from __future__ import annotations

import re

import httpx

from tests.api.conftest import Api, register_and_assign
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in

CARD = {
    "organised_by": "FIN",
    "visitors": "王五 科长",
    "persons": "张三",
    "summary": "走访",
    "proposer_opinion": "满意",
    "occurred_on": "2025-03-01",
}


def visit(api: Api, number: str, **changed: str) -> tuple[httpx.Response, str, int]:
    """A FIN handler's visit card for a new case, ``changed`` from a complete one: the answer,
    the case and the case's version before it."""
    case_id = register_and_assign(api, number)
    handler = logged_in(api, f"fin_{number.lower()}", role="handler", unit="FIN")
    before = api.case(case_id)["version"]
    form = form_of(handler, case_id, "visit", **{**CARD, **changed})
    return send(handler, case_id, "visit", form), case_id, before


def problem_at(page: str, field: str) -> str:
    """The problem drawn beside the visit form's ``field`` (empty when none)."""
    found = re.search(rf'id="visit-{field}-problem" role="alert">(.*?)</span>\s*(?:</div>|<)', page)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


def test_a_visit_card_missing_a_rank_a_summary_and_an_opinion_says_all_three_R_V4(
    api: Api,
) -> None:
    refused, case_id, before = visit(
        api, "PX-B1", visitors="王五", summary="", proposer_opinion=" "
    )
    assert refused.status_code == 422, refused.text
    assert "走访人员的职务不能为空" in problem_at(refused.text, "visitors")
    assert "内容摘要不能为空" in problem_at(refused.text, "summary")
    assert "代表委员意见不能为空" in problem_at(refused.text, "proposer_opinion")
    assert problem_at(refused.text, "persons") == ""
    assert api.case(case_id)["version"] == before


def test_the_rule_a_refusal_cites_stands_beside_its_field_alone_R_V4(api: Api) -> None:
    refused, case_id, before = visit(api, "PX-B2", visitors="", persons="")
    visitors = problem_at(refused.text, "visitors")
    persons = problem_at(refused.text, "persons")
    assert visitors.startswith("R-V4") and "走访卡须列明走访人员及职务" in visitors
    assert "走访对象至少需要一项" in persons and "R-V4" not in persons
    assert api.case(case_id)["version"] == before


def test_a_body_refused_before_the_domain_names_the_blank_fields_too(api: Api) -> None:
    refused, case_id, before = visit(api, "PX-B3", proposer_opinion="", occurred_on="not a day")
    assert refused.status_code == 422
    assert problem_at(refused.text, "occurred_on")
    assert "代表委员意见不能为空" in problem_at(refused.text, "proposer_opinion")
    assert api.case(case_id)["version"] == before

"""A refused case form names every typed field the domain would refuse, not only the first the
domain stopped at, each beside its field; the rule a refusal cites stands beside its own field
only. Nothing is written."""

from __future__ import annotations

import re

import httpx

from tests.api.conftest import Api, case_body, contact_body, register_and_assign, reply_body
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import csrf_of, logged_in

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


def reply_refused(api: Api, number: str, **changed: str) -> tuple[httpx.Response, str, int]:
    """A FIN handler's reply on a contacted case, ``changed`` from a complete one."""
    case_id = register_and_assign(api, number)
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").status_code
    handler = logged_in(api, f"fin_{number.lower()}", role="handler", unit="FIN")
    before = api.case(case_id)["version"]
    complete = {**reply_body(), "disclosure": "proactive"}
    del complete["unit"]
    form = form_of(handler, case_id, "reply", **{**complete, **changed})
    return send(handler, case_id, "reply", form), case_id, before


def problem_in(page: str, form: str, field: str) -> str:
    found = re.search(
        rf'id="{form}-{field}-problem" role="alert">(.*?)</span>\s*(?:</div>|<)', page
    )
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


def test_a_reply_refused_for_its_form_of_consultation_says_its_summary_and_date_too_R_C3_R_X1(
    api: Api,
) -> None:
    """The domain stopped at R-C3; asked again with a stand-in there, it names the blank
    内容摘要 and the future date (R-X1), each with its own rule."""
    refused, case_id, before = reply_refused(
        api, "PX-B4", consultation_form_ref="", summary="", occurred_on="2099-01-01"
    )
    assert refused.status_code == 409, refused.text
    ref = problem_in(refused.text, "reply", "consultation_form_ref")
    summary = problem_in(refused.text, "reply", "summary")
    day = problem_in(refused.text, "reply", "occurred_on")
    assert ref.startswith("R-C3"), ref
    assert "内容摘要" in summary and "R-C3" not in summary, summary
    assert day.startswith("R-X1"), day
    # Asked with stand-ins for all three, the domain took the reply: on a copy of the case,
    # dropped. The case the commands and reads hold has none.
    assert api.case(case_id)["version"] == before and api.case(case_id)["replies"] == []
    submitted = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin")
    assert submitted.status_code == 201, submitted.text
    assert len(api.case(case_id)["replies"]) == 1


def test_a_contact_card_emptied_names_each_blank_and_shows_them_empty(api: Api) -> None:
    """联系对象 emptied came back filled with the proposer's name beside 联系对象不能为空."""
    case_id = register_and_assign(api, "PX-B5")
    handler = logged_in(api, "fin_b5", role="handler", unit="FIN")
    before = api.case(case_id)["version"]
    card = {**contact_body(), "contacted_by.name": "王科长", "contacted_by.rank": ""}
    del card["unit"], card["contacted_by"], card["reached"]
    form = form_of(handler, case_id, "contact", **{**card, "person": "", "summary": ""})
    refused = send(handler, case_id, "contact", form)
    assert refused.status_code == 422, refused.text
    assert "联系人的职务不能为空" in problem_in(refused.text, "contact", "contacted_by")
    assert "联系对象不能为空" in problem_in(refused.text, "contact", "person")
    assert "内容摘要" in problem_in(refused.text, "contact", "summary")
    assert re.search(r'id="contact-person" name="person"[^>]* value=""', refused.text)
    assert api.case(case_id)["version"] == before


def test_a_date_left_blank_hides_no_other_refusal_and_stays_blank_R_C3(api: Api) -> None:
    """The body refused the blank date first, and the page said only that; the domain, asked
    with today in its place, names the form of consultation (R-C3) and the summary too."""
    refused, case_id, before = reply_refused(
        api, "PX-B6", consultation_form_ref="", summary="", occurred_on=""
    )
    assert refused.status_code == 422, refused.text
    assert problem_in(refused.text, "reply", "occurred_on")
    assert problem_in(refused.text, "reply", "consultation_form_ref").startswith("R-C3")
    assert "内容摘要" in problem_in(refused.text, "reply", "summary")
    assert re.search(r'id="reply-occurred_on" name="occurred_on"[^>]* value=""', refused.text)
    assert api.case(case_id)["version"] == before


def test_a_refusal_naming_its_own_field_is_said_beside_it_R_A1(api: Api) -> None:
    """分办至少两个单位 was said under 主办单位, the field R-A1's refusals usually concern, while
    the clerk had chosen one 分办单位."""
    case_id = api.post("/v1/cases", case_body("MG-60"), "office").json()["case_id"]
    office = logged_in(api, "clerk_sp")
    page = office.get(f"/cases/{case_id}").text
    version = re.search(r'name="_version" value="(\d+)"', page)
    assert version
    form = {
        "_csrf": csrf_of(office, f"/cases/{case_id}"),
        "_version": version.group(1),
        "split_units": "FIN",
        "assigned_on": "2025-02-01",
        "policy": "hebei-2022",
    }
    refused = office.post(f"/cases/{case_id}/forms/assignment", data=form)
    assert refused.status_code == 409, refused.text
    assert 'class="field refused">\n          <label for="assignment-split_units"' in refused.text
    assert 'class="field refused">\n          <label for="assignment-lead_unit"' not in refused.text
    assert "分办至少两个单位" in refused.text


def test_the_refusal_at_the_pages_top_names_each_problem_with_a_link_to_it_R_V4(
    api: Api,
) -> None:
    """A review's phone user read only 见下方表单 at the top, and 请选择 beside a field a long
    scroll below; the top now names each field and links to its problem, in the form's
    order."""
    refused, _, _ = visit(api, "PX-B9", summary="", occurred_on="")
    top = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', refused.text, re.S)
    assert top, refused.text
    links = re.findall(r'<a href="#(visit-[a-z_]+-problem)">([^<]+)</a>', top.group(1))
    assert [anchor for anchor, _ in links] == ["visit-summary-problem", "visit-occurred_on-problem"]
    assert [label for _, label in links] == ["内容摘要", "日期"]
    assert "见下方表单" not in top.group(1) and "请修改后重新提交" in top.group(1)
    assert "内容摘要</a> 内容摘要" not in top.group(1)  # the label said once (a review)
    for anchor, _ in links:
        assert f'id="{anchor}"' in refused.text  # each link finds its problem


def test_a_reply_without_its_class_also_names_its_blank_fields_R_C3(api: Api) -> None:
    """A review's reply sent without its 答复类别 said only 请选择: no class could stand in for
    the domain's further checks, and the blank 征询意见表编号 (R-C3) and 内容摘要 came a round
    later."""
    case_id = register_and_assign(api, "PX-R1")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    assert contact.status_code == 201, contact.text
    handler = logged_in(api, "fin_px_r1", role="handler", unit="FIN")
    before = api.case(case_id)["version"]
    fields = {"unit": "FIN", "classification": "", "disclosure": "proactive"}
    form = form_of(handler, case_id, "reply", **fields, consultation_form_ref="", summary="")
    refused = send(handler, case_id, "reply", {**form, "occurred_on": "2025-04-01"})
    assert refused.status_code == 422, refused.text
    said = dict(
        re.findall(r'id="reply-([a-z_]+)-problem" role="alert">(?:<[^>]+>)*([^<]+)', refused.text)
    )
    assert said == {
        "classification": "请选择",
        "consultation_form_ref": "征询意见表编号不能为空",
        "summary": "内容摘要不能为空",
    }
    assert api.case(case_id)["version"] == before

"""A leader rules on an assignment only once both rounds are used, and only once (R-A2): the
case page offers the leader's 领导裁定交办 form then and only then. Before, it was offered on
every case being handled, where the domain could only refuse it."""

from __future__ import annotations

import re
from io import BytesIO

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import Api, register_and_assign
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in
from tests.api.test_pages_approval_obstacles import warning
from tests.api.test_pages_refusal_words import problem_beside

RULING_FORM = '<details class="form" id="form-ruling">'
DAY = "2025-02-08"


def offered(client: TestClient, case_id: str) -> bool:
    return RULING_FORM in client.get(f"/cases/{case_id}").text


def request_reassignment(api: Api, case_id: str, unit: str, on: str) -> str:
    body = {"unit": unit, "reason": "不属本单位职能", "occurred_on": on}
    handler = f"handler_{unit.lower()}"
    response = api.post(f"/v1/cases/{case_id}/reassignment-requests", body, handler)
    assert response.status_code == 201, response.text
    return str(response.json()["request_id"])


def reassigned(api: Api, case_id: str, request_id: str, lead: str) -> None:
    """The office approves the request, ``lead`` taking the case: the second round (R-A2)."""
    decision = {"approved": True, "lead_unit": lead, "note": "同意", "occurred_on": "2025-02-06"}
    path = f"/v1/cases/{case_id}/reassignment-requests/{request_id}/decision"
    assert api.post(path, decision, "office").status_code == 201


def test_the_ruling_form_is_offered_once_two_rounds_are_used_and_until_ruled_R_A2(
    api: Api,
) -> None:
    case_id = register_and_assign(api, "RUL-1", lead="HOU")
    leader = logged_in(api, "ling_dao", role="leader")
    assert not offered(leader, case_id)  # one round: the office decides requests itself

    request_id = request_reassignment(api, case_id, "HOU", "2025-02-05")
    assert not offered(leader, case_id)  # an open request is still the office's to decide
    reassigned(api, case_id, request_id, "FIN")
    assert offered(leader, case_id)  # two rounds used: a third needs the leader's ruling
    # The new lead unit is chosen, never the directory's first by default (a review's leader
    # typed a note only and would have handed the case to 财政厅).
    form = leader.get(f"/cases/{case_id}").text.split(RULING_FORM, 1)[1].split("</form>", 1)[0]
    lead = form.split('name="lead_unit"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r"<option [^>]*selected", lead) == ['<option value="" disabled selected']
    # R-A4: what leaving the deadlines as they run does to a unit brought in (a review's leader
    # made one 148 days overdue at once, unwarned).
    assert "（不勾选则仍从原交办日起算，新加入的单位可能即已逾期）" in form

    office = logged_in(api, "ban_gong", role="office")
    assert not offered(office, case_id)  # a leader's form only

    # FIN asks for a third round: the leader's form shows what the ruling answers (a review's
    # leader had to find the request in the timeline), and is sent without it.
    request_reassignment(api, case_id, "FIN", "2025-02-07")
    page = leader.get(f"/cases/{case_id}").text
    form = page.split(RULING_FORM, 1)[1].split("</form>", 1)[0]
    assert '<span class="label">待裁定的改办申请</span>' in form
    assert re.search(r"<li>[^<]*：不属本单位职能</li>", form), form
    ruling = {"requests": "ignored", "leader": "钱厅长", "lead_unit": "HOU", "note": "裁定"}
    posted = send(
        leader, case_id, "ruling", form_of(leader, case_id, "ruling", **ruling, occurred_on=DAY)
    )
    assert posted.status_code == 303, posted.text
    assert api.case(case_id)["lead_unit"] == "HOU"
    assert not offered(leader, case_id)  # a ruling is final
    # Each request and what became of it, on the case (R-A3; the timeline alone had told).
    asked = api.case(case_id)["reassignment_requests"]
    assert [(r["unit"], r["status"]) for r in asked] == [
        ("HOU", "approved"),
        ("FIN", "superseded_by_ruling"),
    ]
    table = leader.get(f"/cases/{case_id}").text.split('id="reassignment-requests"', 1)[1]
    table = table.split("</table>", 1)[0]
    assert re.findall(r'<span class="[^"]*">([^<]+)</span></td></tr>', table) == [
        "已同意改办",
        "已由领导裁定",
    ]
    # ... and takes no more requests (R-A2): the handler's form, which could only be refused,
    # is not offered either.
    handler = logged_in(api, "hou_clerk", role="handler", unit="HOU")
    assert 'id="form-reassignment-request"' not in handler.get(f"/cases/{case_id}").text


RECOMMENDATION_FORM = '<details class="form" id="form-ruling-recommendation">'


def test_the_office_recommends_and_the_leaders_ruling_starts_from_it_R_A2(api: Api) -> None:
    """R-A2: a third assignment is the leader's ruling "on the office's recommendation", which
    the office had no way to record (its 改办决定 is refused then): it wrote it into the
    leader's note. The office's form is offered when a ruling is due; the leader's form shows
    the recommendation and starts on its units, and the leader may still rule otherwise."""
    case_id = register_and_assign(api, "RUL-2", lead="HOU")
    office = logged_in(api, "ban_gong_2", role="office")
    recommend = f"/v1/cases/{case_id}/ruling-recommendation"
    early = {"lead_unit": "EDU", "note": "建议教育厅主办", "occurred_on": "2025-02-04"}
    refused = api.post(recommend, early, "office")
    assert refused.status_code == 409 and refused.json()["rule"] == "R-A2", refused.text
    assert RECOMMENDATION_FORM not in office.get(f"/cases/{case_id}").text

    reassigned(api, case_id, request_reassignment(api, case_id, "HOU", "2025-02-05"), "FIN")
    request_reassignment(api, case_id, "FIN", "2025-02-07")
    assert RECOMMENDATION_FORM in office.get(f"/cases/{case_id}").text
    leader = logged_in(api, "ling_dao_2", role="leader")
    form = leader.get(f"/cases/{case_id}").text.split(RULING_FORM, 1)[1].split("</form>", 1)[0]
    assert "<li>办公室尚未提出建议（R-A2" in form  # the leader sees that none was made
    advice = {"lead_unit": "EDU", "co_units": "HOU", "note": "属教育厅职责，住建厅会办"}
    name = "ruling-recommendation"
    posted = send(office, case_id, name, form_of(office, case_id, name, **advice, occurred_on=DAY))
    assert posted.status_code == 303, posted.text
    assert api.case(case_id)["ruling_recommendation"] == {
        "lead_unit": "EDU",
        "co_units": ["HOU"],
        "note": "属教育厅职责，住建厅会办",
        "occurred_on": "2025-02-08",
        "restart_deadlines": False,
    }

    form = leader.get(f"/cases/{case_id}").text.split(RULING_FORM, 1)[1].split("</form>", 1)[0]
    assert '<span class="label">办公室建议</span>' in form
    assert "<li>主办 EDU厅，会办 HOU厅（2025-02-08）：属教育厅职责，住建厅会办</li>" in form
    lead = form.split('name="lead_unit"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\w+)" selected', lead) == ["EDU"]
    co, after = form.split('name="co_units"', 1)[1].split("</select>", 1)
    assert re.findall(r'<option value="(\w+)" selected', co) == ["HOU"]
    assert "按住 Ctrl（Mac 为 ⌘）点选，可选多个" in after  # how to choose several
    # The leader rules otherwise: the ruling decides, the recommendation stays on record.
    ruling = {"leader": "钱厅长", "lead_unit": "FIN", "note": "裁定", "occurred_on": "2025-02-09"}
    assert api.post(f"/v1/cases/{case_id}/ruling", ruling, "leader").status_code == 201
    assert api.case(case_id)["lead_unit"] == "FIN"
    after = api.post(recommend, {**early, "occurred_on": "2025-02-10"}, "office")
    assert after.status_code == 409 and after.json()["rule"] == "R-A2"  # ruled: final


def test_a_unit_with_a_request_awaiting_the_office_is_not_offered_another_R_A3(
    api: Api,
) -> None:
    """A review's handler was offered 申请改办 again while its request waited, and was refused
    (R-A3: one open request per unit); once the office decided it, the form came back."""
    case_id = register_and_assign(api, "RR-1", lead="FIN", co=("EDU",))
    handler = logged_in(api, "fin_rr1", role="handler", unit="FIN")
    assert 'id="form-reassignment-request"' in handler.get(f"/cases/{case_id}").text
    request_id = request_reassignment(api, case_id, "FIN", "2025-02-05")
    assert 'id="form-reassignment-request"' not in handler.get(f"/cases/{case_id}").text
    co_handler = logged_in(api, "edu_rr1", role="handler", unit="EDU")
    assert 'id="form-reassignment-request"' in co_handler.get(f"/cases/{case_id}").text
    decision = {"approved": False, "note": "属于本单位职责", "occurred_on": "2025-02-06"}
    path = f"/v1/cases/{case_id}/reassignment-requests/{request_id}/decision"
    assert api.post(path, decision, "office").status_code == 201
    assert 'id="form-reassignment-request"' in handler.get(f"/cases/{case_id}").text


def test_a_ruling_may_restart_the_deadlines_as_the_office_recommends_R_A4_R_A2(api: Api) -> None:
    """R-A4: deadlines run from the first assignment unless the office says so explicitly. A
    review's leader ruled a co unit in on 7 December: its 会办意见 was 已逾期 27 天 the day it
    joined, and neither the recommendation nor the ruling could say otherwise (the office's
    改办决定 can)."""
    case_id = register_and_assign(api, "RUL-3", lead="HOU")
    reassigned(api, case_id, request_reassignment(api, case_id, "HOU", "2025-02-05"), "FIN")
    request_reassignment(api, case_id, "FIN", "2025-02-07")
    office = logged_in(api, "ban_gong_3", role="office")
    advice = {
        "lead_unit": "EDU",
        "co_units": "HOU",
        "note": "属教育厅职责",
        "restart_deadlines": "1",
    }
    name = "ruling-recommendation"
    sent = form_of(office, case_id, name, **advice, occurred_on="2025-06-02")
    assert send(office, case_id, name, sent).status_code == 303
    assert api.case(case_id)["ruling_recommendation"]["restart_deadlines"] is True
    leader = logged_in(api, "ling_dao_3", role="leader")
    form = leader.get(f"/cases/{case_id}").text.split(RULING_FORM, 1)[1].split("</form>", 1)[0]
    assert "，重新计算办理期限（2025-06-02）" in form
    assert re.search(r'name="restart_deadlines" value="1" checked', form)
    ruling: dict[str, object] = {"leader": "钱厅长", "lead_unit": "EDU", "co_units": ["HOU"]}
    ruling |= {"note": "裁定", "occurred_on": "2025-06-03", "restart_deadlines": True}
    assert api.post(f"/v1/cases/{case_id}/ruling", ruling, "leader").status_code == 201
    due = {(d["unit"], d["kind"]): d["due_on"] for d in api.case(case_id)["deadlines"]}
    assert due[("HOU", "co_opinion")] > "2025-06-03" and due[("EDU", "reply")] > "2025-08-01", due


def test_a_recommendation_waits_on_the_leaders_in_their_own_list_R_A2(api: Api) -> None:
    """A review's leader was told of 待审批的答复 only: the office's recommendation, which only a
    leader can rule on, waited unseen unless the leader opened the case. It counts on the
    leader's 总览 (待裁定的交办) and has a 督办 tab saying what the office proposes."""
    case_id = register_and_assign(api, "RUL-4", lead="HOU")
    reassigned(api, case_id, request_reassignment(api, case_id, "HOU", "2025-02-05"), "FIN")
    request_reassignment(api, case_id, "FIN", "2025-02-07")
    leader = logged_in(api, "ling_dao_4", role="leader")
    waiting = '待裁定的交办：<a href="/supervision?tab=ruling"><strong>{}</strong> 件</a>'
    assert waiting.format(0) in leader.get("/").text
    advice = {"lead_unit": "EDU", "co_units": ["HOU"], "note": "属教育厅职责", "occurred_on": DAY}
    assert api.post(f"/v1/cases/{case_id}/ruling-recommendation", advice, "office").is_success
    assert waiting.format(1) in leader.get("/").text
    tab = leader.get("/supervision?tab=ruling").text
    assert "待裁定：共 <strong>1</strong> 件" in tab and ">RUL-4</a>" in tab
    said = re.sub(r"<[^>]+>", "", tab)
    assert f"待裁定：办公室建议主办 EDU厅，会办 HOU厅，{DAY}" in said
    [item] = api.get("/v1/ledger", "leader", awaiting="ruling").json()["items"]
    assert item["ruling_recommended"] == [
        {"lead_unit": "EDU", "co_units": ["HOU"], "recommended_on": DAY, "restart_deadlines": False}
    ]
    # The tab's 导出本表 and 在台账中筛选排序: the export answered 500 (no word for the filter),
    # and the 台账's 待办 choice read 全部 over a list of one.
    exported = leader.get("/v1/exports/ledger.xlsx", params={"awaiting": "ruling"})
    assert exported.status_code == 200, exported.text
    book = load_workbook(BytesIO(exported.content))
    cells = [
        str(c)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
    ]
    assert "RUL-4" in cells and "待裁定" in cells  # its row, and the filter said (说明)
    filtered = leader.get("/ledger", params={"awaiting": "ruling"}).text
    assert '<option value="ruling" selected>待裁定</option>' in filtered
    ruling = {"leader": "钱厅长", "lead_unit": "EDU", "note": "裁定", "occurred_on": "2025-02-09"}
    assert api.post(f"/v1/cases/{case_id}/ruling", ruling, "leader").status_code == 201
    assert waiting.format(0) in leader.get("/").text
    assert api.get("/v1/ledger", "leader", awaiting="ruling").json()["items"] == []


def test_the_office_is_told_before_deciding_that_a_third_round_is_the_leaders_R_A2(
    api: Api,
) -> None:
    """A review's office was offered 改办决定 on a third request, where only 不同意 is taken: it
    learned so from the refusal. The form now says it above its fields, and where to go."""
    case_id = register_and_assign(api, "RUL-5", lead="HOU")
    request_reassignment(api, case_id, "HOU", "2025-02-05")
    office = logged_in(api, "ban_gong_5", role="office")
    assert warning(office.get(f"/cases/{case_id}").text, "reassignment-decision") == ""
    first = api.case(case_id)["reassignment_requests"][0]["request_id"]
    reassigned(api, case_id, first, "FIN")  # the second round
    request_reassignment(api, case_id, "FIN", "2025-02-07")
    said = warning(office.get(f"/cases/{case_id}").text, "reassignment-decision")
    assert said.startswith("R-A2 批分原则上不超过两次，再次改办须报分管厅领导裁定"), said
    assert said.endswith("现在只能决定“不同意”；如需改办，请用“建议领导裁定”。")


def test_granting_a_reassignment_without_a_new_lead_says_so_beside_it_R_A1(api: Api) -> None:
    """A review's office chose 同意改办 and left 新主办单位 empty: the box above the form said an
    assignment is a lead, split units or a reference case, and no field was marked."""
    case_id = register_and_assign(api, "RUL-6", lead="HOU")
    request_id = request_reassignment(api, case_id, "HOU", "2025-02-05")
    office = logged_in(api, "ban_gong_6", role="office")
    form = form_of(
        office,
        case_id,
        "reassignment-decision",
        request_id=request_id,
        approved="true",
        lead_unit="",
        note="同意",
        occurred_on="2025-02-06",
    )
    version = api.case(case_id)["version"]
    refused = send(office, case_id, "reassignment-decision", form)
    assert refused.status_code == 409, refused.text
    said = problem_beside(refused.text, "reassignment-decision", "lead_unit")
    assert said == "R-A1 须选定新的主办单位"
    assert "三者取一" not in refused.text
    assert api.case(case_id)["version"] == version

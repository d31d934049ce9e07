"""登记新件: the office registers one case from a form, the body of ``POST /v1/cases``; a
refusal draws the form again with every problem beside its field (the rule id beside its
own) and writes nothing."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from infra.clock import today
from tests.api.conftest import Api
from tests.api.test_pages import csrf_of, logged_in

# Last year's: the form takes a year either side of today's, and a day received in the past.
LAST_YEAR = today().year - 1
CASE = {
    "number": "JY-0999",
    "kind": "suggestion",
    "level": "provincial",
    "year": str(LAST_YEAR),
    "title": "关于加快农村公路养护的建议",
    "proposers": "张三\n李四、王五",
    "proposer_type": "deputy",
    "received_on": f"{LAST_YEAR}-02-10",
    "text": "",
}


def post(client: TestClient, **changed: str) -> httpx.Response:
    form = {"_csrf": csrf_of(client, "/cases/new"), **CASE, **changed}
    response: httpx.Response = client.post("/cases/new", data=form, follow_redirects=False)
    return response


def problem_at(page: str, field: str) -> str:
    found = re.search(rf'id="r-{field}-problem" role="alert">(.*?)</span>\s*(?:</div>|<a )', page)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


def test_the_office_registers_one_case_and_lands_on_its_page_to_assign_it(api: Api) -> None:
    client = logged_in(api, "clerk_r1")
    assert 'href="/cases/new"' in client.get("/ledger").text
    registered = post(client)
    assert registered.status_code == 303, registered.text
    case_id = registered.headers["location"].split("/cases/")[1].split("?")[0]
    case = api.case(case_id)
    assert (case["number"], case["kind"], case["year"], case["stage"]) == (
        "JY-0999",
        "suggestion",
        LAST_YEAR,
        "registered",
    )
    proposers = [(p["name"], p["type"], p["role"]) for p in case["proposers"]]
    assert proposers == [
        ("张三", "deputy", "lead"),
        ("李四", "deputy", "co_signer"),
        ("王五", "deputy", "co_signer"),
    ]
    # The case opens on 交办, the next step.
    opened = client.get(registered.headers["location"]).text
    assert '<details class="form" id="form-assignment" open>' in opened


def test_a_blank_form_names_every_missing_field_and_writes_nothing(api: Api) -> None:
    client = logged_in(api, "clerk_r2")
    before = api.head()
    refused = post(client, number="", kind="", title=" ", proposers="", received_on="")
    assert refused.status_code == 422
    for field in ("number", "kind", "title", "proposers", "received_on"):
        assert problem_at(refused.text, field), field
    assert problem_at(refused.text, "level") == ""
    assert 'value="关于' not in refused.text and "JY-0999" not in refused.text
    assert api.head() == before


def test_a_suggestion_of_members_is_refused_beside_the_proposer_type_R_C4(api: Api) -> None:
    client = logged_in(api, "clerk_r3")
    before = api.head()
    refused = post(client, proposer_type="member")
    assert refused.status_code == 409
    beside = problem_at(refused.text, "proposer_type")
    assert beside.startswith("R-C4") and "建议由代表提出" in beside
    assert "R-C4" not in problem_at(refused.text, "number")
    assert 'value="JY-0999"' in refused.text  # drawn again as posted
    assert api.head() == before


def test_a_number_already_registered_is_said_beside_it_with_the_way_to_that_case(
    api: Api,
) -> None:
    client = logged_in(api, "clerk_r4")
    assert post(client).status_code == 303
    before = api.head()
    again = post(client, title="另一件")
    assert again.status_code == 409
    assert "编号 JY-0999 已登记" in problem_at(again.text, "number")
    first = api.get("/v1/cases?q=JY-0999", "office").json()["items"][0]["case_id"]
    assert f'href="/cases/{first}" id="existing-case"' in again.text
    assert api.head() == before


def test_every_refusal_of_a_registration_is_named_at_once_R_C4_R_X1(api: Api) -> None:
    """A 建议 of 委员, received in the future, under a number taken: the domain stops at R-C4;
    the page names the date (R-X1) and the number too, each beside its field."""
    client = logged_in(api, "clerk_r6")
    assert post(client).status_code == 303
    before = api.head()
    refused = post(client, proposer_type="member", received_on="2099-01-01")
    assert refused.status_code == 409
    assert problem_at(refused.text, "proposer_type").startswith("R-C4")
    assert problem_at(refused.text, "received_on").startswith("R-X1")
    assert "已登记" in problem_at(refused.text, "number")
    assert api.head() == before


def test_no_proposer_and_no_type_are_both_named(api: Api) -> None:
    client = logged_in(api, "clerk_r7")
    refused = post(client, proposers="", proposer_type="")
    assert refused.status_code == 422
    assert problem_at(refused.text, "proposers") and problem_at(refused.text, "proposer_type")


def test_a_year_typed_in_full_width_digits_is_read(api: Api) -> None:
    client = logged_in(api, "clerk_r8")
    full_width = str(LAST_YEAR).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    registered = post(client, year=full_width)
    assert registered.status_code == 303, registered.text
    case_id = registered.headers["location"].split("/cases/")[1].split("?")[0]
    assert api.case(case_id)["year"] == LAST_YEAR


def test_only_the_office_registers(api: Api) -> None:
    handler = logged_in(api, "fin_r5", role="handler", unit="FIN")
    assert handler.get("/cases/new").status_code == 403
    assert 'href="/cases/new"' not in handler.get("/ledger").text


def test_a_year_or_received_day_far_from_today_is_refused_before_anything_is_written(
    api: Api,
) -> None:
    """2099 was taken and headed every 台账's years; a case received in 1900 too."""
    client = logged_in(api, "clerk_r9")
    before = api.head()
    this_year = today().year
    far = post(client, year=str(this_year + 73), received_on=f"{this_year}-01-05")
    assert far.status_code == 422
    assert f"单件登记只收 {this_year - 1}–{this_year + 1} 年度的件" in problem_at(far.text, "year")
    early = post(client, year=str(this_year), received_on="1900-01-01")
    assert early.status_code == 422
    said = problem_at(early.text, "received_on")
    assert f"收到日期 1900-01-01 与年度 {this_year} 不符" in said, said
    assert api.head() == before


def test_a_blank_title_hides_no_other_refusal_R_C4_R_X1(api: Api) -> None:
    """A blank 标题 (the body's refusal) said only that; the number taken, R-C4 and R-X1 came
    one round after another."""
    client = logged_in(api, "clerk_r10")
    assert post(client).status_code == 303
    before = api.head()
    refused = post(client, title="", proposer_type="member", received_on="2099-01-01")
    assert refused.status_code == 409, refused.text
    assert problem_at(refused.text, "title")
    assert "已登记" in problem_at(refused.text, "number")
    assert problem_at(refused.text, "proposer_type").startswith("R-C4")
    said = problem_at(refused.text, "received_on")
    # The date named as the form names it: it read 发生日期 beside 收到日期.
    assert said.startswith("R-X1 收到日期 2099-01-01 晚于今天"), said
    assert api.head() == before


def test_a_year_far_off_hides_no_other_refusal_R_C4(api: Api) -> None:
    client = logged_in(api, "clerk_r11")
    before = api.head()
    refused = post(client, year=str(today().year + 73), proposer_type="member")
    assert "单件登记只收" in problem_at(refused.text, "year")
    assert problem_at(refused.text, "proposer_type").startswith("R-C4")
    assert api.head() == before


def test_the_case_page_shows_what_the_deputy_wrote_to_everyone_who_handles_it(api: Api) -> None:
    """A review's handler writing the reply and leader approving it could not read the
    suggestion's text: it was taken at registration and shown nowhere. Long texts fold."""
    client = logged_in(api, "clerk_r7")
    said = "建议：\n一、加大养护资金投入；\n二、<建立>长效机制。"
    registered = post(client, text=said)
    case_id = registered.headers["location"].split("/cases/")[1].split("?")[0]
    page = client.get(f"/cases/{case_id}").text
    shown = re.search(r'<dd id="case-text"><div class="prose">(.*?)</div></dd>', page, re.S)
    assert shown and shown.group(1) == said.replace("<", "&lt;").replace(">", "&gt;")
    long = post(client, number="JY-0998", text="养护" * 400)
    page = client.get(long.headers["location"].split("?")[0]).text
    assert '<span class="when-closed">展开全文（共 800 字）</span>' in page
    assert f'<div class="prose excerpt">{"养护" * 60}…</div>' in page
    bare = post(client, number="JY-0997")
    assert "登记时未录入" in client.get(bare.headers["location"].split("?")[0]).text


def test_a_name_padded_with_spaces_is_one_proposer_R_C4(api: Api) -> None:
    """Official lists pad a two-character name to three (王　五): the form made 王 and 五 two
    proposers, and that list went on to the reply's recipients and the proposer links."""
    client = logged_in(api, "clerk_r19")
    registered = post(client, number="JY-0998", proposers="王  五、李四\n赵　六 钱七七")
    assert registered.status_code == 303, registered.text
    case_id = registered.headers["location"].split("/cases/")[1].split("?")[0]
    names = [p["name"] for p in api.case(case_id)["proposers"]]
    assert names == ["王五", "李四", "赵六", "钱七七"]


def test_a_proposer_named_twice_is_refused_beside_the_proposers_R_C4(api: Api) -> None:
    client = logged_in(api, "clerk_r20")
    before = api.head()
    refused = post(client, number="JY-0997", proposers="王  五、李四\n赵六、、王五")
    assert refused.status_code == 422, refused.text
    assert "王五" in problem_at(refused.text, "proposers")
    assert "重复" in problem_at(refused.text, "proposers")
    assert api.head() == before


def test_two_whole_names_apart_by_a_space_are_asked_about_beside_the_proposers_R_C4(
    api: Api,
) -> None:
    """欧阳 娜娜 (one name padded) and 张三 李四 (two names) look alike: read as two, a review's
    欧阳娜娜 became two deputies. The form asks for 、 and writes nothing."""
    client = logged_in(api, "clerk_r21")
    before = api.head()
    refused = post(client, number="JY-0996", proposers="欧阳 娜娜、李四")
    assert refused.status_code == 422, refused.text
    assert "多人请用 、 分开" in problem_at(refused.text, "proposers")
    assert "欧阳 娜娜、李四" in refused.text  # kept as typed
    assert api.head() == before


def test_a_proposal_led_by_a_unit_with_members_co_signing_is_recorded_so_R_C4(api: Api) -> None:
    client = logged_in(api, "clerk_r22")
    registered = post(
        client,
        number="TA-0990",
        kind="proposal",
        proposers="民盟省委会（单位）、陈立群",
        proposer_type="member",
    )
    assert registered.status_code == 303, registered.text
    case_id = registered.headers["location"].split("/cases/")[1].split("?")[0]
    found = [(p["name"], p["type"], p["role"]) for p in api.case(case_id)["proposers"]]
    assert found == [("民盟省委会", "unit", "lead"), ("陈立群", "member", "co_signer")]

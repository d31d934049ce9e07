"""登记新件: the office registers one case from a form, the body of ``POST /v1/cases``; a
refusal draws the form again with every problem beside its field (the rule id beside its
own) and writes nothing."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from tests.api.conftest import Api
from tests.api.test_pages import csrf_of, logged_in

CASE = {
    "number": "JY-0999",
    "kind": "suggestion",
    "level": "provincial",
    "year": "2025",
    "title": "关于加快农村公路养护的建议",
    "proposers": "张三\n李四、王五",
    "proposer_type": "deputy",
    "received_on": "2025-02-10",
    "text": "",
}


def post(client: TestClient, **changed: str) -> httpx.Response:
    form = {"_csrf": csrf_of(client, "/cases/new"), **CASE, **changed}
    response: httpx.Response = client.post("/cases/new", data=form, follow_redirects=False)
    return response


def problem_at(page: str, field: str) -> str:
    found = re.search(rf'id="r-{field}-problem" role="alert">(.*?)</span>\s*</div>', page)
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
        2025,
        "registered",
    )
    proposers = [(p["name"], p["type"], p["role"]) for p in case["proposers"]]
    assert proposers == [
        ("张三", "deputy", "lead"),
        ("李四", "deputy", "co_signer"),
        ("王五", "deputy", "co_signer"),
    ]
    assert 'id="form-assignment"' in client.get(registered.headers["location"]).text


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


def test_a_number_already_registered_is_refused_and_said_at_the_top(api: Api) -> None:
    client = logged_in(api, "clerk_r4")
    assert post(client).status_code == 303
    before = api.head()
    again = post(client, title="另一件")
    assert again.status_code == 409
    top = again.text.split('id="register-refused"', 1)[1].split("</p>")[0]
    assert "编号 JY-0999 已登记" in top
    first = api.get("/v1/cases?q=JY-0999", "office").json()["items"][0]["case_id"]
    assert f'href="/cases/{first}" id="existing-case"' in top
    assert api.head() == before


def test_only_the_office_registers(api: Api) -> None:
    handler = logged_in(api, "fin_r5", role="handler", unit="FIN")
    assert handler.get("/cases/new").status_code == 403
    assert 'href="/cases/new"' not in handler.get("/ledger").text

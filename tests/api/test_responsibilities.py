"""承办责任 over HTTP (R-A1; seed 003 §三): a unit's leader in charge, handler and phone, on the
case document, refused for a unit with no part or another unit's handler, writing nothing."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Api, register_and_assign
from tests.api.proposer_support import as_link, link
from tests.api.test_case_page_more import form_of, send
from tests.api.test_exports import book, download, rows
from tests.api.test_pages import logged_in
from tests.api.test_proposer_page import opened

PEOPLE = {
    "unit": "FIN",
    "unit_leader": "李副厅长",
    "handler": "王五",
    "phone": "0311-87801234",
    "occurred_on": "2025-02-05",
}


def record(api: Api, case_id: str, who: str = "handler_fin", **body: Any) -> Any:
    return api.post(f"/v1/cases/{case_id}/responsibilities", {**PEOPLE, **body}, who)


def test_the_units_people_are_on_the_case_in_the_units_order_R_A1(backend_api: Api) -> None:
    api = backend_api
    case_id = register_and_assign(api, "RESP-1", co=("HOU",))
    answer = record(api, case_id, "handler_hou", unit="HOU", handler="钱六", phone="13800000000")
    assert answer.status_code == 201, answer.text
    assert [e["type"] for e in answer.json()["events"]] == ["ResponsibilityRecorded"]
    assert record(api, case_id).status_code == 201
    # The office keys in what a unit reported on paper.
    assert (
        record(api, case_id, "office", handler="孙七", occurred_on="2025-02-08").status_code == 201
    )
    found = api.case(case_id)["responsibilities"]
    assert found == [
        {
            "unit": "FIN",
            "unit_leader": "李副厅长",
            "handler": "孙七",
            "phone": "0311-87801234",
            "occurred_on": "2025-02-08",
        },
        {
            "unit": "HOU",
            "unit_leader": "李副厅长",
            "handler": "钱六",
            "phone": "13800000000",
            "occurred_on": "2025-02-05",
        },
    ]


def test_refusals_name_their_rule_or_field_and_write_nothing_R_A1(backend_api: Api) -> None:
    api = backend_api
    case_id = register_and_assign(api, "RESP-2")
    before = api.head()
    no_part = record(api, case_id, "office", unit="HOU")
    assert (no_part.status_code, no_part.json()["rule"]) == (409, "R-A1")
    # A handler reads and acts on its unit's cases only, and for its own part of them.
    assert record(api, case_id, "handler_hou").status_code == 404
    shared = register_and_assign(api, "RESP-3", co=("HOU",))
    before = api.head()
    assert record(api, shared, "handler_hou").status_code == 403  # HOU's handler, FIN's part
    not_a_number = record(api, case_id, phone="王五的手机")
    assert not_a_number.status_code == 422
    assert "phone" in not_a_number.text
    assert api.head() == before
    assert record(api, case_id).status_code == 201
    again = record(api, case_id, occurred_on="2025-02-06")
    assert (again.status_code, again.json()["rule"]) == (409, "R-A1")
    assert api.head() == before + 1


def test_the_responsibility_sheet_prints_each_units_people_R_A1(backend_api: Api) -> None:
    api = backend_api
    case_id = register_and_assign(api, "RESP-4", co=("HOU",))
    key = {"source": "government", "leader_in_charge": "钱厅长", "occurred_on": "2025-02-03"}
    assert api.post(f"/v1/cases/{case_id}/key", key, "office").status_code == 201
    assert record(api, case_id).status_code == 201
    sheet = book(download(api, "/v1/exports/responsibilities.xlsx", year=2025))
    found = {r[5]: r[6:9] for r in rows(sheet["办理责任分解表"]) if r[1] == "RESP-4"}
    # 分管负责同志, 承办人, 联系电话 as FIN recorded them; HOU has recorded no one yet, and
    # the key case's 包案领导 is not HOU's own leader on a sheet sent to the deputies.
    assert found == {"主办": ("李副厅长", "王五", "0311-87801234"), "会办": (None, None, None)}


def test_the_proposer_sees_whom_to_call_for_each_unit_R_A1(api: Api) -> None:
    case_id = register_and_assign(api, "RESP-5", co=("HOU",))
    assert record(api, case_id, phone="0311-8780 1234、13800000000").status_code == 201
    token = link(api, case_id, "李四")["link_token"]
    page = opened(api, token).get("/proposer")
    units = page.text.split('id="units-', 1)[1].split("</ul>", 1)[0]
    # Each number kept whole on its line: on a phone a list of them ran off the card. Each a
    # link the deputy's phone calls when tapped.
    phones = (
        '<a class="phone" href="tel:031187801234">0311-8780 1234</a>、'
        '<a class="phone" href="tel:13800000000">13800000000</a>'
    )
    assert f"承办人 王五，联系电话 {phones}" in units
    # A title and a name each kept whole (分管负 / 责同志 王 / 建军 on a phone).
    assert '<span class="nowrap">分管负责同志</span> <span class="nowrap">李副厅长</span>' in units
    assert "会办" in units and "承办人尚未登记" in units  # HOU has recorded no one yet
    mine = as_link(api, token, "/v1/proposer/cases").json()["items"][0]["units"]
    assert [(u["unit"], u["role"], u["handler"]) for u in mine] == [
        ("FIN", "lead", "王五"),
        ("HOU", "co", None),
    ]


def _field(page: str, name: str) -> str:
    """The value the 责任分解 form's field starts on."""
    found = re.search(rf'id="responsibility-{name}" name="{name}"[^>]*value="([^"]*)"', page)
    assert found, page
    return found.group(1)


def test_a_handler_records_its_people_from_the_case_page_R_A1(api: Api) -> None:
    case_id = register_and_assign(api, "RESP-6", co=("HOU",))
    client = logged_in(api, "handler_resp", role="handler", unit="FIN")
    page = client.get(f"/cases/{case_id}").text
    facts = page.split('id="responsibilities"', 1)[1].split("</dd>", 1)[0]
    assert facts.count("尚未登记分管负责同志、承办人和联系电话") == 2  # FIN and HOU
    assert _field(page, "handler") == "handler_resp"  # the handler, until someone else is named
    fields = {"unit_leader": "李副厅长", "handler": "王五", "phone": "0311-87801234"}
    form = form_of(client, case_id, "responsibility", occurred_on="2025-02-05", **fields)
    answer = send(client, case_id, "responsibility", form)
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"]).text
    facts = page.split('id="responsibilities"', 1)[1].split("</dd>", 1)[0]
    assert "分管负责同志 李副厅长；承办人 王五，联系电话" in facts
    assert facts.count("尚未登记") == 1  # HOU's
    # The form now starts on what is on record: a change is one field's.
    assert [_field(page, n) for n in fields] == list(fields.values())
    # The same people again are refused at the form's top, and nothing is written.
    version = api.case(case_id)["version"]
    again = send(
        client,
        case_id,
        "responsibility",
        {**form_of(client, case_id, "responsibility"), **fields, "occurred_on": "2025-02-06"},
    )
    assert again.status_code == 409
    assert "R-A1" in again.text and "无需重复登记" in again.text
    # So is the same number typed with a space, or full-width: the same phone (a probe made
    # two records of 0311 87801234 and 0311-87801234).
    for typed in ("0311 87801234", "０３１１－８７８０１２３４"):
        same = {**fields, "phone": typed, "occurred_on": "2025-02-06"}
        again = send(
            client,
            case_id,
            "responsibility",
            {**form_of(client, case_id, "responsibility"), **same},
        )
        assert again.status_code == 409 and "无需重复登记" in again.text, typed
    assert api.case(case_id)["version"] == version


def test_the_office_keys_in_a_units_people_choosing_among_the_cases_units_R_A1(
    api: Api,
) -> None:
    case_id = register_and_assign(api, "RESP-7", co=("HOU",))
    client = logged_in(api, "clerk_resp")
    page = client.get(f"/cases/{case_id}").text
    form = page.split('id="form-responsibility-office"', 1)[1].split("</details>", 1)[0]
    units = re.findall(r'<option value="([A-Z]+)"', form)
    assert units == ["FIN", "HOU"]  # the case's units only, the lead first
    fields = {"unit": "HOU", "unit_leader": "赵处长", "handler": "钱六", "phone": "13800000000"}
    posted = form_of(client, case_id, "responsibility-office", occurred_on="2025-02-05", **fields)
    answer = send(client, case_id, "responsibility-office", posted)
    assert answer.status_code == 303, answer.text
    held = api.case(case_id)["responsibilities"]
    assert [(r["unit"], r["handler"]) for r in held] == [("HOU", "钱六")]
    # The handler's own form is not the office's: a handler sees no unit to choose.
    handler = logged_in(api, "handler_resp7", role="handler", unit="FIN")
    assert 'id="form-responsibility-office"' not in handler.get(f"/cases/{case_id}").text


def test_text_beginning_with_equals_is_exported_as_text_not_a_formula(backend_api: Api) -> None:
    api = backend_api
    case_id = register_and_assign(api, "RESP-8")
    typed = '=HYPERLINK("http://example.com","点我")'
    assert record(api, case_id, handler=typed).status_code == 201
    sheet = book(download(api, "/v1/exports/responsibilities.xlsx", year=2025))["办理责任分解表"]
    cell = next(row[7] for row in sheet.iter_rows(min_row=2) if row[1].value == "RESP-8")
    assert (cell.value, cell.data_type) == (typed, "s")

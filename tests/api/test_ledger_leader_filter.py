"""The cases a leader took charge of (包案, R-S2), one filter away: a review's leader could list
them only by reading the 31 rows of 重点件 by eye. ``leader_in_charge`` narrows ``/v1/ledger``,
its export and the 台账 page, whose 包案领导 offers the names the ledger holds."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.api.conftest import Api, assert_problem, register_and_assign
from tests.api.proposer_support import ok
from tests.api.test_exports import rows
from tests.api.test_pages import logged_in


def designated(api: Api, number: str, leader: str | None) -> str:
    case_id = register_and_assign(api, number)
    key = {"source": "government", "occurred_on": "2025-02-03"}
    ok(
        api.post(
            f"/v1/cases/{case_id}/key",
            key | ({"leader_in_charge": leader} if leader else {}),
            "office",
        )
    )
    return case_id


def numbers(api: Api, **params: str) -> list[str]:
    answer = api.get("/v1/ledger", "leader", **params)
    assert answer.status_code == 200, answer.text
    return sorted(i["number"] for i in answer.json()["items"])


def test_the_ledger_lists_the_cases_one_leader_took_charge_of_R_S2(backend_api: Api) -> None:
    designated(backend_api, "LC-1", "钱厅长")
    designated(backend_api, "LC-2", "孙副厅长")
    designated(backend_api, "LC-3", "钱厅长")
    designated(backend_api, "LC-4", None)
    register_and_assign(backend_api, "LC-5")
    assert numbers(backend_api, leader_in_charge="钱厅长") == ["LC-1", "LC-3"]
    assert numbers(backend_api, leader_in_charge="孙副厅长", key="true") == ["LC-2"]
    assert numbers(backend_api, leader_in_charge="李厅长") == []
    sheet = backend_api.get("/v1/exports/ledger.xlsx", "leader", leader_in_charge="钱厅长")
    book = load_workbook(io.BytesIO(sheet.content))
    assert [r[0] for r in rows(book["建议办理台账"])] == ["LC-1", "LC-3"]
    assert dict(rows(book["说明"])).get("筛选：包案领导") == "钱厅长"


def test_a_leader_filter_is_text_of_a_name_R_S2(backend_api: Api) -> None:
    designated(backend_api, "LC-8", "钱厅长")
    assert_problem(backend_api.get("/v1/ledger", "leader", leader_in_charge="x" * 201), 422, None)
    assert_problem(backend_api.get("/v1/ledger", "leader", leader_in_charge="钱\x00"), 422, None)
    # Refused on either store, and the ledger still answers after it.
    assert numbers(backend_api, leader_in_charge="钱厅长") == ["LC-8"]


def test_the_ledger_page_offers_the_leaders_in_charge_and_keeps_the_one_chosen_R_S2(
    api: Api,
) -> None:
    designated(api, "LC-6", "钱厅长")
    designated(api, "LC-7", "孙副厅长")
    client = logged_in(api, "ld_lc", role="leader")
    page = client.get("/ledger").text
    select = re.search(
        r'<select id="f-leader_in_charge" name="leader_in_charge">(.*?)</select>', page, re.S
    )
    assert select
    assert re.findall(r'<option value="([^"]*)"', select.group(1)) == ["", "孙副厅长", "钱厅长"]
    page = client.get("/ledger", params={"leader_in_charge": "钱厅长"}).text
    assert re.findall(r'<td class="nowrap"><a href="/cases/[^"]+">(LC-\d)</a>', page) == ["LC-6"]
    select = re.search(
        r'<select id="f-leader_in_charge" name="leader_in_charge">(.*?)</select>', page, re.S
    )
    assert select and '<option value="钱厅长" selected>' in select.group(1)
    printed = re.search(r'id="print-filters">([^<]*)<', page)
    assert printed and "包案领导 钱厅长" in printed.group(1)
    assert client.get("/ledger", params={"leader_in_charge": "x" * 201}).status_code == 400

"""The 总览's 主办/会办/分办 counts open the cases behind them (UI.md: every figure one click
from its cases): the 台账, /v1/ledger and its export take ``unit_role`` (the unit's part;
alone, any unit's), and the 台账 shows it among its filters."""

from __future__ import annotations

import html
import re

from tests.api.conftest import Api, case_body, register_and_assign
from tests.api.test_exports import book, download, rows
from tests.api.test_pages import logged_in


def numbers(api: Api, **params: str) -> list[str]:
    answer = api.get("/v1/ledger", "office", **params)
    assert answer.status_code == 200, answer.text
    return [i["number"] for i in answer.json()["items"]]


def test_a_units_cases_by_its_part_in_them_R_S1(api: Api) -> None:
    register_and_assign(api, "UR-1", lead="FIN", co=("HOU",))
    register_and_assign(api, "UR-2", lead="HOU", co=("FIN",))
    register_and_assign(api, "UR-3", lead="HOU")
    assert numbers(api, unit="FIN", unit_role="lead") == ["UR-1"]
    assert numbers(api, unit="FIN", unit_role="co") == ["UR-2"]
    assert numbers(api, unit="FIN") == ["UR-1", "UR-2"]
    assert numbers(api, unit_role="co") == ["UR-1", "UR-2"]  # any unit co-handling
    assert api.get("/v1/ledger", "office", unit_role="boss").status_code == 422

    client = logged_in(api, "clerk_r")
    overview = client.get("/?year=2025").text
    fin = re.search(r'<th scope="row">FIN厅</th>.*?</tr>', overview, re.S)
    assert fin, overview
    links = [html.unescape(h) for h in re.findall(r'href="(/ledger\?[^"]+)"', fin.group(0))]
    assert links == [
        "/ledger?year=2025&unit=FIN&unit_role=lead",
        "/ledger?year=2025&unit=FIN&unit_role=co",
    ]  # 分办 0: nothing to open
    ledger = client.get(links[1]).text
    assert '<option value="co" selected>会办</option>' in ledger
    assert re.findall(r'<a href="/cases/[^"?]+\?from=[^"]*">([^<]+)</a>', ledger) == ["UR-2"]

    sheet = book(download(api, "/v1/exports/ledger.xlsx", unit="FIN", unit_role="co"))
    assert [r[0] for r in rows(sheet["建议办理台账"])] == ["UR-2"]
    assert ("筛选：承办方式", "会办") in rows(sheet["说明"])


def test_a_units_reference_cases_are_counted_and_open_their_cases_R_R3(api: Api) -> None:
    """FIN's 主办 + 会办 + 分办 read one case short of its 台账: its 参阅件 were counted nowhere
    on the 总览 (R-R3: no written reply, yet the unit's to contact)."""
    register_and_assign(api, "UR-4", lead="FIN")
    answer = api.post("/v1/cases", case_body("UR-5"), "office")
    body = {"lead_unit": "FIN", "reference": True, "assigned_on": "2025-02-01"}
    case_id = answer.json()["case_id"]
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    stats = api.get("/v1/stats/units", "office", year=2025).json()["items"]
    fin = next(i for i in stats if i["unit"] == "FIN")
    assert (fin["lead_cases"], fin["reference_cases"]) == (1, 1)
    overview = logged_in(api, "clerk_ref").get("/?year=2025").text
    row = re.search(r'<th scope="row">FIN厅</th>.*?</tr>', overview, re.S)
    assert row and "/ledger?year=2025&amp;unit=FIN&amp;unit_role=reference" in row.group(0)
    assert numbers(api, unit="FIN", unit_role="reference") == ["UR-5"]


def test_a_handlers_overdue_cases_include_its_overdue_reference_case_R_D5(api: Api) -> None:
    """A handler's 台账 said 已逾期 on its 参阅件 while its overdue filter and the 总览's count
    left it out: the contact deadline (R-D5) named no unit to owe it (R-S1)."""
    answer = api.post("/v1/cases", case_body("UR-6"), "office")
    body = {"lead_unit": "FIN", "reference": True, "assigned_on": "2025-02-01"}
    case_id = answer.json()["case_id"]
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    contact = next(d for d in api.case(case_id)["deadlines"] if d["kind"] == "reference_contact")
    assert (contact["unit"], contact["status"]) == ("FIN", "overdue")
    owed = api.get("/v1/ledger", "handler_fin", overdue="true").json()["items"]
    assert [i["number"] for i in owed] == ["UR-6"]
    overdue = api.get("/v1/ledger/overdue", "handler_fin").json()["items"]
    assert [i["number"] for i in overdue] == ["UR-6"]


def test_a_handler_asking_for_another_units_ledger_is_refused_in_chinese_alone(api: Api) -> None:
    """The page said 承办人只能查看本单位（COM）的件 / a handler of COM reads only its own unit:
    the refusal's two languages were the other way round from every other refusal's."""
    page = logged_in(api, "fin_scope", role="handler", unit="FIN").get("/ledger?unit=HOU")
    assert page.status_code == 403
    assert "承办人只能查看本单位的件" in page.text and "reads only" not in page.text
    assert "（FIN）" not in page.text  # not by its code
    answer = api.get("/v1/ledger", "handler_fin", unit="HOU")
    assert answer.status_code == 403 and "reads only its own unit" in answer.json()["detail"]

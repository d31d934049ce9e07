"""Extensions 延期 over HTTP (API.md v1.1; R-E1), on both stores: the handler of the unit asks,
the office decides; the case, the ledger, the overdue list and the measures show the new date
with the original beside it, and a refused request moves nothing."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import load_workbook

from tests.api.conftest import Api, register_and_assign
from tests.api.test_pages import logged_in

# Assigned 2025-02-01: FIN's reply is due 2025-05-06 (after the May Day holiday).
ASK = {
    "unit": "FIN",
    "deadline_kind": "reply",
    "reason": "涉及多部门协调，请求延期",
    "requested_due_on": "2025-06-30",
    "occurred_on": "2025-04-20",
}


def ask(api: Api, case_id: str, who: str = "handler_fin", **body: Any) -> str:
    response = api.post(f"/v1/cases/{case_id}/extension-requests", {**ASK, **body}, who)
    assert response.status_code == 201, response.text
    assert [e["type"] for e in response.json()["events"]] == ["ExtensionRequested"]
    request_id: str = response.json()["request_id"]
    return request_id


def decide(api: Api, case_id: str, request_id: str, **body: Any) -> Any:
    decision = {"approved": True, "note": "同意延期", "occurred_on": "2025-04-25", **body}
    path = f"/v1/cases/{case_id}/extension-requests/{request_id}/decision"
    return api.post(path, decision, "office")


def reply_deadline(document: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(d for d in document["deadlines"] if d["kind"] == "reply")
    return found


def test_a_granted_extension_moves_the_reply_deadline_everywhere_R_E1(backend_api: Api) -> None:
    api = backend_api
    case_id = register_and_assign(api, "EXT-1")
    request_id = ask(api, case_id)
    assert decide(api, case_id, request_id).status_code == 201
    document = api.case(case_id, as_of="2025-05-20")
    assert document["extensions"][0] | {"reason": None} == {
        "request_id": request_id,
        "unit": "FIN",
        "deadline_kind": "reply",
        "opened_on": "2025-02-01",
        "original_due_on": "2025-05-06",
        "reason": None,
        "requested_due_on": "2025-06-30",
        "occurred_on": "2025-04-20",
        "status": "approved",
        "due_on": "2025-06-30",
        "decided_on": "2025-04-25",
        "note": "同意延期",
    }
    deadline = reply_deadline(document)
    assert (deadline["due_on"], deadline["original_due_on"], deadline["status"]) == (
        "2025-06-30",
        "2025-05-06",
        "extended",
    )
    assert deadline["extended_by"] == request_id
    # The ledger as of a day before the decision still has the original date (R-X3).
    ledger = api.get("/v1/ledger", "office", as_of="2025-04-24").json()["items"][0]
    assert ledger["next_deadline"] == {
        "kind": "reply",
        "unit": "FIN",
        "due_on": "2025-05-06",
        "status": "pending",
        "original_due_on": None,
    }
    later = api.get("/v1/ledger", "office", as_of="2025-05-20").json()["items"][0]
    assert reply_deadline(later)["status"] == "extended"
    assert api.get("/v1/ledger/overdue", "office", as_of="2025-05-20").json()["items"] == []
    overdue = api.get("/v1/ledger/overdue", "office", as_of="2025-07-10").json()["items"]
    assert overdue[0]["overdue_deadlines"][0] == {
        "kind": "reply",
        "unit": "FIN",
        "due_on": "2025-06-30",
        "days_overdue": 10,
        "original_due_on": "2025-05-06",
    }
    stats = api.get("/v1/stats/units", "office", year=2025, as_of="2025-07-10").json()
    on_time = stats["total"]["measures"]["on_time_reply_rate"]
    assert (on_time["numerator"], on_time["denominator"], on_time["extended"]) == (0, 1, 1)
    assert on_time["extended_cases"] == ["EXT-1"]


def test_only_the_units_handler_asks_and_only_the_office_decides_R_E1(backend_api: Api) -> None:
    api = backend_api
    case_id = register_and_assign(api, "EXT-2", co=("HOU",))
    path = f"/v1/cases/{case_id}/extension-requests"
    assert api.post(path, ASK, "handler_hou").status_code == 403  # another unit's deadline
    assert api.post(path, ASK, "office").status_code == 403
    request_id = ask(api, case_id)
    assert decide(api, case_id, request_id, occurred_on="2025-04-21").status_code != 403
    co_opinion = {"deadline_kind": "co_opinion", "requested_due_on": "2025-05-30"}
    other = ask(api, case_id, "handler_hou", unit="HOU", occurred_on="2025-03-20", **co_opinion)
    response = api.post(
        f"{path}/{other}/decision",
        {"approved": True, "note": "同意", "occurred_on": "2025-03-21"},
        "handler_hou",
    )
    assert response.status_code == 403


def test_refused_late_or_repeated_requests_move_nothing_R_E1(backend_api: Api) -> None:
    api = backend_api
    case_id = register_and_assign(api, "EXT-3")
    head = api.head()
    path = f"/v1/cases/{case_id}/extension-requests"
    late = api.post(path, {**ASK, "occurred_on": "2025-05-07"}, "handler_fin")
    too_long = api.post(path, {**ASK, "requested_due_on": "2025-08-07"}, "handler_fin")
    for response in (late, too_long):
        assert (response.status_code, response.json()["rule"]) == (409, "R-E1")
    assert api.head() == head
    request_id = ask(api, case_id)
    refusal = decide(api, case_id, request_id, approved=False, note="理由不充分")
    assert refusal.status_code == 201
    deadline = reply_deadline(api.case(case_id, as_of="2025-05-20"))
    assert (deadline["due_on"], deadline["original_due_on"], deadline["status"]) == (
        "2025-05-06",
        None,
        "overdue",
    )
    again = decide(api, case_id, request_id)
    assert (again.status_code, again.json()["rule"]) == (409, "R-E1")
    # Refused, the deadline may be asked about again (before it passes).
    assert api.post(path, {**ASK, "occurred_on": "2025-04-26"}, "handler_fin").status_code == 201


def test_the_ledger_export_shows_the_extended_date_beside_the_original_R_E1_R_S1(
    backend_api: Api,
) -> None:
    api = backend_api
    case_id = register_and_assign(api, "EXT-9")
    assert decide(api, case_id, ask(api, case_id)).status_code == 201
    answer = api.get("/v1/exports/ledger.xlsx", "office", as_of="2025-05-20", kind="suggestion")
    assert answer.status_code == 200, answer.text
    sheet = load_workbook(io.BytesIO(answer.content))["建议办理时限"]
    head, *lines = list(sheet.iter_rows(values_only=True))
    reply: dict[Any, Any] = next(
        dict(zip(head, line, strict=True)) for line in lines if line[2] == "答复"
    )
    assert (reply["编号"], reply["时限单位"], reply["状态"]) == ("EXT-9", "FIN厅", "已延期")
    assert (reply["到期日"].date(), reply["延期前到期日"].date()) == (
        date(2025, 6, 30),
        date(2025, 5, 6),
    )


def test_the_overview_says_how_many_on_time_figures_were_extended_R_E1(backend_api: Api) -> None:
    """R-E1: on-time measures also report how many were extended; the API did, the 总览 did
    not."""
    api = backend_api
    case_id = register_and_assign(api, "EXT-O")
    assert decide(api, case_id, ask(api, case_id)).status_code == 201
    stats = api.get("/v1/stats/units", "office", year=2025).json()["items"]
    assert (
        next(u for u in stats if u["unit"] == "FIN")["measures"]["on_time_reply_rate"]["extended"]
        == 1
    )
    page = logged_in(api, "ext_office").get("/?year=2025").text
    assert (
        '<span class="by-source extended" title="R-E1：按批准延期后的期限计算">其中延期 1 件</span>'
        in page
    )


def test_a_second_request_after_a_grant_is_refused_as_a_second_one_R_E1(backend_api: Api) -> None:
    """It was refused as if the deadline had passed (时限 … 已过), the new date months away."""
    api = backend_api
    case_id = register_and_assign(api, "EXT-4")
    assert decide(api, case_id, ask(api, case_id)).status_code == 201
    head = api.head()
    path = f"/v1/cases/{case_id}/extension-requests"
    again = api.post(path, {**ASK, "occurred_on": "2025-05-02"}, "handler_fin")
    assert (again.status_code, again.json()["rule"]) == (409, "R-E1")
    assert "每个时限只能延期一次" in again.json()["detail"]
    assert api.head() == head

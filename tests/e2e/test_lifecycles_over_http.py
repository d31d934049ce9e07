"""Whole lifecycles over HTTP against the real ``banli serve`` process (API.md, DOMAIN.md).

Every test drives its own cases with httpx, as the users a government office would have (office,
leader, supervisor, auditor, one handler per unit; see ``conftest.py``), and checks what the
contract promises: status codes, the rule a refusal names, the case document, the history, the
ledger and the disclosure register. Business dates are in 2025; the server's today is later.
"""

from __future__ import annotations

from tests.e2e.conftest import Api
from tests.e2e.lifecycle_steps import (
    all_pages,
    approval_body,
    approve,
    assign,
    contact,
    contact_body,
    deadline,
    deputies,
    event_types,
    history,
    issue,
    issue_body,
    members,
    register,
    replied,
    reply_body,
    reply_of,
    submit,
    visit_body,
)

# ---------------------------------------------------------------------- conventions


def test_server_answers_health_metrics_and_refuses_without_a_valid_token(api: Api) -> None:
    health = api.get(None, "/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    metrics = api.get(None, "/metrics")
    assert metrics.status_code == 200
    assert "banli_projection_lag" in metrics.text

    anonymous = api.get(None, "/v1/ledger")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    forged = api.client.get("/v1/ledger", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    # The auditor only reads; the office does not manage users.
    body = {
        "number": api.number(),
        "kind": "suggestion",
        "level": "provincial",
        "year": 2025,
        "title": "t",
        "proposers": deputies("张三"),
        "received_on": "2025-01-20",
    }
    assert api.post("auditor", "/v1/cases", body).status_code == 403
    user = {"username": "x", "display_name": "x", "role": "office"}
    assert api.post("office", "/v1/users", user).status_code == 403


def test_idempotent_replay_and_stale_if_match_write_nothing(api: Api) -> None:
    case_id = register(api)
    key = {"Idempotency-Key": "assign-once"}
    body = {"lead_unit": "FIN", "co_units": [], "assigned_on": "2025-02-01"}
    first = api.post("office", f"/v1/cases/{case_id}/assignment", body, key)
    assert first.status_code == 201
    again = api.post("office", f"/v1/cases/{case_id}/assignment", body, key)
    assert again.status_code == 200
    assert again.json() == first.json()
    other = api.post("office", f"/v1/cases/{case_id}/assignment", {**body, "lead_unit": "EDU"}, key)
    assert other.status_code == 409
    assert api.case(case_id)["version"] == 2

    stale = api.post(
        "handler:FIN",
        f"/v1/cases/{case_id}/contacts",
        contact_body("FIN", "2025-02-10"),
        {"If-Match": "1"},
    )
    assert stale.status_code == 409
    assert api.case(case_id)["version"] == 2
    fresh = api.post(
        "handler:FIN",
        f"/v1/cases/{case_id}/contacts",
        contact_body("FIN", "2025-02-10"),
        {"If-Match": "2"},
    )
    assert fresh.status_code == 201
    assert fresh.json()["version"] == 3

    invalid = api.post("office", "/v1/cases", {"number": "bad", "kind": "petition"})
    assert invalid.status_code == 422
    assert invalid.json()["rule"] is None
    unknown = api.get("office", "/v1/cases/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404


# ---------------------------------------------------------------------- co-handling, R-C4


def test_joint_suggestion_reply_waits_for_co_opinions_and_goes_to_every_deputy_R_R2_R_C4(
    api: Api,
) -> None:
    case_id = register(api, deputies("张三", "李四", "王五"))
    assign(api, case_id, "FIN", ["EDU", "HLT"])
    case = api.case(case_id, as_of="2025-03-01")
    assert case["stage"] == "handling"
    assert (case["lead_unit"], case["co_units"]) == ("FIN", ["EDU", "HLT"])
    assert deadline(case, "co_opinion", "EDU")["due_on"] == "2025-04-01"  # R-D1: 2 months
    assert deadline(case, "reply", "FIN")["due_on"] == "2025-05-06"  # R-D2, 5-01 is a holiday

    # A unit without a role neither reads nor acts (the case is "not found" for it, API.md
    # v1.1); a co unit delivers opinions, not replies.
    assert api.get("handler:TRN", f"/v1/cases/{case_id}").status_code == 404
    outsider = contact_body("TRN", "2025-02-10")
    assert api.post("handler:TRN", f"/v1/cases/{case_id}/contacts", outsider).status_code == 404
    api.refused(
        "handler:EDU", f"/v1/cases/{case_id}/replies", reply_body("EDU", "2025-03-01"), 409, "R-R3"
    )
    api.refused(
        "handler:FIN",
        f"/v1/cases/{case_id}/co-opinions",
        {
            "unit": "FIN",
            "summary": "x",
            "disclosure_opinion": "proactive",
            "occurred_on": "2025-03-01",
        },
        409,
        "R-D1",
    )

    contact(api, case_id, "FIN", "2025-02-12")
    opinion = {"summary": "同意主办意见，资金由本处统筹", "disclosure_opinion": "proactive"}
    api.ok(
        "handler:EDU",
        f"/v1/cases/{case_id}/co-opinions",
        {"unit": "EDU", **opinion, "occurred_on": "2025-03-01"},
    )
    reply_id = submit(api, case_id, "FIN", "2025-03-20")
    approve(api, case_id, reply_id, "2025-03-22")
    # R-R2: HLT's opinion has not arrived, so the lead's reply is not issued yet.
    problem = api.refused(
        "handler:FIN",
        f"/v1/cases/{case_id}/replies/{reply_id}/issue",
        issue_body("2025-03-25"),
        409,
        "R-R2",
    )
    assert "HLT" in problem["detail"]
    api.ok(
        "handler:HLT",
        f"/v1/cases/{case_id}/co-opinions",
        {"unit": "HLT", **opinion, "occurred_on": "2025-03-26"},
    )
    answer = issue(api, case_id, reply_id, "FIN", "2025-03-28")
    assert event_types(answer["events"]) == ["ReplyIssued"]

    case = api.case(case_id, as_of="2025-04-30")
    reply = reply_of(case, reply_id)
    assert reply["status"] == "issued"
    assert reply["recipients"] == ["张三", "李四", "王五"]  # R-C4: every co-signing deputy
    assert reply["further"] is False
    assert case["stage"] == "replied"
    assert deadline(case, "co_opinion", "EDU")["status"] == "met"
    assert deadline(case, "co_opinion", "HLT")["status"] == "met"
    assert deadline(case, "reply", "FIN")["status"] == "met"


def test_joint_proposal_reply_goes_to_the_lead_member_only_R_C4(api: Api) -> None:
    case_id = register(api, members("陈委员", "周委员"), kind="proposal")
    assign(api, case_id, "EDU")
    reply_id = replied(api, case_id, "EDU")
    assert reply_of(api.case(case_id), reply_id)["recipients"] == ["陈委员"]


# ---------------------------------------------------------------------- assignment, R-A2


def test_third_assignment_needs_a_ruling_R_A2(api: Api) -> None:
    case_id = register(api)
    assign(api, case_id, "FIN")
    reason = {"reason": "不属于本处职责", "occurred_on": "2025-02-05"}
    # R-A2: a leader rules only on a third round; the office decides the first request itself.
    api.refused(
        "leader",
        f"/v1/cases/{case_id}/ruling",
        {
            "leader": "钱厅长",
            "lead_unit": "TRN",
            "co_units": [],
            "note": "n",
            "occurred_on": "2025-02-05",
        },
        409,
        "R-A2",
    )
    # R-A3: only an assigned unit asks (to any other the case is not there).
    api.refused(
        "handler:EDU",
        f"/v1/cases/{case_id}/reassignment-requests",
        {"unit": "EDU", **reason},
        404,
        None,
    )

    first = api.ok(
        "handler:FIN", f"/v1/cases/{case_id}/reassignment-requests", {"unit": "FIN", **reason}
    )
    decision = {"approved": True, "lead_unit": "EDU", "co_units": [], "note": "改由教科文处主办"}
    api.ok(
        "office",
        f"/v1/cases/{case_id}/reassignment-requests/{first['request_id']}/decision",
        {**decision, "occurred_on": "2025-02-08"},
    )
    case = api.case(case_id)
    assert (case["lead_unit"], case["assignment_rounds"]) == ("EDU", 2)
    assert api.get("handler:FIN", f"/v1/cases/{case_id}").status_code == 404  # no role any more

    second = api.ok(
        "handler:EDU",
        f"/v1/cases/{case_id}/reassignment-requests",
        {"unit": "EDU", "reason": "应由经建处主办", "occurred_on": "2025-02-12"},
    )
    path = f"/v1/cases/{case_id}/reassignment-requests/{second['request_id']}/decision"
    third = {**decision, "lead_unit": "TRN", "occurred_on": "2025-02-14"}
    problem = api.refused("office", path, third, 409, "R-A2")
    assert "ruling" in problem["detail"]
    assert api.case(case_id)["version"] == case["version"] + 1  # the refusal wrote nothing
    # A ruling is the leader's, not the office's.
    ruling = {
        "leader": "钱厅长",
        "lead_unit": "TRN",
        "co_units": ["EDU"],
        "note": "裁定由经建处主办，教科文处会办",
        "occurred_on": "2025-02-15",
    }
    assert api.post("office", f"/v1/cases/{case_id}/ruling", ruling).status_code == 403
    answer = api.ok("leader", f"/v1/cases/{case_id}/ruling", ruling)
    assert event_types(answer["events"]) == ["AssignmentRuled"]

    case = api.case(case_id, as_of="2025-03-01")
    assert (case["lead_unit"], case["co_units"], case["assignment_rounds"]) == ("TRN", ["EDU"], 3)
    # R-A4: deadlines still run from the first assignment (no restart was recorded).
    assert deadline(case, "reply", "TRN")["due_on"] == "2025-05-06"
    # A ruling is final: no more requests, no second ruling.
    api.refused(
        "handler:TRN",
        f"/v1/cases/{case_id}/reassignment-requests",
        {"unit": "TRN", "reason": "再议", "occurred_on": "2025-02-20"},
        409,
        "R-A2",
    )
    api.refused(
        "leader",
        f"/v1/cases/{case_id}/ruling",
        {**ruling, "lead_unit": "FIN", "occurred_on": "2025-02-20"},
        409,
        "R-A2",
    )
    types = event_types(history(api, case_id)["events"])
    assert types == [
        "Registered",
        "Assigned",
        "ReassignmentRequested",
        "ReassignmentDecided",
        "ReassignmentRequested",
        "AssignmentRuled",
    ]


# ---------------------------------------------------------------------- communication, R-C1


def test_reply_without_reached_contact_is_returned_then_approved_after_contact_R_C1(
    api: Api,
) -> None:
    case_id = register(api)
    assign(api, case_id, "HLT")
    first = submit(api, case_id, "HLT", "2025-03-10")
    approval = f"/v1/cases/{case_id}/replies/{first}/approval"
    api.refused("leader", approval, approval_body("2025-03-11"), 409, "R-C1")
    returned = api.ok("leader", approval, approval_body("2025-03-11", approved=False))
    assert event_types(returned["events"]) == ["ReplyDecided"]
    assert reply_of(api.case(case_id), first)["status"] == "returned"

    # R-C2: a failed attempt is kept but does not count.
    contact(api, case_id, "HLT", "2025-03-12", reached=False)
    second = submit(api, case_id, "HLT", "2025-03-14")
    api.refused(
        "leader",
        f"/v1/cases/{case_id}/replies/{second}/approval",
        approval_body("2025-03-15"),
        409,
        "R-C1",
    )
    contact(api, case_id, "HLT", "2025-03-16")
    approve(api, case_id, second, "2025-03-18")
    issue(api, case_id, second, "HLT", "2025-03-20")

    case = api.case(case_id, as_of="2025-06-30")
    assert [(r["reply_id"], r["status"]) for r in case["replies"]] == [
        (first, "returned"),
        (second, "issued"),
    ]
    assert case["stage"] == "replied"
    assert deadline(case, "reply", "HLT")["status"] == "met"


# ---------------------------------------------------------------------- feedback, R-F2


def test_dissatisfied_feedback_reopens_handling_until_a_face_to_face_further_reply_R_F2(
    api: Api,
) -> None:
    case_id = register(api)
    assign(api, case_id, "FIN")
    replied(api, case_id, "FIN", on="2025-04-10")
    feedback = {"verdict": "dissatisfied", "comments": "措施不具体", "occurred_on": "2025-05-10"}
    api.ok("office", f"/v1/cases/{case_id}/feedback", feedback)

    case = api.case(case_id, as_of="2025-05-12")
    assert case["stage"] == "rehandling"
    rehandling = deadline(case, "rehandling", "FIN")
    assert (rehandling["due_on"], rehandling["status"]) == ("2025-06-09", "pending")  # R-D3
    rows = all_pages(api, "office", "/v1/ledger", stage="rehandling", as_of="2025-05-12")
    assert case_id in {r["case_id"] for r in rows}  # stays on the ledger (挂账督办)
    # Feedback follows the further reply, not before it.
    api.refused(
        "office",
        f"/v1/cases/{case_id}/feedback",
        {**feedback, "occurred_on": "2025-05-11"},
        409,
        "R-F2",
    )

    further = submit(api, case_id, "FIN", "2025-05-15")
    assert reply_of(api.case(case_id), further)["further"] is True
    # R-F2: the February phone call does not count; a face-to-face contact after the verdict does.
    approval = f"/v1/cases/{case_id}/replies/{further}/approval"
    api.refused("leader", approval, approval_body("2025-05-16"), 409, "R-F2")
    # R-V1: a visit delegated to a county bureau is refused.
    api.refused(
        "handler:FIN",
        f"/v1/cases/{case_id}/visits",
        visit_body("FIN", "2025-05-18", organised_by="县财政局"),
        409,
        "R-V1",
    )
    api.ok("handler:FIN", f"/v1/cases/{case_id}/visits", visit_body("FIN", "2025-05-18"))
    api.ok("leader", approval, approval_body("2025-05-20"))
    issue(api, case_id, further, "FIN", "2025-05-25")

    case = api.case(case_id, as_of="2025-06-30")
    assert case["stage"] == "closed"
    assert deadline(case, "rehandling", "FIN")["status"] == "met"
    assert [r["further"] for r in case["replies"]] == [False, True]
    closed = all_pages(api, "office", "/v1/ledger", stage="closed", as_of="2025-06-30")
    assert case_id in {r["case_id"] for r in closed}
    # R-S2: tracked as a dissatisfied case from the verdict's day on, also once satisfied.
    for day, tracked in (("2025-05-09", False), ("2025-05-10", True), ("2025-06-30", True)):
        rows = all_pages(api, "office", "/v1/ledger", dissatisfied="true", as_of=day)
        assert (case_id in {r["case_id"] for r in rows}) is tracked, day

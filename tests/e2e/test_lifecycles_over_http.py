"""Whole lifecycles over HTTP against the real ``banli serve`` process (API.md, DOMAIN.md).

Every test drives its own cases with httpx, as the users a government office would have (office,
leader, supervisor, auditor, one handler per unit; see ``conftest.py``), and checks what the
contract promises: status codes, the rule a refusal names, the case document, the history, the
ledger and the disclosure register. Business dates are in 2025; the server's today is later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from tests.e2e.conftest import Api, Json

BEIJING = timezone(timedelta(hours=8))


# ---------------------------------------------------------------------- small lifecycle steps


def deputies(*names: str) -> list[Json]:
    return [
        {"name": n, "type": "deputy", "role": "lead" if i == 0 else "co_signer"}
        for i, n in enumerate(names)
    ]


def members(*names: str) -> list[Json]:
    return [
        {"name": n, "type": "member", "role": "lead" if i == 0 else "co_signer"}
        for i, n in enumerate(names)
    ]


def register(
    api: Api,
    proposers: list[Json] | None = None,
    *,
    kind: str = "suggestion",
    title: str = "关于加强农村公路养护资金保障的建议",
    received_on: str = "2025-01-20",
) -> str:
    answer = api.ok(
        "office",
        "/v1/cases",
        {
            "number": api.number(),
            "kind": kind,
            "level": "provincial",
            "year": 2025,
            "title": title,
            "proposers": proposers or deputies("张三"),
            "received_on": received_on,
        },
    )
    assert answer["version"] == 1
    assert [e["type"] for e in answer["events"]] == ["Registered"]
    case_id: str = answer["case_id"]
    return case_id


def assign(
    api: Api, case_id: str, lead: str = "FIN", co: Sequence[str] = (), on: str = "2025-02-01"
) -> Json:
    body = {"lead_unit": lead, "co_units": list(co), "assigned_on": on}
    return api.ok("office", f"/v1/cases/{case_id}/assignment", body)


def contact_body(unit: str, on: str, *, reached: bool = True, channel: str = "phone") -> Json:
    return {
        "unit": unit,
        "phase": "before",
        "channel": channel,
        "contacted_by": {"name": "王科长", "rank": "科长"},
        "person": "张三",
        "reached": reached,
        "summary": "电话沟通办理思路，代表认可",
        "occurred_on": on,
    }


def contact(
    api: Api, case_id: str, unit: str = "FIN", on: str = "2025-02-10", *, reached: bool = True
) -> Json:
    body = contact_body(unit, on, reached=reached)
    return api.ok(f"handler:{unit}", f"/v1/cases/{case_id}/contacts", body)


def visit_body(unit: str, on: str, organised_by: str | None = None) -> Json:
    return {
        "unit": unit,
        "organised_by": organised_by or unit,
        "visitors": [{"name": "赵处长", "rank": "处长"}],
        "persons": ["张三"],
        "summary": "登门听取代表意见",
        "proposer_opinion": "希望加快进度",
        "occurred_on": on,
    }


def reply_body(unit: str, on: str, cls: str = "A", disclosure: str = "proactive") -> Json:
    return {
        "unit": unit,
        "classification": cls,
        "disclosure": disclosure,
        "consultation_form_ref": "征询表-2025-001",
        "summary": "答复正文摘要",
        "occurred_on": on,
    }


def submit(
    api: Api,
    case_id: str,
    unit: str = "FIN",
    on: str = "2025-04-01",
    cls: str = "A",
    disclosure: str = "proactive",
    **extra: Any,
) -> str:
    body = {**reply_body(unit, on, cls, disclosure), **extra}
    answer = api.ok(f"handler:{unit}", f"/v1/cases/{case_id}/replies", body)
    assert [e["type"] for e in answer["events"]] == ["ReplySubmitted"]
    reply_id: str = answer["reply_id"]
    return reply_id


def approval_body(on: str, approved: bool = True) -> Json:
    return {
        "approved": approved,
        "leader": "钱厅长",
        "note": "同意印发" if approved else "未与代表沟通，退回重办",
        "occurred_on": on,
    }


def approve(api: Api, case_id: str, reply_id: str, on: str = "2025-04-05") -> Json:
    return api.ok("leader", f"/v1/cases/{case_id}/replies/{reply_id}/approval", approval_body(on))


def issue_body(on: str) -> Json:
    return {"document_number": "财建函〔2025〕12号", "occurred_on": on}


def issue(api: Api, case_id: str, reply_id: str, unit: str = "FIN", on: str = "2025-04-10") -> Json:
    path = f"/v1/cases/{case_id}/replies/{reply_id}/issue"
    return api.ok(f"handler:{unit}", path, issue_body(on))


def replied(
    api: Api,
    case_id: str,
    unit: str = "FIN",
    cls: str = "A",
    disclosure: str = "proactive",
    on: str = "2025-04-10",
) -> str:
    """Contact → submit → approve → issue, all on ``on`` (after a contact in February)."""
    contact(api, case_id, unit)
    reply_id = submit(api, case_id, unit, on, cls, disclosure)
    approve(api, case_id, reply_id, on)
    issue(api, case_id, reply_id, unit, on)
    return reply_id


def deadline(case: Json, kind: str, unit: str | None = None) -> Json:
    found: list[Json] = [d for d in case["deadlines"] if d["kind"] == kind and d["unit"] == unit]
    assert len(found) == 1, case["deadlines"]
    return found[0]


def reply_of(case: Json, reply_id: str) -> Json:
    found: list[Json] = [r for r in case["replies"] if r["reply_id"] == reply_id]
    assert len(found) == 1, case["replies"]
    return found[0]


def history(api: Api, case_id: str, who: str = "auditor", **params: Any) -> Json:
    return api.read(who, f"/v1/cases/{case_id}/history", **params)


def event_types(events: list[Json]) -> list[str]:
    return [e["type"] for e in events]


def all_pages(api: Api, who: str, path: str, **params: Any) -> list[Json]:
    """Every item of a paged list, following ``next_cursor``."""
    items: list[Json] = []
    cursor: str | None = None
    while True:
        page = api.read(who, path, cursor=cursor, **params)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


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
    rehandling = deadline(case, "rehandling")
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
    assert deadline(case, "rehandling")["status"] == "met"
    assert [r["further"] for r in case["replies"]] == [False, True]
    closed = all_pages(api, "office", "/v1/ledger", stage="closed", as_of="2025-06-30")
    assert case_id in {r["case_id"] for r in closed}


# ---------------------------------------------------------------------- disclosure, R-P*


def test_disclosure_reviewed_published_and_another_withheld_with_reason_R_P2_R_P3_R_P4_R_P5(
    api: Api,
) -> None:
    published_case = register(api, deputies("刘代表"))
    assign(api, published_case, "TAX")
    published_reply = replied(api, published_case, "TAX", on="2025-04-10")
    disclose = f"/v1/cases/{published_case}/disclosure"
    publish = {
        "reply_id": published_reply,
        "published_on": "2025-04-20",
        "url": "https://czt.example.gov.cn/jyta/2025/12.html",
    }
    # R-P3: the office reviews the reply before it is published.
    api.refused("handler:TAX", disclose, {**publish, "include_original": False}, 409, "R-P3")
    review = {"reply_id": published_reply, "approved": True, "note": "同意公开"}
    api.ok(
        "office",
        f"/v1/cases/{published_case}/disclosure-review",
        {**review, "occurred_on": "2025-04-15"},
    )
    # R-P4: the original text needs the proposer's consent, which was never recorded.
    api.refused("handler:TAX", disclose, {**publish, "include_original": True}, 409, "R-P4")
    answer = api.ok("handler:TAX", disclose, {**publish, "include_original": False})
    assert event_types(answer["events"]) == ["ReplyPublished"]

    withheld_case = register(api, deputies("孙代表"))
    assign(api, withheld_case, "TAX")
    contact(api, withheld_case, "TAX")
    preference = {"consent_reply": False, "consent_original": False, "occurred_on": "2025-03-01"}
    api.ok("handler:TAX", f"/v1/cases/{withheld_case}/disclosure-preference", preference)
    replies = f"/v1/cases/{withheld_case}/replies"
    # R-P2: the proposer refused, so the reply cannot be marked proactive; R-P5: withheld needs
    # a reason.
    api.refused("handler:TAX", replies, reply_body("TAX", "2025-04-01"), 409, "R-P2")
    api.refused(
        "handler:TAX", replies, reply_body("TAX", "2025-04-01", disclosure="withheld"), 409, "R-P5"
    )
    reply_id = submit(
        api,
        withheld_case,
        "TAX",
        "2025-04-01",
        disclosure="withheld",
        withheld_reason="proposer_refused",
    )
    approve(api, withheld_case, reply_id, "2025-04-03")
    issue(api, withheld_case, reply_id, "TAX", "2025-04-08")
    disclose = f"/v1/cases/{withheld_case}/disclosure"
    api.refused(
        "office",
        disclose,
        {"reply_id": reply_id, "published_on": "2025-04-10", "url": "https://x.example/1"},
        409,
        "R-P5",
    )
    decision = {
        "reply_id": reply_id,
        "withheld_reason": "proposer_refused",
        "occurred_on": "2025-04-10",
    }
    assert event_types(api.ok("office", disclose, decision)["events"]) == ["ReplyWithheld"]

    def register_rows(**params: Any) -> dict[str, Json]:
        found = api.read("auditor", "/v1/disclosures", **params)["items"]
        return {r["case_id"]: r for r in found if r["case_id"] in (published_case, withheld_case)}

    rows = register_rows()
    assert rows[published_case]["status"] == "published"
    assert rows[published_case]["published_on"] == "2025-04-20"
    assert rows[published_case]["due_on"] == "2025-04-25"  # R-D4: 15 days after the reply
    assert rows[withheld_case]["status"] == "withheld"
    assert rows[withheld_case]["withheld_reason"] == "proposer_refused"
    assert set(register_rows(status="published")) == {published_case}
    assert set(register_rows(status="withheld")) == {withheld_case}
    # As of a day before publication the first reply was still due.
    assert register_rows(as_of="2025-04-15")[published_case]["status"] == "due"
    # A handler of the unit sees its own rows; another unit's handler does not.
    own = api.read("handler:TAX", "/v1/disclosures")["items"]
    assert {published_case, withheld_case} <= {r["case_id"] for r in own}
    other = api.read("handler:AGR", "/v1/disclosures")["items"]
    assert not {published_case, withheld_case} & {r["case_id"] for r in other}


# ---------------------------------------------------------------------- merge, R-M1


def test_merged_cases_are_answered_by_the_primary_reply_to_every_proposer_R_M1(api: Api) -> None:
    primary = register(api, deputies("张三", "李四"), title="关于农村公路养护的建议")
    partner = register(api, deputies("王五"), title="关于乡村道路维护的建议")
    proposal = register(api, members("陈委员"), kind="proposal", title="关于公路养护的提案")
    later = register(api, deputies("赵六"), title="关于公路养护站建设的建议")
    for case_id in (primary, partner, proposal, later):
        assign(api, case_id, "TRN")

    api.refused(
        "office",
        "/v1/merges",
        {"case_ids": [primary, proposal], "occurred_on": "2025-02-20"},
        409,
        "R-M1",
    )
    merged = api.ok(
        "office", "/v1/merges", {"case_ids": [primary, partner], "occurred_on": "2025-02-20"}
    )
    assert merged["case_ids"] == [primary, partner]
    assert event_types(merged["events"]) == ["Merged", "Merged"]

    shown = api.case(partner)["merge"]
    assert shown["merge_id"] == merged["merge_id"]
    assert shown["primary_case_id"] == primary
    assert shown["numbers"] == [api.case(primary)["number"], api.case(partner)["number"]]
    assert "Merged" in event_types(history(api, partner)["events"])
    # The partner is answered by the primary's reply, not by its own.
    contact(api, partner, "TRN")
    api.refused(
        "handler:TRN", f"/v1/cases/{partner}/replies", reply_body("TRN", "2025-04-01"), 409, "R-M1"
    )
    api.refused(
        "office",
        "/v1/merges",
        {"case_ids": [later, partner], "occurred_on": "2025-02-21"},
        409,
        "R-M1",
    )

    contact(api, primary, "TRN")
    reply_id = submit(api, primary, "TRN", "2025-04-01")
    approve(api, primary, reply_id, "2025-04-02")
    answer = issue(api, primary, reply_id, "TRN", "2025-04-03")
    assert event_types(answer["events"]) == ["ReplyIssued", "MergedReplyIssued"]

    assert reply_of(api.case(primary), reply_id)["recipients"] == ["张三", "李四", "王五"]
    partner_case = api.case(partner, as_of="2025-04-30")
    assert partner_case["stage"] == "replied"
    assert partner_case["merge"]["answered_by"]["reply_id"] == reply_id
    assert deadline(partner_case, "reply", "TRN")["status"] == "met"


# ---------------------------------------------------------------------- reassessment, R-Rv*


def test_b_class_commitment_is_reassessed_then_closed_out_R_Rv1_R_Rv2(api: Api) -> None:
    case_id = register(api)
    assign(api, case_id, "AGR")
    reassess = f"/v1/cases/{case_id}/reassessments"
    finding = {"note": "回头看：项目推进情况", "occurred_on": "2025-09-01"}
    api.refused("supervisor", reassess, {"finding": "advancing", **finding}, 409, "R-Rv1")
    replied(api, case_id, "AGR", cls="B", disclosure="on_request")

    assert api.post("handler:AGR", reassess, {"finding": "advancing", **finding}).status_code == 403
    api.refused("supervisor", reassess, {"finding": "implemented", **finding}, 409, "R-Rv1")
    api.ok("supervisor", reassess, {"finding": "stalled", **finding})
    assert api.case(case_id)["under_supervision"] is True
    rows = all_pages(api, "supervisor", "/v1/ledger", unit="AGR", as_of="2025-09-02")
    assert {r["case_id"]: r["under_supervision"] for r in rows}[case_id] is True

    close_out = f"/v1/cases/{case_id}/close-out"
    api.refused("office", close_out, {"note": "销号", "occurred_on": "2025-10-01"}, 409, "R-Rv2")
    api.ok("supervisor", reassess, {"finding": "fulfilled", **finding, "occurred_on": "2025-11-01"})
    api.ok("office", close_out, {"note": "承诺事项已落实，销号", "occurred_on": "2025-11-05"})
    case = api.case(case_id)
    assert (case["under_supervision"], case["closed_out_on"]) == (False, "2025-11-05")
    open_ones = api.read("office", "/v1/commitments")["items"]
    assert case_id not in {r["case_id"] for r in open_ones}
    every = api.read("office", "/v1/commitments", include_closed=True)["items"]
    assert case_id in {r["case_id"] for r in every}


# ---------------------------------------------------------------------- corrections, R-X2


def test_correction_names_the_event_it_corrects_and_history_shows_both_R_X2(api: Api) -> None:
    case_id = register(api)
    assign(api, case_id, "EDU", ["FIN"])
    recorded = api.ok(
        "handler:EDU",
        f"/v1/cases/{case_id}/contacts",
        {**contact_body("EDU", "2025-02-10"), "summary": "电话沟通（错记为走访）"},
    )
    contact_id = recorded["events"][0]["id"]
    corrections = f"/v1/cases/{case_id}/corrections"
    fix = {"event_id": contact_id, "reason": "摘要记录有误", "corrected": {"summary": "电话沟通"}}
    # Only whoever recorded the event (or the office) corrects it, even within the case (FIN is
    # its co unit); and only some fields.
    api.refused("handler:FIN", corrections, fix, 409, "R-X2")
    api.refused("handler:EDU", corrections, {**fix, "corrected": {"unit": "FIN"}}, 409, "R-X2")
    answer = api.ok("handler:EDU", corrections, fix)
    assert event_types(answer["events"]) == ["Corrected"]
    correction_id = answer["events"][0]["id"]
    by_office = api.ok("office", corrections, {**fix, "corrected": {"occurred_on": "2025-02-11"}})
    office_fix_id = by_office["events"][0]["id"]

    events = {e["id"]: e for e in history(api, case_id)["events"]}
    assert events[contact_id]["corrected_by"] == [correction_id, office_fix_id]
    assert events[contact_id]["data"]["summary"] == "电话沟通（错记为走访）"  # nothing edited
    # R-X1: a 2025 contact recorded now is visibly late; the correction happens today.
    assert events[contact_id]["late_recorded"] is True
    assert events[correction_id]["late_recorded"] is False
    assert events[correction_id]["corrects"] == contact_id
    assert events[correction_id]["actor"] == {
        "user": "e2e-handler-edu",
        "role": "handler",
        "unit": "EDU",
    }
    assert events[office_fix_id]["corrects"] == contact_id


# ---------------------------------------------------------------------- as of a time, R-X3


def history_between_two_commands(api: Api) -> tuple[str, datetime, list[Json]]:
    """A case with a contact and then a reply; the moment between them; the full history."""
    case_id = register(api)
    assign(api, case_id, "FIN")
    contact(api, case_id, "FIN", "2025-02-10")
    between = datetime.now(UTC)
    submit(api, case_id, "FIN", "2025-03-01")
    events = history(api, case_id)["events"]
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in events]
    assert recorded[2] < between < recorded[3]
    return case_id, between, events


def test_history_as_of_an_earlier_time_shows_the_earlier_events_and_state_R_X3(api: Api) -> None:
    case_id, between, events = history_between_two_commands(api)
    assert event_types(events) == ["Registered", "Assigned", "ContactRecorded", "ReplySubmitted"]

    then = history(api, case_id, as_of=between.isoformat())
    assert event_types(then["events"]) == ["Registered", "Assigned", "ContactRecorded"]
    assert [e["id"] for e in then["events"]] == [e["id"] for e in events[:3]]
    assert then["state"]["version"] == 3
    assert then["state"]["replies"] == []
    assert then["state"]["stage"] == "handling"
    assert api.case(case_id)["version"] == 4
    # Before the case was registered there is nothing to show.
    before = api.get(
        "auditor",
        f"/v1/cases/{case_id}/history",
        as_of=(datetime.fromisoformat(events[0]["recorded_at"]) - timedelta(seconds=1)).isoformat(),
    )
    assert before.status_code == 404


def test_history_as_of_with_a_beijing_offset_is_the_same_instant_R_X3(api: Api) -> None:
    case_id, between, _ = history_between_two_commands(api)
    in_utc = history(api, case_id, as_of=between.isoformat())
    in_beijing = history(api, case_id, as_of=between.astimezone(BEIJING).isoformat())
    assert in_beijing["state"]["version"] == in_utc["state"]["version"] == 3
    assert event_types(in_beijing["events"]) == event_types(in_utc["events"])


# ---------------------------------------------------------------------- ledger, R-S1


def test_ledger_and_overdue_list_show_overdue_deadlines_most_overdue_first_R_S1(api: Api) -> None:
    late = register(api)
    assign(api, late, "AGR", on="2025-02-01")  # reply due 2025-05-06
    later = register(api)
    assign(api, later, "AGR", on="2025-03-03")  # reply due 2025-06-03
    done = register(api)
    assign(api, done, "AGR", on="2025-02-01")
    replied(api, done, "AGR", disclosure="on_request")
    mine = {late, later, done}

    rows = {
        r["case_id"]: r
        for r in all_pages(api, "office", "/v1/ledger", unit="AGR", year=2025, as_of="2025-07-01")
        if r["case_id"] in mine
    }
    assert set(rows) == mine
    assert rows[late]["days_overdue"] == 56  # 2025-05-06 → 2025-07-01
    assert rows[late]["overdue_deadlines"] == [
        {
            "kind": "reply",
            "unit": "AGR",
            "due_on": "2025-05-06",
            "days_overdue": 56,
            "original_due_on": None,  # never extended (R-E1)
        }
    ]
    assert rows[later]["days_overdue"] == 28
    assert (rows[done]["days_overdue"], rows[done]["overdue_deadlines"]) == (0, [])
    assert rows[done]["stage"] == "replied"
    assert rows[late]["next_deadline"] == {
        "kind": "reply",
        "unit": "AGR",
        "due_on": "2025-05-06",
        "status": "overdue",
        "original_due_on": None,
    }
    overdue_only = all_pages(
        api, "office", "/v1/ledger", unit="AGR", overdue=True, as_of="2025-07-01"
    )
    assert mine & {r["case_id"] for r in overdue_only} == {late, later}
    # As of April nothing was overdue yet.
    april = all_pages(api, "office", "/v1/ledger", unit="AGR", as_of="2025-04-01")
    assert all(r["days_overdue"] == 0 for r in april if r["case_id"] in mine)

    # The overdue list, most overdue first; a handler sees its own unit only.
    listed = [
        r["case_id"]
        for r in all_pages(api, "handler:AGR", "/v1/ledger/overdue", as_of="2025-07-01", limit=2)
    ]
    assert [c for c in listed if c in mine] == [late, later]
    seen = all_pages(api, "handler:AGR", "/v1/ledger", as_of="2025-07-01")
    assert mine <= {r["case_id"] for r in seen}
    assert all("AGR" in [r["lead_unit"], *r["co_units"], *r["split_units"]] for r in seen)
    assert api.get("handler:AGR", "/v1/ledger", unit="FIN").status_code == 403
    for_auditor = all_pages(api, "auditor", "/v1/ledger/overdue", as_of="2025-07-01")
    days = [r["days_overdue"] for r in for_auditor]
    assert {late, later} <= {r["case_id"] for r in for_auditor}
    assert done not in {r["case_id"] for r in for_auditor}
    assert days == sorted(days, reverse=True)


def test_audit_log_and_tamper_chain_cover_every_event_R_X2(api: Api) -> None:
    case_id = register(api)
    assign(api, case_id, "FIN")
    assert api.get("office", "/v1/audit/verify").status_code == 403
    verified = api.read("auditor", "/v1/audit/verify")
    assert verified["ok"] is True and verified["first_bad_position"] is None
    head = api.read("auditor", "/health")["events"]
    assert verified["events_checked"] == head
    log = all_pages(api, "auditor", "/v1/audit/events", limit=500)
    assert case_id in {e["case_id"] for e in log}
    positions = [e["position"] for e in log]
    assert positions == sorted(positions)


def test_handler_of_an_unrelated_unit_may_not_correct_events_of_a_case(api: Api) -> None:
    case_id = register(api)
    assign(api, case_id, "EDU")
    recorded = contact(api, case_id, "EDU")
    fix = {
        "event_id": recorded["events"][0]["id"],
        "reason": "摘要记录有误",
        "corrected": {"summary": "电话沟通"},
    }
    refused = api.post("handler:TRN", f"/v1/cases/{case_id}/corrections", fix)
    assert refused.status_code == 404, refused.text


# ---------------------------------------------------------------------- never a 500 for bad input


def test_history_as_of_at_the_edge_of_the_calendar_is_not_a_server_error(api: Api) -> None:
    case_id = register(api)
    for moment in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"):
        response = api.get("auditor", f"/v1/cases/{case_id}/history", as_of=moment)
        assert response.status_code in (404, 422), (moment, response.text)


def test_out_of_range_year_filter_is_a_validation_error_not_a_server_error(api: Api) -> None:
    huge = "99999999999999999999"
    for path in ("/v1/ledger", "/v1/stats/units", "/v1/stats/visit-compliance"):
        response = api.get("office", path, year=huge)
        assert response.status_code in (200, 422), (path, response.text)
    cursor = api.get("office", "/v1/ledger", cursor=f'["E2E", {huge}]')
    assert cursor.status_code == 422, cursor.text

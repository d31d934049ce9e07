"""Whole lifecycles over HTTP against the real ``banli serve`` process, second part:
disclosure, merged cases, reassessment, corrections, history as of a time, the ledger and the
audit log, and bad input that must never be a server error (API.md, DOMAIN.md). Set-up as in
``test_lifecycles_over_http``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.conftest import Api, Json
from tests.e2e.lifecycle_steps import (
    BEIJING,
    all_pages,
    approve,
    assign,
    contact,
    contact_body,
    deadline,
    deputies,
    event_types,
    history,
    issue,
    members,
    register,
    replied,
    reply_body,
    reply_of,
    submit,
)

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

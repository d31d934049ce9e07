"""Accountability: R-X1 actor and two times, R-X2 corrections, R-X3 "as of"; idempotency and
optimistic concurrency on the command path."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain import commands as cmd
from domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from domain.records import Correction, Proposer
from infra.application import BanliApplication
from infra.command_context import CommandContext, event_id
from tests.support import (
    CLERK,
    OFFICE,
    TODAY,
    Flow,
    correct,
    ctx,
    deputies,
    handler,
    merge,
    refused,
)


def test_future_business_dates_are_refused_R_X1(app: BanliApplication) -> None:
    flow = Flow(app)
    with refused("R-X1"):
        flow.assign(on=date(2026, 1, 1))  # TODAY is 2025-12-31
    flow.assign(on=date(2025, 12, 31))
    assert flow.case.assigned_on == date(2025, 12, 31)


def test_handling_events_never_precede_the_assignment_R_X1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1))
    with refused("R-X1"):
        flow.contact(on=date(2025, 1, 31))
    with refused("R-X1"):
        Flow(app, "X-2", received_on=date(2025, 3, 1)).assign(on=date(2025, 2, 1))


def test_every_event_names_its_actor_and_both_times_R_X1(app: BanliApplication) -> None:
    before = datetime.now(UTC)
    flow = Flow(app)
    flow.assign()
    flow.contact()
    events = app.case_events(flow.id)
    assert [e.actor for e in events] == [OFFICE, OFFICE, handler("FIN")]
    assert [e.occurred_on for e in events] == [
        date(2025, 1, 20),
        date(2025, 2, 1),
        date(2025, 2, 10),
    ]
    assert all(before <= e.timestamp <= datetime.now(UTC) for e in events)
    index = app.index.case_index(str(flow.case.id))
    assert [row["event_type"] for row in index] == ["Registered", "Assigned", "ContactRecorded"]
    assert [row["recorded_at"] for row in index] == [e.timestamp.isoformat() for e in events]


def test_correction_names_the_event_and_history_keeps_both_R_X2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    contact = flow.contact(summary="电话沟通（误记）")
    target = contact.events[0]["id"]
    result = correct(
        app,
        ctx(handler("FIN")),
        flow.id,
        event_id=target,
        reason="摘要记错",
        corrected={"summary": "电话沟通，代表同意办理思路"},
    )
    case = flow.case
    assert case.contacts[0].summary == "电话沟通，代表同意办理思路"
    assert case.corrections == [
        Correction(
            corrects_version=3,
            corrects_type="ContactRecorded",
            reason="摘要记错",
            corrected={"summary": "电话沟通，代表同意办理思路"},
            version=4,
        )
    ]
    original = app.case_events(flow.id)[2]
    assert original.summary == "电话沟通（误记）"  # the stored event itself is never edited
    assert result.events[0]["type"] == "Corrected"


def test_corrections_are_limited_to_the_recorder_or_office_and_to_safe_fields_R_X2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    target = flow.contact().events[0]["id"]
    with refused("R-X2"):
        correct(
            app,
            ctx(handler("HOU")),
            flow.id,
            event_id=target,
            reason="x",
            corrected={"summary": "改"},
        )
    with refused("R-X2"):
        correct(
            app, ctx(OFFICE), flow.id, event_id=target, reason="x", corrected={"reached": False}
        )
    with refused("R-X1"):
        correct(
            app,
            ctx(OFFICE),
            flow.id,
            event_id=target,
            reason="x",
            corrected={"occurred_on": "2026-05-01"},
        )
    with pytest.raises(NotFound):
        correct(
            app,
            ctx(OFFICE),
            flow.id,
            event_id=event_id(flow.id, 99),
            reason="x",
            corrected={"summary": "改"},
        )
    correct(
        app,
        ctx(OFFICE),
        flow.id,
        event_id=target,
        reason="日期记错",
        corrected={"occurred_on": "2025-02-11"},
    )
    assert flow.case.contacts[0].occurred_on == date(2025, 2, 11)


def test_case_as_of_a_timestamp_is_reconstructed_R_X3(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    after_assignment = datetime.now(UTC)
    flow.co_opinion("HOU")
    flow.replied()
    flow.feedback("satisfied")
    then = app.get_case(flow.id, as_of=after_assignment)
    assert (then.stage, then.version, then.replies) == ("handling", 2, {})
    assert then.policy == "hebei-2022"  # the rule set in force is part of the state
    assert app.get_case(flow.id).stage == "closed"
    with pytest.raises(NotFound):
        app.get_case(flow.id, as_of=datetime(2000, 1, 1, tzinfo=UTC))


def test_repeated_idempotency_key_writes_nothing_and_returns_the_first_answer(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    context = CommandContext(OFFICE, TODAY, idempotency_key="k-1", request_hash="h-1")
    first = app.execute(
        context, cmd.Assign(case_id=flow.id, lead_unit="FIN", assigned_on=date(2025, 2, 1))
    )
    position = app.recorder.max_notification_id()
    again = app.execute(
        context, cmd.Assign(case_id=flow.id, lead_unit="FIN", assigned_on=date(2025, 2, 1))
    )
    assert (again.as_dict(), again.replayed) == (first.as_dict(), True)
    assert app.recorder.max_notification_id() == position
    reused = CommandContext(OFFICE, TODAY, idempotency_key="k-1", request_hash="h-2")
    with pytest.raises(Conflict):
        app.execute(
            reused, cmd.Assign(case_id=flow.id, lead_unit="HOU", assigned_on=date(2025, 2, 1))
        )


def test_stale_expected_version_is_refused_and_writes_nothing(app: BanliApplication) -> None:
    flow = Flow(app)
    position = app.recorder.max_notification_id()
    stale = CommandContext(OFFICE, TODAY, expected_version=5)
    with pytest.raises(Conflict):
        app.execute(
            stale, cmd.Assign(case_id=flow.id, lead_unit="FIN", assigned_on=date(2025, 2, 1))
        )
    assert app.recorder.max_notification_id() == position
    fresh = CommandContext(OFFICE, TODAY, expected_version=1)
    assert (
        app.execute(
            fresh, cmd.Assign(case_id=flow.id, lead_unit="FIN", assigned_on=date(2025, 2, 1))
        ).version
        == 2
    )


def test_case_number_is_unique_per_kind_and_year(app: BanliApplication) -> None:
    Flow(app, "N-1")
    with pytest.raises(Conflict):
        Flow(app, "N-1")
    Flow(app, "N-1", year=2024, received_on=date(2024, 2, 1))
    Flow(
        app,
        "N-1",
        kind="proposal",
        proposers=[Proposer(name="陈委员", type="member", role="lead")],
    )


def test_refused_command_leaves_the_case_unchanged(app: BanliApplication) -> None:
    flow = Flow(app, proposers=deputies("张三"))
    flow.assign()
    before = flow.case.__dict__.copy()
    with pytest.raises(RuleViolation):
        flow.visit(organised_by="县财政局")
    assert flow.case.__dict__ == before


def test_a_stale_command_cache_never_decides_a_command(tmp_path: Path) -> None:
    """Two workers with their own case caches: a refusal or a version clash on a stale cached
    case is judged again on the stored case, so both writes land and nothing is lost."""
    from banli.compose import build_application
    from infra.settings import Settings

    settings = Settings(data_dir=tmp_path)
    first, second = build_application(settings), build_application(settings)
    flow = Flow(first, "CACHE-1")
    second.get_case(flow.id)
    second.execute(
        ctx(), cmd.DesignateKey(case_id=flow.id, source="congress", occurred_on=date(2025, 1, 21))
    )
    first.execute(ctx(), cmd.Assign(case_id=flow.id, assigned_on=date(2025, 2, 1), lead_unit="FIN"))
    # `second` still caches the case unassigned: a contact would be refused (R-A1) on that copy.
    contact = cmd.RecordContact(
        case_id=flow.id,
        unit="FIN",
        phase="before",
        channel="phone",
        contacted_by=CLERK,
        person="张三",
        reached=True,
        summary="s",
        occurred_on=date(2025, 2, 3),
    )
    done = second.execute(ctx(handler("FIN")), contact)
    assert done.version == 4
    stored = first.get_case(flow.id)
    assert stored.key is not None and stored.key.source == "congress"
    assert stored.lead_unit == "FIN" and len(stored.contacts) == 1


def test_a_reply_s_document_number_and_published_address_are_correctable_R_X2(
    app: BanliApplication,
) -> None:
    """A 文号 or an address typed wrong stood for good: the issue and publish events offered
    nothing to correct. Their dates, which met the deadlines, stay as recorded."""
    flow = Flow(app)
    flow.assign()
    flow.contact()
    reply = flow.submit()
    flow.approve(reply)
    issued = flow.issue(reply).version
    flow.review(reply)
    publish = cmd.PublishReply(
        case_id=flow.id,
        reply_id=reply,
        published_on=date(2025, 4, 10),
        url="https://www.example.gov.cn/jyta/2025/1.htm",
    )
    published = flow.run(publish, OFFICE).version

    def fix(version: int, **corrected: str) -> None:
        target = event_id(flow.id, version)
        correct(app, ctx(OFFICE), flow.id, event_id=target, reason="录入有误", corrected=corrected)

    fix(issued, document_number="财建函〔2025〕11号")
    fix(published, url="https://www.example.gov.cn/jyta/2025/1.html")
    case = flow.case
    assert case.replies[reply].document_number == "财建函〔2025〕11号"
    assert case.disclosures[reply].url == "https://www.example.gov.cn/jyta/2025/1.html"
    with refused("R-X2"):
        fix(issued, occurred_on="2025-04-04")  # the day the deadline was met by
    with pytest.raises(InvalidInput):
        fix(published, url="javascript:alert(1)")  # re-checked as when published (R-D4)
    assert case.replies[reply].issued_on == date(2025, 4, 5)


def test_a_merged_reply_s_document_number_is_not_corrected_on_one_case_R_M1_R_X2(
    app: BanliApplication,
) -> None:
    primary, partner = Flow(app, "2025-101"), Flow(app, "2025-102")
    for flow in (primary, partner):
        flow.assign()
    merge(app, primary.id, partner.id, on=date(2025, 3, 1))
    primary.contact()
    reply = primary.submit()
    primary.approve(reply)
    issued = primary.issue(reply).version
    with refused("R-M1"):
        correct(
            app,
            ctx(OFFICE),
            primary.id,
            event_id=event_id(primary.id, issued),
            reason="录入有误",
            corrected={"document_number": "财建函〔2025〕2号"},
        )

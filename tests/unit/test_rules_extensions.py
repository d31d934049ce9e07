"""Extensions 延期 (R-E1): asked before a deadline passes, once, to at most 3 months after the
original date; granted (a new date, the original kept beside it) or refused (nothing moves)."""

from __future__ import annotations

from datetime import date

import pytest

from domain import commands as cmd
from domain.deadlines.case_deadlines import Deadline, case_deadlines
from domain.errors import RuleViolation
from infra.application import BanliApplication
from tests.support import OFFICE, Flow, handler, refused


def deadline(
    app: BanliApplication, flow: Flow, kind: str, unit: str | None, as_of: date
) -> Deadline:
    found = case_deadlines(flow.case, app.calendar(), as_of)
    return next(d for d in found if (d.kind, d.unit) == (kind, unit))


def ask(flow: Flow, unit: str, kind: str, until: date, on: date) -> str:
    request = cmd.RequestExtension(
        case_id=flow.id,
        unit=unit,
        deadline_kind=kind,
        reason="需跨部门协调，请求延期",
        requested_due_on=until,
        occurred_on=on,
    )
    request_id: str = flow.run(request, handler(unit)).extra["request_id"]
    return request_id


def grant(flow: Flow, request_id: str, on: date, due_on: date | None = None) -> None:
    flow.run(
        cmd.DecideExtension(
            case_id=flow.id,
            request_id=request_id,
            approved=True,
            note="同意延期",
            occurred_on=on,
            due_on=due_on,
        ),
        OFFICE,
    )


def test_a_granted_extension_moves_the_reply_deadline_and_keeps_the_original_R_E1(
    app: BanliApplication,
) -> None:
    """Assigned 2025-02-01, the reply is due 2025-05-06 (5-01 … 5-05 is the May Day holiday)."""
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1))
    request_id = ask(flow, "FIN", "reply", date(2025, 6, 30), date(2025, 4, 20))
    grant(flow, request_id, date(2025, 4, 25))
    extended = deadline(app, flow, "reply", "FIN", date(2025, 5, 20))
    assert (extended.due_on, extended.original_due_on, extended.status) == (
        date(2025, 6, 30),
        date(2025, 5, 6),
        "extended",
    )
    assert extended.extended_by == request_id
    # As of a day before the office decided, the deadline was the original one (R-X3).
    before = deadline(app, flow, "reply", "FIN", date(2025, 4, 24))
    assert (before.due_on, before.original_due_on, before.status) == (
        date(2025, 5, 6),
        None,
        "pending",
    )
    flow.contact()
    reply_id = flow.submit(on=date(2025, 6, 20))
    flow.approve(reply_id, on=date(2025, 6, 21))
    flow.issue(reply_id, on=date(2025, 6, 28))
    met = deadline(app, flow, "reply", "FIN", date(2025, 7, 31))
    assert (met.status, met.days_overdue) == ("met", 0)  # on time against the new date


def test_an_extended_deadline_is_overdue_against_its_new_date_R_E1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1))
    grant(flow, ask(flow, "FIN", "reply", date(2025, 6, 30), date(2025, 4, 20)), date(2025, 4, 25))
    late = deadline(app, flow, "reply", "FIN", date(2025, 7, 10))
    assert (late.status, late.days_overdue) == ("overdue", 10)


def test_the_office_may_grant_another_date_within_three_months_R_E1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1))
    request_id = ask(flow, "FIN", "reply", date(2025, 8, 6), date(2025, 4, 20))
    grant(flow, request_id, date(2025, 4, 25), due_on=date(2025, 7, 15))
    assert deadline(app, flow, "reply", "FIN", date(2025, 5, 20)).due_on == date(2025, 7, 15)


def test_late_or_too_long_or_repeated_requests_are_refused_and_write_nothing_R_E1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1))
    head = app.recorder.max_notification_id()
    with refused("R-E1"):  # after the deadline passed
        ask(flow, "FIN", "reply", date(2025, 6, 30), date(2025, 5, 7))
    with refused("R-E1"):  # beyond 3 months after the original 2025-05-06
        ask(flow, "FIN", "reply", date(2025, 8, 7), date(2025, 4, 20))
    with refused("R-E1"):  # not later than the date it would replace
        ask(flow, "FIN", "reply", date(2025, 5, 6), date(2025, 4, 20))
    with refused("R-A1"):  # HOU has no role on this case at all
        ask(flow, "HOU", "reply", date(2025, 6, 30), date(2025, 4, 20))
    assert app.recorder.max_notification_id() == head
    request_id = ask(flow, "FIN", "reply", date(2025, 6, 30), date(2025, 4, 20))
    with refused("R-E1"):  # one request at a time for a deadline
        ask(flow, "FIN", "reply", date(2025, 7, 30), date(2025, 4, 21))
    grant(flow, request_id, date(2025, 4, 25))
    with refused("R-E1"):  # at most one extension per deadline
        ask(flow, "FIN", "reply", date(2025, 7, 30), date(2025, 5, 1))
    with refused("R-E1"):  # decided already
        grant(flow, request_id, date(2025, 4, 26))


def test_a_refused_request_changes_nothing_and_may_be_asked_again_R_E1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1))
    request_id = ask(flow, "FIN", "reply", date(2025, 6, 30), date(2025, 4, 20))
    refusal = cmd.DecideExtension(
        case_id=flow.id,
        request_id=request_id,
        approved=False,
        note="理由不充分",
        occurred_on=date(2025, 4, 22),
    )
    flow.run(refusal, OFFICE)
    kept = deadline(app, flow, "reply", "FIN", date(2025, 5, 20))
    assert (kept.due_on, kept.original_due_on, kept.status) == (date(2025, 5, 6), None, "overdue")
    ask(flow, "FIN", "reply", date(2025, 6, 15), date(2025, 4, 23))


def test_co_opinion_and_re_handling_deadlines_extend_for_their_own_units_R_E1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU"], on=date(2025, 2, 1))
    grant(
        flow,
        ask(flow, "HOU", "co_opinion", date(2025, 5, 30), date(2025, 3, 20)),
        date(2025, 3, 21),
    )
    co = deadline(app, flow, "co_opinion", "HOU", date(2025, 4, 15))
    assert (co.due_on, co.original_due_on, co.status) == (
        date(2025, 5, 30),
        date(2025, 4, 1),
        "extended",
    )
    flow.co_opinion("HOU", on=date(2025, 5, 2))
    flow.replied(on=date(2025, 5, 5))
    flow.feedback("dissatisfied", on=date(2025, 5, 10))
    with refused("R-E1") as theirs:  # re-handling is the lead's, not the co unit's
        ask(flow, "HOU", "rehandling", date(2025, 7, 1), date(2025, 5, 20))
    assert theirs.value.zh == "HOU 没有可延期的进一步办理期限"  # the kind in words
    grant(
        flow, ask(flow, "FIN", "rehandling", date(2025, 7, 1), date(2025, 5, 20)), date(2025, 5, 21)
    )
    rehandling = deadline(app, flow, "rehandling", "FIN", date(2025, 6, 15))
    assert (rehandling.due_on, rehandling.original_due_on, rehandling.status) == (
        date(2025, 7, 1),
        date(2025, 6, 9),
        "extended",
    )


def test_a_request_dated_before_the_due_day_but_asked_after_a_late_reply_is_refused_R_E1(
    app: BanliApplication,
) -> None:
    """The reply was due 2025-05-06 and issued 2025-05-10 (逾期办结). A request dated 04-20,
    recorded after that and granted, would have made the late reply count as on time."""
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1))
    flow.replied(on=date(2025, 5, 10))
    head = app.recorder.max_notification_id()
    with refused("R-E1") as refusal:
        ask(flow, "FIN", "reply", date(2025, 6, 30), date(2025, 4, 20))
    assert "2025-05-10" in refusal.value.zh
    assert app.recorder.max_notification_id() == head
    late = deadline(app, flow, "reply", "FIN", date(2025, 12, 31))
    assert (late.due_on, late.met_on, late.extended_by) == (
        date(2025, 5, 6),
        date(2025, 5, 10),
        None,
    )


def test_a_request_asked_in_time_still_counts_when_the_reply_came_before_the_decision_R_E1(
    app: BanliApplication,
) -> None:
    """Asked on 04-20, before the due day; the office decided after the reply of 05-10: the
    reply counts against the date granted (R-E1: on-time measures use the new date)."""
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1))
    request_id = ask(flow, "FIN", "reply", date(2025, 6, 30), date(2025, 4, 20))
    flow.replied(on=date(2025, 5, 10))
    grant(flow, request_id, date(2025, 5, 12))
    extended = deadline(app, flow, "reply", "FIN", date(2025, 12, 31))
    assert (extended.due_on, extended.met_on) == (date(2025, 6, 30), date(2025, 5, 10))


def test_a_refusal_says_whether_the_deadline_passed_or_was_met_R_E1(
    app: BanliApplication,
) -> None:
    """One message had said 已过或已办结 for both: a unit that replied in time and one that
    asked too late learn different things."""
    late = Flow(app)
    late.assign(on=date(2025, 2, 1))
    with pytest.raises(RuleViolation) as passed:
        ask(late, "FIN", "reply", date(2025, 6, 30), date(2025, 5, 7))
    assert (passed.value.rule, passed.value.zh) == (
        "R-E1",
        "时限 2025-05-06 已过，延期须在到期前申请",
    )
    answered = Flow(app, number="2025-002")
    answered.assign(on=date(2025, 2, 1))
    answered.replied(on=date(2025, 4, 5))
    with pytest.raises(RuleViolation) as met:
        ask(answered, "FIN", "reply", date(2025, 6, 30), date(2025, 4, 20))
    assert (met.value.rule, met.value.zh) == ("R-E1", "时限 2025-05-06 已办结，无需延期")

"""Deadlines of a case (R-D1 … R-D7) as a pure function of the case, the calendar and a day."""

from __future__ import annotations

from datetime import date

from domain import commands as cmd
from domain.deadlines.case_deadlines import Deadline, case_deadlines
from domain.records import Actor, Proposer
from infra.application import BanliApplication
from infra.command_context import CommandContext
from tests.support import OFFICE, Flow, merge, refused


def _by_kind(
    app: BanliApplication, flow: Flow, as_of: date
) -> dict[tuple[str, str | None], Deadline]:
    return {(d.kind, d.unit): d for d in case_deadlines(flow.case, app.calendar(), as_of)}


def _further_reply_issued_on_22_may(app: BanliApplication) -> Flow:
    """Replied, 不满意 on 6 May, a visit, and the further reply issued on 22 May (R-F2)."""
    flow = Flow(app)
    flow.assign()
    flow.replied()
    flow.feedback("dissatisfied", on=date(2025, 5, 6))
    flow.visit(on=date(2025, 5, 10))
    further = flow.submit(on=date(2025, 5, 20))
    flow.approve(further, on=date(2025, 5, 21))
    flow.issue(further, on=date(2025, 5, 22))
    return flow


def test_co_opinion_due_two_months_after_assignment_per_unit_R_D1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU", "EDU"], on=date(2025, 3, 3))
    flow.co_opinion("HOU", on=date(2025, 4, 30))
    due = _by_kind(app, flow, date(2025, 5, 10))
    assert due[("co_opinion", "HOU")].status == "met"
    edu = due[("co_opinion", "EDU")]
    assert (edu.due_on, edu.status, edu.days_overdue) == (date(2025, 5, 6), "overdue", 4)
    assert "2025-03-03 + 2 months = 2025-05-03" in edu.derivation


def test_reply_due_three_months_rolled_past_national_day_R_D2_R_D6(app: BanliApplication) -> None:
    flow = Flow(app, received_on=date(2025, 6, 20))
    flow.assign(on=date(2025, 7, 1))
    reply = _by_kind(app, flow, date(2025, 10, 5))[("reply", "FIN")]
    assert (reply.due_on, reply.status, reply.calendar_provisional) == (
        date(2025, 10, 9),
        "due_soon",
        False,
    )
    flow.contact(on=date(2025, 7, 2))
    rid = flow.submit(on=date(2025, 10, 9))
    flow.approve(rid, on=date(2025, 10, 9))
    flow.issue(rid, on=date(2025, 10, 10))
    reply = _by_kind(app, flow, date(2025, 11, 1))[("reply", "FIN")]
    assert (reply.status, reply.days_overdue, reply.met_on) == ("met_late", 1, date(2025, 10, 10))
    # As of a day before the issue, the same reply was simply overdue (R-X3 on deadlines).
    earlier = _by_kind(app, flow, date(2025, 10, 9))[("reply", "FIN")]
    assert (earlier.status, earlier.days_overdue) == ("due_soon", 0)


def test_rehandling_overdue_after_thirty_days_and_the_lead_owes_it_R_D3_R_S1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    flow.replied()
    flow.feedback("dissatisfied", on=date(2025, 5, 6))
    rehandling = _by_kind(app, flow, date(2025, 6, 10))[("rehandling", "FIN")]
    assert (rehandling.due_on, rehandling.status, rehandling.days_overdue) == (
        date(2025, 6, 5),
        "overdue",
        5,
    )


def test_disclosure_within_15_days_hebei_or_20_working_days_guangxi_R_D4(
    app: BanliApplication,
) -> None:
    hebei = Flow(app, "H-1", received_on=date(2025, 8, 1))
    hebei.assign(on=date(2025, 8, 20))
    hebei.contact(on=date(2025, 8, 21))
    guangxi = Flow(app, "G-1", received_on=date(2025, 8, 1))
    guangxi.assign(on=date(2025, 8, 20), policy="guangxi-2018")
    guangxi.contact(on=date(2025, 8, 21))
    for flow in (hebei, guangxi):
        rid = flow.submit(on=date(2025, 9, 25))
        flow.approve(rid, on=date(2025, 9, 25))
        flow.issue(rid, on=date(2025, 9, 26))
    # Hebei: 09-26 + 15 days = 10-11, a 调休 Saturday that is a working day → no roll.
    assert _by_kind(app, hebei, date(2025, 10, 1))[("disclosure", "FIN")].due_on == date(
        2025, 10, 11
    )
    # Guangxi: 20 working days from 09-26 across 09-28 (Sun, worked) and the National Day break.
    g = _by_kind(app, guangxi, date(2025, 10, 1))[("disclosure", "FIN")]
    assert g.due_on == date(2025, 10, 30)
    assert "guangxi-2018" in g.derivation
    reply_id = next(iter(guangxi.case.replies))
    guangxi.review(reply_id, on=date(2025, 10, 31))
    guangxi.run(
        cmd.PublishReply(
            case_id=guangxi.id,
            reply_id=reply_id,
            published_on=date(2025, 10, 31),
            url="https://x/g1",
            include_original=False,
        ),
        OFFICE,
    )
    late = _by_kind(app, guangxi, date(2025, 11, 5))[("disclosure", "FIN")]
    assert (late.status, late.days_overdue) == ("met_late", 1)


def test_reference_case_contact_by_31_october_R_D5(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.run(
        cmd.Assign(case_id=flow.id, reference=True, lead_unit="FIN", assigned_on=date(2025, 2, 1))
    )
    pending = _by_kind(app, flow, date(2025, 6, 1))[("reference_contact", "FIN")]
    assert (pending.due_on, pending.status) == (date(2025, 10, 31), "pending")
    flow.contact(on=date(2025, 9, 1), reached=False)
    assert _by_kind(app, flow, date(2025, 11, 3))[("reference_contact", "FIN")].status == "overdue"
    flow.contact(on=date(2025, 11, 4))
    done = _by_kind(app, flow, date(2025, 11, 5))[("reference_contact", "FIN")]
    assert (done.status, done.days_overdue) == ("met_late", 4)


def test_2027_deadline_is_provisional_until_the_year_is_loaded_R_D7(app: BanliApplication) -> None:
    today = date(2026, 11, 21)
    registration = cmd.RegisterCase(
        number="2026-900",
        kind="suggestion",
        level="national",
        year=2026,
        title="跨年件",
        proposers=(Proposer(name="张三", type="deputy", role="lead"),),
        received_on=date(2026, 11, 10),
    )
    created = app.register(CommandContext(OFFICE, today), registration)
    assignment = cmd.Assign(
        case_id=created.case_id, assigned_on=date(2026, 11, 15), lead_unit="FIN"
    )
    app.execute(CommandContext(OFFICE, today), assignment)
    case = app.get_case(created.case_id)
    before = {d.kind: d for d in case_deadlines(case, app.calendar(), today)}["reply"]
    assert (before.due_on, before.calendar_provisional) == (date(2027, 2, 15), True)
    assert "PROVISIONAL" in before.derivation
    admin = Actor(user="admin", role="admin", unit=None)
    spring_festival = [date(2027, 2, d) for d in range(5, 17)]
    app.stored_calendar.load_year(
        CommandContext(admin, today), 2027, spring_festival, [date(2027, 2, 20)]
    )
    after = {d.kind: d for d in case_deadlines(case, app.calendar(), today)}["reply"]
    assert (after.due_on, after.calendar_provisional) == (date(2027, 2, 17), False)
    assert "loaded: 2027" in after.derivation


def test_co_opinion_outstanding_at_an_overridden_reply_is_missed_and_frozen_R_D8(
    app: BanliApplication,
) -> None:
    """The lead replies under an override while HOU's opinion (due 2025-04-01) is still out:
    from the issue day on it is ``missed`` with the 10 days it had then, and neither later days
    nor the opinion arriving afterwards change that."""
    flow = Flow(app)
    flow.assign("FIN", ["HOU"], on=date(2025, 2, 1))
    flow.contact("FIN")
    reply_id = flow.submit("FIN", on=date(2025, 4, 8))
    flow.approve(reply_id, on=date(2025, 4, 9))
    flow.issue(reply_id, on=date(2025, 4, 11), override_reason="会办单位逾期未回复")
    before = _by_kind(app, flow, date(2025, 4, 10))[("co_opinion", "HOU")]
    assert (before.status, before.days_overdue) == ("overdue", 9)
    for as_of in (date(2025, 4, 11), date(2025, 12, 31)):
        missed = _by_kind(app, flow, as_of)[("co_opinion", "HOU")]
        assert (missed.status, missed.days_overdue, missed.missed_on) == (
            "missed",
            10,
            date(2025, 4, 11),
        )
    flow.co_opinion("HOU", on=date(2025, 5, 2))
    late = _by_kind(app, flow, date(2025, 12, 31))[("co_opinion", "HOU")]
    assert (late.status, late.days_overdue) == ("missed", 10)


def test_a_deadline_met_before_the_case_closed_says_no_missed_day_R_D8(
    app: BanliApplication,
) -> None:
    """The case document gave HOU's co opinion, met on 3-1, a ``missed_on`` of the closing
    day: a deadline is met or missed, never both (what the ledger's rows already said)."""
    flow = Flow(app)
    flow.assign("FIN", ["HOU"], on=date(2025, 2, 1))
    flow.co_opinion("HOU", on=date(2025, 3, 1))
    flow.replied(on=date(2025, 4, 5))
    flow.feedback("satisfied", on=date(2025, 4, 20))
    deadlines = case_deadlines(flow.case, app.calendar(), date(2025, 12, 31))
    opinion = next(d for d in deadlines if d.kind == "co_opinion").as_dict()
    assert (opinion["status"], opinion["met_on"], opinion["missed_on"]) == (
        "met",
        "2025-03-01",
        None,
    )


def test_a_split_units_reply_stays_owed_when_the_other_unit_has_replied_R_D8_R_R3(
    app: BanliApplication,
) -> None:
    """Split units reply separately. A verdict on FIN's reply alone used to close the case and
    end HOU's reply (due 2025-05-06) as missed weeks before it was due; the verdict now waits
    for HOU's reply (R-F1), which stays owed and is chased once overdue."""
    flow = Flow(app)
    flow.assign(
        None,
        split_units=(
            "FIN",
            "HOU",
        ),
        on=date(2025, 2, 6),
    )
    flow.replied(on=date(2025, 4, 5), unit="FIN")
    with refused("R-F1"):
        flow.feedback("satisfied", on=date(2025, 4, 20))
    assert _by_kind(app, flow, date(2025, 4, 20))[("reply", "HOU")].status == "pending"
    due = _by_kind(app, flow, date(2025, 9, 1))
    assert due[("reply", "FIN")].status == "met"
    hou = due[("reply", "HOU")]
    assert (hou.status, hou.missed_on) == ("overdue", None)


def test_a_further_replys_own_disclosure_is_not_missed_when_it_closes_the_case_R_D8(
    app: BanliApplication,
) -> None:
    """Issuing the further reply closes the case the same day it opens that reply's disclosure
    deadline; publishing stays possible and owed (R-D4), so that deadline is not missed."""
    flow = _further_reply_issued_on_22_may(app)
    deadlines = case_deadlines(flow.case, app.calendar(), date(2025, 5, 23))
    statuses = {(d.kind, d.opened_on): d.status for d in deadlines}
    assert statuses[("rehandling", date(2025, 5, 6))] == "met"
    assert statuses[("disclosure", date(2025, 5, 22))] == "pending"


def test_a_dissatisfied_verdict_after_a_same_day_closing_opens_a_live_rehandling_R_D3_R_D8(
    app: BanliApplication,
) -> None:
    """A satisfied verdict closes the case; a co-signer's dissatisfied one the same day reopens
    it. The closing came first, so it cannot have ended the re-handling the verdict opened: it
    was "missed" the day it opened, and nobody chased it."""
    flow = Flow(app)
    flow.assign()
    flow.replied()
    flow.feedback("satisfied", on=date(2025, 5, 6))
    flow.feedback("dissatisfied", on=date(2025, 5, 6))
    rehandling = _by_kind(app, flow, date(2025, 5, 20))[("rehandling", "FIN")]
    assert (rehandling.status, rehandling.missed_on) == ("pending", None)
    late = _by_kind(app, flow, date(2025, 6, 10))[("rehandling", "FIN")]
    assert (late.status, late.days_overdue) == ("overdue", 5)


def test_a_second_dissatisfied_verdict_the_day_of_the_further_reply_is_still_owed_R_D3(
    app: BanliApplication,
) -> None:
    """The further reply went out, then a second 不满意 the same day: its new 30 days showed
    按期办结 at once, met by the reply it answered, and could never be overdue."""
    flow = _further_reply_issued_on_22_may(app)
    flow.feedback("dissatisfied", on=date(2025, 5, 22))
    deadlines = case_deadlines(flow.case, app.calendar(), date(2025, 6, 1))
    statuses = {d.opened_on: d.status for d in deadlines if d.kind == "rehandling"}
    assert statuses == {date(2025, 5, 6): "met", date(2025, 5, 22): "pending"}


def test_a_merged_partners_co_opinion_outstanding_at_the_merges_reply_is_missed_R_D8_R_M1(
    app: BanliApplication,
) -> None:
    """A review's partner had its co units chased (已逾期 241 天, a 催办 each round) after the
    merge's reply went out from its primary: their opinions could no longer inform it."""
    primary, partner = Flow(app, "MG-P"), Flow(app, "MG-Q")
    primary.assign("FIN", on=date(2025, 2, 1))
    partner.assign("FIN", ["HOU"], on=date(2025, 2, 1))
    merge(app, primary.id, partner.id, on=date(2025, 3, 1))
    primary.contact("FIN")
    reply_id = primary.submit("FIN", on=date(2025, 4, 8))
    primary.approve(reply_id, on=date(2025, 4, 9))
    primary.issue(reply_id, on=date(2025, 4, 11))
    for as_of in (date(2025, 4, 11), date(2025, 12, 31)):
        missed = _by_kind(app, partner, as_of)[("co_opinion", "HOU")]
        assert (missed.status, missed.missed_on) == ("missed", date(2025, 4, 11))
    assert _by_kind(app, partner, date(2025, 12, 31))[("reply", "FIN")].status == "met"

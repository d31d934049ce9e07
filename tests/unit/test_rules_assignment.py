"""Assignment 交办: R-A1 … R-A4."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain import commands as cmd
from domain.deadlines.case_deadlines import case_deadlines
from domain.errors import RuleViolation
from infra.application import BanliApplication
from tests.support import LEADER, OFFICE, Flow, correct, ctx, handler, refused


def test_lead_with_co_units_split_or_reference_are_accepted_R_A1(app: BanliApplication) -> None:
    a = Flow(app, "A-1")
    a.assign("FIN", ["HOU", "EDU"])
    assert (a.case.lead_unit, a.case.co_units, a.case.stage) == ("FIN", ["HOU", "EDU"], "handling")
    b = Flow(app, "A-2")
    b.run(
        cmd.Assign(
            case_id=b.id,
            split_units=(
                "FIN",
                "HOU",
            ),
            assigned_on=date(2025, 2, 1),
        )
    )
    assert b.case.replying_units == ["FIN", "HOU"]
    c = Flow(app, "A-3")
    c.run(cmd.Assign(case_id=c.id, reference=True, assigned_on=date(2025, 2, 1)))
    assert c.case.reference is True


@pytest.mark.parametrize(
    "fields",
    [
        {"lead_unit": "FIN", "co_units": ["FIN"]},  # both lead and co
        {"lead_unit": "FIN", "split_units": ["HOU", "EDU"]},  # lead and split mixed
        {"co_units": ["HOU"]},  # co without lead
        {"split_units": ["HOU"]},  # a single split unit
        {"lead_unit": "FIN", "co_units": ["HOU"], "reference": True},
        {},
    ],
)
def test_malformed_assignment_is_refused_and_writes_nothing_R_A1(
    app: BanliApplication, fields: dict[str, Any]
) -> None:
    flow = Flow(app)
    before = app.recorder.max_notification_id()
    with refused("R-A1"):
        flow.run(cmd.Assign(case_id=flow.id, assigned_on=date(2025, 2, 1), **fields))
    assert app.recorder.max_notification_id() == before
    assert flow.case.stage == "registered"


def test_second_assignment_goes_through_a_request_R_A2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    with refused("R-A2"):
        flow.assign("HOU")


def _request(flow: Flow, unit: str = "FIN", on: date = date(2025, 2, 5)) -> str:
    rid: str = flow.run(
        cmd.RequestReassignment(
            case_id=flow.id, unit=unit, reason="不属本单位职责", occurred_on=on
        ),
        handler(unit),
    ).extra["request_id"]
    return rid


def _decide(
    flow: Flow,
    rid: str,
    lead: str | None,
    approved: bool = True,
    co: tuple[str, ...] = (),
    **kw: Any,
) -> None:
    flow.run(
        cmd.DecideReassignment(
            case_id=flow.id,
            request_id=rid,
            approved=approved,
            lead_unit=lead,
            co_units=co,
            note="同意改办",
            occurred_on=date(2025, 2, 8),
            **kw,
        )
    )


def _rule(flow: Flow, lead: str, co: tuple[str, ...] = ()) -> None:
    flow.run(
        cmd.RuleOnAssignment(
            case_id=flow.id,
            leader="孙副厅长",
            lead_unit=lead,
            co_units=co,
            note="办公室建议由教育厅主办",
            occurred_on=date(2025, 2, 12),
        ),
        LEADER,
    )


def test_third_assignment_needs_ruling_R_A2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign("FIN")
    _decide(flow, _request(flow, "FIN"), "HOU")
    assert (flow.case.lead_unit, flow.case.assignment_rounds) == ("HOU", 2)
    rid = _request(flow, "HOU", date(2025, 2, 9))
    with refused("R-A2"):
        _decide(flow, rid, "EDU")
    _rule(flow, "EDU", ("HOU",))
    case = flow.case
    assert (case.lead_unit, case.co_units, case.ruled, case.assignment_rounds) == (
        "EDU",
        ["HOU"],
        True,
        3,
    )
    assert case.requests[rid].status == "superseded_by_ruling"


def test_ruling_is_final_no_more_requests_R_A2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign("FIN")
    _decide(flow, _request(flow, "FIN"), "HOU")
    flow.run(
        cmd.RuleOnAssignment(
            case_id=flow.id,
            leader="孙副厅长",
            lead_unit="EDU",
            co_units=(),
            note="裁定",
            occurred_on=date(2025, 2, 12),
        ),
        LEADER,
    )
    with refused("R-A2"):
        _request(flow, "EDU", date(2025, 2, 13))
    with refused("R-A2"):
        flow.run(
            cmd.RuleOnAssignment(
                case_id=flow.id,
                leader="孙",
                lead_unit="FIN",
                co_units=(),
                note="再裁定",
                occurred_on=date(2025, 2, 13),
            ),
            LEADER,
        )


def test_ruling_before_two_rounds_is_refused_R_A2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign("FIN")
    with refused("R-A2"):
        flow.run(
            cmd.RuleOnAssignment(
                case_id=flow.id,
                leader="孙",
                lead_unit="HOU",
                co_units=(),
                note="裁定",
                occurred_on=date(2025, 2, 12),
            ),
            LEADER,
        )


def test_only_an_assigned_unit_may_request_and_rejection_keeps_it_R_A3(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    with refused("R-A1"):
        _request(flow, "EDU")
    rid = _request(flow, "HOU")
    with refused("R-A3"):
        _request(flow, "HOU")  # one open request per unit
    _decide(flow, rid, "HOU", approved=False)
    case = flow.case
    assert case.requests[rid].status == "rejected"
    assert (case.lead_unit, case.co_units, case.assignment_rounds) == ("FIN", ["HOU"], 1)
    with refused("R-A3"):
        _decide(flow, rid, "HOU")  # already decided


def test_approving_a_reassignment_that_leaves_the_asking_unit_where_it_was_is_refused_R_A3(
    app: BanliApplication,
) -> None:
    """A review approved 交通运输厅's own request naming it the lead again: nothing was
    reassigned, yet the round was spent (R-A2) and the request read 已同意改办."""
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    rid = _request(flow, "FIN")
    before = app.recorder.max_notification_id()
    with refused("R-A3"):
        _decide(flow, rid, "FIN")
    assert app.recorder.max_notification_id() == before
    asked_by_co = _request(flow, "HOU")
    with refused("R-A3"):
        _decide(flow, asked_by_co, "FIN", co=("HOU", "EDU"))
    case = flow.case
    assert (case.lead_unit, case.co_units, case.assignment_rounds) == ("FIN", ["HOU"], 1)
    _decide(flow, rid, "EDU")  # the lead's request, granted: another unit leads
    assert (flow.case.lead_unit, flow.case.assignment_rounds) == ("EDU", 2)


def test_approving_a_reassignment_without_a_new_lead_is_refused_at_that_field_R_A1(
    app: BanliApplication,
) -> None:
    """A review's office chose 同意改办 and no 新主办单位: the refusal said an assignment is one
    of three shapes, two of which the form does not offer, and marked no field."""
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    rid = _request(flow, "FIN")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as found:
        _decide(flow, rid, None, co=("EDU",))
    assert (found.value.rule, found.value.field) == ("R-A1", "lead_unit")
    assert found.value.zh == "须选定新的主办单位"
    assert app.recorder.max_notification_id() == before
    _decide(flow, rid, "EDU", approved=False)  # refusing names no unit, as before
    assert flow.case.requests[rid].status == "rejected"


def test_reassignment_keeps_deadlines_unless_restart_is_recorded_R_A4(
    app: BanliApplication,
) -> None:
    kept = Flow(app, "D-1")
    kept.assign("FIN", on=date(2025, 2, 1))
    _decide(kept, _request(kept), "HOU")
    due = {d.kind: d.due_on for d in case_deadlines(kept.case, app.calendar(), date(2025, 3, 1))}
    assert due["reply"] == date(2025, 5, 6)  # 2025-05-01 is Labour Day; rolls to 05-06 (R-D6)

    restarted = Flow(app, "D-2")
    restarted.assign("FIN", on=date(2025, 2, 1))
    _decide(restarted, _request(restarted), "HOU", restart_deadlines=True)
    case = restarted.case
    due = {d.kind: d.due_on for d in case_deadlines(case, app.calendar(), date(2025, 3, 1))}
    assert case.deadline_start == date(2025, 2, 8)
    assert due["reply"] == date(2025, 5, 8)


def test_handling_before_assignment_is_refused_R_A1(app: BanliApplication) -> None:
    flow = Flow(app)
    with refused("R-A1"):
        flow.contact()


def test_reassignment_sets_aside_the_replaced_leads_pending_replies_R_A3(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN")
    flow.contact("FIN", on=date(2025, 2, 2))
    submitted = flow.submit("FIN", on=date(2025, 2, 3))
    _decide(flow, _request(flow, "FIN"), "HOU")
    assert flow.case.replies[submitted].status == "superseded"
    before = app.recorder.max_notification_id()
    with refused("R-A3"):
        flow.approve(submitted, on=date(2025, 2, 9))
    assert app.recorder.max_notification_id() == before
    # The new lead owes the reply and gives its own.
    flow.contact("HOU", on=date(2025, 2, 10))
    own = flow.submit("HOU", on=date(2025, 2, 11))
    assert flow.case.replies[own].status == "submitted"


def test_a_ruling_sets_aside_an_approved_reply_of_the_replaced_lead_R_A3(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN")
    _decide(flow, _request(flow, "FIN"), "HOU")
    flow.contact("HOU", on=date(2025, 2, 9))
    approved = flow.submit("HOU", on=date(2025, 2, 9))
    flow.approve(approved, on=date(2025, 2, 10))
    _rule(flow, "EDU", ("HOU",))
    assert flow.case.replies[approved].status == "superseded"
    with refused("R-A3"):
        flow.issue(approved, "HOU", on=date(2025, 2, 13))


def test_a_reassignment_keeping_the_lead_keeps_its_reply_R_A3(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.contact("FIN", on=date(2025, 2, 2))
    submitted = flow.submit("FIN", on=date(2025, 2, 3))
    _decide(flow, _request(flow, "HOU"), "FIN")  # the co unit leaves; the lead stays
    assert flow.case.replies[submitted].status == "submitted"
    flow.approve(submitted, on=date(2025, 2, 9))


def _joined_late(app: BanliApplication) -> Flow:
    """FIN leads with EDU from 2025-02-01; 改办 on 2025-02-08 makes HOU the lead, EDU and
    CUL co units."""
    flow = Flow(app)
    flow.assign("FIN", ["EDU"])
    _decide(flow, _request(flow, "FIN"), "HOU", co=("EDU", "CUL"))
    return flow


def test_a_unit_brought_in_by_reassignment_records_nothing_dated_before_it_R_X1(
    app: BanliApplication,
) -> None:
    flow = _joined_late(app)
    assert flow.case.joined_on == {
        "HOU": date(2025, 2, 8),
        "EDU": date(2025, 2, 1),
        "CUL": date(2025, 2, 8),
    }
    before = app.recorder.max_notification_id()
    with refused("R-X1") as refusal:
        flow.contact("HOU", on=date(2025, 2, 7))
    assert "早于HOU承办本件之日 2025-02-08" in refusal.value.zh
    with refused("R-X1"):
        flow.visit("HOU", on=date(2025, 2, 7))
    with refused("R-X1"):
        flow.submit("HOU", on=date(2025, 2, 7))
    with refused("R-X1"):
        flow.co_opinion("CUL", on=date(2025, 2, 7))
    with refused("R-X1"):
        flow.run(
            cmd.RecordResponsibility(
                case_id=flow.id,
                unit="CUL",
                unit_leader="钱处长",
                handler="孙科员",
                phone="0311-87801234",
                occurred_on=date(2025, 2, 7),
            ),
            handler("CUL"),
        )
    with refused("R-X1"):  # what a unit's handler heard or uploads is its act too
        preference = cmd.RecordDisclosurePreference(
            case_id=flow.id,
            consent_reply=True,
            consent_original=False,
            occurred_on=date(2025, 2, 7),
        )
        flow.run(preference, handler("HOU"))
    with refused("R-X1"):
        document = cmd.AttachDocument(
            case_id=flow.id,
            kind="other",
            name="走访记录.pdf",
            content_type="application/pdf",
            sha256="0" * 64,
            size=10,
            occurred_on=date(2025, 2, 7),
        )
        flow.run(document, handler("HOU"))
    assert app.recorder.max_notification_id() == before  # refused commands wrote nothing
    flow.contact("EDU", on=date(2025, 2, 2))  # EDU has had the case since the assignment
    flow.contact("HOU", on=date(2025, 2, 8))
    flow.co_opinion("CUL", on=date(2025, 2, 8))
    assert [c.unit for c in flow.case.contacts] == ["EDU", "HOU"]


def test_a_unit_brought_in_by_a_ruling_acts_from_the_ruling_R_X1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign("FIN")
    _decide(flow, _request(flow, "FIN"), "HOU")
    _rule(flow, "EDU", ("HOU",))  # on 2025-02-12
    with refused("R-X1"):
        flow.contact("EDU", on=date(2025, 2, 11))
    flow.contact("HOU", on=date(2025, 2, 10))  # HOU kept: it has had the case since 02-08
    flow.contact("EDU", on=date(2025, 2, 12))


def test_a_correction_moves_no_act_to_before_its_unit_had_the_case_R_X1_R_X2(
    app: BanliApplication,
) -> None:
    flow = _joined_late(app)
    target = flow.contact("HOU", on=date(2025, 2, 9)).events[0]["id"]

    def moved_to(day: str) -> None:
        reason, corrected = "日期记错", {"occurred_on": day}
        correct(app, ctx(OFFICE), flow.id, event_id=target, reason=reason, corrected=corrected)

    with refused("R-X1"):
        moved_to("2025-02-07")
    moved_to("2025-02-08")
    assert flow.case.contacts[0].occurred_on == date(2025, 2, 8)


def test_a_unit_that_left_and_came_back_dates_acts_in_either_stretch_R_X1(
    app: BanliApplication,
) -> None:
    """FIN leads from 02-01, EDU co; 改办 on 02-08 leaves HOU alone; a ruling on 02-12 brings
    EDU back: EDU's acts may fall in 02-01…02-08 or from 02-12, never in between."""
    flow = Flow(app)
    flow.assign("FIN", ["EDU"])
    _decide(flow, _request(flow, "FIN"), "HOU")
    _rule(flow, "HOU", ("EDU",))
    assert flow.case.held_before["EDU"] == [(date(2025, 2, 1), date(2025, 2, 8))]
    flow.contact("EDU", on=date(2025, 2, 3))  # recorded late, from its first stretch
    with refused("R-X1") as refusal:
        flow.contact("EDU", on=date(2025, 2, 10))
    assert "早于EDU承办本件之日 2025-02-12" in refusal.value.zh
    flow.contact("EDU", on=date(2025, 2, 12))


def test_a_decision_recommendation_or_ruling_is_not_dated_before_what_it_answers_R_X1(
    app: BanliApplication,
) -> None:
    """A review's leader ruled on 11-13 on the office's recommendation of 11-14, and the
    timeline read the answer before the question; a reassignment could be decided before it
    was asked for. Each is refused and writes nothing."""
    flow = Flow(app)
    flow.assign("FIN")
    rid = _request(flow, "FIN", date(2025, 2, 5))

    def decision(on: date) -> cmd.DecideReassignment:
        return cmd.DecideReassignment(
            case_id=flow.id, request_id=rid, approved=True, lead_unit="HOU", co_units=(),
            note="同意改办", occurred_on=on,
        )  # fmt: skip

    def recommendation(on: date) -> cmd.RecommendRuling:
        return cmd.RecommendRuling(
            case_id=flow.id, lead_unit="EDU", note="建议教育厅主办", occurred_on=on
        )

    def ruling(on: date) -> cmd.RuleOnAssignment:
        return cmd.RuleOnAssignment(
            case_id=flow.id, leader="孙副厅长", lead_unit="EDU", note="裁定", occurred_on=on
        )

    before = flow.case.version
    with refused("R-X1"):
        flow.run(decision(date(2025, 2, 4)))  # before the request of 02-05
    assert flow.case.version == before
    flow.run(decision(date(2025, 2, 8)))
    _request(flow, "HOU", date(2025, 2, 10))
    asked = flow.case.version
    with refused("R-X1"):
        flow.run(recommendation(date(2025, 2, 9)))  # before the request of 02-10
    with refused("R-X1"):
        flow.run(ruling(date(2025, 2, 9)), LEADER)
    flow.run(recommendation(date(2025, 2, 12)))
    with refused("R-X1"):
        flow.run(ruling(date(2025, 2, 11)), LEADER)  # before the office's recommendation
    assert flow.case.version == asked + 1  # the recommendation alone was recorded
    flow.run(ruling(date(2025, 2, 12)), LEADER)  # the same day: the leader rules at once
    assert (flow.case.lead_unit, flow.case.ruled) == ("EDU", True)

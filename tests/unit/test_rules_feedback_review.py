"""Feedback 反馈, merge 并案, supervision 督办, reassessment 回头看: R-F*, R-M1, R-S*, R-Rv*."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from domain import commands as cmd
from domain.deadlines.case_deadlines import case_deadlines
from domain.errors import InvalidInput
from domain.records import Actor, KeyDesignation, Proposer
from infra.application import BanliApplication
from tests.support import (
    OFFICE,
    SUPERVISOR,
    TODAY,
    Flow,
    deputies,
    handler,
    merge,
    refused,
    undo_merge,
)


def test_feedback_needs_an_issued_reply_R_F1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    with refused("R-F1"):
        flow.feedback("satisfied")
    flow.replied()
    with pytest.raises(InvalidInput):
        flow.feedback("ecstatic")
    flow.feedback("basically_satisfied")
    assert (flow.case.stage, flow.case.feedback[0].verdict) == ("closed", "basically_satisfied")


def test_a_split_case_takes_a_verdict_once_every_split_unit_replied_R_F1_R_R3(
    app: BanliApplication,
) -> None:
    """A review recorded 满意 after HOU's reply alone: the case closed, and EDU's reply, due
    weeks later, counted as missed for good (R-D8) and against EDU's 按时答复率."""
    flow = Flow(app)
    flow.run(cmd.Assign(case_id=flow.id, split_units=("FIN", "HOU"), assigned_on=date(2025, 2, 1)))
    flow.replied(unit="FIN", on=date(2025, 4, 5))
    version = flow.case.version
    with refused("R-F1", "HOU"):
        flow.feedback("satisfied", on=date(2025, 4, 20))
    assert flow.case.version == version
    flow.replied(unit="HOU", on=date(2025, 5, 10))
    flow.feedback("satisfied", on=date(2025, 5, 20))
    assert flow.case.stage == "closed"


def test_a_dissatisfied_verdict_says_what_is_wanted_R_F1(app: BanliApplication) -> None:
    """R-F1: feedback comes "with comments". A 不满意 without any opened re-handling whose
    unit was told only to reply again by a date, not what to answer (R-F2)."""
    flow = Flow(app)
    flow.assign()
    flow.replied()
    version = flow.case.version
    said = cmd.RecordFeedback(case_id=flow.id, verdict="dissatisfied", occurred_on=TODAY)
    for blank in ("", "  \n"):
        with refused("R-F1"):
            flow.run(replace(said, comments=blank))
    assert flow.case.version == version
    flow.run(replace(said, comments="措施不具体"))
    assert (flow.case.stage, flow.case.feedback[0].comments) == ("rehandling", "措施不具体")


def test_dissatisfied_verdict_opens_rehandling_until_the_further_reply_R_F2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    flow.replied()
    flow.feedback("dissatisfied", on=date(2025, 5, 1))
    assert flow.case.stage == "rehandling"
    with refused("R-F2"):
        flow.feedback("satisfied", on=date(2025, 5, 2))
    further = flow.submit(on=date(2025, 5, 10))
    assert flow.case.replies[further].further is True
    # The phone contact of February predates the verdict: a face-to-face one is needed now.
    with refused("R-F2"):
        flow.approve(further, on=date(2025, 5, 11))
    flow.contact(on=date(2025, 5, 12), channel="phone")
    with refused("R-F2"):
        flow.approve(further, on=date(2025, 5, 12))
    flow.visit(on=date(2025, 5, 13))
    flow.approve(further, on=date(2025, 5, 14))
    flow.issue(further, on=date(2025, 5, 20))
    case = flow.case
    assert case.stage == "closed"
    rehandling = [d for d in case_deadlines(case, app.calendar(), TODAY) if d.kind == "rehandling"]
    assert [(d.due_on, d.status) for d in rehandling] == [(date(2025, 6, 3), "met")]


def test_second_reply_without_dissatisfaction_is_refused_R_F2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.replied()
    with refused("R-F2"):
        flow.submit(on=date(2025, 4, 20))


def test_follow_up_call_only_on_a_replied_case_R_F3(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    call: dict[str, Any] = {"summary": "电话回访，代表满意", "occurred_on": date(2025, 4, 20)}
    with refused("R-F3"):
        flow.run(cmd.RecordFollowUpCall(case_id=flow.id, **call), OFFICE)
    flow.replied()
    flow.run(cmd.RecordFollowUpCall(case_id=flow.id, **call), OFFICE)
    assert flow.case.follow_up_calls[0].summary == "电话回访，代表满意"


def _three_cases(app: BanliApplication) -> tuple[Flow, Flow, Flow]:
    a = Flow(app, "M-1", proposers=deputies("张三", "李四"))
    b = Flow(app, "M-2", proposers=deputies("王五", "张三"))
    members = [Proposer(name="陈委员", type="member", role="lead")]
    c = Flow(app, "M-3", kind="proposal", proposers=members)
    for flow in (a, b, c):
        flow.assign()
    return a, b, c


def test_suggestions_and_proposals_are_never_merged_R_M1(app: BanliApplication) -> None:
    a, _, c = _three_cases(app)
    before = app.recorder.max_notification_id()
    with refused("R-M1"):
        merge(app, a.id, c.id, on=date(2025, 3, 1))
    assert app.recorder.max_notification_id() == before
    assert a.case.merge is None and c.case.merge is None


def test_merged_cases_share_one_reply_to_every_proposer_R_M1(app: BanliApplication) -> None:
    a, b, _ = _three_cases(app)
    result = merge(app, a.id, b.id, on=date(2025, 3, 1))
    assert [e["type"] for e in result.events] == ["Merged", "Merged"]
    merged_a, merged_b = a.case.merge, b.case.merge
    assert merged_a is not None and merged_b is not None
    assert merged_a.numbers == merged_b.numbers == ["M-1", "M-2"]
    with refused("R-M1"):
        b.submit()  # the primary case answers for the merge
    reply = a.replied()
    assert a.case.replies[reply].recipients == ["张三", "李四", "王五"]
    partner = b.case
    assert partner.stage == "replied"
    assert partner.merge is not None and partner.merge.answered_by is not None
    assert partner.merge.answered_by.number == "M-1"
    assert [e.__class__.__name__ for e in app.case_events(b.id)][-1] == "MergedReplyIssued"
    due = {d.kind: d.status for d in case_deadlines(partner, app.calendar(), TODAY)}
    assert due["reply"] == "met"
    with refused("R-M1"):
        merge(app, a.id, b.id, on=date(2025, 5, 1))


def test_a_case_whose_reply_awaits_approval_or_issue_is_not_merged_R_M1(
    app: BanliApplication,
) -> None:
    """A reply approved for one case would go out as the merge's reply, for a case and to
    proposers its leader never saw: it is returned first."""
    a, b, _ = _three_cases(app)
    d = _fourth_case(app)
    a.contact()
    reply = a.submit()
    before = app.recorder.max_notification_id()
    with refused("R-M1") as submitted:
        merge(app, b.id, a.id, on=date(2025, 4, 2))
    assert "M-1 已有送审或待印发的答复" in submitted.value.zh
    assert app.recorder.max_notification_id() == before
    d.contact()
    d.approve(d.submit())
    with refused("R-M1"):  # approved, awaiting its issue
        merge(app, b.id, d.id, on=date(2025, 4, 4))
    a.approve(reply, approved=False)  # returned: the merge's reply is written anew
    merge(app, a.id, b.id, on=date(2025, 4, 4))
    assert d.case.merge is None


def test_a_merge_is_undone_on_every_case_and_each_answers_for_itself_again_R_M1(
    app: BanliApplication,
) -> None:
    a, b, _ = _three_cases(app)
    merged = merge(app, a.id, b.id, on=date(2025, 3, 1))
    result = undo_merge(app, b.id, on=date(2025, 3, 5))  # named by a partner: the whole merge
    assert [e["type"] for e in result.events] == ["MergeUndone", "MergeUndone"]
    assert result.extra["merge_id"] == merged.extra["merge_id"]
    assert result.extra["case_ids"] == [b.id, a.id]
    assert a.case.merge is None and b.case.merge is None
    reply = b.submit()  # the partner's own unit answers it again
    assert b.case.replies[reply].status == "submitted"
    kinds = [e.__class__.__name__ for e in app.case_events(b.id)]
    assert kinds[-3:-1] == ["Merged", "MergeUndone"]
    merge(app, a.id, _fourth_case(app).id, on=date(2025, 3, 6))  # and a case may merge anew
    own = a.replied()
    assert a.case.replies[own].recipients == ["张三", "李四", "赵六"]  # not 王五: B's is apart
    assert b.case.stage == "handling"


def _fourth_case(app: BanliApplication) -> Flow:
    d = Flow(app, "M-4", proposers=deputies("赵六"))
    d.assign()
    return d


def test_a_merge_is_undone_only_before_its_reply_and_with_a_reason_R_M1(
    app: BanliApplication,
) -> None:
    a, b, c = _three_cases(app)
    merge(app, a.id, b.id, on=date(2025, 3, 1))
    before = app.recorder.max_notification_id()
    with refused("R-M1"):  # not merged
        undo_merge(app, c.id, on=date(2025, 3, 5))
    with pytest.raises(InvalidInput):
        undo_merge(app, a.id, on=date(2025, 3, 5), reason=" ")
    with refused("R-X1"):  # before the merge it undoes
        undo_merge(app, a.id, on=date(2025, 2, 20))
    assert app.recorder.max_notification_id() == before
    a.contact()
    reply = a.submit()
    with refused("R-M1") as under_way:  # written and submitted as the merge's reply
        undo_merge(app, b.id, on=date(2025, 4, 2))
    assert "须退回后再撤销并案" in under_way.value.zh
    a.approve(reply)
    a.issue(reply)
    before = app.recorder.max_notification_id()
    for named in (a, b):  # answered: every proposer has the merged reply, named from either
        with refused("R-M1"):
            undo_merge(app, named.id, on=date(2025, 4, 10))
    assert app.recorder.max_notification_id() == before
    partner = b.case.merge
    assert partner is not None and partner.answered_by is not None


def test_key_case_records_source_and_leader_in_charge_R_S2(app: BanliApplication) -> None:
    flow = Flow(app)
    with pytest.raises(InvalidInput):
        flow.run(
            cmd.DesignateKey(case_id=flow.id, source="newspaper", occurred_on=date(2025, 1, 25))
        )
    flow.run(
        cmd.DesignateKey(
            case_id=flow.id,
            source="government",
            leader_in_charge="孙副厅长",
            occurred_on=date(2025, 1, 25),
        )
    )
    assert flow.case.key == KeyDesignation(
        source="government",
        leader_in_charge="孙副厅长",
        on=date(2025, 1, 25),
    )


def test_reminders_are_events_on_the_case_R_S3(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    with pytest.raises(InvalidInput):
        flow.run(
            cmd.Remind(
                case_id=flow.id, means="carrier_pigeon", note="催办", occurred_on=date(2025, 4, 1)
            ),
            SUPERVISOR,
        )
    flow.run(
        cmd.Remind(
            case_id=flow.id, means="circular", note="通报催办", occurred_on=date(2025, 4, 1)
        ),
        SUPERVISOR,
    )
    assert flow.case.reminders[0].means == "circular"


def test_reassessment_findings_follow_the_reply_class_R_Rv1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    with refused("R-Rv1"):
        flow.run(
            cmd.Reassess(
                case_id=flow.id, finding="implemented", note="-", occurred_on=date(2025, 4, 1)
            ),
            SUPERVISOR,
        )
    flow.replied("A")
    with refused("R-Rv1") as wrong:
        flow.run(
            cmd.Reassess(
                case_id=flow.id, finding="advancing", note="-", occurred_on=date(2025, 9, 1)
            ),
            SUPERVISOR,
        )
    # Said in the words the form offers, not as a list of codes.
    assert wrong.value.zh == "A类答复的回头看结论应为已落实、未落实之一"
    flow.run(
        cmd.Reassess(
            case_id=flow.id, finding="not_implemented", note="未落实", occurred_on=date(2025, 9, 1)
        ),
        SUPERVISOR,
    )
    assert flow.case.under_supervision is True
    flow.run(
        cmd.Reassess(
            case_id=flow.id, finding="implemented", note="已落实", occurred_on=date(2025, 11, 1)
        ),
        SUPERVISOR,
    )
    assert flow.case.under_supervision is False

    c_class = Flow(app, "RV-C")
    c_class.assign()
    c_class.replied("C")
    with refused("R-Rv1"):
        c_class.run(
            cmd.Reassess(
                case_id=c_class.id, finding="implemented", note="-", occurred_on=date(2025, 9, 1)
            ),
            SUPERVISOR,
        )


def test_b_class_commitment_closes_out_only_when_fulfilled_R_Rv2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.replied("B")
    close: dict[str, Any] = {"note": "承诺事项已完成，销号", "occurred_on": date(2025, 12, 20)}
    with refused("R-Rv2"):
        flow.run(cmd.CloseOut(case_id=flow.id, **close), OFFICE)
    flow.run(
        cmd.Reassess(
            case_id=flow.id, finding="stalled", note="推进缓慢", occurred_on=date(2025, 10, 1)
        ),
        SUPERVISOR,
    )
    assert flow.case.under_supervision is True
    with refused("R-Rv2"):
        flow.run(cmd.CloseOut(case_id=flow.id, **close), OFFICE)
    flow.run(
        cmd.Reassess(
            case_id=flow.id, finding="fulfilled", note="已完成", occurred_on=date(2025, 12, 1)
        ),
        SUPERVISOR,
    )
    flow.run(cmd.CloseOut(case_id=flow.id, **close), OFFICE)
    assert flow.case.closed_out_on == date(2025, 12, 20)
    with refused("R-Rv2"):
        flow.run(cmd.CloseOut(case_id=flow.id, **close), OFFICE)

    a_class = Flow(app, "RV-A")
    a_class.assign()
    a_class.replied("A")
    with refused("R-Rv2"):
        a_class.run(cmd.CloseOut(case_id=a_class.id, **close), OFFICE)


def test_a_close_out_is_dated_no_earlier_than_the_finding_it_rests_on_R_Rv2(
    app: BanliApplication,
) -> None:
    """A 销号 dated 10-01 on a 回头看 of 11-01 that found the commitment fulfilled was taken (a
    review); the same day is in order."""
    flow = Flow(app)
    flow.assign()
    flow.replied("B")
    found: dict[str, Any] = {
        "finding": "fulfilled",
        "note": "已完成",
        "occurred_on": date(2025, 11, 1),
    }
    flow.run(cmd.Reassess(case_id=flow.id, **found), SUPERVISOR)
    before = flow.case.version
    with refused("R-Rv2", "早于确认落实的回头看日期 2025-11-01"):
        flow.run(cmd.CloseOut(case_id=flow.id, note="销号", occurred_on=date(2025, 10, 1)), OFFICE)
    assert flow.case.version == before
    flow.run(cmd.CloseOut(case_id=flow.id, note="销号", occurred_on=date(2025, 11, 1)), OFFICE)
    assert flow.case.closed_out_on == date(2025, 11, 1)


def _merged_and_answered(app: BanliApplication, cls: str = "B") -> tuple[Flow, Flow]:
    a, b, _ = _three_cases(app)
    merge(app, a.id, b.id, on=date(2025, 3, 1))
    a.replied(cls)
    return a, b


def test_merged_partner_rehandles_its_own_dissatisfaction_R_M1_R_F2(
    app: BanliApplication,
) -> None:
    a, b = _merged_and_answered(app)
    b.feedback("dissatisfied", on=date(2025, 5, 1))
    b.visit(on=date(2025, 5, 3))
    further = b.submit(on=date(2025, 5, 5))
    b.approve(further, on=date(2025, 5, 6))
    b.issue(further, on=date(2025, 5, 8))
    assert (b.case.stage, a.case.stage) == ("closed", "replied")


def test_further_reply_on_the_primary_leaves_partners_deadlines_alone_R_M1(
    app: BanliApplication,
) -> None:
    a, b = _merged_and_answered(app)
    a.feedback("dissatisfied", on=date(2025, 5, 1))
    a.visit(on=date(2025, 5, 3))
    further = a.submit(on=date(2025, 5, 5))
    a.approve(further, on=date(2025, 5, 6))
    a.issue(further, on=date(2025, 5, 20))
    partner = b.case
    assert partner.merge is not None and partner.merge.answered_by is not None
    assert partner.merge.answered_by.issued_on == date(2025, 4, 5)
    due = {d.kind: d for d in case_deadlines(partner, app.calendar(), TODAY)}
    assert (due["reply"].status, due["reply"].met_on) == ("met", date(2025, 4, 5))


def test_merged_partner_is_reassessed_and_closed_out_by_the_merge_reply_R_Rv1_R_Rv2(
    app: BanliApplication,
) -> None:
    _, b = _merged_and_answered(app, "B")
    b.run(
        cmd.Reassess(
            case_id=b.id, finding="fulfilled", note="已完成", occurred_on=date(2025, 9, 1)
        ),
        SUPERVISOR,
    )
    b.run(cmd.CloseOut(case_id=b.id, note="销号", occurred_on=date(2025, 9, 2)), OFFICE)
    assert b.case.closed_out_on == date(2025, 9, 2)


def test_feedback_carries_its_source_and_a_handler_cannot_record_it_R_F4(
    app: BanliApplication,
) -> None:
    """The proposer speaks through their link; the office may key a verdict in, marked as the
    office's; the unit that handled the case never records its own satisfaction."""
    flow = Flow(app, proposers=deputies("张三", "李四"))
    flow.assign()
    flow.replied()
    verdict = cmd.RecordFeedback(case_id=flow.id, verdict="satisfied", occurred_on=date(2025, 5, 1))
    with refused("R-F4"):
        flow.run(verdict, handler("FIN"))
    stranger = Actor(user="proposer:王五", role="proposer", unit=None)
    with refused("R-F4"):  # not a proposer of this case
        flow.run(replace(verdict, proposer="王五"), stranger)
    deputy = Actor(user="proposer:李四", role="proposer", unit=None)
    said = replace(verdict, verdict="dissatisfied", comments="不具体", proposer="李四")
    flow.run(said, deputy)
    keyed = flow.case.feedback[-1]
    assert (keyed.source, keyed.proposer) == ("proposer", "李四")
    flow.visit(on=date(2025, 5, 5))
    further = flow.submit(on=date(2025, 5, 10))
    flow.approve(further, on=date(2025, 5, 11))
    flow.issue(further, on=date(2025, 5, 12))
    flow.feedback("basically_satisfied", on=date(2025, 5, 20))  # keyed in by the office
    assert [(f.source, f.proposer) for f in flow.case.feedback] == [
        ("proposer", "李四"),
        ("office", None),
    ]


def test_a_unit_designates_at_most_two_key_cases_of_its_own_a_year_R_S2(
    app: BanliApplication,
) -> None:
    """Counted per lead unit and year across cases; other sources have no such limit."""
    flows = [Flow(app, f"KQ-{i}") for i in range(4)]
    for flow in flows:
        flow.assign("FIN")
    own = [
        cmd.DesignateKey(
            case_id=f.id, source="unit", occurred_on=date(2025, 2, 5), leader_in_charge="孙副厅长"
        )
        for f in flows
    ]
    flows[0].run(own[0])
    flows[1].run(own[1])
    # The same case again, with another leader in charge, is not a third.
    flows[1].run(replace(own[1], leader_in_charge="王副厅长"))
    head = app.recorder.max_notification_id()
    with refused("R-S2"):
        flows[2].run(own[2])
    assert app.recorder.max_notification_id() == head
    flows[2].run(replace(own[2], source="government"))
    other_year = Flow(app, "KQ-2026", year=2026)
    other_year.assign("FIN")
    other_year.run(replace(own[0], case_id=other_year.id))
    unassigned = Flow(app, "KQ-X")
    with refused("R-S2"):
        unassigned.run(replace(own[0], case_id=unassigned.id))
    assert [f.case.key is not None for f in flows] == [True, True, True, False]


def test_a_key_designation_the_case_already_holds_is_refused_and_writes_nothing_R_S2(
    app: BanliApplication,
) -> None:
    """Ten identical designations sent at once without an Idempotency-Key recorded ten key
    events: each a second decision on the 重点件 list and in the audit trail."""
    flow = Flow(app, "KD-1")
    flow.assign("FIN")
    key = cmd.DesignateKey(
        case_id=flow.id, source="government", occurred_on=date(2025, 2, 5), leader_in_charge="孙"
    )
    flow.run(key)
    head = app.recorder.max_notification_id()
    with refused("R-S2"):
        flow.run(replace(key, occurred_on=date(2025, 2, 6)))
    assert app.recorder.max_notification_id() == head
    flow.run(replace(key, leader_in_charge="王"))  # a new leader in charge is a change
    assert flow.case.key is not None and flow.case.key.leader_in_charge == "王"


def test_what_a_proposer_said_through_their_link_is_corrected_by_no_one_else_R_F4_R_X2(
    app: BanliApplication,
) -> None:
    """The office could rewrite the comments a deputy gave through their own link, the words
    R-F4's link and satisfaction by source exist to keep theirs. The office still corrects
    feedback it keyed in itself."""
    flow = Flow(app, proposers=deputies("张三"))
    flow.assign()
    flow.replied()
    deputy = Actor(user="proposer:张三", role="proposer", unit=None)
    said = cmd.RecordFeedback(
        case_id=flow.id,
        verdict="dissatisfied",
        comments="答复未回应核心诉求",
        proposer="张三",
        occurred_on=date(2025, 5, 1),
    )
    own = flow.run(said, deputy).version
    rewrite = cmd.Correct(
        case_id=flow.id, version=own, corrected={"comments": "基本满意"}, reason="代录更正"
    )
    head = app.recorder.max_notification_id()
    with refused("R-F4"):
        flow.run(rewrite)  # the office
    with refused("R-F4"):
        flow.run(rewrite, handler("FIN"))
    assert app.recorder.max_notification_id() == head
    flow.visit(on=date(2025, 5, 5))
    further = flow.submit(on=date(2025, 5, 10))
    flow.approve(further, on=date(2025, 5, 11))
    flow.issue(further, on=date(2025, 5, 12))
    keyed = flow.run(
        cmd.RecordFeedback(
            case_id=flow.id, verdict="satisfied", comments="满意", occurred_on=date(2025, 5, 20)
        )
    ).version
    flow.run(replace(rewrite, version=keyed, corrected={"comments": "满意，望持续推进"}))
    assert flow.case.feedback[-1].comments == "满意，望持续推进"


def test_a_dissatisfied_case_is_under_supervision_until_its_further_reply_R_F2(
    app: BanliApplication,
) -> None:
    """R-F2: 挂账督办 until the further reply. Only a 回头看 had put a case under supervision,
    so a case in re-handling was missing from the 挂账督办 list."""
    flow = Flow(app)
    flow.assign()
    flow.replied()
    assert flow.case.under_supervision is False
    flow.feedback("dissatisfied", on=date(2025, 5, 1))
    assert flow.case.under_supervision is True
    flow.visit(on=date(2025, 5, 5))
    further = flow.submit(on=date(2025, 5, 10))
    flow.approve(further, on=date(2025, 5, 11))
    assert flow.case.under_supervision is True  # approved, not yet issued
    flow.issue(further, on=date(2025, 5, 12))
    assert flow.case.under_supervision is False


def test_a_visit_earlier_the_day_of_the_verdict_does_not_answer_it_R_F2(
    app: BanliApplication,
) -> None:
    """A visit recorded before a 不满意 of the same day answered nothing of it: the further
    reply needs a face-to-face contact recorded after the verdict (a later one that day does)."""
    flow = Flow(app)
    flow.assign()
    flow.replied()
    flow.visit(on=date(2025, 5, 1))
    flow.feedback("dissatisfied", on=date(2025, 5, 1))
    further = flow.submit(on=date(2025, 5, 2))
    with refused("R-F2"):
        flow.approve(further, on=date(2025, 5, 3))
    flow.visit(on=date(2025, 5, 1))  # that afternoon, recorded after the verdict
    flow.approve(further, on=date(2025, 5, 3))
    assert flow.case.replies[further].status == "approved"

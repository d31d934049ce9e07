"""Replies 答复 (DOMAIN.md R-R1 … R-R4).

R-R1 a reply is class A, B or C, fixed once issued. R-R2 a leader approves a reply before it is
issued; the lead's reply waits for every co opinion unless the office records an override; one
reply in progress per unit. R-R3 reference cases get no written reply; the lead or each split
unit replies, co units deliver opinions. (R-R4, the copies, is ``COPIES_BY_KIND``.)
"""

from __future__ import annotations

from datetime import date

from domain.checks import check_text
from domain.errors import InvalidInput, NotFound, RuleViolation
from domain.records import MergeAnswer, Reply
from domain.rules.state import CaseState


def reply_of(case: CaseState, reply_id: str) -> Reply:
    reply = case.replies.get(reply_id)
    if reply is None:
        raise NotFound("答复不存在", f"no reply {reply_id} on this case")
    return reply


def has_issued_reply(case: CaseState) -> bool:
    return any(r.issued for r in case.replies.values()) or bool(
        case.merge and case.merge.answered_by
    )


def units_yet_to_reply(case: CaseState) -> list[str]:
    """The replying units (the lead, or each split unit: R-R3) with no issued reply, unless a
    merge's reply answered the case (R-M1)."""
    if case.merge is not None and case.merge.answered_by is not None:
        return []
    issued = {r.unit for r in case.replies.values() if r.issued}
    return [u for u in case.replying_units if u not in issued]


def unit_answers(case: CaseState, unit: str) -> list[Reply | MergeAnswer]:
    """What answers ``unit``'s part of the case, in the order issued: its issued replies (not a
    further one, R-F2) and, where it is a replying unit of a merged case, the merge's reply
    (R-M1). What meets its reply deadline, and what its 按时答复 and A/B/C count."""
    return [a for a in _issued_in_order(case) if _answers_unit(case, a, unit)]


def _answers_unit(case: CaseState, answer: Reply | MergeAnswer, unit: str) -> bool:
    if isinstance(answer, MergeAnswer):  # the merge's reply, issued by its primary's unit
        return unit in case.replying_units
    return answer.unit == unit and not answer.further


def _issued_in_order(case: CaseState) -> list[Reply | MergeAnswer]:
    """The case's issued replies, and the merge's reply that answered it (R-M1), in the order
    they were issued (a day's by the version that issued them)."""
    issued: list[tuple[date, int, Reply | MergeAnswer]] = [
        (r.issued_on, r.version, r)
        for r in case.replies.values()
        if r.issued and r.issued_on is not None
    ]
    answered_by = case.merge.answered_by if case.merge else None
    if answered_by is not None:
        issued.append((answered_by.issued_on, 0, answered_by))
    return [reply for _, _, reply in sorted(issued, key=lambda t: (t[0], t[1]))]


def issue_dates(case: CaseState) -> list[date]:
    """The days the case's replies were issued (the merge's that answered it included), in
    order: what feedback, a follow-up call and a reassessment come after (R-X1)."""
    return [reply.issued_on for reply in _issued_in_order(case) if reply.issued_on is not None]


def latest_issued_reply(case: CaseState) -> Reply | MergeAnswer | None:
    """The case's latest issued reply, or the merge's reply that answered it (R-M1)."""
    issued = _issued_in_order(case)
    return issued[-1] if issued else None


def latest_issued_by_unit(case: CaseState) -> dict[str, Reply | MergeAnswer]:
    """Each replying unit's latest issued reply: split units each reply (R-R3), so a split
    case holds one answer per unit; the merge's reply counts for the unit that gave it (R-M1).
    In the order of the units' first issue."""
    found: dict[str, Reply | MergeAnswer] = {}
    for reply in _issued_in_order(case):
        found[reply.unit] = reply  # a later one replaces it, in its first place
    return found


def latest_issued_classification(case: CaseState) -> str | None:
    reply = latest_issued_reply(case)
    return None if reply is None else reply.classification


def check_may_reply(case: CaseState, unit: str) -> None:
    """R-R3: no written reply to a reference case; the lead or a split unit replies."""
    if case.reference:
        raise RuleViolation(
            "R-R3", "参阅件不需书面答复，须登记沟通联系", "a reference case gets no written reply"
        )
    if unit not in case.replying_units:
        raise RuleViolation(
            "R-R3",
            f"{unit} 不是主办或分办单位，会办单位应提交会办意见",
            f"unit {unit} is not the lead or a split unit; co units deliver opinions instead",
        )


def check_no_reply_in_progress(case: CaseState, unit: str) -> None:
    pending = [
        r for r in case.replies.values() if r.unit == unit and r.status in ("submitted", "approved")
    ]
    if pending:
        raise RuleViolation(
            "R-R2", "该单位已有待审批或待印发的答复", f"unit {unit} already has a reply in progress"
        )


def check_not_superseded(reply: Reply) -> None:
    """R-A3: the reply of a unit a reassignment (or a ruling) relieved answers nothing now."""
    if reply.status == "superseded":
        raise RuleViolation(
            "R-A3",
            f"该件已改办，{reply.unit} 的答复已作废，由现主办单位答复",
            f"the case was reassigned: the reply of {reply.unit} is set aside",
        )


def check_awaiting_decision(reply: Reply, approved: bool) -> None:
    """R-R2: a leader approves a reply awaiting the decision, and returns one awaiting it or
    approved and not yet issued (退回重办: the way to change what was approved, whose class
    and words are no longer corrected, ``check_class_correctable``)."""
    check_not_superseded(reply)
    if approved and reply.status != "submitted":
        raise RuleViolation(
            "R-R2",
            "只有待审批的答复可以审批",
            "only a submitted reply can be approved",
        )
    if not approved and reply.status not in ("submitted", "approved"):
        raise RuleViolation(
            "R-R2",
            "只有待审批或已批准未印发的答复可以退回",
            "only a submitted reply, or an approved one not yet issued, can be returned",
        )


def check_approved(reply: Reply) -> None:
    check_not_superseded(reply)
    if reply.status != "approved":
        raise RuleViolation(
            "R-R2", "答复须经领导审签后方可印发", "a reply is issued only after approval"
        )


def check_override_by_office(override_reason: str | None, role: str) -> None:
    """R-R2: issuing before every co opinion has arrived is the office's decision, recorded
    with its reason; the unit waiting for the opinions does not waive them itself."""
    if override_reason is not None and role != "office":
        raise RuleViolation(
            "R-R2",
            "会办意见未到齐而先行印发，须由办公室记录理由",
            "only the office records an override of the co-handling opinions",
        )


def _waits_for_co_opinions(case: CaseState, unit: str) -> bool:
    """R-R2: the reply of ``unit`` waits for the co opinions: the lead's, unless an override
    the office recorded for its issued reply stands for its further one (R-D8)."""
    if unit != case.lead_unit:
        return False
    return not any(r.unit == unit and r.issued and r.override_reason for r in case.replies.values())


def _missing_co_opinions(case: CaseState) -> list[str]:
    return [u for u in case.co_units if u not in case.co_opinions]


def awaited_co_opinions(case: CaseState, unit: str) -> list[str]:
    """R-R2: the co units whose opinions the reply of ``unit`` waits for before it is issued."""
    return _missing_co_opinions(case) if _waits_for_co_opinions(case, unit) else []


def check_co_opinions_arrived(
    case: CaseState, reply: Reply, override_reason: str | None, issued_on: date
) -> None:
    """R-R2: the lead's reply waits for every co opinion unless the office records an override,
    by the days too: issued no earlier than the last opinion arrived (a back-dated issue read
    按期办结 where the reply had been 已逾期). An override already recorded for the case's
    first reply stands for its further one: the opinions it went without can no longer arrive
    in time (R-D8)."""
    if override_reason is not None or not _waits_for_co_opinions(case, reply.unit):
        return
    missing = _missing_co_opinions(case)
    if missing:
        raise RuleViolation(
            "R-R2",
            f"会办单位意见未到齐：{'、'.join(missing)}",
            f"co-handling opinions missing from {', '.join(missing)}; wait, or have the office "
            "record an override reason",
        )
    arrived = [case.co_opinions[u] for u in case.co_units]
    last = max(arrived, key=lambda o: o.occurred_on, default=None)
    if last is not None and issued_on < last.occurred_on:
        raise RuleViolation(
            "R-R2",
            f"印发日期 {issued_on} 早于会办意见送达日期 {last.occurred_on}（{last.unit}）："
            "答复须在会办意见到齐后印发",
            f"issued on {issued_on}, before the co opinion of {last.unit} arrived on "
            f"{last.occurred_on}",
        )


def issue_refusal(case: CaseState, unit: str) -> RuleViolation | None:
    """What issuing the approved reply of ``unit`` would be refused for now under R-R2 (a co
    opinion awaited), whatever day is given: asked beforehand for the unit that issues it.
    Only the office goes past it, with a reason (``check_override_by_office``)."""
    stand_in = Reply("", unit, "A", "", None, "", "", False, date.min, 0)
    try:
        check_co_opinions_arrived(case, stand_in, None, date.max)
    except RuleViolation as refused:
        return refused
    return None


def check_class_correctable(reply: Reply) -> None:
    """R-R1: an issued reply's class is what the proposer was told; it is not corrected. R-R2:
    an approved one's is what the leader approved, and what is issued is approved: a review's
    handler corrected an approved C to A and issued it alone. The leader returns it instead."""
    if reply.issued:
        raise RuleViolation(
            "R-R1", "已印发的答复不能更改类别", "an issued reply's class cannot be corrected"
        )
    if reply.status == "approved":
        raise RuleViolation(
            "R-R2",
            "答复已经领导批准，类别以批准的为准，不能更正；如需更改，请领导退回重办后重新送审",
            "an approved reply's class is the one approved; the leader returns it to change it",
        )


def check_document_number(case: CaseState, reply: Reply, number: object) -> str:
    """A 文号 names one document: a second reply of the case issued under another reply's
    number (a further reply is a letter of its own) would make two letters one on every paper,
    the register and the case page."""
    checked = check_text(number, "document_number")
    taken = [r for r in case.replies.values() if r is not reply and r.document_number == checked]
    if taken:
        raise InvalidInput(
            f"文号 {checked} 已用于本件的另一份答复（{taken[0].issued_on} 印发）",
            f"document number {checked} is another reply's of this case",
            "document_number",
        )
    return checked

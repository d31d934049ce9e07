"""The rule checks of DOMAIN.md §3 that need the case's state. Each names its rule id.

They take the case as ``Any`` (duck-typed on the Case attributes) so this module needs no import
of the aggregate and stays a flat list of small, separately testable guards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.checks import (
    check_bool,
    check_not_before,
    check_not_future,
    check_one_of,
    check_person,
    check_text,
    check_text_list,
    check_unit_codes,
)
from domain.errors import InvalidInput, RuleViolation
from domain.vocabulary import (
    CLASSIFICATIONS,
    CONTACT_PHASES,
    FACE_TO_FACE_CHANNELS,
    FINDINGS_BY_CLASS,
    KINDS,
    LEVELS,
    PROPOSER_ROLES,
    PROPOSER_TYPES,
    WITHHELD_REASONS,
)

Item = dict[str, Any]

# ---------------------------------------------------------------------- registration


def check_registration(
    number: object, kind: object, level: object, year: object, title: object, proposers: object
) -> Item:
    checked_kind = check_one_of(kind, KINDS, "kind")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
        raise InvalidInput("年度无效", f"year must be a plausible year, got {year!r}")
    return {
        "number": check_text(number, "number"),
        "kind": checked_kind,
        "level": check_one_of(level, LEVELS, "level"),
        "year": year,
        "title": check_text(title, "title"),
        "proposers": check_proposers(checked_kind, proposers),
    }


def check_proposers(kind: str, proposers: object) -> list[Item]:
    """Exactly one lead; deputies sign suggestions, members or units sign proposals (R-C4)."""
    if not isinstance(proposers, list) or not proposers:
        raise InvalidInput("至少需要一名提出人", "proposers must list at least one proposer")
    checked: list[Item] = []
    for p in proposers:
        if not isinstance(p, Mapping):
            raise InvalidInput("提出人格式无效", "each proposer needs name, type and role")
        checked.append(
            {
                "name": check_text(p.get("name"), "proposers.name"),
                "type": check_one_of(p.get("type"), PROPOSER_TYPES, "proposers.type"),
                "role": check_one_of(p.get("role"), PROPOSER_ROLES, "proposers.role"),
            }
        )
    if sum(p["role"] == "lead" for p in checked) != 1:
        raise InvalidInput("须有且只有一名领衔人", "exactly one proposer must have role 'lead'")
    allowed = {"deputy"} if kind == "suggestion" else {"member", "unit"}
    wrong = [p["name"] for p in checked if p["type"] not in allowed]
    if wrong:
        raise RuleViolation(
            "R-C4",
            f"建议由代表提出、提案由委员或参加单位提出：{wrong}",
            f"a {kind} is raised by {sorted(allowed)} only; wrong type for {wrong}",
        )
    return checked


# ---------------------------------------------------------------------- assignment


def check_assignment_shape(
    lead_unit: object, co_units: object, split_units: object, reference: object
) -> Item:
    """R-A1: one lead (+ co units), or several split units, or a reference case; never mixed."""
    is_reference = check_bool(reference if reference is not None else False, "reference")
    co = check_unit_codes(co_units if co_units is not None else [], "co_units")
    split = check_unit_codes(split_units if split_units is not None else [], "split_units")
    lead = None if lead_unit is None else check_text(lead_unit, "lead_unit")
    # A reference case (参阅件) may name the unit it is sent to, which must then contact the
    # proposer (R-D5); it has no co or split units and owes no written reply (R-R3).
    shapes = [is_reference, lead is not None and not is_reference, bool(split)]
    if sum(shapes) != 1 or (is_reference and (co or split)):
        raise RuleViolation(
            "R-A1",
            "交办须为：一个主办单位（可加会办单位），或若干分办单位，或参阅件，三者取一",
            "assign exactly one of: a lead unit (with co units), split units, or reference",
        )
    if co and lead is None:
        raise RuleViolation("R-A1", "会办单位须配主办单位", "co-handling units need a lead unit")
    if lead is not None and lead in co:
        raise RuleViolation(
            "R-A1", f"{lead} 不能同时为主办和会办", f"unit {lead} cannot be both lead and co"
        )
    if split and len(split) < 2:
        raise RuleViolation(
            "R-A1", "分办至少两个单位", "a split assignment needs two or more units"
        )
    return {"lead_unit": lead, "co_units": co, "split_units": split, "reference": is_reference}


def check_may_request_reassignment(case: Any, unit: str) -> None:
    """R-A3 only an assigned unit asks; R-A2 none after a ruling; one open request per unit."""
    if case.ruled:
        raise RuleViolation(
            "R-A2",
            "已经厅领导裁定，不再受理改办申请",
            "a ruling is final: no more reassignment requests",
        )
    if case.reference:
        raise RuleViolation(
            "R-A3", "参阅件不改办", "a reference case has no handling unit to change"
        )
    if any(r["unit"] == unit and r["status"] == "open" for r in case.requests.values()):
        raise RuleViolation(
            "R-A3", "该单位已有待处理的改办申请", f"unit {unit} already has an open request"
        )


def check_round_available(case: Any) -> None:
    """R-A2: initial assignment + one reassignment; a third round needs the leader's ruling."""
    if case.assignment_rounds >= 2:
        raise RuleViolation(
            "R-A2",
            "批分原则上不超过两次，再次改办须报分管厅领导裁定",
            "two assignment rounds are used; a further reassignment needs a leader's ruling",
        )


def check_ruling_allowed(case: Any) -> None:
    if case.ruled:
        raise RuleViolation("R-A2", "裁定为最终决定", "a ruling is final and was already made")
    if case.assignment_rounds < 2:
        raise RuleViolation(
            "R-A2",
            "未超过两次批分，应由办公室决定改办申请",
            "a ruling is only for a third assignment; the office decides the request itself",
        )


# ---------------------------------------------------------------------- visits, opinions


def check_visit_organised_by_unit(unit: str, organised_by: str) -> None:
    """R-V1: a visit delegated to a subordinate or grassroots unit does not count."""
    if organised_by != unit:
        raise RuleViolation(
            "R-V1",
            f"走访须由承办单位 {unit} 自行组织，坚决杜绝委托下级和基层单位走访",
            f"a visit must be organised by the handling unit {unit} itself, not {organised_by}",
        )


def check_co_opinion_allowed(case: Any, unit: str) -> None:
    if unit not in case.co_units:
        raise RuleViolation(
            "R-D1", f"{unit} 不是该件的会办单位", f"unit {unit} is not a co-handling unit here"
        )
    if unit in case.co_opinions:
        raise RuleViolation(
            "R-X2",
            "会办意见已提交；如需修改请提交更正",
            "the co-handling opinion was already delivered; record a correction instead",
        )


# ---------------------------------------------------------------------- replies


def has_issued_reply(case: Any) -> bool:
    return any(r["status"] == "issued" for r in case.replies.values()) or bool(
        case.merge and case.merge.get("answered_by")
    )


def all_replying_units_issued(case: Any) -> bool:
    issued = {r["unit"] for r in case.replies.values() if r["status"] == "issued"}
    return all(u in issued for u in case.replying_units)


def check_reply_submission_allowed(case: Any, unit: str) -> bool:
    """Returns whether this is a further reply (R-F2); refuses replies the rules do not allow."""
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
    in_rehandling = case.stage == "rehandling"
    if case.merge and case.merge["primary_case_id"] != str(case.id) and not in_rehandling:
        # The merge's one reply comes from the primary; a partner's own proposer may still be
        # dissatisfied, and that re-handling (R-F2) is the partner's own.
        raise RuleViolation(
            "R-M1", "并案件由主件统一答复", "a merged case is answered by the merge's primary case"
        )
    pending = [
        r
        for r in case.replies.values()
        if r["unit"] == unit and r["status"] in ("submitted", "approved")
    ]
    if pending:
        raise RuleViolation(
            "R-R2", "该单位已有待审批或待印发的答复", f"unit {unit} already has a reply in progress"
        )
    if in_rehandling:
        return True
    if any(r["unit"] == unit and r["status"] == "issued" for r in case.replies.values()):
        raise RuleViolation(
            "R-F2",
            "已答复；只有代表不满意后才进一步办理答复",
            "already replied; a further reply follows only a dissatisfied verdict",
        )
    return False


def check_disclosure_option(case: Any, option: str, withheld_reason: object) -> str | None:
    """R-P2 a proposer's refusal forbids `proactive`; R-P5 withholding names a reason."""
    pref = case.disclosure_preference
    if option == "proactive" and pref is not None and not pref["consent_reply"]:
        raise RuleViolation(
            "R-P2",
            "代表委员明确不同意公开，答复不得标为主动公开",
            "the proposer refused disclosure; the reply cannot be marked proactive",
        )
    if option == "withheld":
        return check_withheld_reason(withheld_reason)
    return None


def check_withheld_reason(reason: object) -> str:
    """R-P5: proposer_refused, confidential, or other text (``other: …`` or any free text)."""
    if not isinstance(reason, str) or not reason.strip() or reason.strip() == "other":
        raise RuleViolation(
            "R-P5",
            "不予公开须说明理由（代表不同意、涉密或其他具体理由）",
            f"withholding needs a reason: one of {sorted(WITHHELD_REASONS - {'other'})} or text",
        )
    return reason.strip()


def check_consultation_form(ref: object) -> str:
    if not isinstance(ref, str) or not ref.strip():
        raise RuleViolation(
            "R-C3",
            "报送审批的答复须附征询意见表",
            "a reply submitted for approval carries the consultation form reference",
        )
    return ref.strip()


def reached_contact_dates(case: Any, unit: str) -> list[tuple[date, bool]]:
    """(date, face-to-face) of every contact by ``unit`` that reached the proposer; visits count."""
    contacts = [
        (c["occurred_on"], c["channel"] in FACE_TO_FACE_CHANNELS)
        for c in case.contacts
        if c["unit"] == unit and c["reached"]
    ]
    return contacts + [(v["occurred_on"], True) for v in case.visits if v["unit"] == unit]


def check_contact_before_approval(case: Any, reply: Item) -> None:
    """R-C1 先协商、后答复; R-F2 a further reply needs a face-to-face contact after the verdict."""
    reached = reached_contact_dates(case, reply["unit"])
    if not reached:
        raise RuleViolation(
            "R-C1",
            "答复前未与代表委员沟通联系到，应退回重办",
            "no contact reached the proposer before the reply; return it instead",
        )
    if reply["further"]:
        since = case.rehandling_opened_on
        if not any(face and (since is None or on >= since) for on, face in reached):
            raise RuleViolation(
                "R-F2",
                "不满意件须当面沟通后再次答复",
                "a further reply needs a face-to-face contact after the dissatisfied verdict",
            )


def check_co_opinions_arrived(case: Any, reply: Item, override_reason: str | None) -> None:
    """R-R2: the lead's reply waits for every co opinion unless the office records an override."""
    if reply["unit"] != case.lead_unit or override_reason is not None:
        return
    missing = [u for u in case.co_units if u not in case.co_opinions]
    if missing:
        raise RuleViolation(
            "R-R2",
            f"会办单位意见未到齐：{missing}",
            f"co-handling opinions missing from {missing}; wait, or record an override reason",
        )


def reply_recipients(case: Any) -> list[str]:
    """R-C4: joint suggestions go to every deputy; proposals only to the lead member or unit."""
    proposers = case.merge["proposers"] if case.merge else case.proposers
    if case.kind == "suggestion":
        return [p["name"] for p in proposers]
    return [p["name"] for p in proposers if p["role"] == "lead"]


# ---------------------------------------------------------------------- disclosure


def check_disclosure_undecided(case: Any, reply: Item) -> None:
    if reply["status"] != "issued":
        raise RuleViolation("R-P1", "答复印发后方可公开或不予公开", "disclose only an issued reply")
    if reply["reply_id"] in case.disclosures:
        raise RuleViolation(
            "R-X2",
            "该答复的公开已处理；如需修改请提交更正",
            "disclosure already decided; correct it",
        )


def check_publishable(case: Any, reply: Item, include_original: bool) -> None:
    """R-P5 withheld stays unpublished; R-P2 proposer's refusal; R-P4 original needs consent."""
    check_disclosure_undecided(case, reply)
    if reply["disclosure"] == "withheld":
        raise RuleViolation("R-P5", "该答复标为不予公开", "the reply is marked withheld")
    pref = case.disclosure_preference
    if pref is not None and not pref["consent_reply"]:
        raise RuleViolation(
            "R-P2", "代表委员明确不同意公开", "the proposer explicitly refused disclosure"
        )
    if include_original and not (pref is not None and pref["consent_original"]):
        raise RuleViolation(
            "R-P4",
            "公开建议提案原文须征得代表委员同意",
            "publishing the original text needs the proposer's recorded consent",
        )


def check_secrecy_review(case: Any, reply: Item, secrecy_review_ref: object) -> str | None:
    """R-P3: if a co unit opposed disclosure, publishing needs a secrecy review (保密审查)."""
    objecting = [u for u, o in case.co_opinions.items() if o["disclosure_opinion"] == "withheld"]
    if not objecting:
        return None if secrecy_review_ref is None else check_text(secrecy_review_ref, "review")
    if not isinstance(secrecy_review_ref, str) or not secrecy_review_ref.strip():
        raise RuleViolation(
            "R-P3",
            f"会办单位 {objecting} 意见不予公开，公开前须经保密审查",
            f"co units {objecting} advised against disclosure; a secrecy review is required",
        )
    return secrecy_review_ref.strip()


# ---------------------------------------------------------------------- feedback, review


def check_feedback_allowed(case: Any, occurred_on: date) -> None:
    """R-F1 feedback answers an issued reply; during re-handling the further reply comes first."""
    if not has_issued_reply(case):
        raise RuleViolation("R-F1", "尚未答复，不能反馈", "feedback needs an issued reply")
    if case.stage == "rehandling":
        raise RuleViolation(
            "R-F2",
            "正在进一步办理，待再次答复后反馈",
            "re-handling is open: feedback follows the further reply",
        )
    issued = [r["issued_on"] for r in case.replies.values() if r["status"] == "issued"]
    if case.merge and case.merge.get("answered_by"):
        issued.append(case.merge["answered_by"]["issued_on"])
    check_not_before(occurred_on, max(issued), "答复日期 reply date")


def latest_issued_reply(case: Any) -> dict[str, Any] | None:
    """The case's latest issued reply, or the merge's reply that answered it (R-M1)."""
    issued = [
        (r["issued_on"], r["version"], r) for r in case.replies.values() if r["status"] == "issued"
    ]
    answered_by = case.merge.get("answered_by") if case.merge else None
    if answered_by:
        issued.append((answered_by["issued_on"], 0, answered_by))
    return max(issued, key=lambda t: (t[0], t[1]))[2] if issued else None


def latest_issued_classification(case: Any) -> str | None:
    reply = latest_issued_reply(case)
    return None if reply is None else str(reply["classification"])


def check_reassessable(case: Any) -> str:
    """R-Rv1: A replies are checked for implementation, B for progress; C has no commitment."""
    classification = latest_issued_classification(case)
    if classification is None:
        raise RuleViolation(
            "R-Rv1", "只有已答复的件可以回头看", "only a replied case is reassessed"
        )
    if classification not in FINDINGS_BY_CLASS:
        raise RuleViolation(
            "R-Rv1",
            "C类答复无承诺事项可回头看",
            "a C-class reply made no commitment to reassess",
        )
    return classification


def check_finding(classification: str, finding: object) -> str:
    allowed = FINDINGS_BY_CLASS[classification]
    if finding not in allowed:
        raise RuleViolation(
            "R-Rv1",
            f"{classification}类答复的回头看结论应为 {sorted(allowed)}",
            f"a {classification}-class reassessment finds one of {sorted(allowed)}: {finding!r}",
        )
    return str(finding)


def check_close_out_allowed(case: Any) -> None:
    """R-Rv2: a B-class commitment is closed out (销号) once a reassessment found it fulfilled."""
    if case.closed_out_on is not None:
        raise RuleViolation("R-Rv2", "已销号", "the commitment is already closed out")
    if latest_issued_classification(case) != "B":
        raise RuleViolation(
            "R-Rv2", "只有B类答复的承诺需要销号", "only B-class commitments close out"
        )
    if not case.reassessments or case.reassessments[-1]["finding"] != "fulfilled":
        raise RuleViolation(
            "R-Rv2",
            "回头看确认落实后方可销号",
            "close-out needs a latest reassessment finding 'fulfilled'",
        )


# ---------------------------------------------------------------------- corrections


# What a correcting event may amend, per corrected event type. Fields that other rules rest on
# (units, reached, classification) are amendable only where the rule is re-checked below.
CORRECTABLE: Mapping[str, frozenset[str]] = {
    "ContactRecorded": frozenset({"summary", "person", "contacted_by", "occurred_on", "phase"}),
    "VisitRecorded": frozenset(
        {"summary", "persons", "visitors", "proposer_opinion", "occurred_on"}
    ),
    "VisitDeclined": frozenset({"note", "occurred_on"}),
    "OnSiteHandled": frozenset({"summary", "proposer_present", "occurred_on"}),
    "CoOpinionDelivered": frozenset({"summary", "occurred_on"}),
    "ReplySubmitted": frozenset({"summary", "classification", "consultation_form_ref"}),
    "FeedbackRecorded": frozenset({"comments"}),
    "FollowUpCalled": frozenset({"summary", "occurred_on"}),
    "Reminded": frozenset({"note", "occurred_on"}),
    "Reassessed": frozenset({"note"}),
}


def correctable_items(case: Any, event_type: str) -> list[Item]:
    lists: Mapping[str, list[Item]] = {
        "ContactRecorded": case.contacts,
        "VisitRecorded": case.visits,
        "VisitDeclined": case.declined_visits,
        "OnSiteHandled": case.on_site_handlings,
        "CoOpinionDelivered": list(case.co_opinions.values()),
        "ReplySubmitted": list(case.replies.values()),
        "FeedbackRecorded": case.feedback,
        "FollowUpCalled": case.follow_up_calls,
        "Reminded": case.reminders,
        "Reassessed": case.reassessments,
    }
    return lists.get(event_type, [])


def check_may_correct(actor: Mapping[str, str | None], original: Mapping[str, str | None]) -> None:
    if actor.get("role") == "office" or actor.get("user") == original.get("user"):
        return
    raise RuleViolation(
        "R-X2",
        "只有原记录人或办公室可以更正",
        "only whoever recorded the event, or the office, may correct it",
    )


def check_correction(
    case: Any, version: int, event_type: str, fields: Mapping[str, Any], today: date
) -> dict[str, Any]:
    allowed = CORRECTABLE.get(event_type, frozenset())
    if not fields:
        raise InvalidInput("更正内容不能为空", "corrected must name at least one field")
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise RuleViolation(
            "R-X2",
            f"{event_type} 不可更正字段 {unknown}；可更正 {sorted(allowed)}",
            f"{event_type} cannot have {unknown} corrected; correctable: {sorted(allowed)}",
        )
    changes = dict(fields)
    if "occurred_on" in changes:
        on = changes["occurred_on"]
        if isinstance(on, str):
            try:
                on = date.fromisoformat(on)
            except ValueError:
                raise InvalidInput("日期格式无效", "occurred_on must be YYYY-MM-DD") from None
        if not isinstance(on, date):
            raise InvalidInput("日期格式无效", "occurred_on must be YYYY-MM-DD")
        check_not_future(on, today)
        if case.assigned_on is not None:
            check_not_before(on, case.assigned_on, "交办日期 assignment date")
        changes["occurred_on"] = on
    if "classification" in changes:
        reply = next(r for r in case.replies.values() if r["version"] == version)
        if reply["status"] == "issued":
            raise RuleViolation(
                "R-R1", "已印发的答复不能更改类别", "an issued reply's class cannot be corrected"
            )
        check_one_of(changes["classification"], CLASSIFICATIONS, "classification")
    for key in ("summary", "person", "note", "comments", "proposer_opinion"):
        if key in changes:
            changes[key] = check_text(changes[key], key)
    if "proposer_present" in changes:
        check_bool(changes["proposer_present"], "proposer_present")
    if "contacted_by" in changes:
        changes["contacted_by"] = check_person(changes["contacted_by"], "contacted_by")
    if "visitors" in changes:
        visitors = changes["visitors"]
        if not isinstance(visitors, list) or not visitors:
            raise RuleViolation("R-V4", "走访卡须列明走访人员", "a visit card lists the visitors")
        changes["visitors"] = [check_person(v, "visitors") for v in visitors]
    if "persons" in changes:
        changes["persons"] = check_text_list(changes["persons"], "persons")
    if "phase" in changes:
        check_one_of(changes["phase"], CONTACT_PHASES, "phase")
    if "consultation_form_ref" in changes:
        changes["consultation_form_ref"] = check_consultation_form(changes["consultation_form_ref"])
    return changes

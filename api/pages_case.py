"""案件 (UI.md § Page map): a case's state, deadlines, replies and feedback, the timeline of
every event (actor, ``occurred_on`` beside ``recorded_at``, late-recorded and corrected marks),
the case as it was at any moment (R-X3), and the forms the caller's role may use now.

A form posts the version it was drawn from (``_version``, the API's ``If-Match``): if the case
moved meanwhile the command is refused (409) and nothing is written. A refusal draws the page
again with the form open, its values kept, and the rule id and Chinese message beside the
field; a success sends the browser to the case page with the new event marked.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from api import queries
from api.auth import check_handler_case
from api.commands import check_units_exist, command_context, context, execute
from api.deps import bare_day_end
from api.fields import whole_number
from api.pages_came_from import came_from, came_from_list, safe_next
from api.pages_case_related import (
    MergedCases,
    disclosure_refused,
    merged_titles,
    notice_lines,
    repeat_titles,
    withdrawn_from_register,
)
from api.pages_contact_summary import contact_summary
from api.pages_event_order import in_reading_order
from api.pages_form_checks import Judge, later_refusals, typed_problems
from api.pages_form_fields import CORRECTABLE_PARTS, CORRECTABLE_TEXT, PICK
from api.pages_form_list import FORMS, FORMS_BY_NAME
from api.pages_forms import (
    CORRECTABLE_VOCABULARIES,
    AtHand,
    CaseForm,
    Parsed,
    applies,
    body_data,
    correctable_events,
    corrected_day,
    extendable_kinds,
    open_extensions,
    open_requests,
    possible_repeats,
    recommendation_shown,
    replies_for,
    reply_words,
)
from api.pages_integrity import case_doubts, finding_words
from api.pages_labels import label, reason_words
from api.pages_markup import actor_words
from api.pages_merge import merge_command
from api.pages_refusals import (
    UNIT_CODE,
    bare_label,
    domain_words,
    problem_list,
    validation_problems,
    with_field_words,
    with_unit_names,
    with_value_words,
)
from api.pages_web import PageRefused, Posted, Staff, Svc, page_errors, render, see_other
from api.problems import STATUS_BY_ERROR, ApiProblem
from api.schemas_audit import AuditEventPublic
from domain.business_day import CHINA
from domain.commands import CaseCommand
from domain.corrections import CORRECTABLE
from domain.errors import DomainError, NotFound, RuleViolation, StaleVersion
from domain.rules.approval import approval_refusal
from domain.rules.assignment import round_refusal
from domain.rules.disclosure import refused_by_proposer
from domain.rules.feedback import is_further_reply
from domain.rules.replies import issue_refusal
from infra.clock import china_date, today, utc_now
from infra.command_context import CommandContext, parse_event_id
from infra.directory import Principal
from projections.audit_trail import correction_day

router = APIRouter(include_in_schema=False)
# Text of an event's data shown on the timeline, by key (the rest is listed as it is stored).
FIELD_LABELS = {
    # Without the form's hint of how to type it: 发生日期, not 发生日期（YYYY-MM-DD）.
    **{key: bare_label(label) for key, label in CORRECTABLE_TEXT.items()},
    "unit": "单位",
    "lead_unit": "主办单位",
    "co_units": "会办单位",
    "split_units": "分办单位",
    "channel": "方式",
    "reached": "联系到",
    "contacted_by": "联系人",
    "visitors": "走访人员",
    "persons": "走访对象",
    "organised_by": "组织单位",
    "reason": "理由",
    "verdict": "意见",
    "source": "来源",
    "means": "方式",
    "finding": "结论",
    "approved": "同意",
    "reply_approved": "审批意见",
    "leader": "领导",
    "document_number": "文号",
    "disclosure": "公开选项",
    "withheld_reason": "不予公开理由",
    "taken_down_from": "撤下位置",
    "url": "网址",
    "published_on": "公开日期",
    "assigned_on": "交办日期",
    "title": "标题",
    "number": "编号",
    "proposers": "提出人",
    "corrected": "更正内容",
    "corrects_type": "被更正的事件",
    "override_reason": "理由",
    "request_id": "申请",
    "deadline_kind": "期限",
    "requested_due_on": "申请延至",
    "due_on": "延至",
    "original_due_on": "原定期限",
    "opened_on": "期限起算",
    "of_case_id": "往年相似件",
    "confirmed": "确认重复",
    "repeats": "疑似重复",
    "reply_id": "答复",
    "further": "进一步答复",
    "phase": "阶段",
    "kind": "类别",
    "level": "级别",
    "year": "年度",
    "received_on": "收到日期",
    "disclosure_opinion": "公开意见",
    "proposer_present": "代表委员参加",
    "consent_reply": "同意公开答复",
    "consent_original": "同意公开原文",
    "policy": "办理依据",
    "reference": "参阅件",
    "classification": "答复类别",
    "consultation_form_ref": "征询意见表",
    "holidays": "放假日",
    "workdays": "调休上班日",
    "display_name": "姓名",
    "username": "用户名",
    "unit_code": "单位",
    "code": "代码",
    "name": "名称",
    "include_original": "公开原文",
    "secrecy_review_ref": "保密审查编号",
    "leader_in_charge": "包案领导",
    "unit_leader": "分管负责同志",
    "handler": "承办人",
    "phone": "联系电话",
    "proposer": "代表委员",
    "restart_deadlines": "重新计算办理期限",
    "numbers": "合并的件",
    "separated": "分开的件",
    "primary_number": "主件",
    "key_source": "确定方",
    "document_kind": "文件类别",
    "content_type": "文件格式",
    "size": "大小（字节）",
    "sha256": "校验值（SHA-256）",
    "expires_on": "有效至",
    "email": "电子邮箱",
}
# A key one event type uses in another sense than the rest: a key designation's ``source`` is
# who designated it (R-S2), not who gave feedback.
SAME_KEY_OTHER_MEANING = {
    ("KeyDesignated", "source"): "key_source",
    ("ReplyDecided", "approved"): "reply_approved",  # the form's 批准 / 退回重办, not 是 / 否
    ("DocumentAttached", "kind"): "document_kind",  # 答复函, 走访卡 …, not 建议/提案
}
# Event data keys whose values are words of a vocabulary (``pages_labels``).
VALUE_LABELS = {
    "content_type": "content_type",
    "phase": "phase",
    "channel": "channel",
    "kind": "kind",
    "level": "level",
    "verdict": "verdict",
    "means": "means",
    "finding": "finding",
    "disclosure": "disclosure",
    "disclosure_opinion": "disclosure",
    "source": "source",
    "role": "role",
    "deadline_kind": "deadline",
    "policy": "policy",
    "key_source": "key_source",
    "withheld_reason": "withheld_reason",
    "document_kind": "document_kind",
    "corrects_type": "event",  # a correction names the kind of event it corrects
}
# A new proposer link's expiry offered by the form: about a session's handling and feedback.
LINK_DAYS = timedelta(days=180)
# The event fields that name units: shown by the unit's name, as everywhere else on the page.
UNIT_DATA = {
    "unit",
    "units",
    "lead_unit",
    "co_units",
    "split_units",
    "replying_units",
    "disclosure_unit",
    "organised_by",
}
# The event fields that name an earlier year's case (R-S4): shown by its number and year.
CASE_DATA = {"of_case_id"}
# Ids a reader has no use for (a merge names its cases by number too).
HIDDEN_DATA = {
    "request_id",
    "reply_id",
    "corrects_version",
    "recipients",
    "copies",
    "text",
    "case_ids",
    "merge_id",
    "primary_case_id",
    # A proposer link's identity and its token's hash and first characters: nothing a reader
    # needs (the link is named by its proposer and expiry), and a hash is no business of a page.
    "link_id",
    "hashed",
    "prefix",
    "document_id",
}


def china_time(stamp: str) -> str:
    """A stored UTC timestamp as Beijing time, to the second."""
    moment = datetime.fromisoformat(stamp)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def event_lines(event: AuditEventPublic, names: Mapping[str, str]) -> list[tuple[str, str]]:
    lines = []
    for key, value in in_reading_order(event.type, event.data):
        if key in HIDDEN_DATA or value in (None, "", [], {}):
            continue
        meant = SAME_KEY_OTHER_MEANING.get((event.type, key), key)
        lines.append(
            (FIELD_LABELS.get(meant, meant), shown(meant, corrected_order(event, value), names))
        )
    return lines


def corrected_order(event: AuditEventPublic, value: Any) -> Any:
    """A correction's amended fields in the corrected event's order (its 更正内容 and the
    corrected event's 更正为 alike); any other value as it is."""
    if not (event.corrects and isinstance(value, dict) and value is event.data.get("corrected")):
        return value
    return dict(in_reading_order(str(event.data.get("corrects_type")), value))


def correction_lines(
    events: list[AuditEventPublic], names: Mapping[str, str]
) -> dict[str, list[tuple[str, str]]]:
    """History shows both (R-X2): each corrected event's corrections, in order, as the
    correcting event's number and what it changed in words, shown beside what was first
    recorded (the corrected contact still read only its first date)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for event in events:
        changed = event.data.get("corrected")
        if event.corrects and isinstance(changed, dict):
            version = event.id.rsplit(":", 1)[1]
            ordered = corrected_order(event, changed)
            found.setdefault(event.corrects, []).append((version, shown("", ordered, names)))
    return found


def shown(key: str, value: Any, names: Mapping[str, str]) -> str:
    """An event's value as words: people as 姓名（职务）, units by name, vocabularies in
    Chinese."""
    if key == "repeats" and isinstance(value, list):
        # R-S4: the earlier cases by number and year, not by their ids.
        return "、".join(f"{r.get('number')}（{r.get('year')} 年度）" for r in value)
    if isinstance(value, list):
        return "、".join(shown(key, v, names) for v in value)
    if isinstance(value, dict):
        if "name" in value:
            rank = value.get("rank")
            return f"{value['name']}（{rank}）" if rank else str(value["name"])
        return "，".join(
            f"{FIELD_LABELS.get(k, k)}：{shown(k, v, names)}" for k, v in value.items()
        )
    if key == "reply_approved" and isinstance(value, bool):
        return "批准" if value else "退回重办"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in UNIT_DATA | CASE_DATA and isinstance(value, str):
        return names.get(value, value)
    if key == "withheld_reason" and isinstance(value, str):
        return reason_words(value)
    return label(VALUE_LABELS[key], value) if key in VALUE_LABELS else str(value)


def named_units(events: list[AuditEventPublic]) -> list[str]:
    """The unit codes the events' fields name (a unit since replaced is named in the past)."""
    codes: list[str] = []
    for event in events:
        for key in UNIT_DATA & event.data.keys():
            value = event.data[key]
            values = value if isinstance(value, list) else [value]
            codes += [v for v in values if isinstance(v, str)]
    return codes


def parse_moment(text: str | None) -> datetime | None:
    """``at`` from the page's picker (Beijing time, to the minute or second), as UTC; a bare
    day, typed into the address, is the end of that day, as ``history?as_of=`` reads it (it
    was its start here: a case registered that day "did not exist" yet), or now, today."""
    if not text:
        return None
    day_end = bare_day_end(text)
    if day_end is not None:
        return min(day_end.astimezone(UTC), utc_now())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PageRefused(400, f"时间 {text!r} 无效，应为 YYYY-MM-DDTHH:MM") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    return moment.astimezone(UTC)


def check_past(at: datetime | None) -> None:
    """R-X3 reconstructs a case as it stood: "以下是 2030-01-01 时该件的状态" would claim to know
    a state no one has seen yet. Asked after the case's own access check (a handler probing
    another unit's case learns nothing from a 400 instead of a 404)."""
    if at is not None and at > utc_now():
        said = at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
        raise PageRefused(400, f"时间 {said} 晚于现在：只能查看过去某一时刻的状态")


def case_context(svc: Svc, who: Principal, case_id: str, at: datetime | None) -> dict[str, Any]:
    """What the page shows: the case now (or as it was ``at``) and its events until then."""
    with page_errors():
        if at:  # R-X3: the case and its events as recorded by then; no form is offered
            history, then = queries.history_and_case(svc, who, case_id, at)
            state, case, events = None, history.state, history.events
            at_text = china_time(history.as_of)
        else:
            # The domain's state and the document shown, from one load: the forms and what
            # the page says about disclosure ask the domain's rules about that state.
            state, case = queries.loaded_case(svc, who, case_id, today())
            events, at_text = queries.timeline(svc, state, utc_now()), ""
            then = state
    check_past(at)
    codes = [case.lead_unit, *case.co_units, *case.split_units, *(d.unit for d in case.deadlines)]
    codes += [r.unit for r in case.replies] + [r.unit for r in case.reassignment_requests]
    if case.merge and case.merge.answered_by:  # R-M1: the primary's unit answers a partner
        codes.append(case.merge.answered_by.unit)
    codes += named_units(events)
    # With the earlier years' cases found alike, by number (their ids are in the events).
    units = queries.unit_names(svc, codes) | {
        r.case_id: f"{r.number}（{r.year} 年度）" for r in case.possible_repeats
    }
    hand = AtHand(case, events, state) if state is not None else None
    forms = [f for f in FORMS if applies(f, hand, who)] if hand else []
    merged = MergedCases(svc, case, at)
    refused = hand is not None and bool(forms) and disclosure_refused(case, hand.state, merged)
    # R-P2 as it stood (R-X3): an auditor read 已公开 where the proposer had refused by then.
    withdrawn = withdrawn_from_register(case, then, merged)
    # R-P2 after publishing: 登记撤下 while a reply refused since is not recorded as taken down.
    to_take_down = {r: by for r, by in withdrawn.items() if not case.disclosures[r].taken_down_on}
    forms = [f for f in forms if f.name != "take-down" or to_take_down]
    people = queries.people_names(svc, (e.actor.user for e in events))
    return {
        "case": case,
        "events": events,
        "names": units,
        "people": people,
        # R-R2: who recorded each leader's decision, where the reply names the leader typed in
        # (a review's leader recorded 李四副厅长 as the approver; the user who did showed only
        # in the timeline).
        "decided_by": {
            str(e.data.get("reply_id")): actor_words(e.actor.user or "", people, e.data)
            for e in events
            if e.type == "ReplyDecided"
        },
        "at": at,
        "at_text": at_text,
        "forms": forms,
        # R-P2: the proposer refused publishing a reply not yet published nor withheld.
        "disclosure_refused": refused,
        # R-P2: published replies whose proposers refused publication afterwards.
        "withdrawn": withdrawn,
        # R-C1, R-V2: each unit's contacts and visits, as the case stood (R-X3: an auditor
        # counted them by hand in a past moment's timeline).
        "contacts": contact_summary(then),
        "to_take_down": to_take_down,
        "repeat_titles": repeat_titles(svc, who, case),
        "merged_titles": merged_titles(who, merged),
        # Deliveries are facts of now, not of the log: a past moment's page shows none.
        "notices": [] if at else notice_lines(svc, who, case_id),
        # R-X1, R-D8: deadlines met by an act recorded after their due day (now, as notices).
        "met_late_recorded": {} if at else queries.deadlines_met_after_due(svc, case_id),
        "event_lines": event_lines,
        "corrections": correction_lines(events, units),
        # What 审计's latest finished check found changed among these events.
        "doubts": case_doubts(svc, events),
        "finding_words": finding_words,
        "correction_day": correction_day,
        "china_time": china_time,
        "today": today(),
        # The day the deadlines' statuses are judged for (a printed page said 已逾期 573 天
        # without saying as of when).
        "deadlines_as_of": china_date(at) if at else today(),
        "choices": lambda form: _choices(svc, form, hand, who, units),
        "reply_words": reply_words,
        # What a form's unit fields start on (a ruling: the office's recommendation, R-A2).
        "presets": lambda form: _presets(form, hand, who, refused),
        # The link form's one-time key (api/pages_case_files.py): a repost replays its link.
        "link_once": secrets.token_urlsafe(18),
        "link_expiry": today() + LINK_DAYS,
    }


def _presets(
    form: CaseForm, hand: AtHand | None, who: Principal, refused: bool
) -> dict[str, list[str]]:
    """What a form's fields start on: a ruling's units (R-A2); and when the proposers refused
    publication (R-P2), a reply to be submitted as not to be published and the reason to
    withhold an issued one (R-P5): 主动公开, where the reply form started, was always refused."""
    if hand is None:
        return {}
    found = form.presets(hand.case, who) if form.presets else {}
    if refused and form.name == "withhold":
        found = {**found, "withheld_reason": ["proposer_refused"]}
    if form.name == "reply" and refused_by_proposer(hand.state):
        found = {**found, "disclosure": ["withheld"], "withheld_reason": ["proposer_refused"]}
    return found


def approval_obstacles(
    form: CaseForm, hand: AtHand, who: Principal, names: Mapping[str, str]
) -> list[tuple[str, str]]:
    """What approving would be refused for now (R-C1, R-F2: the domain's ``approval_refusal``),
    rule and words: for the reply a handler's unit is about to submit, or for each reply
    awaiting the leader's decision, by its unit's name. The leader could only return it. On
    the office's 改办决定, why granting is refused once both rounds are used (R-A2); on 印发答复,
    the co opinions an approved reply still waits for (R-R2)."""
    case, state = hand.case, hand.state
    if form.name == "reassignment-decision":
        refused = round_refusal(state)
        return [] if refused is None else [(refused.rule or "", refused.zh)]
    if form.name == "issue":
        # The unit's own approved reply: only a handler issues, and only its unit's.
        mine = any(r.unit == who.unit and r.status == "approved" for r in case.replies)
        refused = issue_refusal(state, who.unit or "") if mine else None
        return [] if refused is None else [(refused.rule or "", with_unit_names(refused.zh, names))]
    if form.name == "reply":
        unit = who.unit or ""
        try:
            owed = [(unit, is_further_reply(state, unit), "")]
        except RuleViolation:
            return []  # no reply is owed: the form says so when sent
    else:
        owed = [
            (r.unit, r.further, f"{names.get(r.unit, r.unit)}的答复：")
            for r in case.replies
            if r.status == "submitted"
        ]
    found = []
    for unit, further, whose in owed:
        refused = approval_refusal(state, unit, further)
        if refused is not None:
            found.append((refused.rule or "", f"{whose}{refused.zh}"))
    return found


def _choices(
    svc: Svc, form: CaseForm, hand: AtHand | None, who: Principal, names: Mapping[str, str]
) -> dict[str, Sequence[tuple[str, ...]]]:
    """The options of a form's case-dependent fields (replies, requests, events, units): value
    and words, and for an event the fields it can have corrected."""
    found: dict[str, Sequence[tuple[str, ...]]] = {}
    if hand is None:
        return found  # a past moment's page offers no form
    case, events = hand.case, hand.events
    for f in form.fields:
        if f.kind == "reply":
            found[f.name] = replies_for(form, case, who, names)
        elif f.kind in ("request", "shown_requests"):
            found[f.name] = open_requests(case, names)
        elif f.kind == "shown_recommendation":
            found[f.name] = recommendation_shown(case, names)
        elif f.kind == "shown_obstacles":
            found[f.name] = approval_obstacles(form, hand, who, names)
        elif f.kind == "extension":
            found[f.name] = open_extensions(case, names)
        elif f.kind == "extendable":
            found[f.name] = extendable_kinds(case, who.unit)
        elif f.kind == "repeat":
            found[f.name] = possible_repeats(case)
        elif f.kind == "finding":
            found[f.name] = [PICK, *((v, label("finding", v)) for v in case.reassessment_findings)]
        elif f.kind == "event":
            # Each with the fields its type can have corrected, which the page then offers.
            found[f.name] = [
                (
                    e.id,
                    f"#{e.id.rsplit(':', 1)[1]} {label('event', e.type)} "
                    f"{corrected_day(e, events) or ''}",
                    " ".join(CORRECTABLE[e.type]),
                )
                for e in correctable_events(events, who)
            ]
        elif f.kind == "case_unit":  # the units on the case, by name
            found[f.name] = [(u, names.get(u, u)) for u in case.units]
        elif f.kind in ("unit", "units"):
            directory = queries.directory(svc)["units"]
            found[f.name] = [(u["code"], f"{u['name']}（{u['code']}）") for u in directory]
        elif f.kind == "unit_code" and who.unit:  # R-V1: the handler's own unit, by its name
            found[f.name] = [(who.unit, queries.unit_names(svc, [who.unit])[who.unit])]
    return found


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str, who: Staff, svc: Svc) -> HTMLResponse:
    at = parse_moment(request.query_params.get("at"))
    context_ = case_context(svc, who, case_id, at)
    context_["done"] = request.query_params.get("done", "")
    # The form a page that sent the user here names as the next step (登记新件: 交办).
    context_["opened_form"] = request.query_params.get("open", "")
    return render(request, "case.html", who, context_)


@router.post("/cases/{case_id}/forms/{name}", response_class=HTMLResponse)
def post_form(
    request: Request, case_id: str, name: str, who: Staff, svc: Svc, posted: Posted
) -> Response:
    form = FORMS_BY_NAME.get(name)
    if form is None:
        raise PageRefused(404, f"没有表单 {name}")
    if who.role not in form.roles:
        raise PageRefused(403, f"{form.title}：本角色不能使用此表单")
    version = posted.get("_version")
    if version and whole_number(version) is None:
        raise PageRefused(400, "表单版本号无效")
    data = body_data(form, posted, who)
    try:
        body = form.body.model_validate(data)
    except ValidationError as invalid:
        first = validation_problems(invalid)
        problems, rules = every_problem(svc, who, case_id, form, posted, data, first, {})
        return refused(request, svc, who, case_id, form, posted, problems, None, 422, rules)
    try:
        result = run_form(request, svc, who, case_id, form, body, posted, version)
    except ApiProblem as problem:
        if problem.status == 404:
            raise PageRefused(404, "该件不存在") from None
        return refused(
            request, svc, who, case_id, form, posted, {"": problem.detail}, None, problem.status
        )
    except NotFound as missing:
        raise PageRefused(404, missing.zh) from None
    except DomainError as error:
        where = form.field_of(error)
        status = next(s for t, s in STATUS_BY_ERROR.items() if isinstance(error, t))
        first = {where: refusal_words(svc, form, error)}
        ruled = {where: error.rule} if error.rule else {}
        problems, rules = every_problem(svc, who, case_id, form, posted, data, first, ruled)
        return refused(
            request, svc, who, case_id, form, posted, problems, error.rule, status, rules
        )
    # This case's newest event: a merge, or the primary's issue, writes the partners' too.
    own = [e["id"] for e in result.events if e["id"].startswith(f"{case_id}:")]
    last = own[-1] if own else ""
    back = posted.get("_back")
    if back:
        # Back to the list the form was on (督办), told what was recorded: a page that came back
        # unchanged left a reminder looking unsent, and sent again.
        back = safe_next(back)
        return see_other(f"{back}{'&' if '?' in back else '?'}{urlencode({'done': last})}")
    anchor = f"#ev-{last.rsplit(':', 1)[1]}" if last else ""
    return see_other(came_from(request).then(f"/cases/{case_id}?done={last}{anchor}"))


def every_problem(
    svc: Svc,
    who: Principal,
    case_id: str,
    form: CaseForm,
    posted: Any,
    data: Parsed,
    first: dict[str, str],
    first_rules: dict[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Every problem of a refused form and the rule each cites: the ``first`` refusals (the
    body's bounds, or the domain's first), what the domain would refuse next with those fields
    stood in for (``later_refusals``), and the plain checks of the other typed fields."""
    later = later_refusals(form, data, first, judging(svc, who, case_id, form, posted), today())
    problems = {
        **typed_problems(form, data),
        **{field: refusal_words(svc, form, e) for field, e in later.items()},
        **first,
    }
    return problems, {**{field: e.rule for field, e in later.items() if e.rule}, **first_rules}


def form_command(form: CaseForm, body: Any, case_id: str, posted: Any) -> CaseCommand:
    """The command a case form's body makes (its path ids, a reply's or a request's, posted
    beside the body's fields)."""
    command: CaseCommand = body.command(case_id, **{i: posted.get(i) for i in form.ids})
    return command


def judging(svc: Svc, who: Principal, case_id: str, form: CaseForm, posted: Any) -> Judge:
    """Asks the domain what it would refuse a form's data for, recording nothing (the units it
    names exist, then the command's handler on the case: ``BanliApplication.judge``)."""

    def judge(data: Parsed) -> DomainError | None:
        command = form_command(form, form.body.model_validate(data), case_id, posted)
        try:
            check_units_exist(svc.directory, command)
        except DomainError as refused:
            return refused
        return svc.app.judge(CommandContext(actor=who.actor(), today=today()), command)

    return judge


def refusal_words(svc: Svc, form: CaseForm, error: DomainError) -> str:
    """A domain refusal as the page says it: a field by its label (a correction's by the
    corrected event's field), a unit by its name, where the domain speaks in codes."""
    if isinstance(error, StaleVersion):
        # The refused form is drawn again from the new version with what was typed: sending it
        # again is what to do once the new records are read (refreshing threw the text away).
        return (
            f"该件已被他人修改（现为第 {error.version} 版）：请先看时间轴上的新记录；"
            "您填写的内容已保留，核对无误后可再次提交"
        )
    said = domain_words(error, form.labels())
    if form.name == "correction":
        said = with_field_words(said, {**CORRECTABLE_TEXT, **CORRECTABLE_PARTS})
        said = with_value_words(said, list(CORRECTABLE_VOCABULARIES.values()))
    return with_unit_names(said, queries.unit_names(svc, UNIT_CODE.findall(said)))


def run_form(
    request: Request,
    svc: Svc,
    who: Principal,
    case_id: str,
    form: CaseForm,
    body: Any,
    posted: Any,
    version: str,
) -> Any:
    """The command of the form's body, run as the API runs it (its context: the caller, the
    handler's scope), with the form's version as ``If-Match``."""
    expected = int(version) if version else None
    if form.name == "merge":  # several cases at once: the primary is this one
        merging = merge_command(svc.app, case_id, body)
        return svc.app.merge(context(request, who, body), merging)
    if form.name == "unmerge":  # every case of the merge at once, this one first
        ctx = context(request, who, body)
        return svc.app.undo_merge(replace(ctx, expected_version=expected), body.command(case_id))
    if form.name == "correction":
        target, event_version = parse_event_id(body.event_id)
        if str(target) != case_id:
            raise NotFound("被更正的事件不属于该件", "the corrected event is not on this case")
        command = body.command(case_id, event_version)
        ctx = context(request, who, body)
        if who.role == "handler":
            ctx = replace(ctx, guard=lambda case: check_handler_case(who, case))
    else:
        if form.page_check is not None:
            form.page_check(body)
        command = form_command(form, body, case_id, posted)
        ctx = command_context(request, who, body, command)
    return execute(svc, replace(ctx, expected_version=expected), command)


def refused(
    request: Request,
    svc: Svc,
    who: Principal,
    case_id: str,
    form: CaseForm,
    posted: Any,
    problems: dict[str, str],
    rule: str | None,
    status: int,
    rules: Mapping[str, str] | None = None,
) -> Response:
    """The case page again, the refused form open with what was posted and why it was
    refused; nothing was written. ``rules``: the rule each field's problem cites (by field
    name, "" the form's top); None: ``rule`` beside each."""
    page = case_context(svc, who, case_id, None)
    if posted.get("_back"):
        # A form posted from a list's row (督办's 催办) is refused here, on the case page: its
        # back link returns to that list as it was, not to the 台账.
        page["came"] = came_from_list(posted.get("_back"))
    if form not in page["forms"]:
        # Nothing left for it to do (the step was taken meanwhile, by another hand): said at the
        # top, the form not drawn again. Drawn with nothing to choose, it was sent again and led
        # off the case to 未找到. Its own refusal (该件已被修改，请刷新后重试) would ask for a
        # retry that has nothing left to do.
        page.update(refused_form="", step_gone=True, rule=rule)
    else:
        page.update(
            refused_form=form.name,
            problems=problems,
            problem_list=problem_list(
                form.name, [(f.name, f.label) for f in form.fields], problems
            ),
            rule=rule,
            rules=rules,
            posted=posted.values(),
            posted_lists={k: posted.getlist(k) for k, _ in posted.pairs},
        )
    return render(request, "case.html", who, page, status=status)

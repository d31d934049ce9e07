"""审计 (UI.md § Page map; R-X1 … R-X3), for auditors and admins: the global event log, the late
recordings (back-dating), the integrity signals with the events behind each (bursts of late
recording by one user, feedback keyed in by the office, corrections), the tamper-evidence
chain's verification, and a case found by number and shown as it was at any moment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api import queries, queries_ledger
from api.deps import EVENT_TYPE_NAME, MAX_USER_FILTER, Paging
from api.fields import whole_number
from api.pages_case import check_past, china_time, parse_moment
from api.pages_integrity import VIEWS_FINDING, finding_words
from api.pages_labels import LABELS, label
from api.pages_web import (
    PageRefused,
    Posted,
    Svc,
    page_errors,
    query_choice,
    query_text,
    render,
    roles,
    see_other,
)
from api.schemas_ledger import LedgerItem
from domain.business_day import CHINA
from domain.checks import case_number_form
from domain.directory import User
from infra import paper_labels as words
from infra.clock import today
from infra.directory import Principal
from projections.audit_trail import correction_day

router = APIRouter(include_in_schema=False)
Auditor = Annotated[Principal, Depends(roles("auditor", "admin"))]
TABS = {
    "signals": "完整性信号",
    "late": "补记事件",
    "log": "事件日志",
    "verify": "防篡改校验",
}
# A proposer link's grant: the stream that finds the link by its token, named by its case.
LINK_GRANTED = "ProposerLinkGranted"
# Events of no case (the directory, sessions, the calendar): listed, but not linked to a case.
NOT_CASES = frozenset(
    {
        "UnitCreated",
        "NameClaimed",
        "UserCreated",
        "UserDisabled",
        "UserEnabled",
        "UserReassigned",
        "TokenIssued",
        "TokenGranted",
        LINK_GRANTED,
        "TokensRevoked",
        "PasswordChanged",
        "SessionStarted",
        "SessionEnded",
        "YearScheduleLoaded",
        "Opened",
        "KeyCaseCounted",
    }
)
# What a decision decided, beside its event's word (an approval and a return both read 答复审批,
# and an auditor opened each to tell them apart): by its ``approved``, as its form says it.
DECISION_WORDS = {
    "ReplyDecided": ("批准", "退回重办"),
    "ExtensionDecided": ("同意", "不同意"),
    "ReassignmentDecided": ("同意", "不同意"),
}


# Two streams name their first event ``Opened``; what it holds tells which (R-X1: the log in
# words): a unit's key-case quota for a year holds both, the calendar book neither.
OPENED_WORDS = ("开立重点件名额", "建立工作日历")


def event_word(event_type: str, data: dict[str, Any]) -> str:
    """An event's word in the audit tables."""
    if event_type == "Opened":
        return OPENED_WORDS[0] if _quota(event_type, data) else OPENED_WORDS[1]
    return label("event", event_type)


def _quota(event_type: str, data: dict[str, Any]) -> bool:
    return event_type == "Opened" and "unit" in data


def not_case_subject(
    event_type: str,
    data: dict[str, Any],
    units: dict[str, str],
    numbers: dict[str, str],
    account: str = "",
) -> str:
    """What an event of no case is about, for the 对象 column: a unit's quota by the unit's
    name and year, a proposer link's grant by its case's number; else the user, unit or name
    it records, or the calendar's year; else the account whose stream it is (``account``: a
    password reset or a token names no user in its data, and the column was empty)."""
    if _quota(event_type, data):
        return f"{units.get(data['unit'], data['unit'])} {data['year']} 年"
    if event_type == LINK_GRANTED:
        return f"{numbers.get(data['case_id'], data['case_id'])} 的专属链接"
    found = data.get("username") or data.get("code") or data.get("name") or data.get("year")
    return str(found or account)


def decision_word(event_type: str, data: dict[str, Any]) -> str:
    """The decision an event records, in words ("" for an event that decides nothing)."""
    words = DECISION_WORDS.get(event_type)
    approved = data.get("approved")
    if words is None or not isinstance(approved, bool):
        return ""
    return words[0] if approved else words[1]


def reassigned_word(event_type: str, data: dict[str, Any], units: dict[str, str]) -> str:
    """What a 调岗 made the user ("" for any other event): its new role, and a handler's
    unit by name, as 管理 lists users."""
    if event_type != "UserReassigned":
        return ""
    role = label("role", str(data.get("role")))
    unit = data.get("unit_code")
    return f"改为{role}（{units.get(unit, unit)}）" if unit else f"改为{role}"


PAGE_SIZE = 100
# The office-recorded feedback the signals tab lists (their count is shown in full).
SIGNAL_ROWS = 200


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, who: Auditor, svc: Svc) -> HTMLResponse:
    return _audit(request, who, svc)


def _audit(
    request: Request, who: Principal, svc: Svc, lookup: Lookup | None = None, status: int = 200
) -> HTMLResponse:
    """The page on its tab; ``lookup``: a refused case lookup, said beside its field."""
    tab = query_choice(request, "tab", TABS) or "signals"
    cursor = request.query_params.get("cursor") or None
    context: dict[str, Any] = {
        "lookup": lookup or Lookup(),
        "kinds": words.KIND,
        "tab": tab,
        "tabs": TABS,
        "china_time": china_time,
        "not_cases": NOT_CASES,
        "correction_day": correction_day,
        "decision_word": decision_word,
        "reassigned_word": reassigned_word,
        "event_word": event_word,
        "not_case_subject": not_case_subject,
        "next_cursor": None,
    }
    with page_errors():
        if tab == "log":
            user, event_type = _log_user(request), _log_type(request)
            paging = Paging(PAGE_SIZE, cursor)
            page = queries.audit_page(
                svc, paging, after=_after(request), user=user, event_type=event_type
            )
            context.update(
                events=page.items,
                next_cursor=page.next_cursor,
                log_user=user,
                log_type=event_type,
                # 事件: every kind of event by its word, to read one kind alone (every 停用用户).
                log_types=sorted(LABELS["event"].items(), key=lambda kind: kind[1]),
                log_query=urlencode({k: v for k, v in (("user", user), ("type", event_type)) if v}),
            )
            # 操作人: every account by name (and login), to read one person's acts alone. From
            # the directory's index of users, not the trail's directory events: those are read
            # by a scan of the whole trail, on every page of the log.
            people = svc.directory.every_user()
            context["log_users"] = sorted(
                ((u.username, u.display_name) for u in people), key=lambda u: u[1]
            )
            # The log reads oldest first; today's events were some fifty pages on.
            head = svc.app.recorder.max_notification_id() or 0
            context.update(latest_after=max(0, head - PAGE_SIZE), page_size=PAGE_SIZE)
        elif tab == "late":
            late = queries.late_recordings(svc, Paging(PAGE_SIZE, cursor))
            context.update(events=late["items"], next_cursor=late["next_cursor"])
            context["late_days"] = svc.settings.late_recording_days
        elif tab == "signals":
            signals = queries.integrity_signals(svc)
            shown = signals["feedback"]["by_office"][:SIGNAL_ROWS]
            context.update(signals=signals, office_feedback=shown)
            met = signals["met_after_due"]
            acts = [{**m["event"], "case_id": m["case_id"], "data": {}} for m in met]
            context["events"] = [*shown, *signals["corrections"], *acts]
            context["met_units"] = queries.unit_names(svc, [m["unit"] for m in met])
        else:
            context.update(_verify_tab(svc))
        bursts = context["signals"]["bursts"] if "signals" in context else []
        context.update(_names(svc, context.get("events", []), [b["user"] for b in bursts]))
    return render(request, "audit.html", who, context, status)


# What a verification run is doing, in the page's words.
VERIFY_STAGES = {
    "chain": "防篡改链（按日志位置）",
    "documents": "附件文件",
    "trail": "审计日志（按日志位置）",
    "views": "台账等读模型重算（按件）",
    "compare": "台账等读模型比对（按表）",
}


# Runs listed under the latest one: the record of the checks made.
RUNS_SHOWN = 10
# How the findings of what is derived from the events begin: the read models'
# (``infra.view_audit``) and the audit trail's (``infra.trail_audit``).
DERIVED_FINDINGS = (VIEWS_FINDING, "审计日志")


def _verify_tab(svc: Svc) -> dict[str, Any]:
    """The latest verification run (it runs in the background: at scale it takes minutes) and
    the ones before it, with who started each, by name."""
    runs = svc.verify_runs.recent(RUNS_SHOWN)
    run = runs[0] if runs else None
    result = run.result if run else None
    return {
        "run": run,
        "runs": runs,
        "verification": result,
        "finding_words": finding_words,
        "first_bad": _event_at(svc, (result or {}).get("first_bad_position")),
        "views_follow": run is not None and _views_follow(run.result),
        "stages": VERIFY_STAGES,
        "starters": queries.people_names(svc, [r.started_by for r in runs]),
    }


def _event_at(svc: Svc, position: int | None) -> dict[str, Any] | None:
    """What the log holds at a verification's first bad position: the case (by year and number)
    and the event's place in it, said beside the position (a review's auditor had to open the
    log to learn which case a finding was about); ``missing`` when no event is there (deleted)."""
    if position is None:
        return None
    found = svc.app.recorder.select_notifications(start=position, limit=1, stop=position)
    if not found:
        return {"missing": True}
    event = found[0]
    case_id = str(event.originator_id)
    number = queries.case_numbers(svc, [case_id]).get(case_id)
    return {"case_id": case_id, "number": number, "version": event.originator_version}


def _views_follow(result: dict[str, Any] | None) -> bool:
    """Whether the findings of the audit trail and the read models may follow from a changed
    event: both kinds were found. A review's auditor read the views' 按事件应为 of a tampered
    event as the truth."""
    reasons = [str(f["reason"]) for f in (result or {}).get("findings", [])]
    derived = [r.startswith(DERIVED_FINDINGS) for r in reasons]
    return any(derived) and not all(derived)


@router.post("/audit/verify")
def start_verify(request: Request, who: Auditor, svc: Svc, posted: Posted) -> Response:
    """The 开始校验 button: a run in the background (or the one under way), then its tab."""
    del posted  # the session's CSRF token, checked on the way in
    queries.start_verification(svc, who.user)
    return see_other("/audit?tab=verify")


def _log_user(request: Request) -> str | None:
    """The account the event log is narrowed to (``user``, held as the API's ``UserFilter``):
    None for all."""
    return query_text(request, "user", MAX_USER_FILTER, "操作人无效")


def _log_type(request: Request) -> str | None:
    """The event type the event log is narrowed to (``type``, held as the API's
    ``EventTypeFilter``): None for all."""
    event_type = request.query_params.get("type") or None
    if event_type is not None and not re.fullmatch(EVENT_TYPE_NAME, event_type):
        raise PageRefused(400, "事件类型无效")
    return event_type


def _after(request: Request) -> int:
    """The log position the event log starts after (``after``, as the API's): 0 when none."""
    after = request.query_params.get("after") or "0"
    position = whole_number(after)
    if position is None:
        raise PageRefused(400, f"日志位置 {after!r} 无效，应为非负整数")
    return position


def _names(svc: Svc, events: list[Any], users: Sequence[str] = ()) -> dict[str, Any]:
    """What the rows name by code or id, in words: cases by number, users by their names
    (the events' recorders and ``users``, those a burst of late recordings names), units by
    theirs."""
    actors = [_get(e, "actor") for e in events]
    held = [(_get(e, "type"), _get(e, "data")) for e in events]
    quotas = [data["unit"] for kind, data in held if _quota(kind, data)]
    moved_to = [data.get("unit_code") for kind, data in held if kind == "UserReassigned"]
    linked = [data["case_id"] for kind, data in held if kind == LINK_GRANTED]
    return {
        "accounts": _accounts(
            svc, {str(_get(e, "case_id")) for e in events if _get(e, "type") in NOT_CASES}
        ),
        "numbers": queries.case_numbers(svc, [*(_get(e, "case_id") for e in events), *linked]),
        "people": queries.people_names(svc, [*(_get(a, "user") for a in actors), *users]),
        "units": queries.unit_names(
            svc, [*(_get(a, "unit") for a in actors), *quotas, *filter(None, moved_to)]
        ),
        "china_hour": china_hour,
    }


def _accounts(svc: Svc, streams: set[str]) -> dict[str, str]:
    """The usernames of the user accounts among ``streams`` (a user's stream id is made from
    its name, ``User.create_id``): every user's id is made, so only for a page that holds an
    event of no case (most pages of the log hold none)."""
    if not streams:
        return {}
    return {
        stream: username
        for username in svc.directory.usernames()
        if (stream := str(User.create_id(username))) in streams
    }


def _get(row: Any, name: str) -> Any:
    # The log's rows are models; the signals' are dicts of the same fields.
    return row[name] if isinstance(row, dict) else getattr(row, name)


def china_hour(hour: str) -> str:
    """A burst's hour of recording (UTC, ``YYYY-MM-DD HH:00``) in Beijing time."""
    moment = datetime.fromisoformat(hour).replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:00")


@dataclass(frozen=True)
class Lookup:
    """The case lookup as typed, and why it was refused (``field``: the one at fault), or the
    cases it could mean (``choices``: a number two cases hold)."""

    number: str = ""
    at: str = ""
    field: str = ""
    problem: str = ""
    choices: Sequence[LedgerItem] = ()


@router.get("/audit/case")
def find_case(request: Request, who: Auditor, svc: Svc) -> Response:
    """A case by its number, on its page as of the moment asked (R-X3). A refusal is said
    beside its field on the 审计 page, the form keeping what was typed (a page of its own
    had lost it)."""
    number = (request.query_params.get("number") or "").strip()
    at = request.query_params.get("at") or ""
    try:
        moment = parse_moment(at)
        check_past(moment)  # refused here (400) rather than on the case page
    except PageRefused as refused:
        return _audit(request, who, svc, Lookup(number, at, "at", refused.message), 400)
    try:
        found = _cases_numbered(svc, who, number)
    except PageRefused as refused:
        lookup = Lookup(number, at, "number", refused.message)
        return _audit(request, who, svc, lookup, refused.status)
    if moment is not None:
        # Only the cases recorded by then: a later one offered opened 该时间点该件尚未记录.
        recorded, refusal = [], None
        for item in found:
            try:
                with page_errors():
                    svc.app.get_case(item.case_id, as_of=moment)
                recorded.append(item)
            except PageRefused as refused:  # a moment before the case was recorded
                refusal = refusal or refused
        if not recorded and refusal is not None:
            return _audit(request, who, svc, Lookup(number, at, "at", refusal.message), 404)
        found = recorded
    if len(found) > 1:  # 300 Multiple Choices: the page lists them
        lookup = Lookup(number, at, "choices", f"编号为 {number} 的件有 {len(found)} 件", found)
        return _audit(request, who, svc, lookup, 300)
    return see_other(f"/cases/{found[0].case_id}" + (f"?at={at}" if at else ""))


def _cases_numbered(svc: Svc, who: Principal, number: str) -> list[LedgerItem]:
    """The cases numbered ``number``, newest year first: a number is unique per kind and year
    only (offices number each year from 0001), and the lookup that opened one of them left
    the others out of reach."""
    if not number:
        raise PageRefused(400, "请输入件的编号")
    # As registration takes a number (full-width, composed or not, any dash), and in any
    # letter case: "jy-0021" is JY-0021.
    typed = case_number_form(number)
    spellings = list(dict.fromkeys([typed, typed.upper(), typed.lower()]))
    with page_errors():
        found = queries_ledger.cases_numbered(svc, who, today(), spellings, year=None, kind=None)
    if not found.items:
        raise PageRefused(404, f"没有编号为 {number} 的件")
    return sorted(found.items, key=lambda item: (-item.year, item.kind, item.number))

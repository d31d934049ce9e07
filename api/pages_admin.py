"""管理 (UI.md § Page map), for admins: units, users (create, disable or enable, a new token),
and calendar years (R-D7: load a year's 放假/调休 and see which deadlines the load moved).

Each form is the body of its ``/v1`` command (``UnitCreate``, ``UserCreate``, ``UserReason``,
``TokenCreate``, ``CalendarYear``) run by the same services; a new token is shown once, on the
answer page, and never stored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any, NamedTuple
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from api import queries, queries_ledger
from api import schemas as s
from api import schemas_accounts as a
from api.commands import context
from api.pages_case import china_time
from api.pages_refusals import domain_words, validation_sentence
from api.pages_web import PageRefused, Posted, Svc, page_errors, render, roles, see_other
from domain.checks import ISO_DAY, text_problem
from domain.deadlines.calendar import BUILTIN_FIRST_YEAR, BUILTIN_LAST_YEAR
from domain.deadlines.calendar_book import check_schedule, statutory_days, weekday_holidays
from domain.deadlines.status import met_on_time
from domain.directory import IssuedToken
from domain.errors import DomainError
from domain.vocabulary import ROLES
from infra.clock import china_date, today
from infra.command_context import CommandContext
from infra.directory import Principal

router = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(roles("admin"))]


def admin_context(svc: Svc) -> dict[str, Any]:
    with page_errors():
        found = queries.directory(svc)
    # Users' and moved deadlines' units by name (their code on hover), as on every other page.
    names = {u["code"]: u["name"] for u in found["units"]}
    # Tokens past their day no longer work (judged as a request is: the day in Beijing).
    day = china_date(svc.directory.clock())
    for user in found["users"]:
        user["live_tokens"] = [t for t in user["live_tokens"] if _in_force(t, day)]
    return {
        **found,
        "unit_names": names,
        "roles": sorted(ROLES),
        "today": today(),
        "china_time": china_time,
        # R-D7: the years the package's official schedules cover, which a load replaces.
        "builtin_years": (BUILTIN_FIRST_YEAR, BUILTIN_LAST_YEAR),
        "unscheduled": unscheduled_years(today(), [y["year"] for y in found["calendar_years"]]),
    }


def unscheduled_years(day: date, loaded: list[int]) -> list[int]:
    """This year and the next, where neither the package nor a load gives the official
    schedule: their deadlines are counted Monday to Friday, provisional (R-D7), until it is
    loaded. A review's admin in December learned it from one grey line of the page."""
    covered = set(loaded) | set(range(BUILTIN_FIRST_YEAR, BUILTIN_LAST_YEAR + 1))
    return [year for year in (day.year, day.year + 1) if year not in covered]


def _in_force(token: dict[str, Any], day: date) -> bool:
    """A listed token (as the trail holds it) judged as a request's token is."""
    expires = token["expires_on"]
    issued = IssuedToken(token["prefix"], date.fromisoformat(expires) if expires else None)
    return issued.in_force_on(day)


def page(
    request: Request, who: Principal, svc: Svc, status: int = 200, **more: Any
) -> HTMLResponse:
    return render(request, "admin.html", who, {**admin_context(svc), **more}, status=status)


# The admin forms' fields as their labels name them (templates/admin.html).
LABELS = {
    "code": "代码",
    "name": "名称",
    "year": "年度",
    "holidays": "放假日",
    "workdays": "调休上班日",
    "reason": "理由",
    "expires_on": "有效至",
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "unit_code": "单位",
    "password": "初始密码",
    "new_password": "新密码",
    "token_prefix": "令牌",
}


def problem_of(error: Exception) -> str:
    """A refusal in the page's words, led by the rule it cites, as a case form's are: the
    管理 page's calendar and user forms said R-D7's refusals without the rule."""
    if isinstance(error, ValidationError):
        return validation_sentence(error, LABELS)
    if isinstance(error, DomainError):
        said = domain_words(error, LABELS)
        return f"{error.rule} {said}" if error.rule else said
    return str(error)


def field_of(error: Exception) -> str | None:
    """The form field a refusal is about, when it is one field's: where pydantic found the
    first problem, or the field the domain's refusal names."""
    if isinstance(error, ValidationError):
        where = error.errors()[0].get("loc", ()) if error.errors() else ()
        return str(where[0]) if where else None
    return error.field if isinstance(error, DomainError) else None


def refused(
    request: Request, who: Principal, svc: Svc, key: str, error: Exception, **more: Any
) -> HTMLResponse:
    """The page again with ``error`` said above the form ``key`` names (led by its rule) and
    its field marked: a review's admin read a refusal above a form and looked for the field."""
    problems = {key: problem_of(error)}
    fields = {key: field_of(error)}
    return page(request, who, svc, 422, problems=problems, problem_fields=fields, **more)


def ctx_for(request: Request, who: Principal, body: BaseModel) -> CommandContext:
    return context(request, who, a.fingerprinted(body))


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, who: Admin, svc: Svc) -> HTMLResponse:
    params = request.query_params
    said = done_message(params.get("done", ""), params.get("user"), params.get("tokens"))
    return page(request, who, svc, done=said)


# What the page says after a command it redirected from (``?done=``), by the command.
DONE = {
    "unit": "已新建单位。",
    "disable": "已停用用户{user}：其令牌和登录随即失效。",
    "enable": "已启用用户{user}。",
    "reassign": "已调整用户{user}的角色或单位：其令牌和登录自下一次请求起按新的角色和单位办理。",
    "password": (
        "已重设用户{user}的密码：其此前打开的登录已结束，令牌不受影响。请把新密码当面交给本人。"
    ),
    "revoke": "已吊销用户{user}的令牌{tokens}：凭所吊销令牌的请求随即被拒绝。",
}


# Tokens as the list names them: their first 8 characters (``TokenRevoke.token_prefix``).
_PREFIXES = re.compile(r"[A-Za-z0-9_-]{8}(?:,[A-Za-z0-9_-]{8})*")


def done_message(done: str, user: str | None, tokens: str | None = None) -> str:
    """The success line for ``done`` (empty for none); a command of an unknown name says
    only that it was done. Revoked tokens are named by their first 8 characters."""
    if not done:
        return ""
    named = f"“{user}”" if user else ""
    listed = tokens.split(",") if tokens and _PREFIXES.fullmatch(tokens) else []
    which = f" {'、'.join(listed)}（{len(listed)} 个）" if listed else ""
    return DONE.get(done, "已完成。").format(user=named, tokens=which)


@router.post("/admin/units", response_class=HTMLResponse)
def create_unit(request: Request, who: Admin, svc: Svc, posted: Posted) -> Response:
    try:
        body = s.UnitCreate.model_validate({"code": posted.get("code"), "name": posted.get("name")})
        svc.directory.create_unit(who, body.code, body.name, ctx_for(request, who, body))
    except (ValidationError, DomainError) as error:
        return refused(request, who, svc, "unit", error, posted=posted)
    return see_other("/admin?done=unit")


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(request: Request, who: Admin, svc: Svc, posted: Posted) -> Response:
    data = {
        "username": posted.get("username"),
        "display_name": posted.get("display_name"),
        "role": posted.get("role"),
        "unit_code": posted.get("unit_code") or None,
        "password": posted.get("password") or None,
    }
    try:
        body = a.UserCreate.model_validate(data)
        answer, _ = svc.directory.create_user(
            who, **body.model_dump(), ctx=ctx_for(request, who, body)
        )
    except (ValidationError, DomainError, ValueError) as error:
        return refused(request, who, svc, "user", error, posted=posted)
    return page(request, who, svc, 201, token_for=answer["username"], token=answer["token"])


@router.post("/admin/users/{username}/{action}", response_class=HTMLResponse)
def user_action(
    request: Request, username: str, action: str, who: Admin, svc: Svc, posted: Posted
) -> Response:
    try:
        if action in ("disable", "enable"):
            body: BaseModel = a.UserReason.model_validate({"reason": posted.get("reason")})
            turn = svc.accounts.disable if action == "disable" else svc.accounts.enable
            turn(ctx_for(request, who, body), username, posted.get("reason"))
            return see_other(f"/admin?done={action}&user={quote(username)}")
        if action == "password":
            # An admin sets it without the old one (API.md: POST /v1/users/{username}/password);
            # the user's open sessions end, its tokens keep working. Its own is changed on 我的账户,
            # proving the old one: a desk left open must not hand the admin's account over.
            if username == who.user:
                problem = "修改本人的密码请到“我的账户”，须提供原密码；密码未修改。"
                return page(request, who, svc, 403, problems={username: problem})
            password_body = a.PasswordChange.model_validate(
                {"new_password": posted.get("new_password")}
            )
            svc.accounts.change_password(
                ctx_for(request, who, password_body),
                who,
                username,
                None,
                password_body.new_password,
            )
            return see_other(f"/admin?done=password&user={quote(username)}")
        if action == "revoke":
            # One token by its first 8 characters (as the list shows them), else every one.
            revoke_body = a.TokenRevoke.model_validate(
                {"token_prefix": posted.get("token_prefix") or None}
            )
            revoked = svc.accounts.revoke_tokens(
                ctx_for(request, who, revoke_body), username, revoke_body.token_prefix
            ).revoked
            query = urlencode({"done": "revoke", "user": username, "tokens": ",".join(revoked)})
            return see_other(f"/admin?{query}")
        if action == "reassign":
            # The form shows the user's unit as it stands: moving a handler to the office, the
            # unit left selected is not asked for, and only a handler's unit is sent.
            role = posted.get("role")
            reassign_body = a.UserReassign.model_validate(
                {
                    "role": role,
                    "unit_code": (posted.get("unit_code") or None) if role == "handler" else None,
                    "reason": posted.get("reason"),
                }
            )
            svc.accounts.reassign(
                ctx_for(request, who, reassign_body),
                username,
                role=reassign_body.role,
                unit_code=reassign_body.unit_code,
                reason=reassign_body.reason,
            )
            return see_other(f"/admin?done=reassign&user={quote(username)}")
        if action == "token":
            expires = posted.get("expires_on") or None
            token_body = a.TokenCreate.model_validate({"expires_on": expires})
            change = svc.accounts.grant_token(
                ctx_for(request, who, token_body), who, username, token_body.expires_on
            )
            return page(request, who, svc, 201, token_for=username, token=change.token)
    except (ValidationError, DomainError) as error:
        return refused(request, who, svc, username, error, posted=posted, posted_to=action)
    raise PageRefused(404, f"没有操作 {action}")


# The words offices write beside a day, copying the State Council's notice (元旦, 2027-02-20
# 补班): a word standing alone that is one of these, or anything in brackets, is read past.
DAY_NAMES = frozenset(
    {"元旦", "除夕", "春节", "清明", "清明节", "劳动节", "五一", "端午", "端午节", "中秋", "中秋节"}
    | {"国庆", "国庆节", "放假", "休息", "调休", "补班", "上班"}
    | {f"{week}{day}" for week in ("周", "星期") for day in "一二三四五六日天"}
)
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
_ITEMS_APART = re.compile(r"[、,;]")  # full-width ，；： are these once NFKC-read
_WORDS_APART = re.compile(r"[\s:]+")


def day_lines(text: str, box: str) -> list[str]:
    """The days a 放假日 or 调休上班日 box lists: a line each, or a 、 or comma apart, in
    full-width digits too. Words beside a day are its name or a note (2029-02-13 春节假期);
    a line with no day but a word that is no day's name is refused, by its line and quoted
    (ValueError), as is a word with digits that is no day: 放假日第 4 项 named an item no line
    showed once names were read past."""
    days: list[str] = []
    lines = unicodedata.normalize("NFKC", text).splitlines()
    for number, line in enumerate(lines, start=1):
        problem = text_problem(line)
        if problem is not None:  # unseen, it made a day that looked right "no day"
            kind = "控制字符" if "control" in problem else "字符"
            raise ValueError(f"{box}第 {number} 行含有不可保存的{kind}")
        for item in _ITEMS_APART.split(_BRACKETED.sub(" ", line)):
            words = [w for w in _WORDS_APART.split(item) if w]
            dated = [w for w in words if any(c.isdigit() for c in w)]
            for word in dated if dated else [w for w in words if w not in DAY_NAMES]:
                if not _is_day(word):
                    raise ValueError(f"{box}第 {number} 行“{word}”不是日期（应写作 YYYY-MM-DD）")
                days.append(word)
    return days


def _is_day(word: str) -> bool:
    try:
        return bool(ISO_DAY.fullmatch(word)) and bool(date.fromisoformat(word))
    except ValueError:
        return False


@router.post("/admin/calendar", response_class=HTMLResponse)
def load_calendar(request: Request, who: Admin, svc: Svc, posted: Posted) -> Response:
    """R-D7: a year's schedule; the answer lists the deadlines it moved (compared before and
    after in the ledger, which the load re-derives at once)."""
    # As typed with a Chinese input method too (２０２７).
    year_text = unicodedata.normalize("NFKC", posted.get("year")).strip()
    try:
        year = int(year_text) if year_text.isascii() and year_text.isdigit() else 0
        if not 1949 <= year <= 2200:
            raise ValueError(f"年度“{year_text}”无效")
        body = s.CalendarYear.model_validate(
            {
                "holidays": day_lines(posted.get("holidays"), "放假日"),
                "workdays": day_lines(posted.get("workdays"), "调休上班日"),
            }
        )
        # What the load refuses first, so the question below counts the year's own days.
        check_schedule(year, body.holidays, body.workdays)
        short = _short_of_statutory(year, body.holidays)
        if short and posted.get("short_ok") != "1":
            problems = {"calendar": short}
            return page(
                request, who, svc, 422, problems=problems, posted=posted, confirm_short=True
            )
        window = (date(year - 1, 1, 1), date(year + 1, 12, 31))
        with page_errors():
            before = queries_ledger.deadlines_due_between(svc, *window)
        ctx = CommandContext(actor=who.actor(), today=today())
        version = svc.app.stored_calendar.load_year(ctx, year, body.holidays, body.workdays)
        with page_errors():
            after = queries_ledger.deadlines_due_between(svc, *window)
    except (ValidationError, DomainError, ValueError) as error:
        return refused(request, who, svc, "calendar", error, posted=posted)
    listed = [*body.holidays, *body.workdays]  # a day twice in one list is taken once
    merged = sorted({d for d in listed if listed.count(d) > 1})
    return page(
        request, who, svc, 200, moved=moved(before, after), loaded=(year, version), merged=merged
    )


def _short_of_statutory(year: int, holidays: list[date]) -> str | None:
    """What to ask the administrator before loading a year that lists fewer weekday holidays
    than the statutory ones: a year of 元旦 alone was loaded without a word, and cleared the
    provisional mark (⚠) of every deadline in it. A schedule is the administrator's to load
    (the API takes it); the page asks once."""
    listed, least = weekday_holidays(holidays), statutory_days(year)
    if listed >= least:
        return None
    return (
        f"R-D7 {year} 年的安排只列了 {listed} 个工作日放假，少于每年的法定节假日（{least} 天）："
        "载入后该年期限不再标为暂定（⚠）。请对照国务院办公厅的通知核对；"
        "如确为全部安排，请勾选“确认按此载入”后再次提交。"
    )


class MovedDeadline(NamedTuple):
    """A deadline whose due date a calendar load changed. ``turned_late``: the on-time verdict
    of a met deadline the load turned, True when on time became late, False the other way,
    None when it stands (or the deadline is not met): a reload of a past year re-judges what
    was done, and the units' on-time rates with it."""

    number: str
    kind: str
    unit: str
    was: str
    now: str
    turned_late: bool | None


def moved(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> list[MovedDeadline]:
    """Deadlines whose due date the load changed, the re-judged ones first."""
    changes = []
    for key, now in after.items():
        was = before.get(key)
        if was is not None and was["due_on"] != now["due_on"]:
            turned = _turned_late(was, now)
            changes.append(
                MovedDeadline(
                    now["number"], now["kind"], now["unit"], was["due_on"], now["due_on"], turned
                )
            )
    return sorted(changes, key=lambda change: (change.turned_late is None, change[:5]))


def _turned_late(was: dict[str, Any], now: dict[str, Any]) -> bool | None:
    if not now["met_on"]:
        return None
    before, after = (
        met_on_time(*(_day(row[k]) for k in ("due_on", "met_on", "missed_on")))
        for row in (was, now)
    )
    return None if before == after else not after


def _day(text: Any) -> Any:
    return date.fromisoformat(str(text)) if text else None

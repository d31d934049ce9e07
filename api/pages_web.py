"""The workbench's plumbing (API.md "The workbench"; docs/decisions.md § Workbench): templates,
security headers, who is logged in, CSRF tokens, posted forms and the pages' own errors.

Pages are for people with a password login: they are judged by the session cookie only (a
bearer token is for programs, which use ``/v1``). Every form carries a CSRF token derived from
the session's secret, so only a page this server drew for that session can post it; the cookie
is SameSite=Strict as well, and no page runs inline script (the Content-Security-Policy says so).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import parse_qsl, quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from api.auth import SESSION_COOKIE, services
from api.deps import app_services
from api.page_paths import is_page_request
from api.pages_came_from import came_from, from_here, safe_next
from api.pages_labels import (
    LABELS,
    chinese_part,
    file_size,
    label,
    percent,
    reason_words,
    status_word,
)
from api.pages_ledger_rows import ledger_rows
from api.pages_markup import actor_words, deadline, kind_words, phones, unit_name
from api.problems import ApiProblem
from api.queries import unit_names
from domain.checks import text_problem
from domain.errors import DomainError, NotFound
from domain.vocabulary import KINDS, Kind
from infra.directory import Principal
from infra.paper_labels import PER_UNIT_COUNT
from infra.services import Services

MAX_FORM_FIELDS = 1000


def _web_dir() -> Path:
    """``web/`` beside the ``api`` package (a checkout, an editable install), else in the
    working directory (the Docker image installs the packages and copies ``web/`` to /app)."""
    beside = Path(__file__).resolve().parents[1] / "web"
    return beside if beside.is_dir() else Path.cwd() / "web"


WEB_DIR = _web_dir()
STATIC_DIR = WEB_DIR / "static"

# No inline script anywhere: scripts come from /static only. Inline *styles* are allowed
# because ECharts writes its tooltips as HTML with style attributes; styles cannot run code.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # Pages show personal data (proposers' names): no shared cache keeps them.
    "Cache-Control": "no-store",
}

templates = Environment(
    loader=FileSystemLoader(WEB_DIR / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates ship with the code and change only with a restart: no stat of the file on
    # every page (5 % of a 督办 page under py-spy).
    auto_reload=False,
)
templates.globals.update(
    LABELS=LABELS,
    PER_UNIT_COUNT=PER_UNIT_COUNT,
    came_from=came_from,
    from_here=from_here,
    label=label,
    reason_words=reason_words,
    percent=percent,
    file_size=file_size,
    status_word=status_word,
    deadline=deadline,
    kind_words=kind_words,
    unit_name=unit_name,
    actor_words=actor_words,
    ledger_rows=ledger_rows,
    phones=phones,
)
templates.filters["chinese_part"] = chinese_part

# Pages in the top navigation, and the roles each is for (UI.md § Page map).
NAVIGATION: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("/", "总览", frozenset({"admin", "office", "leader", "handler", "supervisor", "auditor"})),
    (
        "/ledger",
        "办理台账",
        frozenset({"admin", "office", "leader", "handler", "supervisor", "auditor"}),
    ),
    ("/supervision", "督办", frozenset({"office", "leader", "supervisor"})),
    # R-D4, R-P1 … R-P5: the office and the replying unit publish; the others read.
    (
        "/disclosures",
        "答复公开",
        frozenset({"office", "leader", "supervisor", "auditor", "handler"}),
    ),
    (
        "/paperwork",
        "导入导出",
        frozenset({"office", "leader", "handler", "supervisor", "auditor"}),
    ),
    ("/audit", "审计", frozenset({"auditor", "admin"})),
    ("/admin", "管理", frozenset({"admin"})),
)


# Only the office imports (交办清单, R-A1); the others' page of it offers downloads alone.
IMPORTERS = frozenset({"office"})


def nav_name(href: str, name: str, role: str) -> str:
    """A page's name in the navigation as the role finds it: 导出 where it imports nothing (a
    review's handler looked for what to import)."""
    return "导出" if href == "/paperwork" and role not in IMPORTERS else name


class LoginRequired(Exception):
    """No live session: the browser is sent to the login page (and back afterwards)."""

    def __init__(self, expired: bool) -> None:
        super().__init__("login required")
        self.expired = expired


class PageRefused(Exception):
    """A page the caller may not see (403), one that is not there (404), a bad form (400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def session_secret(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def page_user(request: Request) -> Principal:
    """The logged-in user of a page; read from the store on every request, as the API does,
    so a logout, a disable or an expiry counts at once."""
    secret = session_secret(request)
    found = services(request).sessions.authenticate(secret) if secret else None
    if found is None:
        raise LoginRequired(expired=bool(secret))
    return found


def roles(*allowed: str) -> Callable[..., Awaitable[Principal]]:
    """A page dependency admitting only ``allowed`` roles (others get the 403 page)."""

    async def check(who: Annotated[Principal, Depends(page_user)]) -> Principal:
        if who.role not in allowed:
            raise PageRefused(403, f"{label('role', who.role)}不能查看此页面")
        return who

    return check


Staff = Annotated[Principal, Depends(page_user)]
Svc = Annotated[Services, Depends(app_services)]


def csrf_of(secret: str) -> str:
    """The CSRF token of a session: derived from its secret, which only the browser holding
    the (HttpOnly) cookie has, so no other site can know it; the secret cannot be read back."""
    return hmac.new(secret.encode(), b"banli-workbench-csrf", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Form:
    """A posted form's fields, in order (a name may repeat: lists)."""

    pairs: tuple[tuple[str, str], ...]

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.pairs if k == name), default)

    def getlist(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self.pairs)

    def values(self) -> dict[str, str]:
        """The first value of each field, to draw the form again as it was posted."""
        found: dict[str, str] = {}
        for k, v in self.pairs:
            found.setdefault(k, v)
        return found


async def read_form(request: Request) -> Form:
    """The urlencoded body of a form post (the request limits have bounded its size)."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise PageRefused(415, "表单格式不正确")
    body = await request.body()
    try:
        text = body.decode("utf-8")
        # Strict escapes too: ``%FF`` would otherwise be read as U+FFFD and stored as typed.
        pairs = parse_qsl(
            text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS, errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        raise PageRefused(400, "表单内容无法读取") from None
    # Browsers send a textarea's line ends as CRLF; the stores keep LF.
    return Form(tuple((k, v.replace("\r\n", "\n")) for k, v in pairs))


def _session_form(request: Request, form: Form) -> Form:
    secret = session_secret(request)
    if not secret or not hmac.compare_digest(form.get("_csrf"), csrf_of(secret)):
        raise PageRefused(403, "表单已失效（缺少或错误的校验码），请刷新页面后重试")
    return form


async def posted_form(request: Request) -> Form:
    """A form posted by a page of this session: its CSRF token must be the session's."""
    return _session_form(request, await read_form(request))


Posted = Annotated[Form, Depends(posted_form)]


@dataclass(frozen=True)
class Upload:
    """A multipart form with one file (``file``), posted by a page of this session."""

    form: Form
    file: UploadFile | None


async def posted_upload(request: Request) -> Upload:
    """As ``posted_form``, for a form that sends a file: the same CSRF token, checked before
    anything of the file is used (the request limits have bounded its size)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise PageRefused(415, "表单格式不正确")
    try:
        parsed = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS)
    except (HTTPException, MultiPartException):
        raise PageRefused(400, "表单内容无法读取") from None
    items = parsed.multi_items()
    pairs = tuple((k, v.replace("\r\n", "\n")) for k, v in items if isinstance(v, str))
    files = [v for k, v in items if k == "file" and isinstance(v, UploadFile)]
    form = _session_form(request, Form(pairs))
    return Upload(form, files[0] if files and files[0].filename else None)


Uploaded = Annotated[Upload, Depends(posted_upload)]


def render(
    request: Request,
    template: str,
    who: Principal | None,
    context: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    secret = session_secret(request)
    nav = [
        (href, nav_name(href, name, who.role))
        for href, name, allowed in NAVIGATION
        if who and who.role in allowed
    ]
    html = templates.get_template(template).render(
        request=request,
        who=who,
        nav=nav,
        here=request.url.path,
        csrf=csrf_of(secret) if secret and who else "",
        # The header names a handler's unit as people do, by its name (read once, then kept).
        own_unit=unit_names(services(request), [who.unit])[who.unit] if who and who.unit else "",
        **(context or {}),
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def see_other(url: str) -> RedirectResponse:
    """After a form post: the browser GETs ``url`` (so a reload does not post again)."""
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


def login_redirect(request: Request, error: LoginRequired) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        # A form posted after the session ended: back to the page it was on, not to the
        # form's address (which only takes posts); what it posted is not kept.
        target = referer_page(request) or "/"
    url = f"/login?next={quote(target, safe='')}" + ("&expired=1" if error.expired else "")
    response = see_other(url)
    if error.expired:
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def wants_page(request: Request) -> bool:
    """A browser's request for a page (``page_paths.is_page_request``)."""
    return is_page_request(request.url.path, request.headers.get("accept", ""))


def refused_page(request: Request, error: PageRefused) -> Response:
    who: Principal | None = None
    secret = session_secret(request)
    if secret:
        who = services(request).sessions.authenticate(secret)
    context = {"status": error.status, "message": error.message, "back": page_before(request)}
    return render(request, "error.html", who, context, status=error.status)


def unavailable_page(request: Request, retry_after: int) -> Response:
    """A page or form that met a busy or unreachable store (``infra.store_errors``), in
    Chinese. Who asks is not looked up: that too reads the store."""
    message = (
        "数据库正忙或暂时无法访问，本次请求未能完成。请稍后重试；"
        "如刚提交过办理事项，请先刷新该件，看是否已经记录，以免重复登记。"
    )
    context = {"status": 503, "message": message, "back": page_before(request)}
    answer = render(request, "error.html", None, context, status=503)
    answer.headers["Retry-After"] = str(retry_after)
    return answer


def referer_page(request: Request) -> str | None:
    """The page of this site the browser came from (its ``Referer``); None from elsewhere."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path:
        return None
    return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))


def page_before(request: Request) -> str | None:
    """A link back to the form a refusal answers: the page the browser came from, unless it
    is the refusal's own address."""
    back = referer_page(request)
    return None if back == request.url.path else back


# ---------------------------------------------------------------------- query parameters
# A page's filters are in its URL (a link reproduces the view); a value the page cannot use is
# a 400 page naming it, never a silent default nor a 500.


def query_choice(request: Request, name: str, allowed: Iterable[str]) -> str | None:
    value = request.query_params.get(name) or None
    if value is not None and value not in set(allowed):
        raise PageRefused(400, f"参数 {name} 的值 {value!r} 无效")
    return value


def query_kind(request: Request) -> Kind | None:
    return cast(Kind | None, query_choice(request, "kind", KINDS))


def query_year(request: Request, name: str = "year") -> int | None:
    value = request.query_params.get(name) or None
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and 1949 <= int(value) <= 2200):
        raise PageRefused(400, f"参数 {name} 应为年份（1949–2200），而不是 {value!r}")
    return int(value)


def query_day(request: Request, name: str = "as_of") -> date | None:
    value = request.query_params.get(name) or None
    if value is None:
        return None
    if len(value) == 10:
        with suppress(ValueError):
            return date.fromisoformat(value)
    raise PageRefused(400, f"参数 {name} 应为日期 YYYY-MM-DD，而不是 {value!r}")


def query_text(request: Request, name: str, most: int, refusal: str) -> str | None:
    """A query's text held as the API's filter of it holds it: at most ``most`` characters of
    storable text (``refusal`` says otherwise, 400); None when absent or empty."""
    value = request.query_params.get(name) or None
    if value is not None and (len(value) > most or text_problem(value)):
        raise PageRefused(400, refusal)
    return value


def query_flag(request: Request, name: str) -> bool | None:
    value = query_choice(request, name, ("1", "0"))
    return None if value is None else value == "1"


@contextmanager
def page_errors() -> Iterator[None]:
    """The API's refusals as pages: a case out of scope is the same 404 as one that is not
    there; a 403 and a bad parameter keep their status."""
    try:
        yield
    except ApiProblem as problem:
        # A detail in both languages ("en / zh", as domain refusals are) shows its Chinese.
        raise PageRefused(problem.status, problem.detail.rsplit(" / ", 1)[-1]) from None
    except NotFound as missing:
        raise PageRefused(404, missing.zh) from None
    except DomainError as error:
        raise PageRefused(409 if error.rule else 422, error.zh) from None

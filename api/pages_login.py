"""登录 and 退出 (API.md v1.1 "Users and sessions"): the same sessions, lockout and cookie as
``POST /v1/session``, from a form.

Before a session exists there is no secret to derive a CSRF token from, so the login form uses
a double-submit token: a random value in a SameSite=Strict cookie and in the form, which only a
page of this server can pair (no other site can log a browser into an account of its choosing).
"""

from __future__ import annotations

import hmac
import math
import secrets
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api import schemas_accounts as a
from api.pages_came_from import safe_next
from api.pages_web import Svc, posted_form, read_form, render, see_other, session_secret
from api.routes_accounts import clear_session_cookie, set_session_cookie
from infra.login_throttle import LoginLocked
from infra.passwords import AccountDisabled, BadCredentials

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "banli_login_csrf"


def login_page(
    request: Request, message: str = "", status: int = 200, username: str = ""
) -> Response:
    token = secrets.token_urlsafe(32)
    context = {
        "login_csrf": token,
        "next": safe_next(request.query_params.get("next", "/")),
        "expired": request.query_params.get("expired") == "1",
        "bye": request.query_params.get("bye") == "1",
        "changed": request.query_params.get("changed") == "1",
        "message": message,
        "username": username,
    }
    response = render(request, "login.html", None, context, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/login",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/login")
def get_login(request: Request) -> Response:
    return login_page(request)


@router.post("/login")
async def post_login(request: Request) -> Response:
    form = await read_form(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(form.get("_csrf"), cookie):
        return login_page(request, "登录页面已过期，请重新输入", status=403)
    username = form.get("username")
    try:
        body = a.SessionCreate.model_validate(
            {"username": username, "password": form.get("password")}
        )
    except ValidationError:
        return login_page(request, "请输入用户名和密码", status=422, username=username)
    # Hashing a password takes a while: off the event loop, as the API's sync routes are.
    svc: Svc = request.app.state.services
    try:
        opened = await run_in_threadpool(svc.sessions.login, body.username, body.password)
    except LoginLocked as locked:
        minutes = minutes_locked(locked.until, svc)
        message = f"登录失败次数过多，该用户名已锁定，请 {minutes} 分钟后再试"
        return login_page(request, message, status=429, username=username)
    except AccountDisabled:
        return login_page(request, "该账号已停用，请联系系统管理员", status=403, username=username)
    except BadCredentials:
        message = "用户名或密码错误" + locked_now(svc, body.username)
        return login_page(request, message, status=401, username=username)
    response = see_other(safe_next(form.get("next", "/")))
    set_session_cookie(response, request, svc, opened.secret)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def minutes_locked(until: datetime, svc: Svc) -> int:
    """Whole minutes, at least one, until a name locked ``until`` may try again (the pages'
    words; the API answers seconds in ``Retry-After``)."""
    return max(1, math.ceil((until - svc.directory.clock()).total_seconds() / 60))


def locked_now(svc: Svc, username: str) -> str:
    """What a wrong password adds when it was the failure that locked ``username``: the page
    that took the fifth said only that it was wrong, and the user learned of the lock from the
    next attempt, their right password refused. The API's answer stays a 401 (the next one is
    the 429)."""
    until = svc.sessions.throttle.locked_until(username, svc.directory.clock())
    if until is None:
        return ""
    return f"；失败次数过多，该用户名已锁定，请 {minutes_locked(until, svc)} 分钟后再试"


@router.post("/logout")
async def post_logout(request: Request) -> Response:
    await posted_form(request)
    secret = session_secret(request)
    svc: Svc = request.app.state.services
    if secret:
        await run_in_threadpool(svc.sessions.end, secret)
    response = see_other("/login?bye=1")
    clear_session_cookie(response, request)
    return response

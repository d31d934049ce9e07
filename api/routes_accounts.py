"""Users and sessions (API.md v1.1): disable and enable users, tokens, passwords, password
login with a session cookie, and who the caller is.

Commands answer 201 (200 for an idempotent replay) with the events they recorded; the audit
log (``/v1/audit/events``) shows them with their actor.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api import schemas_accounts as a
from api.auth import SESSION_COOKIE, principal, require, services
from api.commands import context
from api.problems import ApiProblem, problem
from infra.accounts import AccountChange
from infra.application import CommandContext
from infra.directory import Principal
from infra.login_throttle import LoginLocked
from infra.passwords import BadCredentials

router = APIRouter(prefix="/v1", tags=["users and sessions"])
ADMIN = require("admin")
UsernamePath = Annotated[str, Path(min_length=1, max_length=100)]


def admin_or_self(username: UsernamePath, who: Principal = Depends(principal)) -> Principal:
    """A dependency (so refused before the body is judged, as ``require``): an admin, or the
    user the path names."""
    if who.role != "admin" and who.user != username:
        raise ApiProblem(403, f"only an admin or {username} itself may do this")
    return who


def command_context(request: Request, who: Principal, body: BaseModel) -> CommandContext:
    return context(request, who, a.fingerprinted(body))


def answer(change: AccountChange, shape: type[a.AccountChangePublic]) -> JSONResponse:
    body = shape.model_validate(change, from_attributes=True).model_dump(mode="json")
    return JSONResponse(body, status_code=200 if change.replayed else 201)


def locked(error: LoginLocked, now_seconds: float) -> JSONResponse:
    wait = max(1, math.ceil(error.until.timestamp() - now_seconds))
    response = problem(429, f"too many failed logins: locked for {wait} more seconds")
    response.headers["Retry-After"] = str(wait)
    return response


@router.post("/users/{username}/disable", status_code=201, response_model=a.AccountChangePublic)
def disable_user(
    request: Request, body: a.UserReason, username: UsernamePath, who: Principal = Depends(ADMIN)
) -> JSONResponse:
    """Every token and session of the user stops working at once (401), on every worker."""
    ctx = command_context(request, who, body)
    change = services(request).accounts.disable(ctx, username, body.reason)
    return answer(change, a.AccountChangePublic)


@router.post("/users/{username}/enable", status_code=201, response_model=a.AccountChangePublic)
def enable_user(
    request: Request, body: a.UserReason, username: UsernamePath, who: Principal = Depends(ADMIN)
) -> JSONResponse:
    ctx = command_context(request, who, body)
    change = services(request).accounts.enable(ctx, username, body.reason)
    return answer(change, a.AccountChangePublic)


@router.post("/users/{username}/tokens", status_code=201, response_model=a.TokenPublic)
def grant_token(
    request: Request,
    body: a.TokenCreate,
    username: UsernamePath,
    who: Principal = Depends(admin_or_self),
) -> JSONResponse:
    """A new token, answered once; earlier tokens keep working until revoked."""
    ctx = command_context(request, who, body)
    change = services(request).accounts.grant_token(ctx, who, username, body.expires_on)
    return answer(change, a.TokenPublic)


@router.post("/users/{username}/tokens/revoke", status_code=201, response_model=a.RevocationPublic)
def revoke_tokens(
    request: Request,
    body: a.TokenRevoke,
    username: UsernamePath,
    who: Principal = Depends(admin_or_self),
) -> JSONResponse:
    """The token starting with ``token_prefix``, or every token of the user."""
    ctx = command_context(request, who, body)
    change = services(request).accounts.revoke_tokens(ctx, username, body.token_prefix)
    return answer(change, a.RevocationPublic)


@router.post("/users/{username}/password", status_code=201, response_model=a.AccountChangePublic)
def change_password(
    request: Request,
    body: a.PasswordChange,
    username: UsernamePath,
    who: Principal = Depends(admin_or_self),
) -> JSONResponse:
    """Sessions opened before the change end; tokens keep working."""
    svc = services(request)
    ctx = command_context(request, who, body)
    try:
        change = svc.accounts.change_password(
            ctx, who, username, body.old_password, body.new_password
        )
    except LoginLocked as error:
        return locked(error, svc.directory.clock().timestamp())
    except BadCredentials:
        raise ApiProblem(403, "old_password does not match") from None
    return answer(change, a.AccountChangePublic)


@router.post("/session", status_code=201, response_model=a.SessionPublic)
def log_in(request: Request, body: a.SessionCreate) -> JSONResponse:
    """Sets the session cookie (HttpOnly, SameSite=Strict, Secure over https)."""
    svc = services(request)
    try:
        opened = svc.sessions.login(body.username, body.password)
    except LoginLocked as error:
        return locked(error, svc.directory.clock().timestamp())
    except BadCredentials:
        # The same answer for an unknown user, a disabled one and a wrong password.
        raise ApiProblem(401, "unknown username or wrong password") from None
    who = opened.principal
    public = a.SessionPublic(
        username=who.user,
        display_name=who.display_name,
        role=who.role,
        unit_code=who.unit,
        expires_at=opened.expires_at,
    )
    response = JSONResponse(public.model_dump(mode="json"), status_code=201)
    response.set_cookie(
        SESSION_COOKIE,
        opened.secret,
        max_age=int(svc.sessions.lifetime.total_seconds()),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.delete("/session", status_code=204)
def log_out(request: Request) -> Response:
    """Ends the session of the request's cookie (a bearer token has no session to end)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret is None or services(request).sessions.end(secret) is None:
        raise ApiProblem(401, "no live session to end")
    response = Response(status_code=204)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/me", response_model=a.MePublic)
def me(who: Principal = Depends(principal)) -> a.MePublic:
    return a.MePublic(
        username=who.user, display_name=who.display_name, role=who.role, unit_code=who.unit
    )

"""Users and sessions (API.md v1.1): disable and enable users, tokens, passwords, password
login with a session cookie, and who the caller is.

Commands answer 201 (200 for an idempotent replay) with the events they recorded; the audit
log (``/v1/audit/events``) shows them with their actor.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api import schemas_accounts as a
from api.auth import SESSION_COOKIE
from api.commands import context
from api.deps import Admin, AdminOrSelf, Caller, Services, Username
from api.problems import ApiProblem, problem
from infra.accounts import AccountChange
from infra.command_context import CommandContext
from infra.directory import Principal
from infra.login_throttle import LoginLocked
from infra.passwords import BadCredentials
from infra.services import Services as ServiceGraph

router = APIRouter(prefix="/v1", tags=["users and sessions"])


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


def user_switch(enabled: bool) -> Callable[..., JSONResponse]:
    """``/disable`` and ``/enable``: one command but for its direction. Disabling stops every
    token and session of the user at once (401), on every worker."""

    def switch(
        request: Request, body: a.UserReason, username: Username, who: Admin, svc: Services
    ) -> JSONResponse:
        ctx = command_context(request, who, body)
        turn = svc.accounts.enable if enabled else svc.accounts.disable
        return answer(turn(ctx, username, body.reason), a.AccountChangePublic)

    return switch


for action, enabled in (("disable", False), ("enable", True)):
    router.add_api_route(
        f"/users/{{username}}/{action}",
        user_switch(enabled),
        methods=["POST"],
        name=f"{action}_user",
        status_code=201,
        response_model=a.AccountChangePublic,
    )


@router.post(
    "/users/{username}/reassign",
    status_code=201,
    response_model=a.AccountChangePublic,
    name="reassign_user",
)
def reassign_user(
    request: Request, body: a.UserReassign, username: Username, who: Admin, svc: Services
) -> JSONResponse:
    """调岗: the user's role and unit from now on; its tokens and sessions act with them at
    their next request, and its earlier events keep the role and unit they were recorded with."""
    ctx = command_context(request, who, body)
    change = svc.accounts.reassign(
        ctx, username, role=body.role, unit_code=body.unit_code, reason=body.reason
    )
    return answer(change, a.AccountChangePublic)


@dataclass(frozen=True)
class UserCommand:
    """A command on the user the path names, by an admin or by that user itself."""

    request: Request
    who: Principal
    username: str
    svc: ServiceGraph

    def context(self, body: BaseModel) -> CommandContext:
        return command_context(self.request, self.who, body)


def user_command(
    request: Request, username: Username, who: AdminOrSelf, svc: Services
) -> UserCommand:
    return UserCommand(request, who, username, svc)


OnUser = Annotated[UserCommand, Depends(user_command)]


@router.post("/users/{username}/tokens", status_code=201, response_model=a.TokenPublic)
def grant_token(body: a.TokenCreate, on: OnUser) -> JSONResponse:
    """A new token, answered once; earlier tokens keep working until revoked."""
    change = on.svc.accounts.grant_token(on.context(body), on.who, on.username, body.expires_on)
    return answer(change, a.TokenPublic)


@router.post("/users/{username}/tokens/revoke", status_code=201, response_model=a.RevocationPublic)
def revoke_tokens(body: a.TokenRevoke, on: OnUser) -> JSONResponse:
    """The token starting with ``token_prefix``, or every token of the user."""
    revoked = on.svc.accounts.revoke_tokens(on.context(body), on.username, body.token_prefix)
    return answer(revoked, a.RevocationPublic)


@router.post("/users/{username}/password", status_code=201, response_model=a.AccountChangePublic)
def change_password(body: a.PasswordChange, on: OnUser) -> JSONResponse:
    """Sessions opened before the change end; tokens keep working."""
    ctx, old, new = on.context(body), body.old_password, body.new_password
    try:
        change = on.svc.accounts.change_password(ctx, on.who, on.username, old, new)
    except LoginLocked as error:
        return locked(error, on.svc.directory.clock().timestamp())
    except BadCredentials:
        raise ApiProblem(403, "old_password does not match") from None
    return answer(change, a.AccountChangePublic)


@router.post("/session", status_code=201, response_model=a.SessionPublic)
def log_in(request: Request, body: a.SessionCreate, svc: Services) -> JSONResponse:
    """Sets the session cookie (HttpOnly, SameSite=Strict, Secure over https)."""
    try:
        opened = svc.sessions.login(body.username, body.password)
    except LoginLocked as error:
        return locked(error, svc.directory.clock().timestamp())
    except BadCredentials:
        # The same answer for an unknown user, a disabled one and a wrong password.
        raise ApiProblem(401, "unknown username or wrong password") from None
    public = a.SessionPublic.of(opened.principal, expires_at=opened.expires_at)
    response = JSONResponse(public.model_dump(mode="json"), status_code=201)
    set_session_cookie(response, request, svc, opened.secret)
    return response


def set_session_cookie(
    response: Response, request: Request, svc: ServiceGraph, secret: str
) -> None:
    """The session cookie of a login (the API's and the workbench's): HttpOnly (no script reads
    it), SameSite=Strict (no other site makes a browser send it), Secure over https."""
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(svc.sessions.lifetime.total_seconds()),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


@router.delete("/session", status_code=204)
def log_out(request: Request, svc: Services) -> Response:
    """Ends the session of the request's cookie (a bearer token has no session to end)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret is None or svc.sessions.end(secret) is None:
        raise ApiProblem(401, "no live session to end")
    response = Response(status_code=204)
    clear_session_cookie(response, request)
    return response


@router.get("/me", response_model=a.MePublic)
def me(who: Caller) -> a.MePublic:
    return a.MePublic.of(who)

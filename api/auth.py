"""Authentication and role checks (API.md § Conventions, "Who does what"; § Users and sessions).

A request with an ``Authorization`` header is judged by it alone (a malformed one is a 401, of
whatever bytes); without one, the session cookie of a password login authenticates it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

from fastapi import Request

from api.problems import ApiProblem
from domain.case import Case
from domain.vocabulary import Role
from infra.command_context import case_not_found
from infra.directory import Principal
from infra.services import Services

# Every role reads (a handler only within its unit's scope); in the vocabulary's order, which
# a 403 names.
READERS: tuple[Role, ...] = get_args(Role)
SESSION_COOKIE = "banli_session"


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def bearer_token(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def principal(request: Request) -> Principal:
    svc = services(request)
    header = request.headers.get("authorization")
    found: Principal | None = None
    token: str | None = None
    if header is not None:
        token = bearer_token(header)
        found = svc.directory.authenticate(token) if token else None
        refusal = "invalid bearer token" if token else "missing bearer token"
    else:
        secret = request.cookies.get(SESSION_COOKIE)
        found = svc.sessions.authenticate(secret) if secret is not None else None
        refusal = "invalid or ended session" if secret else "missing bearer token (or session)"
    if found is None:
        if token is not None and svc.links.authenticate(token) is not None:
            # A working proposer link is a caller known by another role: a 403, as for any
            # role a route does not admit, not the 401 of a token that opens nothing.
            raise ApiProblem(403, "a proposer link opens only the proposer's pages (/v1/proposer)")
        raise ApiProblem(401, refusal)
    return found


def require(*roles: Role) -> Callable[..., Principal]:
    """A dependency admitting only ``roles`` (401 without a valid token, 403 for another role).

    It authenticates itself rather than depending on ``principal``: FastAPI runs each plain
    dependency in its thread pool, and one hop less per request is worth more than reuse."""

    def check(request: Request) -> Principal:
        who = principal(request)
        if who.role not in roles:
            raise ApiProblem(403, f"role {who.role} may not do this (needs one of {list(roles)})")
        return who

    return check


def check_handler_case(who: Principal, case: Case) -> None:
    """A handler acts on, and reads, only cases where its unit has a role; any other case is
    answered exactly as one that does not exist (404), so case numbers cannot be probed."""
    if who.role == "handler" and who.unit not in case.units:
        raise case_not_found(case.id)


def check_handler_unit(who: Principal, unit: str | None) -> None:
    """A handler records only its own unit's part of a case."""
    if who.role == "handler" and unit != who.unit:
        raise ApiProblem(403, f"a handler of {who.unit} cannot act for unit {unit}")

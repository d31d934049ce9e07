"""Bearer-token authentication and role checks (API.md § Conventions, "Who does what")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request

from api.problems import ApiProblem
from infra.application import case_not_found
from infra.directory import Principal
from infra.services import Services

READERS = ("admin", "office", "leader", "handler", "supervisor", "auditor")


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(401, "missing bearer token")
    found = services(request).directory.authenticate(token.strip())
    if found is None:
        raise ApiProblem(401, "invalid bearer token")
    return found


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency admitting only ``roles`` (401 without a valid token, 403 for another role)."""

    def check(who: Principal = Depends(principal)) -> Principal:
        if who.role not in roles:
            raise ApiProblem(403, f"role {who.role} may not do this (needs one of {list(roles)})")
        return who

    return check


def check_handler_case(who: Principal, case: Any) -> None:
    """A handler acts on, and reads, only cases where its unit has a role; any other case is
    answered exactly as one that does not exist (404), so case numbers cannot be probed."""
    if who.role == "handler" and who.unit not in case.units:
        raise case_not_found(case.id)


def check_handler_unit(who: Principal, unit: object) -> None:
    """A handler records only its own unit's part of a case."""
    if who.role == "handler" and unit != who.unit:
        raise ApiProblem(403, f"a handler of {who.unit} cannot act for unit {unit}")

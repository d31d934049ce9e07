"""api.routing: the routers' routes sit in one flat list (docs/decisions.md § One route list)."""

from __future__ import annotations

import inspect

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match, Mount, Route

from api.app import create_app
from api.routing import include


class NoServices:
    def close(self) -> None:
        pass


def test_the_app_matches_every_route_from_one_flat_list() -> None:
    """A nested router is matched twice per request, after every router before it is scanned
    (FastAPI 0.165); every entry of the app's list must be a route or the static mount."""
    app = create_app(NoServices())  # type: ignore[arg-type]
    entries: list[BaseRoute] = app.router.routes
    assert all(isinstance(entry, (Route, Mount)) for entry in entries)
    paths = [entry.path for entry in entries if isinstance(entry, APIRoute)]
    assert "/ledger" in paths and "/v1/ledger" in paths
    assert "/v1/cases/{case_id}/proposer-links/{link_id}/revoke" in paths  # nested router


def test_an_included_router_keeps_its_prefix_tags_and_order() -> None:
    app = FastAPI()
    first, second = APIRouter(prefix="/v1/a", tags=["a"]), APIRouter(prefix="/v1/a")

    @first.get("/{item}")
    def one(item: str) -> str:
        return "one"

    @second.get("/{item}")
    def two(item: str) -> str:
        return "two"

    include(app, first)
    include(app, second)
    routes = [r for r in app.router.routes if isinstance(r, APIRoute)]
    assert [(r.path, r.tags, r.name) for r in routes] == [
        ("/v1/a/{item}", ["a"], "one"),
        ("/v1/a/{item}", [], "two"),
    ]
    scope = {"type": "http", "path": "/v1/a/x", "method": "GET", "root_path": ""}
    assert routes[0].matches(scope)[0] is Match.FULL  # the first declared answers, as before


def test_a_router_with_start_up_hooks_is_refused() -> None:
    router = APIRouter(on_startup=[lambda: None])
    with pytest.raises(TypeError, match="include_router"):
        include(FastAPI(), router)


def _handed_to_the_pool(route: APIRoute) -> list[str]:
    """The dependencies of ``route`` FastAPI runs in its thread pool (a plain function or a
    class; a coroutine is awaited in the event loop), by name, nested ones included."""
    found: list[str] = []
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        pending += dependency.dependencies
        call = dependency.call
        if call is not None and (inspect.isclass(call) or not inspect.iscoroutinefunction(call)):
            found.append(getattr(call, "__qualname__", repr(call)))
    return sorted(found)


@pytest.mark.parametrize(
    ("method", "path", "checked_by"),
    [
        ("GET", "/ledger", "page_user"),
        ("GET", "/supervision", "page_user"),
        ("GET", "/v1/ledger", "require.<locals>.check"),
        ("GET", "/v1/ledger/overdue", "require.<locals>.check"),
        ("GET", "/v1/cases", "require.<locals>.check"),
        ("GET", "/v1/public/replies", None),
    ],
)
def test_a_read_hands_only_the_callers_check_to_the_thread_pool(
    method: str, path: str, checked_by: str | None
) -> None:
    """Each dependency in the pool is a hop to a worker thread and back, per request; only
    the caller's check waits on the database (its session or token is read from the store).
    The query, the services and a role test are coroutines."""
    app = create_app(NoServices())  # type: ignore[arg-type]
    route = next(
        r
        for r in app.router.routes
        if isinstance(r, APIRoute) and r.path == path and method in (r.methods or set())
    )
    assert _handed_to_the_pool(route) == ([checked_by] if checked_by else [])

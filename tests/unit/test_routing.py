"""api.routing: the routers' routes sit in one flat list (docs/decisions.md § One route list)."""

from __future__ import annotations

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

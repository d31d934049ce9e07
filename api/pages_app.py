"""The workbench on the API's server (API.md "The workbench": ``GET /``): its page routers,
its static files and how its refusals are answered (pages, not problem+json)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import Match

from api import (
    pages_account,
    pages_admin,
    pages_audit,
    pages_case,
    pages_case_files,
    pages_dashboard,
    pages_disclosures,
    pages_ledger,
    pages_login,
    pages_paperwork,
    pages_register,
    pages_search,
)
from api.fields import whole_number
from api.limits import MAX_UPLOAD_BYTES
from api.page_paths import BAD_ADDRESS_PATH, TOO_LARGE_PATH
from api.pages_web import (
    STATIC_DIR,
    LoginRequired,
    PageRefused,
    login_redirect,
    refused_page,
    see_other,
    unavailable_page,
    wants_page,
)
from api.problems import RETRY_AFTER_SECONDS, http_problem, store_problem
from api.routes_public import public_not_found
from api.routing import include
from infra.store_errors import OPERATIONAL_ERRORS, unavailable

PAGE_ROUTERS = (
    pages_login,
    pages_dashboard,
    pages_ledger,
    pages_disclosures,
    pages_register,
    pages_case,
    pages_paperwork,
    pages_case_files,
    pages_audit,
    pages_admin,
    pages_account,
    pages_search,
)


def install(app: FastAPI) -> None:
    for module in PAGE_ROUTERS:
        include(app, module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get(TOO_LARGE_PATH, include_in_schema=False)
    async def too_large(request: Request) -> Response:
        """What the request limits answer a browser's form too large to take (``limits``)."""
        limit = whole_number(request.query_params.get("limit") or "") or MAX_UPLOAD_BYTES
        megabytes = limit // (1024 * 1024)
        message = (
            f"提交的内容超过 {megabytes} MB 的上限，未收下，什么也没有记录。请缩小文件后重试。"
        )
        return refused_page(request, PageRefused(413, message))

    @app.get(BAD_ADDRESS_PATH, include_in_schema=False)
    async def bad_address(request: Request) -> Response:
        """What the request limits answer a browser's address holding text no store can hold
        (a control character, a lone surrogate) in its path or query (``limits``)."""
        message = "网址中含有无法处理的字符（如控制字符），未执行。请检查搜索或筛选的内容后重试。"
        return refused_page(request, PageRefused(422, message))

    async def store_unavailable(request: Request, error: Exception) -> Response:
        """A browser's page or form that met a busy or unreachable store gets the workbench's
        page saying so, in Chinese; the API's clients, problem+json (``store_problem``)."""
        if unavailable(error) and wants_page(request):
            return unavailable_page(request, RETRY_AFTER_SECONDS)
        return store_problem(error)

    for kind in OPERATIONAL_ERRORS:
        app.add_exception_handler(kind, store_unavailable)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, error: LoginRequired) -> Response:
        return login_redirect(request, error)

    @app.exception_handler(PageRefused)
    async def page_refused(request: Request, error: PageRefused) -> Response:
        return refused_page(request, error)

    @app.exception_handler(HTTPException)
    async def no_such_page(request: Request, error: HTTPException) -> Response:
        """A browser asking for a path no page has gets the workbench's 404 page, in
        Chinese, not the API's problem+json (which the API's clients still get)."""
        if error.status_code == 404 and wants_page(request):
            if request.url.path.startswith("/public/"):
                return public_not_found()
            return refused_page(request, PageRefused(404, "没有这个页面"))
        if error.status_code == 405 and request.method in ("GET", "HEAD") and wants_page(request):
            # A form's answer is shown at the address it was posted to (a refusal beside its
            # fields, a proposer link or a token shown once); reloading or reopening that
            # address asks it with GET, which only the page the form belongs to answers.
            return see_other(nearest_page(request))
        return http_problem(error)


def nearest_page(request: Request) -> str:
    """The longest leading part of the request's path that a page answers with GET (a form's
    ``/cases/{id}/forms/contact`` → ``/cases/{id}``); the workbench's home when none does."""
    segments = request.url.path.rstrip("/").split("/")
    while len(segments) > 2:
        segments.pop()
        scope = {"type": "http", "path": "/".join(segments), "method": "GET", "root_path": ""}
        if any(_answers_get(route, scope) for route in request.app.router.routes):
            return str(scope["path"])
    return "/"


def _answers_get(route: Any, scope: dict[str, Any]) -> bool:
    match, _ = route.matches(scope)
    return bool(match == Match.FULL)

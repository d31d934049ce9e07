"""The workbench on the API's server (API.md "The workbench": ``GET /``): its page routers,
its static files and how its refusals are answered (pages, not problem+json)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from api import (
    pages_admin,
    pages_audit,
    pages_case,
    pages_case_files,
    pages_dashboard,
    pages_ledger,
    pages_login,
    pages_paperwork,
)
from api.pages_web import (
    STATIC_DIR,
    LoginRequired,
    PageRefused,
    login_redirect,
    refused_page,
    wants_page,
)
from api.problems import http_problem
from api.routing import include

PAGE_ROUTERS = (
    pages_login,
    pages_dashboard,
    pages_ledger,
    pages_case,
    pages_paperwork,
    pages_case_files,
    pages_audit,
    pages_admin,
)


def install(app: FastAPI) -> None:
    for module in PAGE_ROUTERS:
        include(app, module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

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
            return refused_page(request, PageRefused(404, "没有这个页面"))
        return http_problem(error)

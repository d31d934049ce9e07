"""The FastAPI application: a router per resource, problem+json errors, OpenAPI at /docs and
/openapi.json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import (
    pages_app,
    problems,
    proposer_page,
    routes_accounts,
    routes_assignment,
    routes_audit,
    routes_cases,
    routes_communication,
    routes_corrections,
    routes_disclosure,
    routes_documents,
    routes_exports,
    routes_extensions,
    routes_feedback,
    routes_imports,
    routes_ledger,
    routes_operations,
    routes_proposer,
    routes_public,
    routes_replies,
    routes_review,
    routes_setup,
    routes_stats,
)
from api.limits import RequestLimits
from api.routing import include
from api.telemetry import RequestTelemetry
from infra.services import Services

# In the order of API.md: set-up, the case and its commands stage by stage, then the reads.
ROUTERS = (
    routes_setup,
    routes_accounts,
    routes_cases,
    routes_assignment,
    routes_communication,
    routes_extensions,
    routes_replies,
    routes_disclosure,
    routes_feedback,
    routes_review,
    routes_corrections,
    routes_documents,
    routes_proposer,
    routes_ledger,
    routes_stats,
    routes_audit,
    routes_imports,
    routes_exports,
    routes_public,
    routes_operations,
)


def create_app(services: Services) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        services.close()

    app = FastAPI(
        title="banli 办理",
        version="1",
        description="Handling of NPC deputies' suggestions and CPPCC members' proposals.",
        lifespan=lifespan,
    )
    app.state.services = services
    problems.install(app)
    app.add_middleware(RequestLimits)
    # Outermost: times and logs every answer, the limits' refusals included.
    app.add_middleware(RequestTelemetry)
    for module in ROUTERS:
        include(app, module.router)
    # The web workbench (GET /): pages on the same server, reading through api.queries.
    pages_app.install(app)
    # The proposer's page (UI.md 代表委员): HTML, outside the JSON API's document.
    include(app, proposer_page.router)
    proposer_page.redact_link_tokens()
    return app

"""The FastAPI application: a router per resource, problem+json errors, OpenAPI at /docs and
/openapi.json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import (
    problems,
    routes_accounts,
    routes_assignment,
    routes_audit,
    routes_cases,
    routes_communication,
    routes_corrections,
    routes_disclosure,
    routes_feedback,
    routes_ledger,
    routes_operations,
    routes_replies,
    routes_review,
    routes_setup,
    routes_stats,
)
from api.limits import RequestLimits
from api.telemetry import RequestTelemetry
from infra.services import Services

# In the order of API.md: set-up, the case and its commands stage by stage, then the reads.
ROUTERS = (
    routes_setup,
    routes_accounts,
    routes_cases,
    routes_assignment,
    routes_communication,
    routes_replies,
    routes_disclosure,
    routes_feedback,
    routes_review,
    routes_corrections,
    routes_ledger,
    routes_stats,
    routes_audit,
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
        app.include_router(module.router)
    return app

"""The FastAPI application: routers, problem+json errors, OpenAPI at /docs and /openapi.json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import problems
from api.limits import RequestLimits
from api.routes_accounts import router as accounts
from api.routes_cases import router as case_commands
from api.routes_reads import router as reads
from api.routes_setup import router as setup
from infra.services import Services


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
    app.include_router(setup)
    app.include_router(accounts)
    app.include_router(case_commands)
    app.include_router(reads)
    return app

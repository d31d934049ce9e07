"""What each worker process of ``banli serve --workers N`` runs: uvicorn imports this module in
every worker it spawns and calls ``app`` for the worker's own application, built from the
``BANLI_*`` environment the serving process prepared."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from banli.compose import build_services
from banli.heap import settle_heap
from banli.orphans import terminate_when_serve_goes
from infra.settings import Settings


def app() -> FastAPI:
    built = create_app(build_services(Settings()))
    settle_heap()
    terminate_when_serve_goes()
    return built

"""Operations (API.md § Reads): liveness and Prometheus metrics, without a token."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from api import queries
from api.deps import Services
from api.schemas_audit import HealthPublic
from infra.metrics import exposition

router = APIRouter(tags=["operations"])


@router.get("/health")
def health(svc: Services) -> HealthPublic:
    """Alive (200) with ``status`` ``ok``, or ``degraded`` with the read models that stopped at
    an event they cannot apply: commands and the other reads keep working meanwhile."""
    return queries.health(svc)


@router.get("/metrics", response_class=Response)
def metrics(svc: Services) -> Response:
    """Requests, commands, projection positions and lag, relay and consumer lag, in the
    Prometheus text format."""
    body = exposition(svc.app, svc.views, svc.settings)
    return Response(body, media_type=CONTENT_TYPE_LATEST)

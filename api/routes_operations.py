"""Operations (API.md § Reads): liveness and Prometheus metrics, without a token."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from api import queries
from api.deps import Services
from api.schemas_audit import HealthPublic
from infra.metrics import prometheus_text

router = APIRouter(tags=["operations"])


@router.get("/health")
def health(svc: Services) -> HealthPublic:
    """Alive (200) with ``status`` ``ok``, or ``degraded`` with the read models that stopped at
    an event they cannot apply: commands and the other reads keep working meanwhile."""
    return queries.health(svc)


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(svc: Services) -> str:
    """Projection positions and lag, in the Prometheus text format."""
    return prometheus_text(svc.app, svc.views, svc.settings)

"""The audit log (API.md § Reads, R-X1 … R-X3) and the tamper-evidence check (§ Anchoring):
for auditors and admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError

from api import queries
from api.deps import After, Auditor, EventTypeFilter, Page, Services, UserFilter
from api.schemas_audit import AuditPage, VerificationPublic, VerifyRunPublic, VerifyRunsPage
from domain.errors import NotFound
from infra.verify_runs import VerifyRun

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/events")
def get_audit_events(
    svc: Services,
    who: Auditor,
    page: Page,
    after: After = 0,
    user: UserFilter = None,
    event_type: EventTypeFilter = None,
) -> AuditPage:
    """The global event log in order, from after position ``after`` (or the ``cursor``);
    with ``user``, the events that user recorded (by username); with ``type``, the events of
    that type (``UserDisabled``, ``SessionStarted``, …). Both narrow together."""
    return queries.audit_page(svc, page, after=after, user=user, event_type=event_type)


@router.get("/verify")
def get_verify(svc: Services, who: Auditor) -> VerificationPublic:
    """Recomputes the tamper-evidence chain over all stored events and checks the anchors."""
    return queries.verification(svc)


@router.post("/verify/runs", status_code=202)
def start_verify_run(svc: Services, who: Auditor, response: Response) -> VerifyRunPublic:
    """Starts the verification in the background (202), or answers the one under way (200):
    at scale it outlasts a request. Poll its ``Location``."""
    run, started = queries.start_verification(svc, who.user)
    response.status_code = 202 if started else 200
    response.headers["Location"] = f"/v1/audit/verify/runs/{run.run_id}"
    return run_public(run)


@router.get("/verify/runs")
def get_verify_runs(
    svc: Services, who: Auditor, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> VerifyRunsPage:
    """The last ``limit`` verification runs, newest first."""
    return VerifyRunsPage(items=[run_public(run) for run in svc.verify_runs.recent(limit)])


@router.get("/verify/runs/latest")
def get_latest_verify_run(svc: Services, who: Auditor) -> VerifyRunPublic:
    run = svc.verify_runs.latest()
    if run is None:
        raise NotFound("尚未运行过防篡改校验", "no verification has been run yet")
    return run_public(run)


@router.get("/verify/runs/{run_id}")
def get_verify_run(svc: Services, who: Auditor, run_id: str) -> VerifyRunPublic:
    run = svc.verify_runs.get(run_id)
    if run is None:
        raise NotFound("没有这次校验", f"no verification run {run_id}")
    return run_public(run)


def run_public(run: VerifyRun) -> VerifyRunPublic:
    return VerifyRunPublic(
        run_id=run.run_id,
        status=run.status,
        stage=run.stage,
        done=run.done,
        total=run.total,
        started_by=run.started_by,
        started_at=run.started_at.isoformat(),
        finished_at=run.finished_at.isoformat() if run.finished_at else None,
        result=_kept_answer(run.result),
        error=run.error,
    )


def _kept_answer(result: dict[str, Any] | None) -> VerificationPublic | None:
    """A finished run's stored answer; None when it no longer has the answer's shape (a run
    kept from a build whose answer lacked a field added since): a past run must never make the
    list of runs fail."""
    if result is None:
        return None
    try:
        return VerificationPublic.model_validate(result)
    except ValidationError:
        return None

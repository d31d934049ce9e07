"""The audit log (API.md § Reads, R-X1 … R-X3) and the tamper-evidence check (§ Anchoring):
for auditors and admins."""

from __future__ import annotations

from fastapi import APIRouter

from api import queries
from api.deps import After, Auditor, Page, Services
from api.schemas_audit import AuditPage, VerificationPublic

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/events")
def get_audit_events(svc: Services, who: Auditor, page: Page, after: After = 0) -> AuditPage:
    """The global event log in order, from after position ``after`` (or the ``cursor``)."""
    return queries.audit_page(svc, page, after=after)


@router.get("/verify")
def get_verify(svc: Services, who: Auditor) -> VerificationPublic:
    """Recomputes the tamper-evidence chain over all stored events and checks the anchors."""
    return queries.verification(svc)

"""Response schemas of the audit trail (R-X1 … R-X3), the tamper-evidence check and health.

Timestamps are answered as stored (ISO 8601 with the zone the server wrote), not re-formatted.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, JsonValue, WithJsonSchema

from api.schemas import Public
from api.schemas_case import CasePublic

Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class ActorPublic(Public):
    """Who recorded an event, as recorded: history keeps the roles of its time, and events
    of no user (a calendar load) have none."""

    user: str | None
    role: str | None
    unit: str | None


class AuditEventPublic(Public):
    id: str  # "<case id>:<version>"
    position: int
    case_id: str
    type: str
    actor: ActorPublic
    occurred_on: date | None
    recorded_at: Timestamp
    late_recorded: bool  # recorded more than the allowed days after it occurred (R-X1)
    data: dict[str, JsonValue]
    corrects: str | None  # the id of the event this one corrects (R-X2)
    corrected_by: list[str]
    # Where the event came from when it was not keyed in as it happened: ``{"kind": "import",
    # "sha256", "row"}`` or ``{"kind": "demo", …}``; such migrations are never late_recorded.
    provenance: dict[str, JsonValue] | None


class HistoryPublic(Public):
    """A case's events up to ``as_of`` and the case as it was then (R-X3)."""

    case_id: str
    as_of: Timestamp
    events: list[AuditEventPublic]
    state: CasePublic


class AuditPage(Public):
    items: list[AuditEventPublic]
    next_cursor: str | None


class FindingPublic(Public):
    position: int
    reason: str


class VerificationPublic(Public):
    """API.md's three fields first, then the additions of § Anchoring."""

    ok: bool
    events_checked: int
    first_bad_position: int | None
    anchors_checked: int
    anchored_position: int | None
    anchor_problems: list[str]
    findings: list[FindingPublic]
    reason: str | None
    documents_checked: int  # document events whose stored file was hashed again
    trail_rows_checked: int  # audit-trail rows derived again from their events and compared
    view_rows_checked: int  # case views' rows compared with the views recomputed from events
    views_checked_at: int | None  # the log position they were compared at (None: not compared)


class VerifyRunPublic(Public):
    """A verification run in the background (an addition to API.md): where it is, and once done
    the answer ``/v1/audit/verify`` gives."""

    run_id: str
    status: Literal["running", "done", "failed", "abandoned"]
    # chain | documents | trail | views | compare: the check under way, and how far it is
    stage: str | None
    done: int
    total: int
    started_by: str
    started_at: Timestamp
    finished_at: Timestamp | None
    result: VerificationPublic | None
    error: str | None  # why a failed run failed


class VerifyRunsPage(Public):
    items: list[VerifyRunPublic]  # newest first


class StoppedView(Public):
    """A read model stopped at ``position``: applying that event failed with ``error``."""

    view: str
    generation: int
    position: int
    error: str
    failed_at: Timestamp


class HealthPublic(Public):
    status: Literal["ok", "degraded"]
    events: int  # how many events the store holds
    # Only when some read model stopped: a healthy answer has no such key.
    stopped_views: list[StoppedView] | None = Field(default=None, exclude_if=lambda v: v is None)

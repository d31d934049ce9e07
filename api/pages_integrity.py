"""What the last integrity check found in one case's events, said on its page.

An edited event showed 联系到：是 in the case's timeline and 尚未联系到本人 in its summary (the
views keep what the event said when it was applied), and nothing on the page said that 审计's
check had failed on that very event: a clerk would act on the page, an auditor had to match
positions by hand. The case page now names each of its events the latest finished check
found changed (the chain, a document's file, the audit trail's row, or the case's views).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from api.schemas_audit import AuditEventPublic
from infra.services import Services
from infra.verify_runs import VerifyRun

# The runs looked at for the latest finished one: runs that failed or were abandoned since
# say nothing about the events, so the last one done stands until another is.
RUNS_LOOKED_AT = 10
# How a finding about the read models begins (``infra/view_audit.py``): its position is the
# case's last event, which was not changed; the case's rows in a view were.
VIEWS_FINDING = "读模型"


@dataclass(frozen=True)
class Doubt:
    version: int  # the event's place in the case (``#3`` in its timeline)
    position: int  # its place in the log, as 审计 names it
    reason: str

    @property
    def of_event(self) -> bool:
        """Whether the event (or its audit-trail row) was found changed, not the views."""
        return not self.reason.startswith(VIEWS_FINDING)


@dataclass(frozen=True)
class CaseDoubts:
    checked_at: datetime
    doubts: tuple[Doubt, ...]


def latest_finished(runs: Sequence[VerifyRun]) -> VerifyRun | None:
    """The newest run that finished its check (``runs`` newest first)."""
    return next((run for run in runs if run.status == "done" and run.result), None)


def case_doubts(svc: Services, events: Sequence[AuditEventPublic]) -> CaseDoubts | None:
    """The findings of the latest finished check at positions of ``events`` (one case's), or
    None when it found nothing there (or no check has finished)."""
    run = latest_finished(svc.verify_runs.recent(RUNS_LOOKED_AT))
    if run is None or run.finished_at is None:
        return None
    return doubts_in(run.result or {}, run.finished_at, events)


def doubts_in(
    result: dict[str, Any], checked_at: datetime, events: Sequence[AuditEventPublic]
) -> CaseDoubts | None:
    versions = {event.position: int(event.id.rsplit(":", 1)[1]) for event in events}
    found = [
        Doubt(versions[finding["position"]], finding["position"], str(finding["reason"]))
        for finding in result.get("findings", [])
        if finding.get("position") in versions
    ]
    return CaseDoubts(checked_at, tuple(found)) if found else None


def finding_words(reason: str | None) -> Markup:
    """A finding as the auditor reads it: its Chinese, the English after it (for the API's
    readers and the logs, ``chain_check.said``: the last （…）, which holds no full-width
    bracket) on hover. The page showed both, and every finding ended in English."""
    if not reason:
        return Markup("")
    start = reason.rfind("（")
    if start <= 0 or not reason.endswith("）"):
        return Markup(escape(reason))
    chinese, english = reason[:start], reason[start + 1 : -1]
    return Markup(f'<span title="{escape(english)}">{escape(chinese)}</span>')

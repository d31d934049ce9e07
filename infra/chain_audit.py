"""``/v1/audit/verify`` and ``banli audit verify``: the whole chain recomputed from the store and
its index, judged against the chain view and against every anchor of every configured sink."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from infra.anchor_sinks import AnchorSink, configured_sinks
from infra.anchors import AnchorReading, SinkLine, judge
from infra.application import BanliApplication
from infra.chain_source import Stored, stored_chain
from infra.document_audit import DocumentCheck, check_documents
from infra.documents import DocumentStore
from infra.settings import Settings
from infra.trail_audit import TrailCheck, check_trail
from infra.verify_runs import Progress
from infra.view_audit import ViewCheck, check_case_views, recomputing_early
from infra.view_store import ViewStoreBase
from projections.chain_check import Finding, Verification, verify
from projections.tamper_chain import chain_links


def anchor_key(settings: Settings) -> bytes | None:
    key = settings.anchor_key.get_secret_value() if settings.anchor_key else ""
    return key.encode() if key else None


def read_anchors(sinks: list[AnchorSink], key: bytes | None) -> AnchorReading:
    lines: list[SinkLine] = []
    unreadable: list[str] = []
    for sink in sinks:
        try:
            lines.extend(sink.lines())
        except Exception as exc:  # any failure (broker down, permissions): anchors unknown
            unreadable.append(f"{sink.name} could not be read: {exc!r}")
    reading = judge(lines, key)
    reading.unreadable = unreadable
    reading.sinks = len(sinks)
    return reading


def anchors_from(settings: Settings) -> AnchorReading:
    """Every anchor the settings point at; a misconfigured sink is a problem, not a crash."""
    try:
        sinks = configured_sinks(settings)
    except ValueError as exc:
        return AnchorReading(unreadable=[str(exc)])
    return read_anchors(sinks, anchor_key(settings))


@dataclass(frozen=True)
class ChainAudit:
    verification: Verification
    reading: AnchorReading
    # Each document event's file against the hash it recorded (a swapped file is tampering).
    documents: DocumentCheck = field(default_factory=DocumentCheck)
    # The audit trail's rows against the events they restate (an edited row is tampering
    # with what auditors read, though no event changed).
    trail: TrailCheck = field(default_factory=TrailCheck)
    # The case views (ledger, unit facts, …) against a recomputation from the events (an
    # edited verdict changes every dashboard and export, though no event changed).
    views: ViewCheck = field(default_factory=ViewCheck)

    @property
    def anchor_problems(self) -> list[str]:
        return [*self.reading.unreadable, *self.reading.problems]

    @property
    def findings(self) -> list[Finding]:
        return sorted([*self.verification.findings, *self._others()], key=lambda f: f.position)

    def _others(self) -> list[Finding]:
        """The findings of the checks beside the chain's."""
        return [*self.documents.findings, *self.trail.findings, *self.views.findings]

    @property
    def ok(self) -> bool:
        return self.verification.ok and not self._others() and not self.anchor_problems

    @property
    def events_checked(self) -> int:
        return self.verification.events_checked

    @property
    def first_bad_position(self) -> int | None:
        """The first event changed; else (the read models alone were edited) the last event
        of the first case whose view rows differ. A changed event explains its views."""
        events = (f.position for f in [*self.documents.findings, *self.trail.findings])
        bad = [p for p in (self.verification.first_bad_position, *events) if p is not None]
        views = (f.position for f in self.views.findings)
        return min(bad) if bad else min(views, default=None)

    @property
    def reason(self) -> str | None:
        """The first finding's reason, the events' before the views' (as the position)."""
        events = [*self.verification.findings, *self.documents.findings, *self.trail.findings]
        found = sorted(events or self.views.findings, key=lambda f: f.position)
        if found:
            return found[0].reason
        problems = self.anchor_problems
        return problems[0] if problems else None

    def as_dict(self) -> dict[str, Any]:
        """API.md's three fields first, then the additions."""
        latest = self.reading.latest
        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "first_bad_position": self.first_bad_position,
            "anchors_checked": self.verification.anchors_checked,
            "anchored_position": latest.position if latest else None,
            "anchor_problems": self.anchor_problems,
            "findings": [{"position": f.position, "reason": f.reason} for f in self.findings],
            "reason": self.reason,
            "documents_checked": self.documents.checked,
            "trail_rows_checked": self.trail.checked,
            "view_rows_checked": self.views.checked,
            "views_checked_at": self.views.position,
        }


def verify_chain(
    app: BanliApplication,
    store: ViewStoreBase,
    anchors: AnchorReading | None = None,
    documents: DocumentStore | None = None,
    progress: Progress | None = None,
) -> ChainAudit:
    """Every check, each reporting its stage to ``progress`` as it goes (a background run)."""
    report = progress or _unreported
    reading = anchors if anchors is not None else AnchorReading()
    head = app.recorder.max_notification_id() or 0
    # Said at once: the chain's links are read and the views' recomputation begun first (10 s
    # at 10⁶ events in the API's process, which showed no stage meanwhile).
    report("chain", 0, head)
    with recomputing_early(app, store) as early:
        stored = _counted(stored_chain(app), head, report)
        verification = verify(stored, chain_links(store), reading.anchors)
        report("documents", 0, 0)
        checked = check_documents(app, documents) if documents is not None else DocumentCheck()
        trail = check_trail(app, store, report)
        views = check_case_views(app, store, report, early)
    return ChainAudit(verification, reading, checked, trail, views)


def _unreported(stage: str, done: int, total: int) -> None:
    """No one is told: a verify answered in the request."""


# Positions of the chain between two reports of its progress.
REPORT_EVERY = 5000


def _counted(stored: Iterable[Stored], head: int, report: Progress) -> Iterator[Stored]:
    report("chain", 0, head)
    for number, item in enumerate(stored, 1):
        if number % REPORT_EVERY == 0:
            report("chain", min(item.position, head), head)
        yield item
    report("chain", head, head)

"""``banli audit verify|anchor``, and the anchor check ``banli projections rebuild`` runs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping

from banli.compose import build_application, settings_for
from infra.anchor_sinks import configured_sinks
from infra.anchoring import AnchorRefused, AnchorRun, anchor_once, follow
from infra.anchoring import refuse_contradicting_anchors as _refuse
from infra.chain_audit import anchor_key, anchors_from, verify_chain
from infra.documents import build_document_store
from infra.read_models import build_view_store
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections.tamper_chain import TamperChainView

Guard = Callable[[Mapping[str, int]], None]


def audit(args: argparse.Namespace) -> int:
    settings = settings_for(args.data_dir)
    if args.action == "verify":
        return _verify(settings)
    return _anchor(settings, args.follow, args.interval)


def _verify(settings: Settings) -> int:
    """Prints the verification (as ``/v1/audit/verify`` answers it); exits 1 unless ok."""
    app = build_application(settings)
    documents = build_document_store(settings, app)
    audit = verify_chain(
        app, build_view_store(settings), anchors_from(settings), documents, _progress_line
    )
    print(file=sys.stderr)
    print(json.dumps(audit.as_dict(), ensure_ascii=False, indent=2))
    return 0 if audit.ok else 1


def _progress_line(stage: str, done: int, total: int) -> None:
    """Where a verify is (minutes at scale), redrawn on stderr: the answer is stdout's."""
    print(f"\rverifying {stage}: {done:,}/{total:,}          ", end="", file=sys.stderr)


def _report(run: AnchorRun) -> None:
    for line in run.untrusted:
        print(f"warning: not trusted: {line}", file=sys.stderr, flush=True)
    if run.anchor is None:
        print("nothing new to anchor", flush=True)
    else:
        print(f"anchored position {run.anchor.position}: {run.anchor.head}", flush=True)


def _anchor(settings: Settings, keep_going: bool, interval: float) -> int:
    try:
        sinks = configured_sinks(settings)
    except ValueError as exc:
        print(f"banli audit anchor: {exc}", file=sys.stderr)
        return 2
    app = build_application(settings)
    store = build_view_store(settings)
    key = anchor_key(settings)
    try:
        if keep_going:
            follow(app, store, sinks, key, interval, _report)
        else:
            _report(anchor_once(app, store, sinks, key))
    except AnchorRefused as exc:
        print(f"banli audit anchor: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def rebuild_guard(settings: Settings, store: ViewStoreBase, names: list[str]) -> Guard | None:
    """The anchor check for a rebuild of the tamper chain; refuses when anchors are unknown."""
    if TamperChainView.name not in names:
        return None
    reading = anchors_from(settings)
    if reading.unreadable:
        raise AnchorRefused("cannot check the anchors: " + "; ".join(reading.unreadable))
    for line in reading.problems:
        print(f"warning: not trusted: {line}", file=sys.stderr)
    return _refuse(store, reading) if reading.anchors else None

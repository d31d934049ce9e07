"""The audit trail checked against the events it restates (part of ``/v1/audit/verify``).

The tamper chain covers the events; the audit trail is a read model in the same database, and
an edit of one of its rows (an actor, a ``recorded_at``) changes what an auditor reads without
touching an event. Each of its rows is a function of one stored event alone, so it is derived
again here and compared, position by position, up to where the trail has come.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from infra.application import BanliApplication
from infra.chain_source import readable
from infra.verify_runs import Progress
from infra.view_feed import decode
from infra.view_store import ViewStoreBase
from projections.audit_trail import AUDIT, AuditTrailView
from projections.chain_check import Finding, UnreadableEvent, said

PAGE = 2000
MAX_FINDINGS = 20


@dataclass(frozen=True)
class TrailCheck:
    checked: int = 0
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def check_trail(
    app: BanliApplication, store: ViewStoreBase, progress: Progress | None = None
) -> TrailCheck:
    """Every audit row up to the trail's position against the row its event gives now, telling
    ``progress`` a page at a time."""
    generation = store.active_generation(AUDIT.view)
    if generation is None:
        return TrailCheck()
    reached = store.positions([(AUDIT.view, generation)]).get(AUDIT.view) or 0
    table = store.table(AUDIT, generation)
    view = AuditTrailView()
    findings: list[Finding] = []
    checked, start = 0, 1
    while start <= reached and len(findings) < MAX_FINDINGS:
        if progress is not None:
            progress("trail", start - 1, reached)
        read = readable(app, start, reached, PAGE)
        if not read:
            break
        # An event the store cannot hand back is the chain check's finding, not the trail's.
        page = [n for n in read if not isinstance(n, UnreadableEvent)]
        last = read[-1].id if not isinstance(read[-1], UnreadableEvent) else read[-1].position
        if not page:
            start = last + 1
            continue
        stored = {
            int(r["position"]): r
            for r in store.fetch(
                f"SELECT * FROM {table} WHERE position >= ? AND position <= ?",
                (page[0].id, page[-1].id),
            )
        }
        for unread in read:
            if isinstance(unread, UnreadableEvent):
                stored.pop(unread.position, None)
        for notification in page:
            found = stored.pop(notification.id, None)
            try:
                [wanted] = view.rows(decode(app, notification).info)[AUDIT.name]
            except Exception:  # an event that does not decode: the chain check reports it
                continue
            checked += 1
            changed = _changed(wanted, found)
            if changed:
                findings.append(Finding(notification.id, changed))
        findings += [
            Finding(
                p,
                said(
                    f"审计日志在位置 {p} 有一行，却没有对应的事件：审计日志被插入记录",
                    f"the audit trail has a row at {p} for no event",
                ),
            )
            for p in sorted(stored)
        ]
        start = last + 1
    return TrailCheck(checked, tuple(findings[:MAX_FINDINGS]))


def _changed(wanted: dict[str, Any], found: dict[str, Any] | None) -> str | None:
    position = wanted["position"]
    if found is None:
        return said(
            f"位置 {position} 的事件在审计日志中没有对应的行：审计日志被删除记录",
            f"the audit trail has no row for the event at {position}",
        )
    differ = [k for k in wanted if k not in TEXTS and found.get(k) != wanted[k]]
    # The same text is the same value: rows written since the trail's JSON became compact are
    # not parsed (two parses an event were a sixth of a verify's trail check at 10⁶ events).
    differ += [
        k
        for k in TEXTS
        if wanted.get(k) != found.get(k) and not _agree(_json(wanted.get(k)), _json(found.get(k)))
    ]
    if differ:
        return said(
            f"审计日志位置 {position} 的行与其事件不符（{', '.join(differ)}）："
            "审计人员看到的记录已在数据库中被改动",
            f"the audit trail's row at {position} differs from its event ({', '.join(differ)}): "
            "what auditors read was changed in the database",
        )
    return None


# JSON columns, compared by the values both sides hold: what the trail shows of an event
# (``HIDDEN``) may change with the code, and rows written before keep what they showed then.
TEXTS = ("data", "provenance")


def _json(text: Any) -> Any:
    # ``json``, not ``orjson``: orjson reads an integer beyond 64 bits as a float, and two
    # such integers one apart would agree.
    return json.loads(text) if isinstance(text, str) and text else text


def _agree(wanted: Any, found: Any) -> bool:
    if isinstance(wanted, dict) and isinstance(found, dict):
        return all(_agree(wanted[k], found[k]) for k in wanted.keys() & found.keys())
    return bool(wanted == found)

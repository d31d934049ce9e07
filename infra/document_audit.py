"""Documents in the tamper evidence: each ``DocumentAttached`` event records its file's SHA-256,
and the events are chained, so the stored file must still hash to it. A file that is missing or
whose bytes changed (a swapped letter) is a finding at its event's position, as a changed event
is. Read straight from the event store, never from a view an insider could rewrite.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from infra.application import BanliApplication
from infra.documents import DocumentStore
from projections.chain_check import Finding, said

TOPIC = "domain.case:Case.DocumentAttached"
PAGE = 500


@dataclass(frozen=True)
class DocumentCheck:
    checked: int = 0
    findings: tuple[Finding, ...] = ()


def check_documents(app: BanliApplication, documents: DocumentStore) -> DocumentCheck:
    findings: list[Finding] = []
    checked = 0
    start = 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=PAGE, topics=[TOPIC])
        if not page:
            break
        for notification in page:
            try:
                data: Any = vars(app.mapper.to_domain_event(notification))
            except Exception:  # an event that no longer decodes: the chain names it already
                continue
            checked += 1
            problem = _problem(documents, str(data["document_id"]), str(data["sha256"]))
            if problem is not None:
                findings.append(Finding(notification.id, problem))
        start = page[-1].id + 1
    return DocumentCheck(checked, tuple(findings))


def _problem(documents: DocumentStore, document_id: str, sha256: str) -> str | None:
    try:
        stored = documents.get(sha256)
    except Exception as error:  # undecryptable or unreadable bytes are not the file either
        return said(
            f"文件 {document_id} 无法读出",
            f"the file of document {document_id} cannot be read: {error!r}",
        )
    if stored is None:
        return said(
            f"文件 {document_id} 已不在文件库中：被删除",
            f"the file of document {document_id} is missing from the document store",
        )
    if hashlib.sha256(stored).hexdigest() != sha256:
        return said(
            f"文件 {document_id} 的内容与其事件记录的 SHA-256 不符：文件被改动或调换",
            f"the stored file of document {document_id} no longer hashes to the SHA-256 its "
            "event recorded: it was changed or swapped",
        )
    return None

"""Which of a case's documents belong to a reply (the letter a published reply links to, the
files a proposer sees with their reply)."""

from __future__ import annotations

from domain.records import Document
from domain.rules.state import CaseState


def reply_documents(case: CaseState, reply_id: str) -> list[Document]:
    """The documents attached to ``reply_id``, in the order they were attached."""
    found = [d for d in case.documents.values() if d.reply_id == reply_id]
    return sorted(found, key=lambda d: d.version)


def reply_letter(case: CaseState, reply_id: str) -> Document | None:
    """The reply's letter (答复函): the latest attached, since a later upload replaces a scan
    the unit got wrong (both stay on the case)."""
    letters = [d for d in reply_documents(case, reply_id) if d.kind == "reply_letter"]
    return letters[-1] if letters else None

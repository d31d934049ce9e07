"""并案 (R-M1): several similar cases answered by one reply.

A merge spans several Case streams. It is decided here, over all the cases at once, and recorded
as one ``Merged`` event on *every* case (saved in one transaction by the application), so each
case's own history shows the merge, its partners, and every proposer the joint reply goes to.
The first case listed is the primary: it carries the reply, and its issue is echoed to the
others as ``MergedReplyIssued``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from domain.case import Actor, Case
from domain.errors import InvalidInput, RuleViolation


def check_mergeable(cases: Sequence[Case]) -> None:
    if len(cases) < 2 or len({c.id for c in cases}) != len(cases):
        raise InvalidInput("并案至少需要两个不同的件", "a merge needs two or more distinct cases")
    kinds = {c.kind for c in cases}
    if len(kinds) > 1:
        raise RuleViolation(
            "R-M1", "建议和提案不得并案", "suggestions and proposals are never merged together"
        )
    for c in cases:
        if c.merge is not None:
            raise RuleViolation("R-M1", f"{c.number} 已并案", f"case {c.number} is already merged")
        if any(r["status"] == "issued" for r in c.replies.values()):
            raise RuleViolation(
                "R-M1", f"{c.number} 已答复，不能再并案", f"case {c.number} is already replied"
            )
        if c.reference:
            raise RuleViolation(
                "R-M1", f"{c.number} 为参阅件", f"case {c.number} is a reference case"
            )


def merge_cases(cases: Sequence[Case], *, occurred_on: date, actor: Actor, today: date) -> str:
    """Checks R-M1 across the cases and records the merge on each; returns the merge id."""
    check_mergeable(cases)
    merge_id = uuid.uuid4().hex[:12]
    case_ids = [str(c.id) for c in cases]
    numbers = [c.number for c in cases]
    # Every proposer of every merged case, in case order, each person once (R-M1, R-C4); a
    # person who leads any merged case counts as a lead of the merged reply.
    by_person: dict[tuple[str, str], dict[str, str]] = {}
    for c in cases:
        for p in c.proposers:
            known = by_person.setdefault((p["name"], p["type"]), dict(p))
            if p["role"] == "lead":
                known["role"] = "lead"
    proposers = list(by_person.values())
    for c in cases:
        c.join_merge(
            merge_id=merge_id,
            case_ids=case_ids,
            numbers=numbers,
            proposers=proposers,
            primary_case_id=case_ids[0],
            occurred_on=occurred_on,
            actor=actor,
            today=today,
        )
    return merge_id

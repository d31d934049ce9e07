"""Merge 并案 (DOMAIN.md R-M1): similar cases answered by one reply that lists every case and
every proposer; suggestions and proposals never together. The first case listed is the
primary: it carries the reply, and its first issue answers every partner."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import InvalidInput, RuleViolation
from domain.records import Merge, Proposer
from domain.rules.state import CaseState


def check_mergeable(cases: Sequence[CaseState]) -> None:
    if len(cases) < 2 or len({c.id for c in cases}) != len(cases):
        raise InvalidInput("并案至少需要两个不同的件", "a merge needs two or more distinct cases")
    if len({c.kind for c in cases}) > 1:
        raise RuleViolation(
            "R-M1", "建议和提案不得并案", "suggestions and proposals are never merged together"
        )
    for c in cases:
        if c.merge is not None:
            raise RuleViolation("R-M1", f"{c.number} 已并案", f"case {c.number} is already merged")
        if any(r.issued for r in c.replies.values()):
            raise RuleViolation(
                "R-M1", f"{c.number} 已答复，不能再并案", f"case {c.number} is already replied"
            )
        if any(r.status in ("submitted", "approved") for r in c.replies.values()):
            # A reply written and approved for one case would go out as the merge's, to
            # proposers and for cases its leader never saw (R-M1: it lists every case).
            raise RuleViolation(
                "R-M1",
                f"{c.number} 已有送审或待印发的答复，须退回后再并案",
                f"case {c.number} has a reply submitted or approved: it is returned before a merge",
            )
        if c.reference:
            raise RuleViolation(
                "R-M1", f"{c.number} 为参阅件", f"case {c.number} is a reference case"
            )


def check_same_replying_units(cases: Sequence[CaseState]) -> None:
    """R-M1: one reply answers every merged case, written by the primary's unit(s): merged
    cases are led by the same unit (or split among the same units). A case of another lead
    was answered by a unit that never had it, and its own lead was credited with a reply it
    never wrote (a review): it is reassigned first (改办), then merged."""
    primary = cases[0]
    theirs = sorted(primary.replying_units)
    for c in cases[1:]:
        if sorted(c.replying_units) != theirs:
            mine, lead = "、".join(sorted(c.replying_units)), "、".join(theirs)
            raise RuleViolation(
                "R-M1",
                f"{c.number} 的答复单位（{mine}）与主件 {primary.number} 的（{lead}）不同："
                "并案的件由同一单位答复，请先改办或交办一致后再并案",
                f"case {c.number} is answered by {mine}, the primary {primary.number} by "
                f"{lead}: merged cases share their replying units",
            )


def merged_proposers(cases: Sequence[CaseState]) -> list[Proposer]:
    """Every proposer of every merged case, in case order, each person once (R-M1, R-C4); a
    person who leads any merged case leads the merged reply."""
    by_person: dict[tuple[str, str], Proposer] = {}
    for c in cases:
        for p in c.proposers:
            known = by_person.setdefault((p.name, p.type), Proposer(p.name, p.type, p.role))
            if p.role == "lead":
                known.role = "lead"
    return list(by_person.values())


def check_answered_by_primary(case: CaseState) -> None:
    """A partner's reply comes from the primary; its own proposer's dissatisfaction (R-F2) is
    re-handled by the partner itself."""
    merge = case.merge
    if merge and merge.primary_case_id != str(case.id) and case.stage != "rehandling":
        raise RuleViolation(
            "R-M1", "并案件由主件统一答复", "a merged case is answered by the merge's primary case"
        )


def undoable_merge(cases: Sequence[CaseState]) -> Merge:
    """R-M1: a merge is undone whole, on every case it holds, while no reply is under way:
    once issued the reply answers every case (each history keeps the merge); submitted or
    approved, it was written and approved as the merge's, for every case and proposer."""
    merge = unanswered_merge(cases[0])
    if sorted(str(c.id) for c in cases) != sorted(merge.case_ids):
        raise InvalidInput("撤销并案须包括该并案的全部件", "undo a merge on every case it holds")
    for c in cases:
        statuses = {r.status for r in c.replies.values()}
        if "issued" in statuses or (c.merge is not None and c.merge.answered_by is not None):
            raise RuleViolation(
                "R-M1",
                "并案答复已印发，不能撤销并案",
                "the merge's reply was issued: it answers every case",
            )
        if statuses & {"submitted", "approved"}:
            raise RuleViolation(
                "R-M1",
                f"{c.number} 的并案答复在审批或待印发中，须退回后再撤销并案",
                f"case {c.number} has the merge's reply submitted or approved: return it first",
            )
    return merge


def unanswered_merge(case: CaseState) -> Merge:
    if case.merge is None:
        raise RuleViolation("R-M1", "该件未并案", "this case is not part of a merge")
    if case.merge.answered_by is not None:
        raise RuleViolation("R-M1", "并案答复已登记", "the merge's reply was already recorded")
    return case.merge

"""Reassessment 回头看 (DOMAIN.md R-Rv1, R-Rv2).

R-Rv1 any replied case can be reassessed: A-class for implementation, B-class for progress;
stalled or not implemented puts it back under supervision. R-Rv2 B-class commitments stay on
the rolling ledger until closed out (销号) after a reassessment found them fulfilled.
"""

from __future__ import annotations

from datetime import date

from domain.errors import RuleViolation
from domain.rules.accountability import check_not_before
from domain.rules.replies import issue_dates, latest_issued_classification
from domain.rules.state import CaseState
from domain.vocabulary import FINDING_WORDS, FINDINGS_BY_CLASS


def check_finding(classification: str, finding: object) -> str:
    """R-Rv1: an A-class reply is found implemented or not; a B-class one advancing, stalled
    or fulfilled."""
    allowed = FINDINGS_BY_CLASS[classification]
    if finding not in allowed:
        raise RuleViolation(
            "R-Rv1",
            f"{classification}类答复的回头看结论应为"
            f"{'、'.join(FINDING_WORDS[f] for f in sorted(allowed))}之一",
            f"a {classification}-class reassessment finds one of {sorted(allowed)}: {finding!r}",
        )
    return str(finding)


def reassessment_findings(case: CaseState) -> list[str]:
    """R-Rv1: what a reassessment of the case may find, by its latest issued reply's class
    (``check_finding``), in the findings' order: none before a reply, nor after a C-class one."""
    allowed = FINDINGS_BY_CLASS.get(latest_issued_classification(case) or "", frozenset())
    return [finding for finding in FINDING_WORDS if finding in allowed]


def check_reassessable(case: CaseState, occurred_on: date) -> str:
    """R-Rv1: A replies are checked for implementation, B for progress; C has no commitment.
    What a reply promised is looked at after it was issued (R-X1)."""
    classification = latest_issued_classification(case)
    if classification is None:
        raise RuleViolation(
            "R-Rv1", "只有已答复的件可以回头看", "only a replied case is reassessed"
        )
    check_not_before(occurred_on, issue_dates(case)[0], "答复日期 reply date")
    if classification not in FINDINGS_BY_CLASS:
        raise RuleViolation(
            "R-Rv1",
            "C类答复无承诺事项可回头看",
            "a C-class reply made no commitment to reassess",
        )
    return classification


def check_close_out_allowed(case: CaseState) -> None:
    """R-Rv2: a B-class commitment is closed out (销号) once a reassessment found it fulfilled."""
    if case.closed_out_on is not None:
        raise RuleViolation("R-Rv2", "已销号", "the commitment is already closed out")
    if latest_issued_classification(case) != "B":
        raise RuleViolation(
            "R-Rv2", "只有B类答复的承诺需要销号", "only B-class commitments close out"
        )
    if not case.reassessments or case.reassessments[-1].finding != "fulfilled":
        raise RuleViolation(
            "R-Rv2",
            "回头看确认落实后方可销号",
            "close-out needs a latest reassessment finding 'fulfilled'",
        )


def check_close_out_day(case: CaseState, occurred_on: date) -> None:
    """R-Rv2: a close-out is dated no earlier than the reassessment that found the commitment
    fulfilled (a 销号 dated 10-01 on a finding of 11-01 was taken). ``check_close_out_allowed``
    first."""
    found_on = case.reassessments[-1].occurred_on
    if occurred_on < found_on:
        raise RuleViolation(
            "R-Rv2",
            f"销号日期 {occurred_on} 早于确认落实的回头看日期 {found_on}",
            f"close-out on {occurred_on} is before the reassessment that found it fulfilled "
            f"({found_on})",
        )

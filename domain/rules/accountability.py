"""Accountability (DOMAIN.md R-X1, R-X2): two times on every event, nothing edited, corrections.

R-X1: the business date comes from the user but is never in the future, and handling events
never precede the case's assignment. R-X2: a mistake is corrected by an event naming the event
it corrects; only its recorder or the office may; only descriptive fields, re-checked by the
rule that guards them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from domain.checks import check_date, check_iso_day
from domain.errors import InvalidInput, RuleViolation
from domain.records import Actor, Recorded
from domain.rules.state import CaseState

# The date a command carries, named as its form and its sheet name it: a received day read
# "发生日期 … 晚于今天" beside 收到日期.
OCCURRED = "发生日期 occurred_on"
RECEIVED = "收到日期 received_on"
ASSIGNED = "交办日期 assigned_on"


def check_not_future(occurred_on: date, today: date, subject: str = OCCURRED) -> None:
    """R-X1: business dates come from the user but may never lie in the future; ``subject``
    names the date in Chinese, then English ("收到日期 received_on")."""
    zh, _, en = subject.partition(" ")
    check_date(occurred_on, en or "occurred_on")
    if occurred_on > today:
        raise RuleViolation(
            "R-X1",
            f"{zh} {occurred_on} 晚于今天 {today}",
            f"{en or zh} {occurred_on} is in the future (today is {today})",
        )


def check_not_before(occurred_on: date, earliest: date, what: str, subject: str = OCCURRED) -> None:
    """R-X1: an act never happens before the act it follows (receipt, assignment, issue …);
    ``what`` names the earlier date in Chinese, then English ("收到日期 received date"), and
    ``subject`` the later one."""
    if occurred_on < earliest:
        zh, _, en = what.partition(" ")
        subject_zh, _, subject_en = subject.partition(" ")
        raise RuleViolation(
            "R-X1",
            f"{subject_zh} {occurred_on} 早于{zh} {earliest}",
            f"{subject_en or subject_zh} {occurred_on} is before the {en or zh} {earliest}",
        )


def check_after_assignment(case: CaseState, occurred_on: date) -> None:
    """R-X1 for handling events: never before the assignment."""
    if case.assigned_on is not None:
        check_not_before(occurred_on, case.assigned_on, "交办日期 assignment date")


def check_after_joining(case: CaseState, unit: str | None, occurred_on: date) -> None:
    """R-X1 for a unit's own acts: never before the day the unit had the case. A unit that a
    reassignment or a ruling (改办, 裁定) brought in has it from that decision, not from the
    first assignment: its contact dated earlier would count towards a communication rate for
    a case it did not yet handle. A unit that had the case before, left it and has it again
    may date an act in either stretch (a contact of its first weeks recorded late); a unit no
    longer on the case is not asked about."""
    if unit is None:
        return
    joined = case.joined_on.get(unit)
    if joined is None or occurred_on >= joined:
        return
    if any(start <= occurred_on <= end for start, end in case.held_before.get(unit, ())):
        return
    check_not_before(occurred_on, joined, f"{unit}承办本件之日 day {unit} took the case on")


def check_handler_after_joining(case: CaseState, actor: Actor, occurred_on: date) -> None:
    """R-X1 for an act that names no unit but is a unit's when its handler records it (a
    document it uploads, a disclosure preference it heard): as ``check_after_joining``."""
    if actor["role"] == "handler":
        check_after_joining(case, actor["unit"], occurred_on)


def refuse_recording_again(zh: str, en: str) -> None:
    """R-X2: what is recorded stays; a second version of it is a correction, not a new event."""
    raise RuleViolation("R-X2", f"{zh}；如需修改请提交更正", f"{en}; record a correction instead")


def correction_refusal(actor: Actor, recorded_by: Actor) -> RuleViolation | None:
    """Why ``actor`` may not correct an event ``recorded_by`` recorded, or None when they may
    (R-X2: its recorder or the office). What a proposer said through their own link is theirs
    alone (R-F4): the office correcting it would put words in their mouth, the very thing the
    link and the satisfaction by source exist to rule out."""
    if actor["user"] == recorded_by["user"]:
        return None
    if recorded_by["role"] == "proposer":
        return RuleViolation(
            "R-F4",
            "代表委员本人提交的反馈不能由他人更正",
            "what a proposer said through their own link is corrected by no one else",
        )
    if actor["role"] == "office":
        return None
    return RuleViolation(
        "R-X2",
        "只有原记录人或办公室可以更正",
        "only whoever recorded the event, or the office, may correct it",
    )


def check_may_correct(actor: Actor, original: Recorded) -> None:
    refusal = correction_refusal(actor, original.actor)
    if refusal is not None:
        raise refusal


# Per corrected event type, the fields a correction may amend and how each is re-checked (by
# the rule guarding it). Fields other rules rest on (units, ``reached``) are not correctable:
# record a new event instead.
FieldCheck = Callable[[Any], Any]


def check_correction(
    case: CaseState,
    original: Recorded,
    fields: Mapping[str, Any],
    correctable: Mapping[str, Mapping[str, FieldCheck]],
    today: date,
) -> dict[str, Any]:
    allowed = correctable.get(original.event_type, {})
    if not fields:
        raise InvalidInput("更正内容不能为空", "corrected must name at least one field")
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        # Fields named bare, one 、 between each: a page puts its words for them in their place.
        may = f"只能更正 {'、'.join(sorted(allowed))}" if allowed else "没有可更正的内容"
        raise RuleViolation(
            "R-X2",
            f"所选事件不可更正 {'、'.join(unknown)}，{may}",
            f"{original.event_type} cannot have {unknown} corrected; "
            f"correctable: {sorted(allowed)}",
        )
    changes = {name: allowed[name](value) for name, value in fields.items()}
    if "occurred_on" in changes:
        check_not_future(changes["occurred_on"], today)
        check_after_assignment(case, changes["occurred_on"])
    return changes


def check_changes_record(already_held: bool) -> None:
    """R-X2: a correction that changes nothing would be an event saying the record was wrong
    when it was not (a double submit, a form sent unchanged)."""
    if already_held:
        raise RuleViolation(
            "R-X2",
            "更正内容与原记录相同，无需更正",
            "the correction changes nothing: the record already holds these values",
        )


def corrected_date(value: object) -> date:
    """A corrected business date, as JSON gives it (``YYYY-MM-DD``) or as a date."""
    return check_iso_day(value, "occurred_on")

"""Registration and assignment 交办 (DOMAIN.md R-A1 … R-A4).

R-A1 one lead (+ co units), or several split units, or a reference case; a unit acts only on a
case it has a role on. R-A2 at most two assignment rounds, then a leader's final ruling. R-A3
only an assigned unit asks for reassignment, and the office decides. (R-A4, deadlines running
from the first assignment unless restarted, is in the case's ``deadline_start``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.checks import (
    check_bool,
    check_case_number,
    check_codes,
    check_one_of,
    check_text,
    check_title,
)
from domain.commands import RegisterCase
from domain.errors import InvalidInput, RuleViolation
from domain.records import ReassignmentRequest, RulingRecommendation
from domain.rules.accountability import check_not_before
from domain.rules.communication import check_proposers
from domain.rules.requests import undecided
from domain.rules.state import CaseState
from domain.vocabulary import KINDS, LEVELS


@dataclass(frozen=True)
class Shape:
    """Who handles a case: one lead (with co units), split units, or a reference case."""

    lead_unit: str | None
    co_units: list[str]
    split_units: list[str]
    reference: bool


def check_registration(command: RegisterCase) -> RegisterCase:
    kind = check_one_of(command.kind, KINDS, "kind")
    year = command.year
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
        raise InvalidInput("年度无效", f"year must be a plausible year, got {year!r}")
    return RegisterCase(
        number=check_case_number(command.number),
        kind=kind,
        level=check_one_of(command.level, LEVELS, "level"),
        year=year,
        title=check_title(command.title),
        proposers=tuple(check_proposers(kind, command.proposers)),
        received_on=command.received_on,
    )


def check_received_in_its_year(year: int, received_on: date) -> None:
    """An item of a year is received that year, or a year either side (a session's items come
    in from the winter before it; items raised between sessions are forwarded the next
    spring): 年度 2031 received in 2026, or 1990 received in 2025, is a year or a date typed
    wrong. (Not received in the future is R-X1's.)"""
    if not isinstance(received_on, date) or year - 1 <= received_on.year <= year + 1:
        return
    raise InvalidInput(
        f"收到日期 {received_on} 与年度 {year} 不符：应在 {year - 1}–{year + 1} 年之间",
        f"received on {received_on}, outside {year - 1}-{year + 1} for a {year} item",
        "received_on",
    )


def check_units(value: object, field: str) -> list[str]:
    codes = check_codes(value, field)
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:  # named: in a list of several the clerk looked for which
        named = "、".join(twice)
        raise RuleViolation(
            "R-A1", f"{field} 中单位重复：{named}", f"{field} lists {', '.join(twice)} twice"
        )
    return codes


def check_new_lead(lead_unit: str | None, co_units: object) -> Shape:
    """R-A1 for a change of hands (an approved reassignment, a ruling or its recommendation):
    a lead unit, with any co units. None named was refused as a mix of the three shapes of an
    assignment, two of which those forms do not offer, and not beside the field."""
    if lead_unit is None:
        raise RuleViolation(
            "R-A1", "须选定新的主办单位", "a new lead unit is required", "lead_unit"
        )
    return check_shape(lead_unit, co_units, (), False)


def check_shape(
    lead_unit: str | None, co_units: object, split_units: object, reference: object
) -> Shape:
    """R-A1: one lead (+ co units), or several split units, or a reference case; never mixed."""
    is_reference = check_bool(reference, "reference")
    co = check_units(co_units, "co_units")
    split = check_units(split_units, "split_units")
    lead = None if lead_unit is None else check_text(lead_unit, "lead_unit")
    # A reference case (参阅件) may name the unit it is sent to, which must then contact the
    # proposer (R-D5); it has no co or split units and owes no written reply (R-R3).
    shapes = [is_reference, lead is not None and not is_reference, bool(split)]
    if sum(shapes) != 1 or (is_reference and (co or split)):
        raise RuleViolation(
            "R-A1",
            "交办须为：一个主办单位（可加会办单位），或若干分办单位，或参阅件，三者取一",
            "assign exactly one of: a lead unit (with co units), split units, or reference",
        )
    if co and lead is None:
        raise RuleViolation("R-A1", "会办单位须配主办单位", "co-handling units need a lead unit")
    if lead is not None and lead in co:
        raise RuleViolation(
            "R-A1", f"{lead} 不能同时为主办和会办", f"unit {lead} cannot be both lead and co"
        )
    if split and len(split) < 2:
        raise RuleViolation(
            "R-A1", "分办至少两个单位", "a split assignment needs two or more units", "split_units"
        )
    return Shape(lead, co, split, is_reference)


def check_assigned(case: CaseState) -> None:
    """Handling needs a handling unit: the case is assigned first (R-A1)."""
    if case.assigned_on is None:
        raise RuleViolation("R-A1", "该件尚未交办", "the case has not been assigned yet")


def check_unit_on_case(case: CaseState, unit: object) -> str:
    code = check_text(unit, "unit")
    if code not in case.units:
        raise RuleViolation(
            "R-A1",
            f"单位 {code} 不是该件的承办单位",
            f"unit {code} has no role on this case",
        )
    return code


def check_first_assignment(case: CaseState) -> None:
    if case.assignment_rounds:
        raise RuleViolation(
            "R-A2",
            "该件已交办；改办须通过改办申请或裁定",
            "the case is already assigned; change it by a reassignment request or a ruling",
        )


def check_may_request_reassignment(case: CaseState, unit: str) -> None:
    """R-A3 only an assigned unit asks; R-A2 none after a ruling; one open request per unit."""
    if case.ruled:
        raise RuleViolation(
            "R-A2",
            "已经厅领导裁定，不再受理改办申请",
            "a ruling is final: no more reassignment requests",
        )
    if case.reference:
        raise RuleViolation(
            "R-A3", "参阅件不改办", "a reference case has no handling unit to change"
        )
    if any(r.unit == unit and r.status == "open" for r in case.requests.values()):
        raise RuleViolation(
            "R-A3", "该单位已有待处理的改办申请", f"unit {unit} already has an open request"
        )


def open_request(case: CaseState, request_id: str) -> ReassignmentRequest:
    return undecided(case.requests, request_id, "R-A3", "改办申请", "reassignment request")


def _role_of(unit: str, lead: str | None, co: Sequence[str], split: Sequence[str]) -> str:
    if unit == lead:
        return "主办"
    if unit in co:
        return "会办"
    return "分办" if unit in split else ""


def check_reassigned(case: CaseState, request: ReassignmentRequest, shape: Shape) -> None:
    """R-A3: granting a unit's request moves that unit: it does not hold the part it asked to
    be relieved of (a grant naming the asking lead the lead again reassigned nothing, yet
    spent the round, R-A2)."""
    now = _role_of(request.unit, case.lead_unit, case.co_units, case.split_units)
    then = _role_of(request.unit, shape.lead_unit, shape.co_units, shape.split_units)
    if now and now == then:
        raise RuleViolation(
            "R-A3",
            f"同意改办须调整申请单位的承办：{request.unit} 仍为{then}单位；如不调整，请选“不同意”",
            f"granting the request must move {request.unit}: it stays a {then} unit",
        )


def check_round_available(case: CaseState) -> None:
    """R-A2: initial assignment + one reassignment; a third round needs the leader's ruling."""
    refused = round_refusal(case)
    if refused is not None:
        raise refused


def round_refusal(case: CaseState) -> RuleViolation | None:
    """Why the office may not reassign the case itself now (R-A2); None while it may. Asked by
    the command and by the case page, which says it on the 改办决定 form."""
    if case.assignment_rounds < 2:
        return None
    return RuleViolation(
        "R-A2",
        "批分原则上不超过两次，再次改办须报分管厅领导裁定",
        "two assignment rounds are used; a further reassignment needs a leader's ruling",
    )


def ruling_refusal(assignment_rounds: int, ruled: bool) -> RuleViolation | None:
    """R-A2: why a leader may not rule on the assignment now; None when a ruling is due. Asked
    by the command and by the case page, which offers the ruling form only then."""
    if ruled:
        return RuleViolation("R-A2", "裁定为最终决定", "a ruling is final and was already made")
    if assignment_rounds < 2:
        return RuleViolation(
            "R-A2",
            "未超过两次批分，应由办公室决定改办申请",
            "a ruling is only for a third assignment; the office decides the request itself",
        )
    return None


def check_decided_after_request(request: ReassignmentRequest, occurred_on: date) -> None:
    """R-X1: the office decides a reassignment request after it was made."""
    check_not_before(occurred_on, request.occurred_on, "改办申请日期 reassignment request date")


def check_ruling_dated(
    case: CaseState, occurred_on: date, recommendation: RulingRecommendation | None = None
) -> None:
    """R-X1 with R-A2: the office's recommendation and the leader's ruling answer the requests
    before them: neither is dated before the latest request, nor the ruling before the
    recommendation it rules on (a review's ruling of 11-13 answered one of 11-14)."""
    asked = [r.occurred_on for r in case.requests.values()]
    if asked:
        check_not_before(occurred_on, max(asked), "改办申请日期 reassignment request date")
    if recommendation is not None:
        check_not_before(
            occurred_on, recommendation.occurred_on, "办公室建议日期 office's recommendation date"
        )


def check_ruling_allowed(case: CaseState) -> None:
    refusal = ruling_refusal(case.assignment_rounds, case.ruled)
    if refusal is not None:
        raise refusal

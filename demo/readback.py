"""Reading the demo back: a short human summary of what the store holds, per stage and unit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from demo.dates import DEMO_TODAY
from demo.summary import CLASSES, class_totals
from demo.units import UNIT_BY_CODE, UNITS
from domain.case import Case
from domain.deadlines.case_deadlines import case_deadlines
from domain.errors import DamagedRecord
from domain.visit_rate import visit_compliance
from infra.application import BanliApplication

CASE_TOPIC_PREFIX = f"{Case.__module__}:{Case.__qualname__}."
_PAGE = 1000


def _scan(app: BanliApplication) -> tuple[int, list[str]]:
    """(number of stored events, case ids in order of registration) from the notification log."""
    events, start = 0, 1
    case_ids: dict[str, None] = {}
    while True:
        page = app.recorder.select_notifications(start=start, limit=_PAGE)
        if not page:
            return events, list(case_ids)
        events += len(page)
        for n in page:
            if n.topic.startswith(CASE_TOPIC_PREFIX):
                case_ids.setdefault(str(n.originator_id))
        start = page[-1].id + 1


@dataclass
class _UnitLine:
    lead: int = 0
    co: int = 0
    visited: int = 0
    declined: int = 0  # lead cases whose proposer declined a meeting and were not visited
    classes: Counter[str] = field(default_factory=Counter)

    @property
    def shortfall(self) -> int:
        """R-V2/R-V3: visits still needed to meet the required rate (judged on the raw rate)."""
        return visit_compliance(self.lead, self.visited, self.declined).shortfall


def _unit_lines(cases: Sequence[Case]) -> dict[str, _UnitLine]:
    lines: dict[str, _UnitLine] = {}
    for case in cases:
        if case.lead_unit and not case.reference:  # a reference case is no lead case
            line = lines.setdefault(case.lead_unit, _UnitLine())
            visited = any(v.unit == case.lead_unit for v in case.visits)
            declined = any(d.unit == case.lead_unit for d in case.declined_visits)
            line.lead += 1
            line.visited += visited
            line.declined += declined and not visited
        for unit in case.co_units:
            lines.setdefault(unit, _UnitLine()).co += 1
        for reply in case.replies.values():
            if reply.issued:
                lines.setdefault(reply.unit, _UnitLine()).classes[reply.classification] += 1
    return lines


def _overdue_kinds(cases: Sequence[Case], app: BanliApplication, as_of: date) -> Counter[str]:
    """Deadline kind → cases with that deadline overdue (R-S1); '*' counts cases with any."""
    calendar = app.calendar()
    found: Counter[str] = Counter()
    for case in cases:
        kinds = {d.kind for d in case_deadlines(case, calendar, as_of) if d.status == "overdue"}
        found.update(kinds)
        found["*"] += bool(kinds)
    return found


_COLUMNS = (("lead", 5), ("co", 5), ("visited", 8), ("declined", 9), ("short", 6))


def _rows(lines: dict[str, _UnitLine]) -> Iterator[str]:
    """One row per unit: lead/co cases, visits (R-V2/R-V3) and issued replies by class."""
    titles = [f"{t:>{w}}" for t, w in _COLUMNS] + [f"{c:>5}" for c in CLASSES]
    yield f"{'unit':<5}{'单位':\u3000<10}" + "".join(titles)
    known = [u.code for u in UNITS if u.code in lines]
    for code in known + sorted(set(lines) - set(known)):
        line = lines[code]
        name = UNIT_BY_CODE[code].name if code in UNIT_BY_CODE else ""
        values = (line.lead, line.co, line.visited, line.declined, line.shortfall)
        cells = [f"{v:>{w}}" for v, (_, w) in zip(values, _COLUMNS, strict=True)]
        cells += [f"{line.classes[c]:>5}" for c in CLASSES]
        yield f"{code:<5}{name:\u3000<10}" + "".join(cells)  # full-width padding for CJK


def summarise(app: BanliApplication, as_of: date = DEMO_TODAY) -> str:
    """A short human summary read back from the store: totals, stages, overdue, per unit."""
    events, case_ids = _scan(app)
    cases, unreadable = _readable(app, case_ids)
    kinds = Counter(c.kind for c in cases)
    levels = Counter(c.level for c in cases)
    stages = Counter(c.stage for c in cases)
    lines = _unit_lines(cases)
    classes = class_totals(line.classes for line in lines.values())
    overdue = _overdue_kinds(cases, app, as_of)
    open_cases = sum(c.stage in ("registered", "handling", "rehandling") for c in cases)
    return "\n".join(
        [
            f"办理台账 summary as of {as_of}: {len(cases)} cases, {events} events",
            f"  建议 suggestions {kinds['suggestion']} · 提案 proposals {kinds['proposal']}"
            f" · 全国 national {levels['national']} · 省 provincial {levels['provincial']}"
            f" · 参阅件 reference {sum(c.reference for c in cases)}",
            "  stages: " + " · ".join(f"{s} {n}" for s, n in sorted(stages.items())),
            f"  open {open_cases} · with an overdue deadline {overdue.pop('*', 0)}"
            + "".join(f" · {k} {n}" for k, n in sorted(overdue.items())),
            # Every letter a unit issued: the 总览's A/B/C count each case's first reply once
            # (a merge's class for each merged case), so the two differ (a review compared them).
            "  reply letters issued (further replies too; 总览 counts each case's first): "
            + " · ".join(f"{c} {classes[c]}" for c in CLASSES),
            *(f"  {row}" for row in _rows(lines)),
            *_unreadable_lines(unreadable),
        ]
    )


def _readable(app: BanliApplication, case_ids: Iterable[str]) -> tuple[list[Case], list[str]]:
    """The cases that replay, and the ids of those that do not: the summary is printed at every
    start, and one unreadable case stopped the service from starting."""
    cases: list[Case] = []
    unreadable: list[str] = []
    for case_id in case_ids:
        try:
            cases.append(app.get_case(case_id))
        except DamagedRecord:
            unreadable.append(case_id)
    return cases, unreadable


def _unreadable_lines(case_ids: Sequence[str]) -> list[str]:
    if not case_ids:
        return []
    return [
        f"  {len(case_ids)} cases cannot be replayed (R-X2), left out above: "
        + ", ".join(case_ids)
        + "; run `banli audit verify`"
    ]

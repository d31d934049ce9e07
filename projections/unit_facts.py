"""Per unit and case, the facts the measures of DOMAIN.md §4 and visit compliance (R-V2, R-V3)
count. One row per (case, unit); the rates are aggregated at read time (``measures.py``), so
every numerator and denominator can list the case numbers behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.case_deadlines import case_deadlines
from domain.deadlines.status import met_on_time
from domain.records import Reply
from domain.rules.communication import reached_contact_dates
from projections.core import Row, Table
from projections.ledger import END_OF_TIME, unit_roles

FACTS = Table(
    name="unit_case_facts",
    columns={
        "case_id": "TEXT",
        "unit": "TEXT",
        "role": "TEXT",  # lead | co | split | reference
        "number": "TEXT",
        "year": "INTEGER",
        "kind": "TEXT",
        "key": "INTEGER",
        "reached_contact": "INTEGER",
        "visited": "INTEGER",
        "declined_visit": "INTEGER",
        "on_site_total": "INTEGER",
        "on_site_present": "INTEGER",
        "reply_due_on": "TEXT",
        "reply_missed_on": "TEXT",
        "reply_issued_on": "TEXT",
        "classification": "TEXT",
        "proactive_replies": "INTEGER",
        "disclosed_on_time": "INTEGER",
        "verdict": "TEXT",
        "rehandlings": "INTEGER",
        "rehandlings_on_time": "INTEGER",
    },
    key=("case_id", "unit"),
    indexes=(("year", "kind", "unit"),),
)


def _first_reply(case: Case, unit: str) -> Reply | None:
    issued = [r for r in case.replies.values() if r.unit == unit and r.issued and not r.further]
    return min(issued, key=lambda r: (r.issued_on or date.min, r.version)) if issued else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class UnitFactsView:
    name = "unit_facts"
    tables = (FACTS,)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        deadlines = case_deadlines(case, calendar, END_OF_TIME)
        verdict = case.feedback[-1].verdict if case.feedback else None
        rows = []
        for unit, role in unit_roles(case):
            reply = _first_reply(case, unit)
            owns_reply = role in ("lead", "split")
            reply_deadline = next(
                (d for d in deadlines if d.kind == "reply" and d.unit == unit), None
            )
            disclosure = [d for d in deadlines if d.kind == "disclosure" and d.unit == unit]
            rehandling = [d for d in deadlines if d.kind == "rehandling"] if owns_reply else []
            rows.append(
                {
                    "case_id": str(case.id),
                    "unit": unit,
                    "role": role,
                    "number": case.number,
                    "year": case.year,
                    "kind": case.kind,
                    "key": int(case.key is not None),
                    "reached_contact": int(bool(reached_contact_dates(case, unit))),
                    "visited": int(any(v.unit == unit for v in case.visits)),
                    "declined_visit": int(any(v.unit == unit for v in case.declined_visits)),
                    "on_site_total": sum(h.unit == unit for h in case.on_site_handlings),
                    "on_site_present": sum(
                        h.unit == unit and h.proposer_present for h in case.on_site_handlings
                    ),
                    "reply_due_on": _iso(reply_deadline.due_on) if reply_deadline else None,
                    "reply_missed_on": _iso(reply_deadline.missed_on) if reply_deadline else None,
                    "reply_issued_on": _iso(reply.issued_on) if reply else None,
                    "classification": reply.classification if reply else None,
                    "proactive_replies": len(disclosure),
                    "disclosed_on_time": sum(
                        met_on_time(d.due_on, d.met_on, d.missed_on) for d in disclosure
                    ),
                    "verdict": verdict if owns_reply else None,
                    "rehandlings": len(rehandling),
                    "rehandlings_on_time": sum(
                        met_on_time(d.due_on, d.met_on, d.missed_on) for d in rehandling
                    ),
                }
            )
        return {FACTS.name: rows}

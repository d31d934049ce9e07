"""台账 — the supervision ledger (R-S1, R-S2): every case, its stage, units and deadlines.

Rows store due dates and the first date each deadline was met; the status (pending / due soon /
overdue / met / met late) is computed at read time for the caller's ``as_of`` day, so one stored
ledger answers for any day without being rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.case_deadlines import case_deadlines
from domain.deadlines.policies import get_policy
from projections.core import Row, Table

# Deadlines are stored with every act known, whatever its date; reads filter by ``as_of``.
END_OF_TIME = date(9999, 12, 31)

CASES = Table(
    name="ledger_cases",
    columns={
        "case_id": "TEXT",
        "number": "TEXT",
        "title": "TEXT",
        "kind": "TEXT",
        "level": "TEXT",
        "year": "INTEGER",
        "stage": "TEXT",
        "reference": "INTEGER",
        "key": "INTEGER",
        "key_source": "TEXT",
        "leader_in_charge": "TEXT",
        "lead_unit": "TEXT",
        "co_units": "TEXT",
        "split_units": "TEXT",
        "under_supervision": "INTEGER",
        "closed_out_on": "TEXT",
        "policy": "TEXT",
        "version": "INTEGER",
    },
    key=("case_id",),
    indexes=(("year", "kind"), ("stage",), ("number",)),
)

UNITS = Table(
    name="ledger_units",
    columns={"case_id": "TEXT", "unit": "TEXT", "role": "TEXT"},
    key=("case_id", "unit"),
    indexes=(("unit",),),
)

DEADLINES = Table(
    name="ledger_deadlines",
    columns={
        "case_id": "TEXT",
        "seq": "INTEGER",
        "kind": "TEXT",
        "unit": "TEXT",
        "opened_on": "TEXT",
        "due_on": "TEXT",
        "met_on": "TEXT",
        "missed_on": "TEXT",
        "due_soon_days": "INTEGER",
        "calendar_provisional": "INTEGER",
        "derivation": "TEXT",
    },
    key=("case_id", "seq"),
    # due-date order for the overdue list; (case, due) for its "oldest of the case" check.
    indexes=(("due_on", "case_id"), ("case_id", "due_on")),
)


def unit_roles(case: Case) -> list[tuple[str, str]]:
    roles = [(case.lead_unit, "reference" if case.reference else "lead")] if case.lead_unit else []
    roles += [(u, "co") for u in case.co_units]
    roles += [(u, "split") for u in case.split_units]
    return roles


class LedgerView:
    name = "ledger"
    tables = (CASES, UNITS, DEADLINES)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        case_id = str(case.id)
        key = case.key
        head: Row = {
            "case_id": case_id,
            "number": case.number,
            "title": case.title,
            "kind": case.kind,
            "level": case.level,
            "year": case.year,
            "stage": case.stage,
            "reference": int(case.reference),
            "key": int(case.key is not None),
            "key_source": key.source if key else None,
            "leader_in_charge": key.leader_in_charge if key else None,
            "lead_unit": case.lead_unit,
            "co_units": json.dumps(case.co_units),
            "split_units": json.dumps(case.split_units),
            "under_supervision": int(case.under_supervision),
            "closed_out_on": _iso(case.closed_out_on),
            "policy": case.policy,
            "version": case.version,
        }
        soon = get_policy(case.policy).due_soon_days
        deadlines = [
            {
                "case_id": case_id,
                "seq": seq,
                "kind": d.kind,
                "unit": d.unit,
                "opened_on": d.opened_on.isoformat(),
                "due_on": d.due_on.isoformat(),
                "met_on": _iso(d.met_on),
                "missed_on": _iso(d.missed_on),
                "due_soon_days": soon,
                "calendar_provisional": int(d.calendar_provisional),
                "derivation": d.derivation,
            }
            for seq, d in enumerate(case_deadlines(case, calendar, END_OF_TIME))
        ]
        units = [{"case_id": case_id, "unit": u, "role": r} for u, r in unit_roles(case)]
        return {CASES.name: [head], UNITS.name: units, DEADLINES.name: deadlines}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None

"""The office's paperwork about each case (API.md v1.1 "Excel in and out"): a row per contact
and visit (沟通联络总台账), and a row per case with what the Hebei forms print (seed 003
attachments 1 and 7: who raised it, who handles it, the reply, the latest 回头看 finding).

A case view: its rows are a pure function of the case, replaced after any event on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.rules.replies import latest_issued_by_unit, latest_issued_reply
from projections.core import CaseView, Row, Table, ViewReader, case_heading, column_equals, iso_day
from projections.deadline_periods import known_deadlines
from projections.json_text import text_encoder

NAME = "case_papers"

CONTACTS = Table(
    view=NAME,
    name="paper_contacts",
    columns={
        "case_id": "TEXT",
        "seq": "INTEGER",
        "number": "TEXT",
        "year": "INTEGER",
        "kind": "TEXT",
        "title": "TEXT",
        "unit": "TEXT",
        "record": "TEXT",  # contact | visit | visit_declined
        "phase": "TEXT",
        "channel": "TEXT",
        "occurred_on": "TEXT",
        "by": "TEXT",  # who contacted or visited: "name（rank）", 、-separated
        "person": "TEXT",
        "reached": "INTEGER",
        "summary": "TEXT",
        "proposer_opinion": "TEXT",
    },
    key=("case_id", "seq"),
    indexes=(("year", "unit"),),
)

CASES = Table(
    view=NAME,
    name="paper_cases",
    columns={
        "case_id": "TEXT",
        "number": "TEXT",
        "year": "INTEGER",
        "kind": "TEXT",
        "level": "TEXT",
        "title": "TEXT",
        "proposers": "TEXT",  # names, the lead first, 、-separated
        "reference": "INTEGER",
        "lead_unit": "TEXT",
        "co_units": "TEXT",  # 、-separated codes
        "split_units": "TEXT",
        "assigned_on": "TEXT",
        "reply_due_on": "TEXT",  # the lead's (or first split unit's) reply deadline (R-D2)
        "key_source": "TEXT",
        "leader_in_charge": "TEXT",
        "reply_unit": "TEXT",
        "classification": "TEXT",
        "document_number": "TEXT",
        "issued_on": "TEXT",
        "verdict": "TEXT",
        # R-F4: who gave the latest verdict: ``proposer`` through their own link, or the
        # ``office`` keying it in (the 台账 export said 满意 alike for both).
        "verdict_source": "TEXT",
        "finding": "TEXT",
        "reassessed_on": "TEXT",
        "reassessment_note": "TEXT",
        "closed_out_on": "TEXT",
        # JSON: each unit's own reply deadline (a co unit's is its opinion's, R-D1; a
        # reference case's unit's is its contact's, R-D5) and each replying unit's latest
        # issued reply (split units each reply, R-R3): the 责任分解表 and the 复查表.
        "unit_dues": "TEXT",
        "unit_replies": "TEXT",
        # JSON: who answers for each unit's part, as last recorded (the 责任分解表's 分管负责同志,
        # 承办人, 联系电话), the units on the case now.
        "unit_people": "TEXT",
    },
    key=("case_id",),
    indexes=(("year", "kind"),),
    # 2: unit_dues and unit_replies (a co unit was given the lead's reply deadline, a split
    # case's replies but the last); 3: a reference unit's 答复时限, its contact deadline (R-D5).
    # 4: a further reply answers only a verdict recorded before it (R-D3). 5: unit_people.
    version=5,
)

# The deadline a unit answers by, per its role: the one a 责任分解表's 答复时限 names.
UNIT_DUE_KINDS = frozenset({"reply", "co_opinion", "reference_contact"})


def _contacts(case: Case) -> list[Row]:
    base = {"case_id": str(case.id), "number": case.number, "year": case.year}
    base |= {"kind": case.kind, "title": case.title}
    found: list[tuple[date, int, dict[str, Any]]] = []
    for c in case.contacts:
        by = f"{c.contacted_by.name}（{c.contacted_by.rank}）"
        found.append(
            (c.occurred_on, c.version, {"unit": c.unit, "record": "contact", "phase": c.phase,
             "channel": c.channel, "by": by, "person": c.person, "reached": int(c.reached),
             "summary": c.summary, "proposer_opinion": None})
        )  # fmt: skip
    for v in case.visits:
        by = "、".join(f"{p.name}（{p.rank}）" for p in v.visitors)
        found.append(
            (v.occurred_on, v.version, {"unit": v.unit, "record": "visit", "phase": None,
             "channel": "visit", "by": by, "person": "、".join(v.persons), "reached": 1,
             "summary": v.summary, "proposer_opinion": v.proposer_opinion})
        )  # fmt: skip
    for d in case.declined_visits:
        found.append(
            (d.occurred_on, d.version, {"unit": d.unit, "record": "visit_declined",
             "phase": None, "channel": None, "by": None, "person": None, "reached": 0,
             "summary": d.note, "proposer_opinion": None})
        )  # fmt: skip
    found.sort(key=lambda item: (item[0], item[1]))
    return [
        {**base, "seq": seq, "occurred_on": on.isoformat(), **row}
        for seq, (on, _, row) in enumerate(found)
    ]


def _lead_first(case: Case) -> list[Any]:
    return sorted(case.proposers, key=lambda p: p.role != "lead")


def _case(case: Case, calendar: WorkdayCalendar) -> Row:
    reply = latest_issued_reply(case)
    deadlines = known_deadlines(case, calendar)
    due = next((d.due_on for d in deadlines if d.kind == "reply"), None)
    latest = case.reassessments[-1] if case.reassessments else None
    key = case.key
    return {
        **case_heading(case),
        "proposers": "、".join(p.name for p in _lead_first(case)),
        "reference": int(case.reference),
        "lead_unit": case.lead_unit,
        "co_units": "、".join(case.co_units),
        "split_units": "、".join(case.split_units),
        "assigned_on": iso_day(case.assigned_on),
        "reply_due_on": iso_day(due),
        "key_source": key.source if key else None,
        "leader_in_charge": key.leader_in_charge if key else None,
        "reply_unit": reply.unit if reply else None,
        "classification": reply.classification if reply else None,
        "document_number": reply.document_number if reply else None,
        "issued_on": iso_day(reply.issued_on) if reply else None,
        "verdict": case.feedback[-1].verdict if case.feedback else None,
        "verdict_source": case.feedback[-1].source if case.feedback else None,
        "finding": latest.finding if latest else None,
        "reassessed_on": iso_day(latest.occurred_on) if latest else None,
        "reassessment_note": latest.note if latest else None,
        "closed_out_on": iso_day(case.closed_out_on),
        "unit_dues": _json(_unit_dues(deadlines)),
        "unit_replies": _json(
            [
                {
                    "unit": unit,
                    "classification": r.classification,
                    "document_number": r.document_number,
                    "issued_on": iso_day(r.issued_on),
                }
                for unit, r in latest_issued_by_unit(case).items()
            ]
        ),
        "unit_people": _json(
            {
                unit: {"unit_leader": p.unit_leader, "handler": p.handler, "phone": p.phone}
                for unit in case.units
                if (p := case.responsibilities.get(unit)) is not None
            }
        ),
    }


def _unit_dues(deadlines: list[Any]) -> dict[str, str]:
    """Each unit's first deadline of its role (later ones are re-handling's)."""
    dues: dict[str, str] = {}
    for d in deadlines:
        if d.kind in UNIT_DUE_KINDS and d.unit is not None:
            dues.setdefault(d.unit, d.due_on.isoformat())
    return dues


# ``json.dumps(value, ensure_ascii=False, sort_keys=True)``'s text, from an encoder made once.
_json = text_encoder(json.JSONEncoder(ensure_ascii=False, sort_keys=True))


class CasePapersView(CaseView):
    name = NAME
    tables = (CONTACTS, CASES)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        return {CONTACTS.name: _contacts(case), CASES.name: [_case(case, calendar)]}


# -- reads ----------------------------------------------------------------------------------


def _where(
    alias: str, year: int | None, kind: str | None, unit: str | None, unit_sql: str
) -> tuple[str, list[Any]]:
    clauses, params = column_equals(f"{alias}.", year=year, kind=kind)
    if unit is not None:
        clauses.append(unit_sql)
        params.append(unit)
    return " AND ".join(clauses or ["1 = 1"]), params


def contact_rows(
    reader: ViewReader, *, year: int | None = None, unit: str | None = None, page: int = 2000
) -> Any:
    """Every contact and visit (of ``unit``), by case number and date, a page at a time."""
    where, params = _where("c", year, None, unit, "c.unit = ?")
    yield from _pages(reader, CONTACTS, where, params, "c.number, c.case_id, c.seq", page)


def case_rows(
    reader: ViewReader,
    *,
    year: int | None = None,
    kind: str | None = None,
    unit: str | None = None,
    page: int = 2000,
) -> Any:
    """Every case (where ``unit`` leads, co-handles or splits it), by number."""
    units = "(c.lead_unit = ? OR ('、' || c.co_units || '、' || c.split_units || '、') LIKE ?)"
    where, params = _where("c", year, kind, None, "")
    if unit is not None:
        where += f" AND {units}"
        params += [unit, f"%、{unit}、%"]
    yield from _pages(reader, CASES, where, params, "c.number, c.case_id", page)


def cases_by_id(reader: ViewReader, case_ids: list[str]) -> dict[str, Row]:
    """The rows of the given cases, by case id (the 办理台账 export reads them beside a page of
    the ledger: who raised each case, when it was assigned, its reply and its verdict)."""
    if not case_ids:
        return {}
    marks = ", ".join("?" * len(case_ids))
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(CASES)} c WHERE c.case_id IN ({marks})", case_ids
    )
    return {row["case_id"]: row for row in rows}


def _pages(
    reader: ViewReader, table: Table, where: str, params: list[Any], order: str, page: int
) -> Any:
    """Rows in pages (bounded memory for any number of cases), by LIMIT/OFFSET on a stable
    order: callers read from one unchanging position (``infra.frozen_views``)."""
    offset = 0
    while True:
        rows = reader.fetch(
            f"SELECT * FROM {reader.table(table)} c WHERE {where} ORDER BY {order} "
            "LIMIT ? OFFSET ?",
            [*params, page, offset],
        )
        yield from rows
        if len(rows) < page:
            return
        offset += page

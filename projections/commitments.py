"""B-class rolling ledger (R-Rv2): commitments stay open, year after year, until closed out; and
its read, the open commitments across years."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.rules.replies import latest_issued_reply
from projections.core import CaseView, Row, Table, ViewReader

NAME = "commitments"

COMMITMENTS = Table(
    view=NAME,
    name="b_commitments",
    columns={
        "case_id": "TEXT",
        "number": "TEXT",
        "year": "INTEGER",
        "kind": "TEXT",
        "unit": "TEXT",
        "issued_on": "TEXT",
        "latest_finding": "TEXT",
        "reassessed_on": "TEXT",
        "under_supervision": "INTEGER",
        "closed_out_on": "TEXT",
    },
    key=("case_id",),
    indexes=(("closed_out_on",),),
)


class CommitmentView(CaseView):
    name = NAME
    tables = (COMMITMENTS,)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        reply = latest_issued_reply(case)
        if reply is None or reply.classification != "B" or reply.issued_on is None:
            return {COMMITMENTS.name: []}
        latest = case.reassessments[-1] if case.reassessments else None
        row: Row = {
            "case_id": str(case.id),
            "number": case.number,
            "year": case.year,
            "kind": case.kind,
            "unit": reply.unit,
            "issued_on": reply.issued_on.isoformat(),
            "latest_finding": latest.finding if latest else None,
            "reassessed_on": latest.occurred_on.isoformat() if latest else None,
            "under_supervision": int(case.under_supervision),
            "closed_out_on": case.closed_out_on.isoformat() if case.closed_out_on else None,
        }
        return {COMMITMENTS.name: [row]}


def open_commitments(reader: ViewReader, *, include_closed: bool = False) -> dict[str, Any]:
    """R-Rv2: B-class commitments, across years, until closed out."""
    sql = f"SELECT * FROM {reader.table(COMMITMENTS)}"
    if not include_closed:
        sql += " WHERE closed_out_on IS NULL"
    rows = reader.fetch(sql + " ORDER BY year, number", [])
    for row in rows:
        row["under_supervision"] = bool(row["under_supervision"])
    return {"items": rows}

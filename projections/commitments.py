"""B-class rolling ledger (R-Rv2): commitments stay open, year after year, until closed out; and
its read, the open commitments across years."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.records import MergeAnswer, Reply
from domain.rules.replies import latest_issued_by_unit, latest_issued_classification
from projections.core import CaseView, Row, Table, ViewReader

NAME = "commitments"

COMMITMENTS = Table(
    view=NAME,
    name="b_commitments",
    columns={
        "case_id": "TEXT",
        "number": "TEXT",
        "title": "TEXT",
        "year": "INTEGER",
        "kind": "TEXT",
        "unit": "TEXT",
        "issued_on": "TEXT",
        # What was committed: the B reply's summary (列入计划拟解决 of what), and its 文号.
        "commitment": "TEXT",
        "document_number": "TEXT",
        "latest_finding": "TEXT",
        "reassessed_on": "TEXT",
        "under_supervision": "INTEGER",
        "closed_out_on": "TEXT",
    },
    key=("case_id", "unit"),
    indexes=(("closed_out_on",),),
    # 2: a row per unit whose latest reply is B (a split case's units each reply, R-R3); one
    # row per case kept only the unit that issued last.
    version=3,  # 3: 挂账督办 also while re-handling (R-F2)
)


class CommitmentView(CaseView):
    name = NAME
    tables = (COMMITMENTS,)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        # The case's commitment is its latest reply's class, as R-Rv1/R-Rv2 judge it (its
        # reassessment and close-out are the case's); a split case lists each unit that
        # committed B (R-R3: split units each reply).
        if latest_issued_classification(case) != "B":
            return {COMMITMENTS.name: []}
        latest = case.reassessments[-1] if case.reassessments else None
        rows: list[Row] = [
            {
                "case_id": str(case.id),
                "number": case.number,
                "title": case.title,
                "year": case.year,
                "kind": case.kind,
                "unit": unit,
                "issued_on": reply.issued_on.isoformat(),
                "commitment": _committed(reply),
                "document_number": reply.document_number,
                "latest_finding": latest.finding if latest else None,
                "reassessed_on": latest.occurred_on.isoformat() if latest else None,
                "under_supervision": int(case.under_supervision),
                "closed_out_on": case.closed_out_on.isoformat() if case.closed_out_on else None,
            }
            for unit, reply in latest_issued_by_unit(case).items()
            if reply.classification == "B" and reply.issued_on is not None
        ]
        return {COMMITMENTS.name: rows}


def _committed(reply: Reply | MergeAnswer) -> str:
    """What the unit committed to: its reply's summary; a merged case's is its primary's."""
    if isinstance(reply, MergeAnswer):
        return f"并案办理，见{reply.number}的答复"
    return reply.summary


def open_commitments(reader: ViewReader, *, include_closed: bool = False) -> dict[str, Any]:
    """R-Rv2: B-class commitments, across years, until closed out."""
    sql = f"SELECT * FROM {reader.table(COMMITMENTS)}"
    if not include_closed:
        sql += " WHERE closed_out_on IS NULL"
    rows = reader.fetch(sql + " ORDER BY year, number, unit", [])
    for row in rows:
        row["under_supervision"] = bool(row["under_supervision"])
    return {"items": rows}

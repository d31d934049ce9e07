"""Reads of the disclosure register (R-D4, R-P1 … R-P5), status as of a day."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.core import Row, ViewReader

STATUSES = ("due", "overdue", "published", "published_late", "withheld")


def disclosure_status(row: Row, as_of: date) -> str:
    day = as_of.isoformat()
    published, withheld, due = row["published_on"], row["withheld_on"], row["due_on"]
    if published and published <= day:
        return "published" if due is None or published <= due else "published_late"
    if withheld and withheld <= day:
        return "withheld"
    return "due" if due is None or day <= due else "overdue"


def disclosures(reader: ViewReader, *, as_of: date, status: str | None = None) -> dict[str, Any]:
    rows = reader.fetch(
        f"SELECT * FROM {reader.table('disclosures', 'disclosure_register')} "
        "WHERE issued_on <= ? ORDER BY due_on, number, reply_id",
        [as_of.isoformat()],
    )
    items = []
    for row in rows:
        current = disclosure_status(row, as_of)
        if status is not None and current != status:
            continue
        items.append(
            {
                "case_id": row["case_id"],
                "number": row["number"],
                "reply_id": row["reply_id"],
                "unit": row["unit"],
                "disclosure": row["disclosure"],
                "due_on": row["due_on"],
                "status": current,
                "published_on": row["published_on"] if current.startswith("published") else None,
                "withheld_reason": row["withheld_reason"] if current == "withheld" else None,
                "url": row["url"] if current.startswith("published") else None,
            }
        )
    return {"items": items}


def open_commitments(reader: ViewReader, *, include_closed: bool = False) -> dict[str, Any]:
    """R-Rv2: B-class commitments, across years, until closed out."""
    sql = f"SELECT * FROM {reader.table('commitments', 'b_commitments')}"
    if not include_closed:
        sql += " WHERE closed_out_on IS NULL"
    rows = reader.fetch(sql + " ORDER BY year, number", [])
    for row in rows:
        row["under_supervision"] = bool(row["under_supervision"])
    return {"items": rows}

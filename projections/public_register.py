"""The public register of replies (API.md v1.1; seeds 003 §五, 004): every published reply the
public may see, and its read, searched and paged without a login.

Listed: a reply issued and published (R-D4) — never one marked ``withheld`` or withheld by a
decision, never one whose proposer refused disclosure (R-P2: also when the refusal was recorded
after publishing, the reply leaves the register). A row holds only what the publication itself
made public: number, kind, year, title, the replying unit, its class, the date and the url;
no proposer's name, no summary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from projections.core import CaseView, Row, Table, ViewReader

NAME = "public_register"

REPLIES = Table(
    view=NAME,
    name="public_replies",
    columns={
        "case_id": "TEXT",
        "reply_id": "TEXT",
        "number": "TEXT",
        "kind": "TEXT",
        "year": "INTEGER",
        "title": "TEXT",
        "unit": "TEXT",
        "classification": "TEXT",
        "published_on": "TEXT",
        "url": "TEXT",
    },
    key=("case_id", "reply_id"),
    indexes=(("published_on", "number"), ("year", "kind", "unit")),
)


def publishable(case: Case) -> list[Row]:
    preference = case.disclosure_preference
    if preference is not None and not preference.consent_reply:
        return []  # R-P2: the proposer refused disclosure
    rows = []
    for reply in case.replies.values():
        disclosure = case.disclosures.get(reply.reply_id)
        if not reply.issued or reply.disclosure == "withheld" or disclosure is None:
            continue
        if disclosure.status != "published" or disclosure.published_on is None:
            continue
        rows.append(
            {
                "case_id": str(case.id),
                "reply_id": reply.reply_id,
                "number": case.number,
                "kind": case.kind,
                "year": case.year,
                "title": case.title,
                "unit": reply.unit,
                "classification": reply.classification,
                "published_on": disclosure.published_on.isoformat(),
                "url": disclosure.url,
            }
        )
    return rows


class PublicRegisterView(CaseView):
    name = NAME
    tables = (REPLIES,)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        return {REPLIES.name: publishable(case)}


# -- reads ----------------------------------------------------------------------------------

PUBLIC_FIELDS = ("number", "kind", "year", "title", "unit", "classification", "published_on")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def public_replies(
    reader: ViewReader,
    *,
    year: int | None = None,
    unit: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Newest publications first (then by number); ``q`` finds text in the number or title."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("year", year), ("unit", unit), ("kind", kind)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if q:
        where.append("(number LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')")
        params += [_like(q), _like(q)]
    if cursor:
        published, number, key = json.loads(cursor)
        if not all(isinstance(v, str) for v in (published, number, key)):
            raise ValueError("cursor")
        where.append(
            "(published_on < ? OR (published_on = ? AND (number > ? OR "
            "(number = ? AND case_id || reply_id > ?))))"
        )
        params += [published, published, number, number, key]
    sql = f"SELECT * FROM {reader.table(REPLIES)}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY published_on DESC, number, case_id || reply_id LIMIT ?"
    rows = reader.fetch(sql, [*params, limit + 1])
    page, more = rows[:limit], len(rows) > limit
    items = [{**{k: r[k] for k in PUBLIC_FIELDS}, "url": r["url"]} for r in page]
    last = page[-1] if page else None
    next_cursor = (
        json.dumps([last["published_on"], last["number"], last["case_id"] + last["reply_id"]])
        if more and last
        else None
    )
    return {"items": items, "next_cursor": next_cursor}

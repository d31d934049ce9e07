"""Reminder notices (R-S1, R-S3): one per (case, deadline, status), noticed once, then delivered.

Not a read model like the others, and so not in the registry: a notice's ``delivered_at`` records
that the webhook's receiver accepted it, a fact from outside the event log. Rebuilt from the log,
the table would lose every mark and deliver every notice again; so it is never rebuilt, and its
first generation is kept whatever the code declares later (a new layout needs a migration of
its own, not a fresh generation). ``consumers/reminders.py`` drives it from Kafka.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from domain.case import Case
from domain.deadlines.case_deadlines import Deadline
from projections import ledger
from projections.core import Row, Table, ViewReader

NAME = "reminders"
NOTICE_STATUSES = ("due_soon", "overdue")
NOTICES = Table(
    view=NAME,
    name="notices",
    columns={
        "notice_id": "TEXT",
        "case_id": "TEXT",
        "number": "TEXT",
        "kind": "TEXT",
        "unit": "TEXT",
        "due_on": "TEXT",
        "status": "TEXT",
        "days_overdue": "INTEGER",
        "noticed_on": "TEXT",
        "delivered_at": "TEXT",
    },
    insert_only=True,  # a notice, once noticed, is never noticed again
    case_column="",  # nor replaced with its case's rows
    key=("notice_id",),
    indexes=(("delivered_at",),),
)


# A reference case's contact deadline (R-D5) names its unit since 2026-12-06; its notices keep
# the key they were noticed under before, or each would be noticed (and sent) again.
KEYED_WITHOUT_UNIT = "reference_contact"


def notice_key(case_id: str, kind: str, unit: str | None, due_on: str, status: str) -> str:
    """A notice's id: one per (case, deadline, status)."""
    owner = "-" if kind == KEYED_WITHOUT_UNIT else unit or "-"
    return f"{case_id}:{kind}:{owner}:{due_on}:{status}"


# ``notice_key`` of the ledger's deadline row ``d`` as an overdue notice, spelled in SQL (``||``
# concatenates in SQLite and PostgreSQL alike); a test holds the two spellings to one id.
OVERDUE_KEY_SQL = (
    f"d.case_id || ':' || d.kind || ':' || CASE WHEN d.kind = '{KEYED_WITHOUT_UNIT}' THEN '-' "
    "ELSE COALESCE(NULLIF(d.unit, ''), '-') END || ':' || d.due_on || ':overdue'"
)


def cases_to_sweep(reader: ViewReader, generation: int, day: date, *, unmet_on: date) -> list[str]:
    """The cases a sweep judges: those with a deadline due by ``day`` and unmet on ``unmet_on``
    (``ledger.cases_due_by``) that is not noticed overdue yet. A deadline noticed overdue owes
    nothing more: it stays overdue until met, and an extension makes it another deadline (a new
    due date, a new key). Judging those again read every late case of every year from the event
    store each sweep, 78k cases of the 100k-case bench, in a serving worker (py-spy, issue 13)."""
    notices = reader.table(NOTICES, generation)
    noticed = f"EXISTS (SELECT 1 FROM {notices} n WHERE n.notice_id = {OVERDUE_KEY_SQL})"
    return ledger.cases_due_by(reader, day, unmet_on=unmet_on, unless=noticed)


def notices_for(case: Case, deadlines: Sequence[Deadline], today: date) -> list[Row]:
    """The notices ``case`` owes ``today``: each of its ``deadlines`` (``case_deadlines`` for
    that day) due soon or overdue."""
    rows = []
    for d in deadlines:
        if d.status not in NOTICE_STATUSES:
            continue
        notice_id = notice_key(str(case.id), d.kind, d.unit, d.due_on.isoformat(), d.status)
        rows.append(
            {
                "notice_id": notice_id,
                "case_id": str(case.id),
                "number": case.number,
                "kind": d.kind,
                "unit": d.unit,
                "due_on": d.due_on.isoformat(),
                "status": d.status,
                "days_overdue": d.days_overdue,
                "noticed_on": today.isoformat(),
                "delivered_at": None,
            }
        )
    return rows


class NoticeMarks(ViewReader, Protocol):
    """A store that can also mark a notice delivered (one statement, ``?`` placeholders)."""

    def execute(self, sql: str, params: Sequence[Any]) -> None: ...


def undelivered(reader: ViewReader, generation: int) -> list[Row]:
    """Notices the receiver has not accepted yet, in a stable order."""
    return reader.fetch(
        f"SELECT * FROM {reader.table(NOTICES, generation)} WHERE delivered_at IS NULL "
        "ORDER BY notice_id",
        [],
    )


def mark_delivered(store: NoticeMarks, generation: int, notice_id: str, at: datetime) -> None:
    store.execute(
        f"UPDATE {store.table(NOTICES, generation)} SET delivered_at = ? WHERE notice_id = ?",
        [at.isoformat(), notice_id],
    )

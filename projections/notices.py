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
from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.case_deadlines import case_deadlines
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


def notices_for(case: Case, calendar: WorkdayCalendar, today: date) -> list[Row]:
    """The notices ``case`` owes ``today``: each deadline due soon or overdue."""
    rows = []
    for d in case_deadlines(case, calendar, today):
        if d.status not in NOTICE_STATUSES:
            continue
        notice_id = f"{case.id}:{d.kind}:{d.unit or '-'}:{d.due_on.isoformat()}:{d.status}"
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

"""The reminders' sweep (R-S1, R-S3) judges only the cases that may still owe a notice: a
deadline noticed overdue owes nothing more, so its case is not read from the store again."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from consumers.reminders import Reminders
from infra.application import BanliApplication
from infra.projection_runner import ProjectionRunner
from infra.view_store import ViewStoreBase
from projections.notices import NOTICES, OVERDUE_KEY_SQL, cases_to_sweep, notice_key
from tests.support import Flow

Stores = tuple[BanliApplication, ViewStoreBase]


def late_and_soon(app: BanliApplication) -> tuple[Flow, Flow]:
    """Two cases assigned on a working day: one's reply is overdue on 2025-04-22 (due on
    04-02), the other's due soon then (04-27) and overdue from 04-28."""
    late = Flow(app, "R-LATE", received_on=date(2025, 1, 2))
    late.assign(on=date(2025, 1, 2))
    soon = Flow(app, "R-SOON")
    soon.assign(on=date(2025, 1, 27))
    return late, soon


def statuses(store: ViewStoreBase) -> list[tuple[str, str]]:
    rows = store.fetch(f"SELECT number, status FROM {store.table(NOTICES)}", ())
    return sorted((str(r["number"]), str(r["status"])) for r in rows)


def test_sweep_reads_only_cases_not_yet_noticed_overdue_R_S1_R_S3(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, store = stores
    late, soon = late_and_soon(app)
    ProjectionRunner(app, store).run()  # the sweep reads the ledger
    today = {"value": date(2025, 4, 22)}
    reminders = Reminders(app, store, "sweep", "unused", lambda: today["value"])
    read: list[str] = []
    get = app.repository.get

    def counted(aggregate_id: Any, **kw: Any) -> Any:
        if str(aggregate_id) in (late.id, soon.id):  # cases, not the units named in notices
            read.append(str(aggregate_id))
        return get(aggregate_id, **kw)

    monkeypatch.setattr(app.repository, "get", counted)

    def to_sweep() -> list[str]:
        day = today["value"]
        return cases_to_sweep(store, reminders.generation, day + timedelta(days=7), unmet_on=day)

    assert sorted(to_sweep()) == sorted([late.id, soon.id])
    reminders.sweep()
    assert statuses(store) == [("R-LATE", "overdue"), ("R-SOON", "due_soon")]
    assert sorted(read) == sorted([late.id, soon.id])

    # The late one is noticed overdue: only the due-soon one may still owe a notice.
    assert to_sweep() == [soon.id]
    read.clear()
    reminders.sweep()
    assert read == [soon.id]

    today["value"] = date(2025, 4, 29)  # time alone makes the due-soon one overdue
    read.clear()
    reminders.sweep()
    assert read == [soon.id]
    assert statuses(store) == [("R-LATE", "overdue"), ("R-SOON", "due_soon"), ("R-SOON", "overdue")]

    # Both noticed overdue: a sweep reads nothing and notices nothing.
    assert to_sweep() == []
    read.clear()
    reminders.sweep()
    assert read == []
    assert len(statuses(store)) == 3


@pytest.mark.parametrize(
    ("kind", "unit"),
    [("reply", "FIN"), ("rehandling", None), ("reply", ""), ("reference_contact", "FIN")],
)
def test_overdue_key_in_sql_is_the_notice_key_R_S3(
    stores: Stores, kind: str, unit: str | None
) -> None:
    """The sweep finds a deadline's overdue notice by its key spelled in SQL; a unit-less
    deadline (a split case's further reply) stores no unit, and a reference case's contact
    deadline (R-D5) keeps the unit-less key it had before it named its unit."""
    _, store = stores
    row = (
        "SELECT 'c-1' AS case_id, CAST(? AS TEXT) AS kind, CAST(? AS TEXT) AS unit, "
        "'2025-04-02' AS due_on"
    )
    rows = store.fetch(f"SELECT {OVERDUE_KEY_SQL} AS k FROM ({row}) d", [kind, unit])
    assert rows[0]["k"] == notice_key("c-1", kind, unit, "2025-04-02", "overdue")
    if kind == "reference_contact":
        assert rows[0]["k"] == "c-1:reference_contact:-:2025-04-02:overdue"


def test_a_case_noticed_again_sends_only_what_is_new_and_names_each_unit_once_R_S3(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each round notices again what the cases it touched owe; the notices already written
    are not sent to the store again, and a unit named in many notices is read once a round."""
    app, store = stores
    late, soon = late_and_soon(app)  # both given to FIN
    today = {"value": date(2025, 4, 22)}
    reminders = Reminders(app, store, "again", "unused", lambda: today["value"])
    sent: list[str] = []
    write = store.write

    def counted_write(changes: Any, *args: Any, **kw: Any) -> Any:
        for change in changes.values():
            sent.extend(row["notice_id"] for rows in change.append.values() for row in rows)
        return write(changes, *args, **kw)

    monkeypatch.setattr(store, "write", counted_write)
    units_read: list[str] = []
    get = app.repository.get

    def counted_get(aggregate_id: Any, **kw: Any) -> Any:
        if str(aggregate_id) not in (late.id, soon.id):
            units_read.append(str(aggregate_id))
        return get(aggregate_id, **kw)

    monkeypatch.setattr(app.repository, "get", counted_get)

    reminders.notice([late.id, soon.id])
    assert statuses(store) == [("R-LATE", "overdue"), ("R-SOON", "due_soon")]
    first = list(sent)
    assert len(first) >= 2 and len(units_read) == 1  # FIN, once for both cases

    sent.clear()
    reminders.notice([late.id, soon.id])
    assert sent == []  # nothing new to say

    today["value"] = date(2025, 4, 29)
    reminders.notice([late.id, soon.id])
    assert statuses(store) == [("R-LATE", "overdue"), ("R-SOON", "due_soon"), ("R-SOON", "overdue")]
    assert sent and not set(sent) & set(first)  # only the new overdue notice and its message

"""A read model that cannot apply an event stops there, loudly, and alone: the other views and
every command carry on; status, /health and /metrics name the view and the position; a restart
after the fix resumes it and the views equal a rebuild (the trust issue's NUL wedge, in general)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from domain.deadlines.calendar import WorkdayCalendar
from infra.application import BanliApplication
from infra.positions import view_status
from infra.projection_runner import ProjectionRunner, ProjectionStopped, rebuild
from infra.view_store import ViewFailure, ViewStoreBase
from projections.core import Row
from projections.ledger import LedgerView
from projections.registry import NAMES
from tests.support import Flow, snapshot

Stores = tuple[BanliApplication, ViewStoreBase]
REAL_ROWS = LedgerView.rows


def poisoned_rows(
    self: LedgerView, case: Any, calendar: WorkdayCalendar
) -> Mapping[str, list[Row]]:
    """The ledger cannot hold one case (as PostgreSQL could not hold a NUL in a title)."""
    if case.number == "BAD-1":
        raise ValueError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return REAL_ROWS(self, case, calendar)


def test_one_failing_view_stops_alone_at_the_event_and_resumes_after_a_fix(
    stores: Stores, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app, store = stores
    Flow(app, "OK-1").assign()
    bad = Flow(app, "BAD-1")
    bad_position = app.recorder.max_notification_id() or 0
    bad.assign()
    Flow(app, "OK-2").assign()
    head = app.recorder.max_notification_id()
    monkeypatch.setattr(LedgerView, "rows", poisoned_rows)

    runner = ProjectionRunner(app, store)
    runner.run()
    # The batch's failure is said before the slower event-by-event pass, with its cause.
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "applying each view alone" in said
    assert f"positions 1-{head}" in said and "ValueError" in said and "NUL" in said
    positions = runner.positions()
    assert positions["ledger"] == bad_position - 1  # everything before BAD-1, no further
    assert {n: p for n, p in positions.items() if n != "ledger"} == {
        n: head for n in NAMES if n != "ledger"
    }
    [failure] = store.failures()
    assert (failure.view, failure.position) == ("ledger", bad_position)
    assert "NUL" in failure.error
    [row] = [r for r in view_status(store, head or 0) if r.projection == "ledger"]
    assert (row.stopped_at, row.position) == (bad_position, bad_position - 1)
    with pytest.raises(ProjectionStopped, match="ledger at position"):
        rebuild(app, store, ["ledger"])  # an incomplete generation never becomes active

    monkeypatch.setattr(LedgerView, "rows", REAL_ROWS)  # the fix is deployed: a restart
    ProjectionRunner(app, store).run()
    assert store.failures() == []
    incremental = snapshot(store)
    rebuild(app, store, NAMES)
    assert snapshot(store) == incremental


def test_a_stopped_view_is_tried_again_while_running(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, store = stores
    Flow(app, "BAD-1").assign()
    monkeypatch.setattr(LedgerView, "rows", poisoned_rows)
    runner = ProjectionRunner(app, store, retry_seconds=0.0)
    runner.run()
    assert [f.view for f in store.failures()] == ["ledger"]
    monkeypatch.setattr(LedgerView, "rows", REAL_ROWS)  # the cause went away (a full disk …)
    runner.run()
    assert store.failures() == []
    assert set(runner.positions().values()) == {app.recorder.max_notification_id()}


def test_a_view_stopped_at_an_event_it_already_holds_resumes(stores: Stores) -> None:
    """A failure recorded at a position the view's tracking already holds (a keeper that lost
    its lead mid-batch while the next one wrote it: the tracking row refused the old keeper's
    write, and it stopped every view there). Trying that event again must not apply it once
    more (refused again, for ever: every read a 503); the view resumes after it."""
    app, store = stores
    Flow(app, "OK-1").assign()
    runner = ProjectionRunner(app, store)
    runner.run()
    head = app.recorder.max_notification_id() or 0
    for name, generation in runner.generations.items():
        store.record_failure(
            ViewFailure(name, generation, head, "IntegrityError: tracking", "2025-01-01T00:00")
        )
    restarted = ProjectionRunner(app, store)
    restarted.run()
    assert store.failures() == [] and restarted.failures() == []
    Flow(app, "OK-2").assign()
    restarted.run()
    assert set(restarted.positions().values()) == {app.recorder.max_notification_id()}

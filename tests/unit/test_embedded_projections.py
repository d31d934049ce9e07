"""Embedded mode: the service's own thread keeps the views current; readers can wait for a
position (read-your-writes) instead of sleeping."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from eventsourcing.sqlite import SQLiteDatastore

from infra.application import BanliApplication
from infra.embedded import EmbeddedProjections
from infra.read_models import SQLiteViewStore
from projections.ledger import ledger
from tests.support import Flow


def test_a_read_after_a_command_sees_it_once_the_views_reach_its_position(
    app: BanliApplication, tmp_path: Path
) -> None:
    store = SQLiteViewStore(SQLiteDatastore(str(tmp_path / "views.db")))
    embedded = EmbeddedProjections(app, store, poll_seconds=30)  # only a wake-up can be in time
    embedded.start()
    try:
        flow = Flow(app, "E-1")
        result = flow.assign()
        assert embedded.wait_for(result.events[-1]["position"], timeout=10)
        [row] = ledger(store, as_of=date(2025, 12, 31))["items"]
        assert (row["number"], row["stage"], row["lead_unit"]) == ("E-1", "handling", "FIN")
    finally:
        embedded.stop()


def test_waiting_for_a_position_never_written_times_out(
    app: BanliApplication, tmp_path: Path
) -> None:
    store = SQLiteViewStore(SQLiteDatastore(str(tmp_path / "views.db")))
    embedded = EmbeddedProjections(app, store, poll_seconds=0.05)
    embedded.start()
    try:
        assert embedded.wait_for(99, timeout=0.2) is False
    finally:
        embedded.stop()

"""Events brought in at once (an import, the demo year) carry their provenance, and the audit
trail treats them as a migration: recorded long after they occurred, but not late (R-X1)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from eventsourcing.sqlite import SQLiteDatastore

from domain import commands as c
from infra.command_context import migration
from infra.projection_runner import ProjectionRunner
from infra.read_models import SQLiteViewStore
from projections.audit_trail import case_history
from projections.trail_reads import late_bursts, late_recordings
from tests.support import ctx, registration, sqlite_app


def test_imported_events_carry_their_provenance_and_are_not_late_R_X1(tmp_path: Path) -> None:
    app = sqlite_app(tmp_path)
    source = migration("import", sha256="ab" * 32, row=2)
    imported = app.register(ctx(provenance=source), registration("2025-001"))
    keyed = app.register(ctx(), registration("2025-002"))
    assign = c.Assign(case_id=keyed.case_id, assigned_on=date(2025, 2, 1), lead_unit="FIN")
    app.execute(ctx(), assign)
    store = SQLiteViewStore(SQLiteDatastore(str(tmp_path / "views.db")))
    ProjectionRunner(app, store).run()

    [registered] = case_history(store, imported.case_id, late_days=7)
    assert registered["provenance"] == source
    assert registered["late_recorded"] is False  # 2025 facts brought in today: a migration
    # A 2025 date keyed in today without a provenance is a late recording, as before.
    keyed_events = case_history(store, keyed.case_id, late_days=7)
    assert [e["late_recorded"] for e in keyed_events] == [True, True]
    assert [e["provenance"] for e in keyed_events] == [None, None]
    # The provenance is stored with the event itself, not only in the view.
    [event] = app.case_events(imported.case_id)
    assert vars(event)["provenance"] == source
    # The integrity signals judge lateness as the history does: the keyed events, not the
    # imported one (an auditor saw the demo's every event in one and none in the other).
    listed = late_recordings(store, late_days=7)["items"]
    assert [e["case_id"] for e in listed] == [keyed.case_id] * 2
    assert late_bursts(store, late_days=7, min_events=2) == [
        {
            "user": listed[0]["actor"]["user"],
            "role": "office",
            "hour": listed[0]["recorded_at"][:13].replace("T", " ") + ":00",
            "events": 2,
            "most_days_late": max(e["days_late"] for e in listed),
            "first_position": listed[0]["position"],
            "last_position": listed[1]["position"],
        }
    ]


def test_the_demo_year_is_loaded_as_a_migration_so_no_event_of_it_is_late_R_X1(
    tmp_path: Path,
) -> None:
    from demo import load_demo
    from projections.audit_trail import global_log

    app = sqlite_app(tmp_path)
    load_demo(app, scale=0.05)
    store = SQLiteViewStore(SQLiteDatastore(str(tmp_path / "views.db")))
    ProjectionRunner(app, store).run()
    events = global_log(store, limit=100_000)["items"]
    cases = [e for e in events if e["occurred_on"] is not None]
    assert cases and all(e["provenance"]["kind"] == "demo" for e in cases)
    assert not any(e["late_recorded"] for e in events)
    assert late_recordings(store, late_days=7)["items"] == []
    assert late_bursts(store, late_days=7) == []

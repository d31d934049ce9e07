"""Loading the working-day calendar again and again in one long-running process (R-D7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from infra.application import BanliApplication
from infra.settings import Settings
from tests.support import ctx


def test_every_calendar_load_of_a_service_process_is_stored_R_D7(tmp_path: Path) -> None:
    """With the command cache every service runs with, the book was once served as first read:
    the third load of a process clashed with its own second one and answered 409 for good."""
    app = BanliApplication(env=Settings(data_dir=tmp_path).eventsourcing_env())
    versions = [
        app.stored_calendar.load_year(ctx(), 2027, [date(2027, 3, day)], []) for day in (1, 2, 3, 4)
    ]
    assert versions == [2, 3, 4, 5]
    calendar = app.calendar()
    assert not calendar.is_workday(date(2027, 3, 4))  # the last load is the one in force
    assert calendar.is_workday(date(2027, 3, 1))

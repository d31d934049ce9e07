"""The business day is Beijing's (R-X1): recorded timestamps are UTC, and between 00:00 and
08:00 Beijing time their UTC date is still the day before. How late an act was recorded, and
which rows the late-recording reads consider, count in Beijing days."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

from domain.business_day import business_day
from projections.audit_trail import days_late
from projections.trail_reads import LATER_DAY

# 01:30 on 2 March in Beijing, still 1 March in UTC.
EARLY_MORNING = "2025-03-01T17:30:00+00:00"


def test_business_day_is_the_day_in_beijing_R_X1() -> None:
    assert business_day(datetime(2025, 3, 1, 17, 30, tzinfo=UTC)) == date(2025, 3, 2)
    assert business_day(datetime(2025, 3, 1, 15, 59, tzinfo=UTC)) == date(2025, 3, 1)
    assert business_day(datetime(2025, 3, 1, 17, 30)) == date(2025, 3, 2)  # naive = UTC


def test_an_act_recorded_after_midnight_in_beijing_is_a_day_late_R_X1() -> None:
    row = {"recorded_at": EARLY_MORNING, "occurred_on": "2025-03-01"}
    assert days_late(row) == 1


def test_the_late_recording_filter_keeps_rows_late_only_in_beijing_time_R_X1() -> None:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE audit (position INTEGER, occurred_on TEXT, recorded_at TEXT,"
        " corrects_version INTEGER, provenance TEXT)"
    )
    db.executemany(
        "INSERT INTO audit (position, occurred_on, recorded_at) VALUES (?, ?, ?)",
        [
            (1, "2025-03-01", EARLY_MORNING),  # a day late in Beijing, the same day in UTC
            (2, "2025-03-02", EARLY_MORNING),  # on the day in Beijing
            (3, None, EARLY_MORNING),  # no business date
        ],
    )
    migrated = '{"kind": "demo"}'  # a migration is never late (``audit_trail.migrated``)
    db.execute(
        "INSERT INTO audit (position, occurred_on, recorded_at, provenance) VALUES (4, ?, ?, ?)",
        ("2025-01-01", EARLY_MORNING, migrated),
    )
    kept = [r[0] for r in db.execute(f"SELECT position FROM audit WHERE {LATER_DAY}")]
    assert 1 in kept and 3 not in kept and 4 not in kept
    rows = db.execute(f"SELECT occurred_on, recorded_at FROM audit WHERE {LATER_DAY}")
    late = [r for r in rows if days_late({"occurred_on": r[0], "recorded_at": r[1]}) > 0]
    assert late == [("2025-03-01", EARLY_MORNING)]


def test_a_correction_made_after_midnight_in_beijing_is_kept_by_the_filter_R_X1() -> None:
    """A correction's own day is Beijing's today, a day after its UTC date until 08:00; what
    it claims is the day it moves the act to (``days_late``). The filter left it out, and the
    补记 tab missed a correction moving an act months back whenever it was made before 08:00
    in Beijing (a test failed every evening, UTC)."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE audit (position INTEGER, occurred_on TEXT, recorded_at TEXT,"
        " corrects_version INTEGER, data TEXT, provenance TEXT)"
    )
    moved_back = '{"corrected": {"occurred_on": "2025-02-10"}}'
    db.execute(
        "INSERT INTO audit VALUES (1, '2025-03-02', ?, 3, ?, NULL)", (EARLY_MORNING, moved_back)
    )
    kept = db.execute(
        f"SELECT occurred_on, recorded_at, corrects_version, data FROM audit WHERE {LATER_DAY}"
    )
    columns = ("occurred_on", "recorded_at", "corrects_version", "data")
    rows = [dict(zip(columns, r, strict=True)) for r in kept]
    assert [days_late(r) for r in rows] == [20]

"""The 台账's row count kept between reads (``api/ledger_totals.py``) against a full count, after
every few commands of a random lawful history: new cases, every act a case allows, and
working-day calendar loads that move every case's due dates (R-D7)."""

from __future__ import annotations

import gc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from api import ledger_totals
from api.ledger_totals import ledger_total
from banli.compose import build_services
from infra.settings import Settings
from projections.ledger import DEADLINES, LedgerView, ledger_count
from tests.random_acts import UNITS
from tests.random_history import RandomHistory

SELECTIONS: list[dict[str, Any]] = [
    {},
    {"overdue": True},
    {"overdue": False, "year": 2026},
    {"stage": "handling"},
    {"stage": "replied", "kind": "suggestion"},
    {"unit": UNITS[0]},
    {"unit": UNITS[1], "overdue": True},
    {"key": True},
]
DAYS = [date(2026, 3, 1) + timedelta(days=d) for d in range(0, 700, 60)]


@pytest.mark.parametrize("seed", [3, 17])
def test_kept_row_count_is_the_full_count_after_every_step_R_S1_R_D7(
    store_settings: Settings, seed: int
) -> None:
    svc = build_services(store_settings)
    try:
        history = RandomHistory(svc.app, seed, cases=20, calendar_every=12)
        calendar_loads = 0
        for round_ in range(40):
            before = svc.app.stored_calendar.version_at(None)
            history.run(4)
            calendar_loads += svc.app.stored_calendar.version_at(None) != before
            head = _current(svc)
            for as_of in DAYS[round_ % 3 :: 3]:
                for selection in SELECTIONS:
                    full = ledger_count(svc.views, as_of=as_of, **selection)
                    kept = ledger_total(svc, head, as_of, selection)
                    assert kept == full, (round_, as_of, selection)
        assert calendar_loads > 0  # the history did move every case's due dates
        # Held where the garbage collector does not look: a set of 100k ids was walked by every
        # full collection, 10-20 ms of a serving worker's time each (issue 13).
        kept_counts = ledger_totals._KEPT[svc.views].values()
        assert kept_counts and not any(gc.is_tracked(kept.ids) for kept in kept_counts)
    finally:
        svc.close()


def test_kept_overdue_count_follows_a_calendar_load_R_D7(tmp_path: Path) -> None:
    """A calendar load moves due dates of cases the log does not name since: a count kept
    from before it must not survive it."""
    svc = build_services(Settings(data_dir=tmp_path, cipher_key=None))
    try:
        history = RandomHistory(svc.app, 5, cases=20, calendar_every=10**9)
        history.run(150)
        days = _around_due_dates(svc)
        before = {day: ledger_total(svc, _current(svc), day, {"overdue": True}) for day in days}
        history.load_calendar()
        head = _current(svc)
        after = {day: ledger_total(svc, head, day, {"overdue": True}) for day in days}
        assert after == {day: ledger_count(svc.views, as_of=day, overdue=True) for day in days}
        assert after != before  # the load did move an overdue count
    finally:
        svc.close()


def _current(svc: Any) -> int:
    head = svc.app.recorder.max_notification_id() or 0
    assert svc.views_current([LedgerView.name])
    return int(head)


def _around_due_dates(svc: Any) -> list[date]:
    """The first days a deadline can be overdue: where a moved due date changes a count."""
    _current(svc)
    rows = svc.views.fetch(f"SELECT DISTINCT due_on FROM {svc.views.table(DEADLINES)}", ())
    due = {date.fromisoformat(r["due_on"]) for r in rows if r["due_on"]}
    return sorted({d + timedelta(days=n) for d in due for n in (1, 2)})


def test_a_filter_selecting_more_cases_than_are_kept_is_counted_in_full_R_S1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bound on the ids a process holds: past it, the count is a full one on every read
    (right, and nothing held), not a set of a million ids per filter."""
    monkeypatch.setattr(ledger_totals, "MOST_IDS_KEPT", 3)
    svc = build_services(Settings(data_dir=tmp_path, cipher_key=None))
    try:
        history = RandomHistory(svc.app, 11, cases=12, calendar_every=10**9)
        for _ in range(5):
            history.run(20)
            head = _current(svc)
            for selection in SELECTIONS:
                full = ledger_count(svc.views, as_of=DAYS[4], **selection)
                assert ledger_total(svc, head, DAYS[4], selection) == full, selection
        everything = ledger_total(svc, head, DAYS[4], {})  # read last: its entry stays
        assert everything == ledger_count(svc.views, as_of=DAYS[4]) > 3  # past the bound
        held = [len(kept.ids) for kept in ledger_totals._KEPT[svc.views].values()]
        assert max(held) <= 3
    finally:
        svc.close()

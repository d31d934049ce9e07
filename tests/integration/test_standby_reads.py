"""Read-your-writes in a process that does not keep the views, on PostgreSQL: it waits for the
keeper's announcements of what it wrote (``infra/view_watch.py``), not by polling the store,
and still learns of a stopped view at once and takes over when the keeper goes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from eventsourcing.persistence import Tracking

from infra.application import BanliApplication
from infra.embedded import EmbeddedProjections, ViewStopped
from infra.leadership import Leadership
from infra.read_models import PostgresViewStore, build_view_store
from infra.settings import Settings
from infra.view_store import ViewFailure
from infra.view_watch import ViewWatch, heard
from projections.ledger import LedgerView, ledger
from tests.integration.supervised import postgres_url
from tests.support import Flow

# The keeper's application and views, then the standby's.
Two = tuple[BanliApplication, EmbeddedProjections, BanliApplication, EmbeddedProjections]


def views(pg_env: dict[str, str]) -> PostgresViewStore:
    settings = Settings(
        database_url=postgres_url(pg_env), database_schema=pg_env["POSTGRES_SCHEMA"]
    )
    store = build_view_store(settings, pg_env)
    assert isinstance(store, PostgresViewStore)
    return store


@pytest.fixture
def two(pg_env: dict[str, str]) -> Iterator[Two]:
    """A keeper of the views and a process standing by, each with its own application."""
    processes = []
    for _ in range(2):
        app = BanliApplication(env=pg_env)
        store = views(pg_env)
        embedded = EmbeddedProjections(
            app, store, poll_seconds=30, leadership=Leadership(store), watch=True
        )
        processes.append((app, embedded))
    (keeper_app, keeper), (app, standby) = processes
    assert keeper.leading and not standby.leading
    keeper.start()
    standby.start()
    try:
        yield keeper_app, keeper, app, standby
    finally:
        for process_app, embedded in processes:
            embedded.stop()
            process_app.close()


def test_a_write_in_the_standby_is_read_there_once_the_keeper_applied_it(
    two: Two,
) -> None:
    _, _, app, standby = two
    for number in ("S-1", "S-2", "S-3"):  # a first wait, then waits on a watch already heard
        result = Flow(app, number).assign()
        assert standby.wait_for(result.events[-1]["position"], [LedgerView.name], timeout=30)
        numbers = {
            row["number"] for row in ledger(standby.store, as_of=date(2025, 12, 31))["items"]
        }
        assert number in numbers
    assert standby._watch is not None and standby._watch.listening


def test_the_standby_hears_what_a_write_tracked(pg_env: dict[str, str]) -> None:
    store = views(pg_env)
    watch = ViewWatch(store)
    try:
        assert watch.listening
        assert watch.wait(["probe:a", "probe:b"], 5, timeout=0.05) is False
        store.write({}, {}, {}, [Tracking("probe:a", 7), Tracking("probe:b", 5)])
        assert watch.wait(["probe:a", "probe:b"], 5, timeout=30)
        assert watch.wait(["probe:a"], 8, timeout=0.05) is False  # announced 7, not 8
        assert watch.heard(["probe:a", "probe:b"], 5)  # what a reader looks at first
        assert not watch.heard(["probe:a", "probe:b"], 6)
        assert not watch.heard(["probe:a", "probe:c"], 1)  # never announced
    finally:
        watch.close()


def test_an_announcement_is_only_positions() -> None:
    assert heard('{"view:ledger:g1": 12}') == {"view:ledger:g1": 12}
    assert heard("") == {}
    assert heard("not json") == {}
    assert heard('{"x": "12"}') == {}


def test_a_stopped_view_is_reported_to_a_standby_reader_at_once(
    two: Two,
) -> None:
    _, keeper, app, standby = two
    generation = keeper.store.readers_generation(LedgerView.name)
    assert generation is not None
    failure = ViewFailure(LedgerView.name, generation, 1, "cannot apply", "2025-01-01T00:00:00")
    keeper.store.record_failure(failure)
    position = Flow(app, "S-9").assign().events[-1]["position"]
    with pytest.raises(ViewStopped):
        standby.wait_for(position + 1_000, [LedgerView.name], timeout=30)


def test_the_standby_takes_over_the_views_and_what_goes_with_them_when_the_keeper_goes(
    two: Two,
) -> None:
    _, keeper, app, standby = two
    started: list[str] = []  # what goes with the views (the notices: banli/compose.py)
    keeper.when_leading(lambda: started.append("keeper"))
    standby.when_leading(lambda: started.append("standby"))
    assert started == ["keeper"]  # at once where they are kept, not yet standing by
    keeper.stop()  # its lock is let go of as it stops
    deadline = time.monotonic() + 30
    while not standby.leading and time.monotonic() < deadline:
        standby.catch_up()  # what its loop does every couple of seconds
        time.sleep(0.05)
    assert standby.leading
    assert started == ["keeper", "standby"]  # once, as it took the views over
    standby.catch_up()
    assert started == ["keeper", "standby"]
    result = Flow(app, "S-5").assign()
    assert standby.wait_for(result.events[-1]["position"], [LedgerView.name], timeout=30)


def test_a_released_lead_is_taken_at_once_by_the_next(pg_env: dict[str, str]) -> None:
    """Released as the holder stops, not a moment later when its connection's server process
    exits: the next process takes the lead on its first try, every time."""
    first, second = Leadership(views(pg_env)), Leadership(views(pg_env))
    try:
        for _ in range(10):
            for holder, other in ((first, second), (second, first)):
                assert holder.try_acquire()
                assert not other.try_acquire(again=True)
                holder.release()
                assert other.try_acquire()
                other.release()
    finally:
        for leadership in (first, second):
            leadership.release()
            leadership.store.close()

"""A busy or unreachable store answers 503 with Retry-After, not a 500 (API.md § Conventions:
every error is problem+json; a refused command writes nothing).

Another process holding SQLite's write lock past the busy timeout (a backup, a second server
started on the same directory) made every command a 500 "internal error" after 5 s."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import psycopg
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql

from infra.store_errors import unavailable
from tests.api.conftest import Api, case_body
from tests.api.test_pages import csrf_of, logged_in


@contextmanager
def write_lock_held(api: Api, tmp_path: Path) -> Iterator[None]:
    """The event store's write lock, held by another connection, as another process would:
    SQLite's, or the lock PostgreSQL's inserts take on the events table."""
    settings = api.services.settings
    if settings.database_url:
        recorder = cast(PostgresApplicationRecorder, api.services.app.recorder)
        events = sql.Identifier(settings.database_schema, recorder.events_table_name)
        with _table_lock(settings.database_url, events):
            yield
        return
    lite = sqlite3.connect(tmp_path / "data" / "events.sqlite3", isolation_level=None)
    try:
        lite.execute("BEGIN EXCLUSIVE")
        yield
        lite.execute("ROLLBACK")
    finally:
        lite.close()


@contextmanager
def _table_lock(url: str, events: sql.Identifier) -> Iterator[None]:
    with psycopg.connect(url) as pg, pg.transaction():
        pg.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(events))
        yield


def test_a_command_that_meets_a_held_write_lock_answers_503_and_writes_nothing(
    backend_api: Api, tmp_path: Path
) -> None:
    api = backend_api
    before = api.head()
    with write_lock_held(api, tmp_path):
        answer = api.post("/v1/cases", case_body("LK-1"), "office")
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["retry-after"] == "5"
        assert "lock" in answer.json()["detail"]  # locked (SQLite), lock timeout (PostgreSQL)
        # Reads go on meanwhile (the log is not locked for them).
        assert api.get("/v1/ledger", "office").status_code == 200
    assert api.head() == before
    again = api.post("/v1/cases", case_body("LK-1"), "office")
    assert again.status_code == 201, again.text


def test_a_form_that_meets_a_held_write_lock_says_so_in_chinese(api: Api, tmp_path: Path) -> None:
    admin = logged_in(api, "guan_li_lk", role="admin")
    csrf = csrf_of(admin, "/admin")
    with write_lock_held(api, tmp_path):
        form = {"_csrf": csrf, "code": "LKU", "name": "锁定单位"}
        page = admin.post("/admin/units", data=form, headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert "数据库正忙或暂时无法访问" in page.text and "以免重复登记" in page.text
    assert "LKU" not in admin.get("/admin").text


def test_a_statement_the_database_refuses_is_a_bug_not_unavailability() -> None:
    with sqlite3.connect(":memory:") as conn:
        try:
            conn.execute("SELECT * FROM no_such_table")
        except sqlite3.OperationalError as error:
            assert not unavailable(error)  # stays the 500 of a bug
    assert unavailable(psycopg.OperationalError("connection to server lost"))

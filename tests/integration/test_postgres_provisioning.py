"""The provisioned PostgreSQL server works end to end through eventsourcing."""

from __future__ import annotations

from uuid import UUID

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.conninfo import make_conninfo

pytestmark = pytest.mark.postgres


class Note(Aggregate):
    @event("Created")
    def __init__(self, text: str) -> None:
        self.text = text

    @event("Edited")
    def edit(self, text: str) -> None:
        self.text = text


class Notes(Application[UUID]):
    def create(self, text: str) -> UUID:
        note = Note(text)
        self.save(note)
        return note.id

    def edit(self, note_id: UUID, text: str) -> None:
        note: Note = self.repository.get(note_id)
        note.edit(text)
        self.save(note)

    def text(self, note_id: UUID) -> str:
        note: Note = self.repository.get(note_id)
        return note.text


def test_eventsourcing_application_on_real_postgres(pg_env: dict[str, str]) -> None:
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in pg_env
    app = Notes(env=pg_env)
    try:
        assert isinstance(app.recorder, PostgresApplicationRecorder)
        assert app.recorder.max_notification_id() is None

        note_id = app.create("办理 suggestion #1")
        app.edit(note_id, "办理 suggestion #1 (revised)")

        assert app.text(note_id) == "办理 suggestion #1 (revised)"
        assert app.repository.get(note_id).version == 2
        assert app.recorder.max_notification_id() == 2
        notifications = app.recorder.select_notifications(start=1, limit=10)
        assert [n.originator_id for n in notifications] == [note_id, note_id]
    finally:
        app.close()

    # The events really live in this test's own schema on the server.
    conninfo = make_conninfo(
        host=pg_env["POSTGRES_HOST"],
        port=pg_env["POSTGRES_PORT"],
        dbname=pg_env["POSTGRES_DBNAME"],
        user=pg_env["POSTGRES_USER"],
        password=pg_env["POSTGRES_PASSWORD"],
    )
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
            (pg_env["POSTGRES_SCHEMA"],),
        ).fetchone()
    assert row is not None
    assert row[0] >= 1

"""Wiring of the read-model store (composition helper)."""

from __future__ import annotations

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from infra.private_files import private_file
from infra.settings import Settings
from infra.view_store import PostgresViewStore, SQLiteViewStore, ViewStore


def build_view_store(settings: Settings, env: dict[str, str] | None = None) -> ViewStore:
    """SQLite views beside the embedded event store, or tables in the PostgreSQL database."""
    env = env if env is not None else settings.eventsourcing_env()
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        datastore = PostgresDatastore(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"],
            schema=env.get("POSTGRES_SCHEMA", ""),
        )
        return PostgresViewStore(datastore)
    views = private_file(settings.data_dir / "views.sqlite3")
    return SQLiteViewStore(SQLiteDatastore(str(views)))

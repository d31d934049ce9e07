"""Wiring of the read-model store and the tamper-chain verification (composition helpers)."""

from __future__ import annotations

from collections.abc import Iterator

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from infra.application import BanliApplication
from infra.private_files import private_file
from infra.settings import Settings
from infra.view_store import PostgresViewStore, SQLiteViewStore, ViewStore, ViewStoreBase
from projections.tamper_chain import CHAIN, Verification, verify

PAGE = 5000


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


def verify_chain(app: BanliApplication, store: ViewStoreBase) -> Verification:
    """Recomputes the tamper-evidence chain from the event store (``/v1/audit/verify``)."""
    chain_table = store.table("tamper_chain", CHAIN.name)
    chain = {
        int(r["position"]): str(r["hash"])
        for r in store.fetch(f"SELECT position, hash FROM {chain_table}", ())
    }

    def stored() -> Iterator[tuple[int, str, int, str, bytes]]:
        start = 1
        while True:
            page = app.recorder.select_notifications(start=start, limit=PAGE)
            if not page:
                return
            for n in page:
                yield n.id, str(n.originator_id), n.originator_version, n.topic, n.state
            start = page[-1].id + 1

    return verify(stored(), chain)

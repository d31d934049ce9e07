"""A deployment on either backend, with anchors configured, and an insider's hands on its tables.

The insider writes straight into the database with its own driver (sqlite3, psycopg), as the
database's owner could: no application code stands between the attack and the store.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from pydantic import SecretStr

from banli.compose import build_application
from infra.application import BanliApplication
from infra.chain_audit import ChainAudit, anchors_from, verify_chain
from infra.read_models import build_view_store
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections.tamper_chain import CHAIN

KEY = "the auditors' anchor key"


def settings_for(store_env: dict[str, str], tmp_path: Path, **extra: Any) -> Settings:
    """Settings of a deployment on ``store_env``'s backend, anchoring to a file outside it."""
    common: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "anchor_key": SecretStr(KEY),
        "anchor_file": tmp_path / "elsewhere" / "anchors.jsonl",
        **extra,
    }
    if store_env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        return Settings(**common)
    e = store_env
    url = (
        f"postgresql://{e['POSTGRES_USER']}:{e['POSTGRES_PASSWORD']}@{e['POSTGRES_HOST']}:"
        f"{e['POSTGRES_PORT']}/{e['POSTGRES_DBNAME']}"
    )
    return Settings(database_url=url, database_schema=e["POSTGRES_SCHEMA"], **common)


@dataclass
class Deployment:
    settings: Settings
    app: BanliApplication
    store: ViewStoreBase

    @classmethod
    def of(cls, settings: Settings) -> Deployment:
        return cls(settings, build_application(settings), build_view_store(settings))

    def environ(self) -> dict[str, str]:
        """The same deployment as ``BANLI_*`` variables, for the command line."""
        s = self.settings
        env = {"BANLI_DATA_DIR": str(s.data_dir), "BANLI_ANCHOR_TOPIC": s.anchor_topic}
        if s.anchor_key is not None:
            env["BANLI_ANCHOR_KEY"] = s.anchor_key.get_secret_value()
        if s.anchor_file is not None:
            env["BANLI_ANCHOR_FILE"] = str(s.anchor_file)
        if s.database_url:
            env.update(BANLI_DATABASE_URL=s.database_url, BANLI_DATABASE_SCHEMA=s.database_schema)
        if s.kafka_bootstrap:
            env["BANLI_KAFKA_BOOTSTRAP"] = s.kafka_bootstrap
        return env

    def verify(self) -> ChainAudit:
        return verify_chain(self.app, self.store, anchors_from(self.settings))

    def anchor_lines(self) -> list[str]:
        path = self.settings.anchor_file
        return path.read_text().splitlines() if path and path.exists() else []

    # -- the insider ------------------------------------------------------------------
    def events_sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """``statement`` on the event database; ``{events}``, ``{index}``, ``{pos}`` name the
        events table, the time index and the events' position column; ``?`` placeholders."""
        s = self.settings
        if not s.database_url:
            sql = statement.format(events="stored_events", index="banli_event_index", pos="rowid")
            with sqlite3.connect(s.data_dir / "events.sqlite3") as conn:
                return list(conn.execute(sql, params).fetchall())
        schema = f'"{s.database_schema}"'
        sql = statement.format(
            events=f"{schema}.banli_events",
            index=f"{schema}.banli_event_index",
            pos="notification_id",
        ).replace("?", "%s")
        with psycopg.connect(s.database_url) as conn:
            cursor = conn.execute(sql.encode(), params)
            return list(cursor.fetchall()) if cursor.description else []

    def edit_event(self, position: int, old: bytes, new: bytes) -> None:
        [(state,)] = self.events_sql("SELECT state FROM {events} WHERE {pos} = ?", (position,))
        assert old in bytes(state)
        changed = bytes(state).replace(old, new)
        self.events_sql("UPDATE {events} SET state = ? WHERE {pos} = ?", (changed, position))

    def break_registration(self, case_id: str) -> None:
        """The case's first event made unreadable: the case can no longer be replayed."""
        [(first,)] = self.events_sql(
            "SELECT notification_id FROM {index} WHERE originator_id = ? "
            "AND originator_version = 1",
            (case_id,),
        )
        self.events_sql("UPDATE {events} SET state = ? WHERE {pos} = ?", (b"\x00not json", first))

    def delete_event(self, position: int) -> None:
        """A thorough insider: the event and its index row go together."""
        self.events_sql("DELETE FROM {events} WHERE {pos} = ?", (position,))
        self.events_sql("DELETE FROM {index} WHERE notification_id = ?", (position,))

    def move_recorded_at(self, position: int, recorded_at: str) -> None:
        self.events_sql(
            "UPDATE {index} SET recorded_at = ? WHERE notification_id = ?", (recorded_at, position)
        )

    def chain_table(self) -> str:
        return self.store.table(CHAIN)

    def chain(self) -> dict[int, str]:
        rows = self.store.fetch(f"SELECT position, hash FROM {self.chain_table()}", ())
        return {int(r["position"]): str(r["hash"]) for r in rows}

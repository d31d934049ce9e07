"""Part of ``bench.rebuild``: the event store it rebuilds from, made once by the demo generator
(``demo.load_demo``) outside any timing and kept for the next run, as a SQLite folder under the
workdir or a PostgreSQL schema ``bench_rebuild_n<N>_s<seed>``.

One demo year is ~4,700 events; the demo numbers its cases JY-0001 … per kind and year whatever
the seed, so several seeds cannot share a store (their case ids, derived from kind, year and
number, collide). The generator's ``scale`` multiplies every count instead, so one year at
scale ≈ N / 4,400 gives at least N events. The cipher is off, so a cached store stays readable.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import Recording
from psycopg import sql

from bench.plumbing import library_env
from demo import load_demo
from infra.application import BanliApplication
from infra.settings import Settings

# Events per unit of demo scale, on the low side: 4,675 at scale 1, ~4,640 per unit at 3.
EVENTS_PER_SCALE = 4400
DONE_FILE = "done.json"  # SQLite: written when the load finished
DONE_TABLE = "bench_rebuild_done"  # PostgreSQL: the same, as a one-row table in the schema
LOAD_REPORT_EVERY = 25_000


def demo_scale(events: int) -> float:
    """The demo scale that gives at least ``events`` events (never below one year)."""
    return max(1.0, math.ceil(events / EVENTS_PER_SCALE * 100) / 100)


class LoadingApplication(BanliApplication):
    """The application unchanged, counting saved events to print the load's progress."""

    name = BanliApplication.name  # the library names tables after the application (PostgreSQL)
    loaded = 0
    started = 0.0
    next_report = LOAD_REPORT_EVERY

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        recordings = super().save(*objs, **kwargs)
        self.loaded += len(recordings)
        if self.loaded >= self.next_report:
            self.next_report += LOAD_REPORT_EVERY
            elapsed = time.perf_counter() - self.started
            print(
                f"  loaded {self.loaded:,} events in {elapsed:.0f} s "
                f"({self.loaded / elapsed:,.0f} events/s)",
                flush=True,
            )
        return recordings


@dataclass(frozen=True)
class Loaded:
    events: int
    cases: int
    scale: float
    seed: int
    seconds: float


def load(env: dict[str, str], events: int, seed: int) -> Loaded:
    scale = demo_scale(events)
    print(f"  loading the demo year, seed {seed}, scale {scale} (at least {events:,} events) …")
    app = LoadingApplication(env=env)
    app.started = time.perf_counter()
    try:
        summary = load_demo(app, seed=seed, scale=scale)
        stored = app.recorder.max_notification_id() or 0
    finally:
        app.close()
    seconds = time.perf_counter() - app.started
    print(
        f"  loaded {stored:,} events ({summary.cases:,} cases) in {seconds:.0f} s "
        f"({stored / seconds:,.0f} events/s)"
    )
    if stored < events:
        print(f"!! the demo at scale {scale} made only {stored:,} events (< {events:,})")
    return Loaded(stored, summary.cases, scale, seed, seconds)


def sqlite_env(data_dir: Path) -> dict[str, str]:
    settings = Settings(data_dir=data_dir, database_url=None, cipher_key=None)
    return settings.eventsourcing_env()


def postgres_env(dsn: str, schema: str) -> dict[str, str]:
    return library_env(dsn, schema, cipher_key=None)


def prepare_sqlite(workdir: Path, events: int, seed: int, *, reload: bool) -> Path:
    """The folder of a complete SQLite event store with ≥ ``events`` events (made once)."""
    final = workdir / f"events_n{events}_s{seed}"
    if reload:
        shutil.rmtree(final, ignore_errors=True)
    done = final / DONE_FILE
    if done.exists():
        print(f"  reusing {final} ({json.loads(done.read_text())})")
        return final
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    loaded = load(sqlite_env(partial), events, seed)
    (partial / DONE_FILE).write_text(json.dumps(loaded.__dict__))
    partial.rename(final)
    return final


def schema_exists(conn: psycopg.Connection[Any], schema: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s", (schema,)
    ).fetchone()
    return bool(row and row[0])


def prepare_postgres(
    dsn: str, events: int, seed: int, *, reload: bool, sqlite_folder: Path | None = None
) -> str:
    """The name of a complete event-store schema with ≥ ``events`` events (made once): a copy
    of the SQLite store of the same size and seed when ``sqlite_folder`` holds a complete one
    (the same events at the same positions, in seconds rather than an hour), else a demo load.
    """
    schema = f"bench_rebuild_n{events}_s{seed}"
    ident = sql.Identifier(schema)
    with psycopg.connect(dsn, autocommit=True) as conn:
        found = None
        if not reload and schema_exists(conn, schema):
            exists = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".{DONE_TABLE}',))
            marker = exists.fetchone()
            if marker and marker[0]:
                found = conn.execute(
                    sql.SQL("SELECT info FROM {}.{}").format(ident, sql.Identifier(DONE_TABLE))
                ).fetchone()
        if found:
            print(f"  reusing schema {schema} ({found[0]})")
            return schema
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
    sqlite_store = sqlite_folder / f"events_n{events}_s{seed}" if sqlite_folder else None
    if sqlite_store is not None and (sqlite_store / DONE_FILE).exists():
        loaded = copy_from_sqlite(sqlite_store, dsn, schema)
    else:
        loaded = load(postgres_env(dsn, schema), events, seed)
    with psycopg.connect(dsn, autocommit=True) as conn:
        table = sql.SQL("{}.{}").format(ident, sql.Identifier(DONE_TABLE))
        conn.execute(sql.SQL("CREATE TABLE {} (info text NOT NULL)").format(table))
        conn.execute(
            sql.SQL("INSERT INTO {} VALUES (%s)").format(table), (json.dumps(loaded.__dict__),)
        )
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))
        for (name,) in tables.fetchall():
            conn.execute(sql.SQL("ANALYZE {}.{}").format(ident, sql.Identifier(name)))
    return schema


def copy_from_sqlite(folder: Path, dsn: str, schema: str) -> Loaded:
    """The SQLite store's events and index rows, copied as stored into the application's
    PostgreSQL tables (created by the application itself), positions kept."""
    info = json.loads((folder / DONE_FILE).read_text())
    print(f"  copying the events of {folder} into schema {schema} …", flush=True)
    started = time.perf_counter()
    app = BanliApplication(env=postgres_env(dsn, schema))  # creates the tables
    events_table = getattr(app.recorder, "events_table_name", "banli_events")
    app.close()
    source = sqlite3.connect(folder / "events.sqlite3")
    ident = sql.Identifier(schema)
    with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
        copies = (
            (
                sql.SQL(
                    "COPY {}.{} (notification_id, originator_id, originator_version, topic, "
                    "state) FROM STDIN"
                ).format(ident, sql.Identifier(events_table)),
                "SELECT rowid, originator_id, originator_version, topic, state "
                "FROM stored_events ORDER BY rowid",
            ),
            (
                sql.SQL("COPY {}.banli_event_index FROM STDIN").format(ident),
                "SELECT * FROM banli_event_index ORDER BY notification_id",
            ),
        )
        for target, query in copies:
            with cursor.copy(target) as copy:
                for row in source.execute(query):
                    copy.write_row(row)
        cursor.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), "
                "(SELECT max(notification_id) FROM {}.{}))"
            ).format(ident, sql.Identifier(events_table)),
            (f'"{schema}".{events_table}',),
        )
    source.close()
    seconds = time.perf_counter() - started
    print(f"  copied {info['events']:,} events in {seconds:.0f} s")
    return Loaded(info["events"], info["cases"], info["scale"], info["seed"], seconds)

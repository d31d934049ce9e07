"""The processes of the production shape start together against one PostgreSQL database."""

from __future__ import annotations

import threading

from banli.compose import migrate
from infra.application import BanliApplication
from infra.settings import Settings
from projections.registry import NAMES
from tests.integration.supervised import postgres_url


def test_processes_starting_together_all_start(pg_env: dict[str, str]) -> None:
    """Every `banli` process runs the event store's DDL when it starts. Started together
    (docker compose, a supervisor restarting several), they once failed one another with
    "tuple concurrently updated", or a duplicate type on a fresh database, and a consumer or
    the relay died before doing anything."""
    errors: list[Exception] = []

    def start() -> None:
        try:
            BanliApplication(env=pg_env).close()
        except Exception as error:
            errors.append(error)

    for _ in range(5):  # the first round on a fresh schema, then on existing tables
        starting = [threading.Thread(target=start) for _ in range(4)]
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join()
    assert errors == []


def test_migrations_run_together_all_succeed_and_make_every_read_model(
    pg_env: dict[str, str],
) -> None:
    """``banli migrate`` (and ``serve``, which runs it) may be started by several processes
    at once: they take turns around the DDL instead of failing one another, and the first
    to finish made the first generation of every read model, which all then use."""
    settings = Settings(
        database_url=postgres_url(pg_env), database_schema=pg_env["POSTGRES_SCHEMA"]
    )
    made: list[dict[str, int]] = []
    errors: list[Exception] = []

    def run() -> None:
        try:
            made.append(migrate(settings))
        except Exception as error:
            errors.append(error)

    starting = [threading.Thread(target=run) for _ in range(4)]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join()
    assert errors == []
    first = dict.fromkeys(NAMES, 1)
    assert made == [first] * 4
    assert migrate(settings) == first  # nothing left to make

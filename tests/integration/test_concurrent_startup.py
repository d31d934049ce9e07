"""The processes of the production shape start together against one PostgreSQL database."""

from __future__ import annotations

import threading

from infra.application import BanliApplication


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

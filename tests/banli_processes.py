"""Real `banli` processes for the Kafka tests (relay, consumers) on a test's PostgreSQL schema
and topic: their environment, a process that is always reaped, and bounded polling."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BANLI = Path(sys.executable).parent / "banli"


def banli_env(pg_env: dict[str, str], bootstrap: str, topic: str, group: str) -> dict[str, str]:
    url = (
        f"postgresql://{pg_env['POSTGRES_USER']}:{pg_env['POSTGRES_PASSWORD']}@"
        f"{pg_env['POSTGRES_HOST']}:{pg_env['POSTGRES_PORT']}/{pg_env['POSTGRES_DBNAME']}"
    )
    return {
        **os.environ,
        "BANLI_DATABASE_URL": url,
        "BANLI_DATABASE_SCHEMA": pg_env["POSTGRES_SCHEMA"],
        "BANLI_KAFKA_BOOTSTRAP": bootstrap,
        "BANLI_KAFKA_TOPIC": topic,
        "BANLI_KAFKA_PARTITIONS": "3",
        "BANLI_KAFKA_GROUP": group,
    }


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(BANLI), *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
    """Polls a tracked position (never a fixed sleep as synchronisation); bounded."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")

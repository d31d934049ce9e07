"""Fixtures giving tests a real PostgreSQL server (imported by the conftests that need it).

``postgres_dsn`` provisions a local server with ``scripts/ensure_postgres.sh`` (or uses
``BANLI_TEST_PG_DSN`` when set).  If provisioning fails the test errors out under CI
(``CI=true``) and is skipped, with the reason, elsewhere.

``pg_env`` gives each test its own freshly created PostgreSQL schema, as eventsourcing
environment variables, and drops the schema afterwards.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from tests.provisioning import report, run_script, unavailable

REPO_ROOT = Path(__file__).resolve().parents[1]
ENSURE_SCRIPT = REPO_ROOT / "scripts" / "ensure_postgres.sh"
# Generous: a cold run on a fresh machine may apt-get install PostgreSQL.
PROVISION_TIMEOUT_S = 900


def _unavailable(reason: str) -> NoReturn:
    unavailable("PostgreSQL", reason)


def _provision() -> str:
    try:
        proc = run_script(ENSURE_SCRIPT, PROVISION_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _unavailable(f"could not run {ENSURE_SCRIPT}: {exc!r}")
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines or not lines[-1].startswith("postgresql://"):
        _unavailable(report(ENSURE_SCRIPT, proc))
    return lines[-1]


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """DSN of a reachable PostgreSQL database (provisioned on demand)."""
    dsn = os.environ.get("BANLI_TEST_PG_DSN") or _provision()
    try:
        with psycopg.connect(dsn, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        _unavailable(f"cannot connect to {dsn}: {exc}")
    return dsn


@contextmanager
def fresh_schema(postgres_dsn: str) -> Iterator[dict[str, str]]:
    """eventsourcing env vars pointing at a fresh, isolated schema (dropped afterwards)."""
    params = conninfo_to_dict(postgres_dsn)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(params.get("dbname") or ""),
        "POSTGRES_HOST": str(params.get("host") or "127.0.0.1"),
        "POSTGRES_PORT": str(params.get("port") or "5432"),
        "POSTGRES_USER": str(params.get("user") or ""),
        "POSTGRES_PASSWORD": str(params.get("password") or ""),
        "POSTGRES_SCHEMA": schema,
        "CREATE_TABLE": "y",
    }
    try:
        yield env
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '30s'")
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def pg_env(postgres_dsn: str) -> Iterator[dict[str, str]]:
    """A fresh schema for one test."""
    with fresh_schema(postgres_dsn) as env:
        yield env


def database_url(env: dict[str, str]) -> str:
    """The ``BANLI_DATABASE_URL`` of a ``pg_env`` (its schema goes in ``BANLI_DATABASE_SCHEMA``)."""
    return (
        f"postgresql://{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@"
        f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
    )

"""The store's PostgreSQL database as a process starts (``infra/database_schema.py``): a missing
schema is made, one its user may not make is said plainly, and an unreachable server is said at
once; ``banli`` prints either in a line, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from banli.compose import build_application
from infra.database_schema import DatabaseUnavailable, ensure_database
from infra.settings import Settings
from tests.integration.supervised import banli_env


def _schema_exists(dsn: str, schema: str) -> bool:
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
        return found.fetchone() is not None


def _url(dsn: str, **overrides: object) -> str:
    """``dsn`` as a postgresql:// URL (what BANLI_DATABASE_URL holds)."""
    params = {**conninfo_to_dict(dsn), **overrides}
    return (
        f"postgresql://{params.get('user', '')}:{params.get('password', '')}@"
        f"{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}/{params.get('dbname', '')}"
    )


@pytest.fixture
def new_schema(postgres_dsn: str) -> Iterator[str]:
    schema = f"t_new_{uuid.uuid4().hex[:10]}"
    yield schema
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def limited_user(postgres_dsn: str) -> Iterator[str]:
    """A login that may connect but not create schemas (no CREATE on the database)."""
    role = f"t_user_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'pw'").format(sql.Identifier(role)))
    yield role
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_a_missing_schema_is_made_and_the_store_built_in_it(
    postgres_dsn: str, new_schema: str
) -> None:
    settings = Settings(database_url=_url(postgres_dsn), database_schema=new_schema)
    assert not _schema_exists(postgres_dsn, new_schema)
    app = build_application(settings)
    try:
        assert _schema_exists(postgres_dsn, new_schema)
        assert app.recorder.max_notification_id() in (None, 0)  # its tables are there
    finally:
        app.close()
    ensure_database(settings)  # there now: asked, not made again


def test_a_schema_its_user_may_not_make_is_said_plainly(
    postgres_dsn: str, new_schema: str, limited_user: str
) -> None:
    url = _url(postgres_dsn, user=limited_user, password="pw")
    with pytest.raises(DatabaseUnavailable) as refused:
        ensure_database(Settings(database_url=url, database_schema=new_schema))
    message = str(refused.value)
    assert f"the schema {new_schema!r} (BANLI_DATABASE_SCHEMA) does not exist" in message
    assert f'CREATE SCHEMA "{new_schema}" AUTHORIZATION "{limited_user}"' in message
    assert "pw" not in message.replace(limited_user, "")
    assert not _schema_exists(postgres_dsn, new_schema)


def test_an_existing_schema_needs_no_right_to_create_one(
    postgres_dsn: str, new_schema: str, limited_user: str
) -> None:
    """What a DBA set up for a least-privileged user: ``CREATE SCHEMA IF NOT EXISTS`` would be
    refused it even though the schema is there."""
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        made = sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}")
        conn.execute(made.format(sql.Identifier(new_schema), sql.Identifier(limited_user)))
    url = _url(postgres_dsn, user=limited_user, password="pw")
    ensure_database(Settings(database_url=url, database_schema=new_schema))


def test_banli_says_in_a_line_that_the_database_cannot_be_reached(postgres_dsn: str) -> None:
    params = conninfo_to_dict(postgres_dsn)
    url = _url(postgres_dsn, port=1, password="secret-pw")
    env = banli_env(database_url=url)
    done = subprocess.run(
        [sys.executable, "-m", "banli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    host = params.get("host", "127.0.0.1")
    assert first.startswith(f"banli: cannot use the PostgreSQL database {host}:1/")
    assert "secret-pw" not in done.stderr

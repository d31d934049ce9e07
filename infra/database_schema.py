"""The PostgreSQL database a store lives in, looked at once as a process builds its application:
reachable, and with the schema ``BANLI_DATABASE_SCHEMA`` names.

A schema that does not exist yet is made, as ``banli migrate`` makes every table: a fresh
database then takes ``serve`` or ``migrate`` with nothing done by hand. It was a traceback from
inside the library ("schema … does not exist"), and an unreachable server one after 30 s of the
library's retries. Existence is asked first: ``CREATE SCHEMA IF NOT EXISTS`` needs the right to
create schemas even when the schema is there, which a least-privileged user of a schema made
for it by a DBA does not have.
"""

from __future__ import annotations

from urllib.parse import urlparse

import psycopg
from psycopg import errors, sql

from infra.settings import Settings

# A server that does not answer is said so after this long (the library would retry for 30 s).
CONNECT_SECONDS = 10


class DatabaseUnavailable(RuntimeError):
    """The store's database cannot be used as configured; the message says why and what to do."""


def ensure_database(settings: Settings) -> None:
    """Raises ``DatabaseUnavailable`` unless the configured PostgreSQL database answers and holds
    the configured schema (made here when missing). Nothing to do on SQLite."""
    if not settings.database_url:
        return
    where = _where(settings.database_url)
    try:
        with psycopg.connect(
            settings.database_url, connect_timeout=CONNECT_SECONDS, autocommit=True
        ) as conn:
            if settings.database_schema:
                _ensure_schema(conn, settings.database_schema, where)
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(
            f"cannot use the PostgreSQL database {where} (BANLI_DATABASE_URL): {str(error).strip()}"
        ) from None


def _ensure_schema(conn: psycopg.Connection[tuple[object, ...]], schema: str, where: str) -> None:
    found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
    if found:
        return
    try:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    except errors.UniqueViolation:
        pass  # another process starting at the same moment made it
    except errors.InsufficientPrivilege:
        user = conn.info.user
        raise DatabaseUnavailable(
            f"the schema {schema!r} (BANLI_DATABASE_SCHEMA) does not exist in {where}, and "
            f"{user!r} may not create it: have it made, e.g. "
            f'CREATE SCHEMA "{schema}" AUTHORIZATION "{user}"'
        ) from None


def _where(url: str) -> str:
    """host:port/database, never the password."""
    parsed = urlparse(url)
    return f"{parsed.hostname or 'localhost'}:{parsed.port or 5432}/{parsed.path.lstrip('/')}"

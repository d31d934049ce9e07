"""Settings from ``BANLI_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra.private_files import private_file

# Seconds an insert waits for PostgreSQL's lock on the events table before that attempt fails
# (lock_timeout). The library tries an insert ten times, so a lock never let go answers 503
# after some 20 s (``infra/store_errors.py``); the library's default (0) waited for ever, a
# worker thread with it. Inserts hold the lock for milliseconds (p99 of a command at 16
# clients: about 100 ms, all of it included).
PG_LOCK_TIMEOUT_SECONDS = 1


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANLI_", extra="ignore")

    # Embedded default: SQLite files in this folder.
    data_dir: Path = Path("data")
    # PostgreSQL when set, e.g. postgresql://banli:banli@127.0.0.1:5432/banli
    database_url: str | None = None
    database_schema: str = ""
    # Encryption at rest of event state with the library's AES cipher (proposers' personal data).
    cipher_key: str | None = None
    # Audit: an event recorded more than this many days after it happened is flagged late (R-X1).
    late_recording_days: int = 7
    bootstrap_admin_token: str | None = None
    # Absolute lifetime of a login session (POST /v1/session): a working day, then log in again.
    session_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 8.0
    # Production shape: Kafka between the event store and the consumers.
    kafka_bootstrap: str | None = None
    kafka_topic: str = "banli.events"
    kafka_partitions: int = 6
    kafka_group: str = "banli-projections"
    # Embedded: the API keeps its views current itself. Off in the production shape, where
    # `banli consume projections` and `banli projections follow tamper_chain` do it.
    embedded_projections: bool = True
    # API worker processes of `banli serve --workers N` (set by serve for its workers).
    serve_workers: Annotated[int, Field(ge=1, le=64)] = 1
    # Reminders (R-S1, R-S3): where notices are posted, and how often time alone is checked.
    reminder_webhook: str | None = None
    reminder_sweep_seconds: float = 300.0
    # Embedded: the service notices and delivers (reminders, replies, digests) itself. Off in
    # the production shape, where `banli consume reminders` does it.
    embedded_notices: bool = True
    # Notices by e-mail (issue 12): the SMTP server, and the addresses of the units (by code)
    # and of the office ("office"), as JSON: {"FIN": "fin@example.gov.cn", "office": "…"}.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "banli@localhost"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    notify_emails: dict[str, str] = {}
    # The address proposers' links point at (https://… behind a proxy); the request's own
    # base URL when unset.
    public_url: str | None = None
    # Cases kept decoded in memory between commands, trusted without a read (no fast-forward):
    # a command refused on a cached case, or beaten to its version by another worker, is run
    # again on the case rebuilt from the store, so every verdict rests on the stored state.
    aggregate_cache_size: int = 10_000
    # Cases the projections keep decoded between batches (a miss reloads from the store).
    projection_cache_size: int = 500_000
    # Tamper evidence anchored outside the database (docs/decisions.md § Anchoring): the HMAC
    # key of the published chain heads, an append-only JSON-lines file outside the data folder,
    # and a topic on the Kafka broker (when BANLI_KAFKA_BOOTSTRAP is set).
    anchor_key: SecretStr | None = None
    anchor_file: Path | None = None
    anchor_topic: str = "banli.anchors"

    def eventsourcing_env(self) -> dict[str, str]:
        """The library's own settings, derived from ours."""
        env: dict[str, str] = {}
        if self.database_url:
            from urllib.parse import urlparse

            url = urlparse(self.database_url)
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                POSTGRES_DBNAME=url.path.lstrip("/"),
                POSTGRES_HOST=url.hostname or "127.0.0.1",
                POSTGRES_PORT=str(url.port or 5432),
                POSTGRES_USER=url.username or "",
                POSTGRES_PASSWORD=url.password or "",
                POSTGRES_SCHEMA=self.database_schema,
                # Kept off: in 9.5.6 the DB-function insert path was seen to skip events under
                # concurrent writers and to drop tracking records.
                POSTGRES_ENABLE_DB_FUNCTIONS="n",
                POSTGRES_LOCK_TIMEOUT=str(PG_LOCK_TIMEOUT_SECONDS),
            )
        else:
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                SQLITE_DBNAME=str(private_file(self.data_dir / "events.sqlite3")),
            )
        if self.aggregate_cache_size > 0:
            env["AGGREGATE_CACHE_MAXSIZE"] = str(self.aggregate_cache_size)
            env["AGGREGATE_CACHE_FASTFORWARD"] = "n"
        if self.cipher_key:
            env.update(CIPHER_TOPIC="eventsourcing.cipher:AESCipher", CIPHER_KEY=self.cipher_key)
        return env

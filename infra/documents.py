"""Where documents' bytes live: once per SHA-256, apart from the events that name them.

Embedded: a folder ``documents/`` in the data folder, a file per hash (``ab/abcd…``), owner-only
like the rest of the folder. PostgreSQL: a ``bytea`` table beside the events (docs/decisions.md
§ Documents says why not large objects or a path store). With ``BANLI_CIPHER_KEY`` the bytes
are encrypted at rest with the events' cipher; the hash is always of the file as uploaded.

A hash once stored is never overwritten: if the bytes there stopped matching it, they are the
evidence ``/v1/audit/verify`` reports, and a new upload must not hide it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any, Protocol

from eventsourcing.persistence import Cipher
from eventsourcing.postgres import PostgresDatastore

from infra.application import BanliApplication
from infra.private_files import FILE_MODE, private_dir
from infra.settings import Settings


class DocumentStore(Protocol):
    def put(self, sha256: str, data: bytes) -> None:
        """Keeps ``data`` under its hash (nothing happens if the hash is already kept)."""
        ...

    def get(self, sha256: str) -> bytes | None:
        """The bytes kept under ``sha256`` (decrypted), or None."""
        ...


class _Encrypted:
    def __init__(self, cipher: Cipher | None) -> None:
        self.cipher = cipher

    def _seal(self, data: bytes) -> bytes:
        return self.cipher.encrypt(data) if self.cipher else data

    def _open(self, data: bytes) -> bytes:
        return self.cipher.decrypt(data) if self.cipher else data


class FolderDocuments(_Encrypted):
    def __init__(self, root: Path, cipher: Cipher | None = None) -> None:
        super().__init__(cipher)
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, data: bytes) -> None:
        path = self.path(sha256)
        if path.exists():
            return
        private_dir(self.root)
        private_dir(path.parent)
        temporary = path.with_name(f".{sha256}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(self._seal(data))
                out.flush()
                os.fsync(out.fileno())
            # A hard link never replaces: two uploads of the same file racing keep the first.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    def get(self, sha256: str) -> bytes | None:
        try:
            return self._open(self.path(sha256).read_bytes())
        except FileNotFoundError:
            return None


class PostgresDocuments(_Encrypted):
    TABLE = "banli_documents"

    def __init__(self, datastore: PostgresDatastore, cipher: Cipher | None = None) -> None:
        super().__init__(cipher)
        self.datastore = datastore
        schema = datastore.schema
        self.table = f'"{schema}".{self.TABLE}' if schema else self.TABLE
        with datastore.transaction(commit=True) as c:
            # Processes starting together take turns (as the event store's DDL does), and
            # the table is altered only when made: ALTER locks out every reader meanwhile.
            c.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.table,))
            c.execute("SELECT to_regclass(%s) AS found", (self.table,))
            existing: Any = c.fetchone()
            if existing["found"] is None:
                c.execute(
                    f"CREATE TABLE {self.table} (sha256 text PRIMARY KEY, "
                    "size bigint NOT NULL, content bytea NOT NULL)"
                )
                # PDFs, scans and DOCX are compressed already: TOAST need not try again.
                c.execute(f"ALTER TABLE {self.table} ALTER COLUMN content SET STORAGE EXTERNAL")

    def put(self, sha256: str, data: bytes) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT INTO {self.table} VALUES (%s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
                (sha256, len(data), self._seal(data)),
            )

    def get(self, sha256: str) -> bytes | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT content FROM {self.table} WHERE sha256 = %s", (sha256,))
            row: Any = c.fetchone()
        return None if row is None else self._open(bytes(row["content"]))


def build_document_store(settings: Settings, app: BanliApplication) -> DocumentStore:
    cipher = app.mapper.cipher
    datastore = getattr(app.recorder, "datastore", None)
    if isinstance(datastore, PostgresDatastore):
        return PostgresDocuments(datastore, cipher)
    return FolderDocuments(settings.data_dir / "documents", cipher)

"""Fixtures giving tests a real Apache Kafka broker.

``kafka_bootstrap`` (session-scoped) is the broker's bootstrap address, ``host:port``. It uses
``BANLI_TEST_KAFKA`` when set, else provisions a local single-node KRaft broker with
``scripts/ensure_kafka.sh`` (jars from Maven Central on first use, then reused; the broker is
left running for the next session). If that fails the test errors out under CI (``CI=true``)
and is skipped, with the reason, elsewhere.

``kafka_topic`` gives each test a fresh, unique topic name (auto-created on first use; deleted,
best effort, afterwards). ``restart_broker()`` stops and restarts the local broker, keeping its
data and address, for fault tests.

Conftest files (or test modules) pull the fixtures in with::

    from tests.kafka_fixture import kafka_bootstrap, kafka_topic  # noqa: F401
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import NoReturn

import pytest

from tests.provisioning import report, run_script, unavailable

REPO_ROOT = Path(__file__).resolve().parents[1]
ENSURE_SCRIPT = REPO_ROOT / "scripts" / "ensure_kafka.sh"
STOP_SCRIPT = REPO_ROOT / "scripts" / "stop_kafka.sh"
EXTERNAL_ENV = "BANLI_TEST_KAFKA"
# Generous: a cold run on a fresh machine downloads the broker's jars with Maven.
PROVISION_TIMEOUT_S = 600
STOP_TIMEOUT_S = 120

_ADDRESS = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")
_TOPIC_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class KafkaUnavailableError(RuntimeError):
    """The local test broker could not be provisioned (the message has the script's output)."""


def _run(script: Path, timeout_s: float) -> subprocess.CompletedProcess[str]:
    try:
        return run_script(script, timeout_s)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KafkaUnavailableError(f"could not run {script}: {exc!r}") from exc


def ensure_broker() -> str:
    """Start the local test broker if needed; return its bootstrap address."""
    proc = _run(ENSURE_SCRIPT, PROVISION_TIMEOUT_S)
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines or not _ADDRESS.match(lines[-1]):
        raise KafkaUnavailableError(report(ENSURE_SCRIPT, proc))
    return lines[-1]


def stop_broker() -> None:
    """Stop the local test broker (no-op when it is not running); its data is kept."""
    proc = _run(STOP_SCRIPT, STOP_TIMEOUT_S)
    if proc.returncode != 0:
        raise KafkaUnavailableError(report(STOP_SCRIPT, proc))


def restart_broker() -> str:
    """Stop and restart the local test broker; return its bootstrap address.

    The log dir, cluster id and ports are kept, so the address normally stays the same and
    topics, messages and committed offsets survive. Skips the calling test when
    ``BANLI_TEST_KAFKA`` points at an external broker, which this cannot restart.
    """
    if os.environ.get(EXTERNAL_ENV):
        pytest.skip(f"{EXTERNAL_ENV} names an external broker; cannot restart it")
    try:
        stop_broker()
        return ensure_broker()
    except KafkaUnavailableError as exc:
        _unavailable(f"restarting the broker failed:\n{exc}")


def _unavailable(reason: str) -> NoReturn:
    unavailable("Kafka", reason)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """Bootstrap address (``host:port``) of a reachable Kafka broker, provisioned on demand."""
    external = os.environ.get(EXTERNAL_ENV, "").strip()
    if external:
        return external
    try:
        return ensure_broker()
    except KafkaUnavailableError as exc:
        _unavailable(str(exc))


@pytest.fixture
def kafka_topic(kafka_bootstrap: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A topic name no other test uses (Kafka auto-creates it; it is deleted afterwards)."""
    stem = _TOPIC_UNSAFE.sub("-", request.node.name).strip("-._")[:80] or "test"
    topic = f"banli-test-{stem}-{uuid.uuid4().hex[:10]}"
    yield topic
    _delete_topic_quietly(kafka_bootstrap, topic)


@pytest.fixture
def kafka_clients() -> Iterator[ExitStack]:
    """Closes the Kafka clients a test registers (``kafka_clients.callback(c.close)``) even
    when it fails: an unclosed producer or consumer keeps its network thread, and a later
    test that forks (the parallel rebuild) refuses to run beside threads it did not start."""
    with ExitStack() as clients:
        yield clients


def _delete_topic_quietly(bootstrap: str, topic: str) -> None:
    """Best effort: a leftover topic costs only disk and restart time."""
    try:
        from kafka import KafkaAdminClient  # type: ignore[import-untyped, unused-ignore]
        from kafka.errors import KafkaError  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="banli-test-cleanup",
            request_timeout_ms=10_000,
            bootstrap_timeout_ms=10_000,
        )
    except (KafkaError, OSError):
        return
    try:
        if topic in admin.list_topics():
            admin.delete_topics([topic], timeout_ms=10_000, raise_errors=False)
    except (KafkaError, OSError):
        pass
    finally:
        admin.close()

"""Fault tests against the real broker and a real PostgreSQL: the relay and a consumer are real
`banli` processes, killed with SIGKILL mid-stream, and the broker is restarted under them.
Afterwards the Kafka-fed views equal a full rebuild and nothing was counted twice."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from demo import load_demo
from infra.application import BanliApplication
from infra.projection_runner import rebuild
from infra.read_models import build_view_store
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections.audit_trail import AUDIT
from projections.registry import KAFKA_FED
from tests.banli_processes import banli_env, process, wait_until
from tests.integration.test_kafka_pipeline import kafka_snapshot
from tests.kafka_fixture import restart_broker

# It restarts the shared broker: make test runs it alone, after the rest.
pytestmark = pytest.mark.broker_restart


def audit_rows(store: ViewStoreBase) -> int:
    try:
        table = store.table(AUDIT)
    except LookupError:
        return 0  # the consumer has not created its views yet
    return int(store.fetch(f"SELECT COUNT(*) AS n FROM {table}", ())[0]["n"])


def test_kill_relay_restart_broker_kill_consumer_then_views_equal_a_rebuild(
    pg_env: dict[str, str],
    kafka_bootstrap: str,
    kafka_topic: str,
    tmp_path: Path,
) -> None:
    app = BanliApplication(env=pg_env)
    load_demo(app, seed=21, scale=0.15)
    head = app.recorder.max_notification_id() or 0
    store = build_view_store(Settings(), env=pg_env)
    env = banli_env(pg_env, kafka_bootstrap, kafka_topic, "faults")

    def relay_position() -> int:
        return store.max_tracking_id(f"relay:{kafka_topic}") or 0

    log = tmp_path / "processes.log"

    with process(["relay", "--batch-size", "10"], env, log) as relay:
        wait_until(lambda: relay_position() > 0, "the relay to start publishing")
        os.kill(relay.pid, signal.SIGKILL)
    stopped_at = relay_position()
    assert 0 < stopped_at < head, "the relay was killed mid-stream"

    with process(["consume", "projections"], env, log) as consumer:
        wait_until(lambda: audit_rows(store) > 0, "the consumer to start applying")
        restart_broker()  # the broker goes away and comes back under the consumer
        with process(["relay", "--batch-size", "50"], env, log):
            wait_until(lambda: relay_position() == head, "the restarted relay to catch up")
            wait_until(lambda: audit_rows(store) > stopped_at, "the consumer to move on")
            os.kill(consumer.pid, signal.SIGKILL)

    with process(["consume", "projections"], env, log):
        wait_until(lambda: audit_rows(store) == head, "the restarted consumer to finish")
        fed = kafka_snapshot(store)
    assert len(fed["audit_events"]) == head  # every event once
    rebuild(app, store, list(KAFKA_FED))
    assert kafka_snapshot(store) == fed

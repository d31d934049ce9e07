"""Reminders (R-S1, R-S3) from the real broker: due-soon and overdue notices, each once, and a
webhook that receives every notice (retried until it accepts)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from consumers.kafka_loop import PartitionedConsumer
from consumers.reminders import Reminders, http_webhook
from infra.application import BanliApplication
from infra.kafka_clients import ensure_topic, make_consumer
from infra.projection_runner import ProjectionRunner
from infra.view_store import ViewStoreBase
from projections.notices import NOTICES
from tests.integration.test_kafka_pipeline import kafka_settings, relay_all
from tests.integration.test_reminders_sweep import late_and_soon

Stores = tuple[BanliApplication, ViewStoreBase]


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[str]] = []
    refuse_first: ClassVar[set[str]] = set()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers["Idempotency-Key"]
        assert key == body["notice_id"]
        Receiver.received.append(key)
        if key in Receiver.refuse_first:
            Receiver.refuse_first.discard(key)
            self.send_response(503)
        else:
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def webhook_url() -> Iterator[str]:
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notices"
    server.shutdown()


def notices(store: ViewStoreBase) -> list[dict[str, Any]]:
    table = store.table(NOTICES)
    return store.fetch(f"SELECT * FROM {table} ORDER BY notice_id", ())


def test_due_soon_and_overdue_notices_once_each_and_delivered_R_S1_R_S3(
    stores: Stores,
    kafka_bootstrap: str,
    kafka_topic: str,
    kafka_clients: ExitStack,
    webhook_url: str,
) -> None:
    app, store = stores
    late_and_soon(app)
    settings = kafka_settings(kafka_bootstrap, kafka_topic)
    ensure_topic(settings)
    relay_all(app, store, settings)
    today = {"value": date(2025, 4, 22)}
    group = f"r-{uuid.uuid4().hex[:8]}"
    reminders = Reminders(
        app, store, group, kafka_topic, lambda: today["value"], http_webhook(webhook_url)
    )
    consumer = PartitionedConsumer(reminders, make_consumer(settings, group), kafka_topic)
    kafka_clients.callback(consumer.consumer.close, autocommit=False)
    # Until both are noticed, bounded: a fresh group's first assignment took over 10 s once
    # with the suite's other Kafka tests beside it.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        consumer.poll_once(timeout_ms=200)
        if len(notices(store)) >= 2:
            break
    first = {(n["number"], n["kind"], n["status"]) for n in notices(store)}
    assert first == {("R-LATE", "reply", "overdue"), ("R-SOON", "reply", "due_soon")}

    relay_all(app, store, settings)  # nothing new to relay; a sweep on the same day adds nothing
    ProjectionRunner(app, store).run()  # the sweep reads the ledger
    reminders.sweep()
    assert len(notices(store)) == 2

    today["value"] = date(2025, 4, 29)  # time alone makes the due-soon one overdue
    reminders.sweep()
    reminders.sweep()
    statuses = sorted((n["number"], n["status"]) for n in notices(store))
    assert statuses == [("R-LATE", "overdue"), ("R-SOON", "due_soon"), ("R-SOON", "overdue")]

    refused = next(n["notice_id"] for n in notices(store) if n["number"] == "R-LATE")
    Receiver.refuse_first = {refused}
    assert reminders.deliver() == 2  # the refused one waits for the next round
    assert reminders.deliver() == 1
    assert reminders.deliver() == 0
    assert all(n["delivered_at"] for n in notices(store))
    assert sorted(set(Receiver.received)) == sorted(n["notice_id"] for n in notices(store))
    assert Receiver.received.count(refused) == 2  # retried, under the same Idempotency-Key

"""`banli relay`: publishes every stored event to Kafka, in notification order, exactly as stored.

Keyed by case id (a case's events keep their order within its partition), idempotent producer
with ``acks=all``. The relay's position moves only after the broker acknowledged every message
up to it, in the library's tracking table; a restart resumes there, so nothing is lost. A crash
between the acknowledgement and the position write re-publishes a few events: consumers drop
them by the case version they already have.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from eventsourcing.persistence import Tracking

from consumers.envelope import Envelope
from infra.application import BanliApplication
from infra.positions import relay_position_name

log = logging.getLogger(__name__)


class Producer(Protocol):
    def send(
        self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]
    ) -> Any: ...

    def flush(self, timeout: float | None = None) -> None: ...


class PositionStore(Protocol):
    def max_tracking_id(self, application_name: str) -> int | None: ...

    def insert_tracking(self, tracking: Tracking) -> None: ...


class Relay:
    def __init__(
        self,
        app: BanliApplication,
        producer: Producer,
        positions: PositionStore,
        topic: str,
        batch_size: int = 1000,
        ack_timeout: float = 30.0,
    ) -> None:
        self.app = app
        self.producer = producer
        self.positions = positions
        self.topic = topic
        self.batch_size = batch_size
        self.ack_timeout = ack_timeout
        self.tracking_name = relay_position_name(topic)

    def position(self) -> int:
        return self.positions.max_tracking_id(self.tracking_name) or 0

    def run_batch(self) -> int:
        """Publishes the next batch and records the position; returns how many were sent."""
        start = self.position() + 1
        notifications = self.app.recorder.select_notifications(start=start, limit=self.batch_size)
        if not notifications:
            return 0
        futures = []
        for n in notifications:
            envelope = Envelope.of(n)
            futures.append(
                self.producer.send(self.topic, envelope.value(), envelope.key(), envelope.headers())
            )
        self.producer.flush(timeout=self.ack_timeout)
        for future in futures:
            future.get(timeout=self.ack_timeout)  # raises unless the broker acknowledged it
        self.positions.insert_tracking(Tracking(self.tracking_name, notifications[-1].id))
        return len(notifications)

    def run(self, stop: threading.Event, idle: Callable[[], None]) -> None:
        """Relays until ``stop`` is set; ``idle`` waits when the log has nothing new."""
        while not stop.is_set():
            if self.run_batch() == 0:
                idle()

"""The Kafka message for one stored event: the stored bytes as they are, with their identity.

The state is carried exactly as stored (encrypted and compressed when the store is), so a
consumer decodes it with the same mapper as the event store and nothing is re-serialised on the
way. Headers repeat the identity for tools that route without decoding.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import Notification

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Envelope:
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes

    @property
    def event_id(self) -> str:
        return f"{self.originator_id}:{self.originator_version}"

    @property
    def event_type(self) -> str:
        return self.topic.rsplit(".", 1)[-1].rsplit(":", 1)[-1]

    @classmethod
    def of(cls, n: Notification) -> Envelope:
        return cls(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)

    def key(self) -> bytes:
        """Partition key: the case id, so a case's events keep their order."""
        return self.originator_id.encode()

    def value(self) -> bytes:
        return json.dumps(
            {
                "position": self.position,
                "originator_id": self.originator_id,
                "originator_version": self.originator_version,
                "topic": self.topic,
                "state": base64.b64encode(self.state).decode(),
            }
        ).encode()

    def headers(self) -> list[tuple[str, bytes]]:
        return [
            ("event_id", self.event_id.encode()),
            ("position", str(self.position).encode()),
            ("event_type", self.event_type.encode()),
            ("schema_version", SCHEMA_VERSION.encode()),
        ]

    @classmethod
    def parse(cls, value: bytes) -> Envelope:
        data = json.loads(value)
        return cls(
            int(data["position"]),
            str(data["originator_id"]),
            int(data["originator_version"]),
            str(data["topic"]),
            base64.b64decode(data["state"]),
        )

    def notification(self) -> Notification:
        return Notification(
            id=self.position,
            originator_id=UUID(self.originator_id),
            originator_version=self.originator_version,
            topic=self.topic,
            state=self.state,
        )

"""The Kafka side shared by every consumer: subscribe, resume each assigned partition after the
offset its sink committed with its own writes, poll, hand records to the sink, commit."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from kafka import ConsumerRebalanceListener

Record = tuple[int, int, bytes]  # partition, offset, value


class Sink(Protocol):
    def apply(self, records: Sequence[Record]) -> object:
        """Called after every poll, with no records too (time-driven work may be due)."""
        ...

    def assigned(self, partitions: Sequence[int], partition_count: int) -> None:
        """The partitions this instance owns now, and how many the topic has."""
        ...

    def offsets(self, partitions: Iterable[int]) -> dict[int, int | None]: ...

    def revoked(self) -> None: ...


class PartitionedConsumer:
    def __init__(self, sink: Sink, consumer: Any, topic: str, max_records: int = 2000) -> None:
        self.sink = sink
        self.consumer = consumer
        self.max_records = max_records
        self.topic = topic
        self.newly_assigned: list[int] | None = None
        outer = self

        class ResumeFromSink(ConsumerRebalanceListener):  # type: ignore[misc]
            def on_partitions_revoked(self, revoked: Any) -> None:
                outer.sink.revoked()

            def on_partitions_assigned(self, assigned: Any) -> None:
                # The sink learns its partitions after the poll: a listener runs on the client's
                # IO thread, where the topic's metadata cannot be fetched.
                outer.newly_assigned = sorted(tp.partition for tp in assigned)
                stored = outer.sink.offsets(tp.partition for tp in assigned)
                for tp in assigned:
                    offset = stored[tp.partition]
                    if offset is None:
                        outer.consumer.seek_to_beginning(tp)
                    else:
                        outer.consumer.seek(tp, offset)

        consumer.subscribe([topic], listener=ResumeFromSink())

    def poll_once(self, timeout_ms: int = 500) -> int:
        finish_stranded_join(self.consumer)
        polled = self.consumer.poll(timeout_ms=timeout_ms, max_records=self.max_records)
        if self.newly_assigned is not None:
            count = len(self.consumer.partitions_for_topic(self.topic) or ())
            self.sink.assigned(self.newly_assigned, count)
            self.newly_assigned = None
        records = sorted((tp.partition, r.offset, r.value) for tp, rs in polled.items() for r in rs)
        self.sink.apply(records)
        if records:
            self.consumer.commit()  # informative only: the sink's own offsets are the truth
        return len(records)

    def run(self, stop: threading.Event, idle: Callable[[], None] = lambda: None) -> None:
        try:
            while not stop.is_set():
                if self.poll_once() == 0:
                    idle()
        finally:
            # Leaves the group at once: without it the broker keeps a stopped member's
            # partitions for the whole session timeout (45 s) before another instance gets them.
            self.consumer.close()


def finish_stranded_join(consumer: Any) -> None:
    """Makes the next poll finish a JoinGroup that kafka-python 3.0 would otherwise abandon.

    A join that outlasts a poll stays in flight for the next poll to finish, but a poll only
    looks at it while ``need_rejoin()`` holds. When new topic metadata caused the rebalance,
    the leader's assignment step clears that cause before the join is over, so the join is
    never finished: the consumer has revoked its partitions and keeps none
    (``tests/integration/test_kafka_rejoin.py``). Asking for the rejoin again makes the poll
    finish it (or join afresh if it is over). Private attributes, read defensively: another
    client version without them is left alone.
    """
    coordinator: Any = getattr(consumer, "_coordinator", None)
    if getattr(coordinator, "_join_task", None) is not None and not coordinator.need_rejoin():
        coordinator.request_rejoin()

"""Where every process keeps its position, and how far each has come.

Each position is a row of the view store's tracking table (the library's), written in the
transaction of the writes it covers. The names are spelled here only, so the writers (the log
runner, the Kafka consumers, the relay) and the readers (``banli projections status``,
``/metrics``) agree without knowing each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from projections import notices, notifications

if TYPE_CHECKING:
    from infra.view_store import ViewStoreBase


def view_position_name(view: str, generation: int) -> str:
    return f"view:{view}:g{generation}"


def kafka_offset_name(group: str, topic: str, partition: int) -> str:
    """The next offset of a partition a consumer group has applied."""
    return f"kafka:{group}:{topic}:{partition}"


def reminders_group(kafka_group: str) -> str:
    """The consumer group that keeps the notices in the Kafka shape (``NOTICE_VIEWS``)."""
    return f"{kafka_group}-reminders"


def kafka_calendar_name(group: str, topic: str, partition: int) -> str:
    """The calendar version a partition's cases were last derived with, in a consumer group."""
    return f"kafka-calendar:{group}:{topic}:{partition}"


def notices_log_name() -> str:
    """The last log position the embedded notices follower has noticed (no Kafka)."""
    return "notices:log"


# The read models the notices follower writes, at the position ``notices_log_name`` names.
NOTICE_VIEWS = (notices.NAME, notifications.NAME)


def relay_position_name(topic: str) -> str:
    """The last log position the broker acknowledged for ``topic``."""
    return f"relay:{topic}"


class Positions(Protocol):
    """The library's tracking recorder, as far as reading positions goes."""

    def max_tracking_id(self, application_name: str) -> int | None: ...


def consumer_offsets(
    store: Positions, group: str, topic: str, partitions: Iterable[int]
) -> dict[int, int | None]:
    """The next offset per partition as a consumer group committed it with its writes."""
    return {p: store.max_tracking_id(kafka_offset_name(group, topic, p)) for p in partitions}


def relay_position(store: Positions, topic: str) -> int:
    return store.max_tracking_id(relay_position_name(topic)) or 0


@dataclass(frozen=True)
class ViewStatus:
    """One generation of a read model: how far it has come and whether it stopped."""

    projection: str
    generation: int
    role: str  # active | building
    position: int
    lag: int  # events of the log it has yet to apply
    stopped_at: int | None  # the event it cannot apply, when stopped
    error: str | None


def view_status(store: ViewStoreBase, head: int) -> list[ViewStatus]:
    """Every read model's active (and any building) generation, against the log's ``head``.

    The notices' tables (``NOTICE_VIEWS``) are written by the notices follower, whose position
    is its own (``notices_log_name``): no runner moves their generations' positions, which read
    0 (a whole log behind, for ever, to an alert on lag).
    """
    failed = {(f.view, f.generation): f for f in store.failures()}
    noticed = store.max_tracking_id(notices_log_name())
    found = []
    for name, (active, building) in sorted(store.generations().items()):
        for generation, role in ((active, "active"), (building, "building")):
            if generation is None:
                continue
            position = store.positions([(name, generation)])[name] or 0
            if name in NOTICE_VIEWS and noticed is not None:
                position = max(position, noticed)
            failure = failed.get((name, generation))
            found.append(
                ViewStatus(
                    projection=name,
                    generation=generation,
                    role=role,
                    position=position,
                    lag=head - position,
                    stopped_at=failure.position if failure else None,
                    error=failure.error if failure else None,
                )
            )
    return found

"""What both transports hand the read models: stored events decoded as the views see them, and
the aggregates they apply to.

The log runner reads notifications from the store, the Kafka consumer from the relay's envelope;
both decode them here, with the store's own mapper (and cipher), and load an aggregate the
batch processor has not seen from the same store, so neither transport depends on the other.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Notification

from infra.application import BanliApplication
from projections.core import IndexFacts, StoredEventInfo
from projections.processor import CaseLoader, DecodedEvent


def loader(app: BanliApplication) -> CaseLoader:
    """Loads an aggregate at a version from the event store (a case the processor meets first
    in the middle of its stream)."""

    def load(aggregate_id: str, version: int) -> Aggregate:
        found: Aggregate = app.repository.get(UUID(aggregate_id), version=version)
        return found

    return load


def decode(
    app: BanliApplication,
    notification: Notification,
    index: IndexFacts | None = None,
    *,
    lazy: bool = False,
) -> DecodedEvent:
    """A stored event as the views see it, with its row of the time index when given.

    Decoded here, so an event that cannot be decoded fails its batch before any view sees it;
    ``lazy`` leaves decoding to the first view that needs it (a rebuild's pass of the views
    that read only the stored facts).
    """

    def domain_event() -> Aggregate.Event:
        event = app.mapper.to_domain_event(notification)
        if not isinstance(event, Aggregate.Event):
            # Every event in the log belongs to an aggregate; anything else cannot be applied.
            kind = type(event).__name__
            raise TypeError(f"event {notification.id} is a {kind}, not an aggregate's")
        return event

    info = StoredEventInfo(
        position=notification.id,
        originator_id=str(notification.originator_id),
        version=notification.originator_version,
        topic=notification.topic,
        state=notification.state,
        decode=domain_event,
        index=index,
    )
    if not lazy:
        info.event  # noqa: B018  (decoded now: see above)
    return DecodedEvent(info)

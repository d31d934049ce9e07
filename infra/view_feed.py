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
    app: BanliApplication, notification: Notification, index: IndexFacts | None = None
) -> DecodedEvent:
    """A stored event as the views see it, with its row of the time index when given."""
    event = app.mapper.to_domain_event(notification)
    if not isinstance(event, Aggregate.Event):
        # Every event in the log belongs to an aggregate; anything else cannot be applied.
        raise TypeError(f"event {notification.id} is a {type(event).__name__}, not an aggregate's")
    info = StoredEventInfo(
        position=notification.id,
        originator_id=str(notification.originator_id),
        version=notification.originator_version,
        topic=notification.topic,
        state=notification.state,
        event_type=type(event).__name__,
        recorded_at=event.timestamp,
        data=event.__dict__,
        index=index,
    )
    return DecodedEvent(info, event)

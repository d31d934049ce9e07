"""What the tamper chain is recomputed from: the event store merged with its time index.

Both are read straight from their tables (never from the chain view) up to one head fixed at
the start: an event and its index row commit in one transaction, so every index row at or below
that head belongs to an event that is already visible, and rows written meanwhile are not
mistaken for index rows without an event (rows above the head are looked at one by one).
"""

from __future__ import annotations

from collections.abc import Iterator

from eventsourcing.persistence import Notification

from infra.application import BanliApplication
from projections.chain_check import OrphanIndexRow, UnreadableEvent
from projections.core import IndexFacts
from projections.tamper_chain import ChainEntry

PAGE = 5000


def _index_rows(app: BanliApplication, head: int) -> Iterator[tuple[int, IndexFacts]]:
    after = 0
    while True:
        page = app.index.index_facts(after, head, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1][0]


Stored = ChainEntry | OrphanIndexRow | UnreadableEvent


def stored_chain(app: BanliApplication) -> Iterator[Stored]:
    """Every event up to the current head with its index row, and any index row without one."""
    head = app.recorder.max_notification_id() or 0
    index = _index_rows(app, head)
    pending = next(index, None)
    start = 1
    while start <= head:
        page = readable(app, start, head)
        if not page:
            break
        for n in page:
            position = n.position if isinstance(n, UnreadableEvent) else n.id
            while pending is not None and pending[0] < position:
                yield OrphanIndexRow(pending[0])
                pending = next(index, None)
            facts = None
            if pending is not None and pending[0] == position:
                facts = pending[1]
                pending = next(index, None)
            # The entry made once, with its index row (a copy per event was a tenth of this).
            yield n if isinstance(n, UnreadableEvent) else _entry(n, facts)
        start = position + 1
    while pending is not None:
        yield OrphanIndexRow(pending[0])
        pending = next(index, None)
    yield from _tail_orphans(app, head)


def _tail_orphans(app: BanliApplication, head: int) -> Iterator[OrphanIndexRow]:
    """Index rows above the head: new writes (each has its event) or rows of deleted events."""
    for position, _ in app.index.index_facts(head, None, PAGE):
        found = app.recorder.select_notifications(start=position, limit=1, stop=position)
        if not found:
            yield OrphanIndexRow(position)


def readable(
    app: BanliApplication, start: int, head: int, size: int = PAGE
) -> list[Notification | UnreadableEvent]:
    """A page of the log from ``start`` up to ``head``. A page the store cannot hand back is
    read again one position at a time, so that only the positions that fail are reported,
    each as unreadable, and every other event is still read."""
    try:
        return list(app.recorder.select_notifications(start, size, stop=head))
    except Exception:  # the driver's error for bytes no write put there: any of several kinds
        found: list[Notification | UnreadableEvent] = []
        position = start - 1
        while len(found) < size and position < head:
            position += 1
            try:
                found += app.recorder.select_notifications(position, 1, stop=position)
            except Exception as error:
                found.append(UnreadableEvent(position, f"{type(error).__name__}: {error}"))
        return found


def _entry(n: Notification, index: IndexFacts | None) -> ChainEntry:
    return ChainEntry(n.id, str(n.originator_id), n.originator_version, n.topic, n.state, index)

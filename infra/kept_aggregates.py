"""Aggregates kept between requests, good while the log holds no newer event of any of them.

A request that checks a session reads its session and its user: two reads of their events, each
a round trip and a decoding (a decryption too, with a cipher key). Kept, the same check asks the
store for the two aggregates' newest versions only (one indexed statement of the time index,
written in the transaction of each event) and reads the events again when either moved: a logout,
a disable or a password change still counts at the next request, as the store says it, not as
memory does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.domain import Aggregate

from infra.recorders import IndexQueries

# Kept together under one key (a session: its session and its user), least recently used
# dropped first: a bound, not a policy (a login is about 2 KB of objects).
MOST_KEPT = 10_000


class KeptAggregates:
    def __init__(self, index: IndexQueries, most: int = MOST_KEPT) -> None:
        self.index = index
        self.most = most
        self._kept: OrderedDict[Any, tuple[Aggregate, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def current(self, key: Any) -> tuple[Aggregate, ...] | None:
        """The aggregates kept under ``key`` if none of them has a newer event in the log;
        otherwise nothing (and they are dropped). Not to be changed: they are shared."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is None:
            return None
        versions = {str(a.id): a.version for a in kept}
        if self.index.latest_versions(list(versions)) == versions:
            return kept
        self.forget(key)
        return None

    def current_or_read(
        self, key: Any, read: Callable[[], Sequence[Aggregate] | None]
    ) -> tuple[Aggregate, ...] | None:
        """``current``, or else what ``read`` finds in the store now, kept for the next call;
        None when it finds nothing."""
        kept = self.current(key)
        if kept is not None:
            return kept
        found = read()
        if found is None:
            return None
        self.keep(key, found)
        return tuple(found)

    def keep(self, key: Any, aggregates: Sequence[Aggregate]) -> None:
        with self._lock:
            self._kept[key] = tuple(aggregates)
            self._kept.move_to_end(key)
            while len(self._kept) > self.most:
                self._kept.popitem(last=False)

    def forget(self, key: Any) -> None:
        with self._lock:
            self._kept.pop(key, None)

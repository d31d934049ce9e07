"""The 台账's row count (UI.md: every table shows one), kept per filter between reads instead of
counted over every case row per request: at 100k cases that count was most of a page's time.

A kept count is the set of case ids its filters selected, with the log position it is known
to reflect at least. A later read moves it by the cases the log names since: each of those is
looked at again, alone (the ledger's rows of a case are a function of its own events and the
calendar: ``projections.processor``). So the count a read answers reflects every event up to
the head it waited for (read-your-writes, API.md § Running), exactly as a full count would.
A calendar change (it moves every case's due dates, R-D7), a new generation of the ledger, a
long gap or another day (``as_of``: overdue is a matter of the day) start from a full read.

Only where the views follow the log by position (the embedded projections, ``banli
projections follow``): views fed from Kafka advance per partition, so "every event up to the
head" is not what their wait establishes, and there the count is taken in full.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from domain.deadlines.calendar_book import CALENDAR_BOOK_ID
from infra.services import Services
from infra.view_store import ViewStoreBase
from projections.ledger import CASES, ledger_case_ids, ledger_count

# Beyond this many events since a kept count, one full read is cheaper than the walk.
MOST_EVENTS_WALKED = 2_000
# Case ids held over the kept counts of one view store (≈ 100 bytes each): the oldest go first.
MOST_IDS_KEPT = 400_000
CALENDAR_BOOK = str(CALENDAR_BOOK_ID)


@dataclass
class _Kept:
    position: int  # the log position the ids reflect at least; -1 before the first read
    # The ids as a dict's keys, not a set: a set is a container the collector tracks, and
    # each full collection walked its 100k entries, 10-20 ms of a serving worker's CPU about
    # once a second under the command load (gc callbacks, issue 13); a dict holding only
    # strings is one CPython leaves untracked.
    ids: dict[str, None] = field(default_factory=dict)
    # Held while the count is brought forward: readers of one filter wait for one walk
    # instead of each walking, and the ids change in place (a copy of 100k ids per read
    # cost more than the walk).
    moving: threading.Lock = field(default_factory=threading.Lock)
    # More cases than a process keeps ids of: counted in full on every read, as before.
    too_many: bool = False


# Per view store (tests make many; an id could come back for another database), weakly held.
_KEPT: WeakKeyDictionary[ViewStoreBase, OrderedDict[tuple[Any, ...], _Kept]] = WeakKeyDictionary()
_LOCK = threading.Lock()


def ledger_total(svc: Services, head: int, as_of: date, selection: dict[str, Any]) -> int:
    """How many cases ``selection`` (``ledger_where``'s filters) picks as of ``as_of``, the
    ledger having been waited for up to ``head`` at least."""
    if svc.projections is None:  # fed from Kafka: see the module's docstring
        return ledger_count(svc.views, as_of=as_of, **selection)
    key = (svc.views.table(CASES), as_of, *sorted(_frozen(selection).items()))
    with _LOCK:
        counts = _KEPT.setdefault(svc.views, OrderedDict())
        kept = counts.setdefault(key, _Kept(-1))
        counts.move_to_end(key)
    with kept.moving:
        if kept.position < head and not kept.too_many:
            _move(svc, kept, head, as_of, selection)
        total = None if kept.too_many else len(kept.ids)
    with _LOCK:
        _trim(counts)
    return ledger_count(svc.views, as_of=as_of, **selection) if total is None else total


def _move(svc: Services, kept: _Kept, head: int, as_of: date, selection: dict[str, Any]) -> None:
    """``kept`` brought to ``head`` by the cases the log names since, or by a full read.
    Every read happens before the ids change, so a failed one leaves it as it was."""
    if kept.position >= 0 and head - kept.position <= MOST_EVENTS_WALKED:
        cases = svc.app.index.originators_between(kept.position, head)
        if CALENDAR_BOOK not in cases:
            found = ledger_case_ids(svc.views, as_of=as_of, among=sorted(cases), **selection)
            for case in cases:
                kept.ids.pop(case, None)
            kept.ids.update(dict.fromkeys(found))
            kept.position = head
            return
    # Counted first: a filter selecting more cases than are kept is not read id by id.
    if ledger_count(svc.views, as_of=as_of, **selection) > MOST_IDS_KEPT:
        kept.ids, kept.too_many = {}, True
        return
    kept.ids = dict.fromkeys(ledger_case_ids(svc.views, as_of=as_of, **selection))
    kept.position = head


def _frozen(selection: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in selection.items()}


def _trim(counts: OrderedDict[tuple[Any, ...], _Kept]) -> None:
    """Drops the least recently read counts while more ids than allowed are held."""
    held = sum(len(k.ids) for k in counts.values())
    while held > MOST_IDS_KEPT and len(counts) > 1:
        _, dropped = counts.popitem(last=False)
        held -= len(dropped.ids)

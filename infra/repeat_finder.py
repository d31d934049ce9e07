"""R-S4 on registration: earlier years' cases alike a new one, from the search read model.

The application asks before it registers a case (``BanliApplication.find_alike``); the domain
keeps those alike enough (``domain.rules.supervision.earlier_repeats``). The read model is
waited for briefly, as a read is; when it is behind or stopped the registration still goes on
with what it holds, since a missing suggestion is the office's to find, never a refusal.

It is waited for only as far as the search needs (``earlier_searchable``), not to the log's
head. What the search compares (number, year, kind, title, text) is written by a case's first
event alone (no event changes it, and a registration is not correctable, R-X2), and it asks
only for cases of the new case's kind from earlier years. So the view must hold the newest
registration of such a case: the assignments and replies since, and this year's
registrations, change nothing it reads. Under a steady load a registration waited for the view
keeper's batch in progress, 36 ms at the median: the slowest command of
``bench.http_commands`` (issue 13).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

from eventsourcing.persistence import Notification

from domain.case import Case
from domain.commands import RegisterCase
from domain.records import PossibleRepeat
from infra.application import BanliApplication
from infra.embedded import ViewStopped
from infra.services import Services
from infra.view_feed import decode
from projections.case_search import CaseSearchView, alike_cases

# Candidates the index proposes per column (title, text) before the domain's score decides.
CANDIDATES = 50
WAIT_SECONDS = 2.0
REGISTERED = "Registered"  # a case's first event
# Registrations looked at, newest first, for one the search needs; past them the view is
# waited for as far as the oldest looked at.
RECENT = 16


class Registrations:
    """Each case's kind and year, as its registration gave them (no event changes them), kept
    for the cases looked at lately: under a steady load the same few newest registrations are
    looked at by every registration that follows them. A case's id derives from its kind, year
    and number (``Case.create_id``), so what is noted for an id is what any case of that id
    holds, even a registration that was then refused."""

    def __init__(self, app: BanliApplication, size: int = 4096) -> None:
        self.app = app
        self.size = size
        self._known: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self._lock = threading.Lock()

    def note(self, kind: str, year: int, number: str) -> None:
        self._keep(str(Case.create_id(kind, year, number)), (kind, year))

    def kind_and_year(self, registered: Notification) -> tuple[str, int]:
        """Of the case a stored ``Registered`` event began, decoded when not known yet."""
        case_id = str(registered.originator_id)
        with self._lock:
            known = self._known.get(case_id)
        if known is None:
            event: Any = decode(self.app, registered).event  # a Case.Registered
            known = (str(event.kind), int(event.year))
            self._keep(case_id, known)
        return known

    def _keep(self, case_id: str, known: tuple[str, int]) -> None:
        with self._lock:
            self._known[case_id] = known
            self._known.move_to_end(case_id)
            while len(self._known) > self.size:
                self._known.popitem(last=False)


def earlier_searchable(
    svc: Services, registrations: Registrations, kind: str, year: int, timeout: float
) -> bool:
    """Whether the search view holds every registered case of ``kind`` from before ``year``,
    waiting up to ``timeout`` seconds for it (``ViewStopped`` when it stopped short).

    The newest registrations are read (one statement) and looked at from the newest back: one
    the view is known to hold holds every earlier one too; one of another kind or of this year
    or later is passed over; the first the search needs is waited for. Each look is made
    without a query: under a load every round trip to the database is milliseconds more of
    the command's answer."""
    views = (CaseSearchView.name,)
    recent = svc.app.index.newest_starts(REGISTERED, RECENT)
    for registered in recent:
        if svc.views_heard(views, registered.id):
            return True
        of_kind, of_year = registrations.kind_and_year(registered)
        if of_kind == kind and of_year < year:
            return svc.views_current(views, timeout=timeout, head=registered.id)
    if len(recent) < RECENT:
        return True  # none of them is searched for
    return svc.views_current(views, timeout=timeout, head=recent[-1].id)


def repeat_finder(svc: Services) -> Callable[[RegisterCase], Sequence[PossibleRepeat]]:
    registrations = Registrations(svc.app)

    def find(command: RegisterCase) -> Sequence[PossibleRepeat]:
        with suppress(ViewStopped):  # what a stopped view holds is still worth suggesting
            earlier_searchable(svc, registrations, command.kind, command.year, WAIT_SECONDS)
        registrations.note(command.kind, command.year, command.number)
        found = alike_cases(
            svc.views,
            title=command.title,
            text=command.text,
            kind=command.kind,
            before=command.year,
            limit=CANDIDATES,
        )
        return [PossibleRepeat(a.case_id, a.number, a.year, a.score) for a in found]

    return find

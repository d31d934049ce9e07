"""R-S4 on registration: earlier years' cases alike a new one, from the search read model.

The application asks before it registers a case (``BanliApplication.find_alike``); the domain
keeps those alike enough (``domain.rules.supervision.earlier_repeats``). The read model is
waited for briefly, as a read is; when it is behind or stopped the registration still goes on
with what it holds, since a missing suggestion is the office's to find, never a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress

from domain.commands import RegisterCase
from domain.records import PossibleRepeat
from infra.embedded import ViewStopped
from infra.services import Services
from projections.case_search import CaseSearchView, alike_cases

# Candidates the index proposes per column (title, text) before the domain's score decides.
CANDIDATES = 50
WAIT_SECONDS = 2.0


def repeat_finder(svc: Services) -> Callable[[RegisterCase], Sequence[PossibleRepeat]]:
    def find(command: RegisterCase) -> Sequence[PossibleRepeat]:
        with suppress(ViewStopped):  # what a stopped view holds is still worth suggesting
            svc.views_current((CaseSearchView.name,), timeout=WAIT_SECONDS)
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

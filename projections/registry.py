"""Every read model, listed once.

The log runner, the Kafka consumer, rebuild, status and the command line find the read models
here, so a new read model is its module in ``projections/`` and one line below (docs/decisions.md,
"A new read model"). The reminders' notices (``projections/notices.py``) are not listed: they
hold delivery marks no event records, so no runner may rebuild them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from projections.audit_trail import AuditTrailView
from projections.case_papers import CasePapersView
from projections.case_search import CaseSearchView
from projections.commitments import CommitmentView
from projections.core import CaseView, EventView, ReadModel, Table, Views
from projections.disclosures import DisclosureView
from projections.ledger import LedgerView
from projections.public_register import PublicRegisterView
from projections.tamper_chain import TamperChainView
from projections.unit_facts import UnitFactsView

# In the order the runners write them and status lists them.
CASE_VIEWS: tuple[Callable[[], CaseView], ...] = (
    LedgerView,
    UnitFactsView,
    DisclosureView,
    CommitmentView,
    CasePapersView,
    PublicRegisterView,
    CaseSearchView,
)
EVENT_VIEWS: tuple[Callable[[], EventView], ...] = (AuditTrailView, TamperChainView)


def views(names: Collection[str] | None = None, *, kafka_fed: bool = False) -> Views:
    """New instances of the read models in ``names`` (every one when None), or only of those
    the Kafka consumers keep. New for every run: an event view carries state between events
    (the chain's last hash) that must start from the store, not from another run."""

    def wanted(view: ReadModel) -> bool:
        return (names is None or view.name in names) and (view.kafka_fed or not kafka_fed)

    case = [view for view in (make() for make in CASE_VIEWS) if wanted(view)]
    event = [view for view in (make() for make in EVENT_VIEWS) if wanted(view)]
    return Views(case, event)


NAMES: tuple[str, ...] = tuple(views().names())
KAFKA_FED: tuple[str, ...] = tuple(views(kafka_fed=True).names())


def tables(names: Collection[str] | None = None) -> dict[str, Sequence[Table]]:
    """The tables of the read models in ``names`` (every one when None), by read model."""
    return views(names).tables()

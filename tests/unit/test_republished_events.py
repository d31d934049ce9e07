"""Events a restarted relay publishes again reach a Kafka consumer a second time; the ledger must
not step back to an older version of a case, however small the consumer's case cache."""

from __future__ import annotations

from pathlib import Path

from consumers.envelope import Envelope
from consumers.projection_consumer import KafkaProjections
from infra.application import BanliApplication
from infra.read_models import build_view_store
from infra.settings import Settings
from projections.ledger import CASES
from tests.support import Flow


def test_a_republished_event_never_takes_a_case_back_with_a_cache_of_one_R_S1(
    app: BanliApplication, tmp_path: Path
) -> None:
    """One poll holds A's three events, B's registration (which evicts A from a cache of one)
    and, re-published, A's second event: the batch must leave A at version 3, not write the
    second version over the third until the next poll happens to bring the third again."""
    store = build_view_store(Settings(data_dir=tmp_path / "views"))
    a = Flow(app, "A-1")
    a.assign()
    a.contact()
    Flow(app, "B-1")
    a1, a2, a3, b1 = app.recorder.select_notifications(start=1, limit=4)
    consumer = KafkaProjections(app, store, "group", "topic", cache_size=1)
    consumer.assigned([0], 1)
    polled = [a1, a2, a3, b1, a2]
    consumer.apply([(0, offset, Envelope.of(n).value()) for offset, n in enumerate(polled)])
    table = store.table(CASES)
    rows = store.fetch(f"SELECT number, version FROM {table} ORDER BY number", ())
    assert [(r["number"], r["version"]) for r in rows] == [("A-1", 3), ("B-1", 1)]

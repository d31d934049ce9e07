"""How long reads wait for the read models (read-your-writes) reaches ``/metrics``: while
commands run, that wait was a large part of the 台账 reads' tail (issue 13)."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import REGISTRY

from banli.compose import build_services
from infra.settings import Settings
from tests.random_history import RandomHistory


def read_waits() -> tuple[float, float]:
    count = REGISTRY.get_sample_value("banli_read_wait_seconds_count") or 0.0
    total = REGISTRY.get_sample_value("banli_read_wait_seconds_sum") or 0.0
    return count, total


def test_a_read_that_waits_for_the_projections_is_timed_with_its_wait(tmp_path: Path) -> None:
    svc = build_services(Settings(data_dir=tmp_path, cipher_key=None))
    try:
        RandomHistory(svc.app, 1, cases=2, calendar_every=10**9).run(3)
        count, total = read_waits()
        assert svc.views_current()
        assert read_waits()[0] == count + 1

        assert svc.projections is not None
        svc.projections.stop()  # the views stay where they are while the log grows
        RandomHistory(svc.app, 2, cases=2, calendar_every=10**9).run(3)
        count, total = read_waits()
        assert not svc.views_current(timeout=0.3)
        after_count, after_total = read_waits()
        assert after_count == count + 1
        assert after_total - total >= 0.3
    finally:
        svc.close()


def test_a_read_given_the_head_it_read_waits_for_that_head_only(tmp_path: Path) -> None:
    """A request that already asked the log's head (to remember its answer under it) waits for
    that position, not for what was committed since: read-your-writes needs no more, since the
    caller's own write came before the request."""
    svc = build_services(Settings(data_dir=tmp_path, cipher_key=None))
    try:
        RandomHistory(svc.app, 3, cases=2, calendar_every=10**9).run(3)
        assert svc.views_current()
        head = svc.app.recorder.max_notification_id() or 0
        assert svc.projections is not None
        svc.projections.stop()
        RandomHistory(svc.app, 4, cases=2, calendar_every=10**9).run(3)
        assert (svc.app.recorder.max_notification_id() or 0) > head
        assert svc.views_current(head=head, timeout=0.3)
        assert not svc.views_current(timeout=0.3)
    finally:
        svc.close()

"""How long reads wait for the read models (read-your-writes) reaches ``/metrics``: while
commands run, that wait was a large part of the 台账 reads' tail (issue 13)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from prometheus_client import REGISTRY

from banli.compose import build_services
from domain.case import Case
from domain.records import Proposer
from infra.repeat_finder import Registrations, earlier_searchable
from infra.settings import Settings
from tests.random_history import RandomHistory
from tests.support import Flow


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


def test_R_S4_a_registration_waits_only_for_the_earlier_cases_it_searches(
    tmp_path: Path,
) -> None:
    """What the repeat search reads is written by registrations alone, and it reads only
    earlier years' cases of the new case's kind: with the views held behind an assignment and
    behind this year's registrations, a 2025 suggestion's search has every case it needs; a
    later 2024 suggestion it needs, a 2024 proposal it does not."""
    svc = build_services(Settings(data_dir=tmp_path, cipher_key=None))
    try:
        flow = Flow(svc.app, "2024-001", year=2024, received_on=date(2024, 1, 20))
        assert svc.views_current()
        assert svc.projections is not None
        svc.projections.stop()
        flow.assign()
        Flow(svc.app, "2025-001")
        member = [Proposer(name="陈委员", type="member", role="lead")]
        Flow(svc.app, "P-2024-9", "proposal", member, date(2024, 1, 20), 2024)
        assert not svc.views_current(timeout=0.1)
        known = Registrations(svc.app)
        assert earlier_searchable(svc, known, "suggestion", 2025, timeout=0.1)
        assert not earlier_searchable(svc, known, "proposal", 2025, timeout=0.1)
        Flow(svc.app, "2024-002", year=2024, received_on=date(2024, 1, 21))
        assert not earlier_searchable(svc, known, "suggestion", 2025, timeout=0.1)
        assert earlier_searchable(svc, known, "suggestion", 2024, timeout=0.1)  # not its year
    finally:
        svc.close()


def test_R_S4_a_registrations_kind_and_year_are_decoded_once_or_known_from_the_id(
    tmp_path: Path,
) -> None:
    svc = build_services(Settings(data_dir=tmp_path, cipher_key=None))
    try:
        Flow(svc.app, "2024-001", year=2024, received_on=date(2024, 1, 20)).assign()
        known = Registrations(svc.app)
        [stored] = svc.app.index.newest_starts("Registered", 1)
        assert known.kind_and_year(stored) == ("suggestion", 2024)
        # Known now: the stored state is not decoded again.
        assert known.kind_and_year(replace(stored, state=b"not an event")) == ("suggestion", 2024)
        # Noted from a registration's command: its derived id tells the rest.
        known.note("proposal", 2023, "P-7")
        noted = replace(stored, originator_id=Case.create_id("proposal", 2023, "P-7"))
        assert known.kind_and_year(replace(noted, state=b"")) == ("proposal", 2023)
    finally:
        svc.close()

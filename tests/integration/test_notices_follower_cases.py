"""The embedded notices follower judges the cases as the log's pages leave them, applying each
page's events to the cases it holds (``consumers/notices_follower.py``) instead of reading every
touched case back from the store. After every few commands of a random lawful history (new
cases, every act a case allows, calendar loads) the cases it judged must be the stored ones and
owe the same notices (R-S1, R-S3, R-F4), also when it holds fewer cases than the history has
and when it starts again with none held."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest

from banli.compose import build_services, notices_follower
from consumers.notices_follower import NoticesFollower
from domain.case import Case
from infra.services import Services
from infra.settings import Settings
from tests.random_history import RandomHistory

TODAY = date(2026, 9, 1)


class Judged:
    """What the follower judged in its rounds, and how often it read a case from the store."""

    def __init__(self, follower: NoticesFollower) -> None:
        self.cases: list[Case] = []
        self.store_reads = 0
        self.watch(follower)
        notice_cases = follower.reminders.notice_cases

        def recording(cases: Iterable[Case], trackings: Any = ()) -> None:
            cases = list(cases)
            self.cases += cases
            notice_cases(cases, trackings)

        follower.reminders.notice_cases = recording  # type: ignore[method-assign]

    def watch(self, follower: NoticesFollower) -> None:
        load = follower.cases.load_case

        def counted(case_id: str, version: int) -> Any:
            self.store_reads += 1
            return load(case_id, version)

        follower.cases.load_case = counted


def _follower(settings: Settings, svc: Services, held: int) -> NoticesFollower:
    follower = notices_follower(settings, svc.app, svc.views, lambda: TODAY)
    follower.cases.cache_size = held
    return follower


@pytest.mark.parametrize(("seed", "held", "page"), [(4, 10_000, 500), (9, 3, 500), (6, 10_000, 4)])
def test_cases_folded_from_the_log_are_the_stored_ones_and_owe_the_same_R_S1_R_S3(
    store_settings: Settings, monkeypatch: pytest.MonkeyPatch, seed: int, held: int, page: int
) -> None:
    """With pages of 4 events a round reads a backlog: a case is judged only on the page that
    holds its newest event, never as an earlier page left it (its later events may meet what
    that state owes today)."""
    monkeypatch.setattr("consumers.notices_follower.BATCH", page)
    svc = build_services(store_settings)
    try:
        follower = _follower(store_settings, svc, held)
        judged = Judged(follower)
        history = RandomHistory(svc.app, seed, cases=12, calendar_every=15)
        restarted = False
        for round_ in range(30):
            history.run(5)
            if round_ == 20 and held < 100:
                # A restart: nothing held, the cases met in the middle of their streams.
                follower.cases = _follower(store_settings, svc, held).cases
                judged.watch(follower)
                restarted = True
            judged.cases = []
            while follower.follow_once():  # the log, without the sweep's cases
                pass
            assert judged.cases, round_
            folded = sorted(judged.cases, key=lambda c: str(c.id))
            stored = follower.reminders._stored(str(c.id) for c in folded)
            assert [vars(c) for c in folded] == [vars(c) for c in stored], round_
            assert follower.reminders._notices(judged.cases) == follower.reminders._notices(stored)
        if held >= 100:
            # Every case was met from its first event and kept: no stream read back.
            assert judged.store_reads == 0
        else:
            assert restarted and judged.store_reads > 0
    finally:
        svc.close()

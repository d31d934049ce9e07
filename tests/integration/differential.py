"""What the differential tests share: the seed of a run, and a row-for-row comparison of the
views a transport kept with the ones a fresh rebuild gives."""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from domain.deadlines.case_deadlines import case_deadlines
from tests.random_acts import TODAY
from tests.random_history import RandomHistory

Rows = Mapping[str, Sequence[dict[str, Any]]]

SEED_ENV = "BANLI_DIFF_SEED"


def history_seed() -> int:
    """``BANLI_DIFF_SEED`` replays a failed run; otherwise every run tries a new history."""
    given = os.environ.get(SEED_ENV)
    return int(given) if given else random.SystemRandom().randrange(1_000_000)


def reproduce(seed: int) -> str:
    return f"{SEED_ENV}={seed} reproduces this history"


def point_ahead(rng: random.Random, reached: int, head: int) -> int:
    """Where to kill a process: a random position past the one it has ``reached`` (the head
    when it is there already), so it is killed with work in hand if it has any."""
    return rng.randint(min(reached + 1, head), head)


def assert_same_rows(kept: Rows, rebuilt: Rows, seed: int) -> None:
    """Every table equal row for row; on a drift, the rows only one side has, per table."""
    assert sorted(kept) == sorted(rebuilt), reproduce(seed)
    drifts = []
    for table in sorted(rebuilt):
        if kept[table] == rebuilt[table]:
            continue
        kept_rows = {_frozen(r) for r in kept[table]}
        rebuilt_rows = {_frozen(r) for r in rebuilt[table]}
        only_kept = [dict(r) for r in sorted(kept_rows - rebuilt_rows, key=repr)][:3]
        only_rebuilt = [dict(r) for r in sorted(rebuilt_rows - kept_rows, key=repr)][:3]
        drifts.append(f"{table}:\n  kept only {only_kept}\n  rebuilt only {only_rebuilt}")
    assert not drifts, f"{reproduce(seed)}; views drifted from the store:\n" + "\n".join(drifts)


def _frozen(row: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(row.items()))


# A history without these proves little: every run must have reached them.
EXERCISED_EVENTS = frozenset(
    {
        "Assigned",
        "CoOpinionDelivered",
        "ReplySubmitted",
        "ReplyDecided",
        "ReplyIssued",
        "FeedbackRecorded",
        "YearScheduleLoaded",
    }
)


# How a deadline's derivation says a loaded holiday moved it (R-D7).
MOVED_BY_HOLIDAY = "holiday/rest day →"

# Commands a history may be lengthened by, in all, until it has reached them.
MOST_STEPS = 600


def run_until_exercised(history: RandomHistory, steps: int) -> None:
    """``steps`` commands of the history, then more, 25 at a time, until its log holds every
    event the comparison needs (``EXERCISED_EVENTS``, two calendar loads) and its cases the
    deadlines it needs (``deadlines_not_reached``), or ``MOST_STEPS`` were run. The seed
    still decides everything; an unlucky one (395761: no feedback after 150 commands; 591103:
    no deadline in 2027) would otherwise fail the test on its history rather than on the
    views."""
    done = 0
    while done < MOST_STEPS:
        history.run(steps)
        done += steps
        notifications = history.app.recorder.select_notifications(start=1, limit=1_000_000)
        reached = not not_reached(n.topic.rsplit(".", 1)[-1] for n in notifications)
        if reached and not deadlines_not_reached(history):
            return
        steps = 25


def deadlines_not_reached(history: RandomHistory) -> list[str]:
    """What the history's cases still lack of the deadlines ``assert_history_exercised``
    looks for in the views, judged by the domain as the views derive them: one due in 2027
    (where only a loaded schedule moves dates) and one a loaded holiday moved (R-D7)."""
    calendar = history.app.stored_calendar.at()
    deadlines = [
        d
        for case_id in history.last_act
        for d in case_deadlines(history.case(case_id), calendar, TODAY)
    ]
    missing = []
    if not any(d.due_on >= date(2027, 1, 1) for d in deadlines):
        missing.append("a deadline due in 2027")
    if not any(MOVED_BY_HOLIDAY in d.derivation for d in deadlines):
        missing.append("a deadline a holiday moved")
    return missing


def not_reached(event_types: Iterable[str]) -> list[str]:
    """What a log of these event types still lacks of what the comparison needs: each of
    ``EXERCISED_EVENTS``, and a second calendar load."""
    counts = Counter(event_types)
    missing = sorted(EXERCISED_EVENTS - set(counts))
    if counts["YearScheduleLoaded"] < 2:
        missing.append("a second YearScheduleLoaded")
    return missing


def assert_history_exercised(rows: Rows, seed: int) -> None:
    """The compared views hold what the test is about: several calendar loads, deadlines in
    the next year, and due dates that a loaded holiday moved (R-D7)."""
    missing = not_reached(r["event_type"] for r in rows["audit_events"])
    assert not missing, f"{reproduce(seed)}; the history never reached {missing}"
    deadlines = rows["ledger_deadlines"]
    assert any(d["due_on"] >= "2027-01-01" for d in deadlines), reproduce(seed)
    assert any(MOVED_BY_HOLIDAY in d["derivation"] for d in deadlines), reproduce(seed)

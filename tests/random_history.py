"""Random but lawful histories of many cases, driven through ``BanliApplication``.

A seeded ``random.Random`` picks, step by step, a case and one command its state allows
(``tests.random_acts``), or a new case, or a working-day calendar load
(``tests.random_calendar``). Cases are received and assigned all through 2026, so those of its
last months have deadlines in 2027, where the package has no schedule until one is loaded
(R-D7). Each case's business dates only move forward, so no date rule can refuse an act.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from domain import commands as cmd
from domain.case import Case
from domain.records import Actor
from infra.application import BanliApplication
from tests.random_acts import TODAY, CaseActs
from tests.random_calendar import load_random_schedule
from tests.support import OFFICE, ctx, deputies


class RandomHistory:
    """Appends ``steps`` commands at a time; ``seed`` alone reproduces the whole history."""

    def __init__(
        self, app: BanliApplication, seed: int, *, cases: int = 16, calendar_every: int = 25
    ) -> None:
        self.app = app
        self.seed = seed
        self.rng = random.Random(seed)
        self.max_cases = cases
        self.calendar_every = calendar_every
        self.last_act: dict[str, date] = {}  # case id -> its latest business date
        self.focus: str | None = None  # the case worked on last

    # ------------------------------------------------------------------ driving

    def run(self, steps: int) -> None:
        for _ in range(steps):
            self.step()

    def step(self) -> None:
        rng = self.rng
        if rng.randrange(self.calendar_every) == 0:
            self.load_calendar()
        elif (len(self.last_act) < self.max_cases and rng.random() < 0.25) or not self.last_act:
            self.register()
        else:
            # Work comes in bursts on one case, so lifecycles get deep (further replies).
            if self.focus is None or rng.random() < 0.4:
                self.focus = rng.choice(sorted(self.last_act))
            self.act(self.focus)

    def load_calendar(self) -> None:
        """A schedule for 2026 or 2027, its holidays on the cases' due dates (R-D7)."""
        cases = [self.case(i) for i in sorted(self.last_act)]
        load_random_schedule(self.app, self.rng, cases, OFFICE, TODAY)

    def case(self, case_id: str) -> Case:
        return self.app.get_case(case_id)

    def register(self) -> None:
        rng = self.rng
        received = date(2026, 1, 5) + timedelta(days=rng.randrange(355))
        registration = cmd.RegisterCase(
            number=f"H{self.seed}-{len(self.last_act) + 1:03d}",
            kind="suggestion",
            level="provincial",
            year=2026,
            title="关于随机历史的建议",
            proposers=deputies("张三", "李四")[: rng.randint(1, 2)],
            received_on=received,
        )
        result = self.app.register(ctx(OFFICE, TODAY), registration)
        self.last_act[result.case_id] = received

    def act(self, case_id: str) -> None:
        case = self.case(case_id)
        options = CaseActs(case, self.next_date, self.command, self.rng).options()
        if not options:
            return
        weights = [w for w, _ in options]
        _, chosen = self.rng.choices(options, weights=weights)[0]
        chosen()

    # ------------------------------------------------------------------ helpers for acts

    def next_date(self, case_id: str, most: int = 30) -> date:
        """A business date on or after the case's latest act, so no date rule can refuse it."""
        on = min(TODAY, self.last_act[case_id] + timedelta(days=self.rng.randint(0, most)))
        self.last_act[case_id] = on
        return on

    def command(self, actor: Actor, command: cmd.CaseCommand) -> Any:
        return self.app.execute(ctx(actor, TODAY), command)

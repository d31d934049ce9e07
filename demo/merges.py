"""Running a planned group: a single case, or merged cases answered by one reply (R-M1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from demo.actors import OFFICE
from demo.context import Demo
from demo.plan import CasePlan
from demo.story import Story
from domain import commands as c


def run_group(demo: Demo, plans: Sequence[CasePlan]) -> None:
    if len(plans) == 1:
        Story(demo, plans[0]).run()
        return
    stories = [Story(demo, p) for p in plans]
    for story in stories:
        story.open()
    primary, partners = stories[0], stories[1:]
    merged_on = max(s.on for s in stories) + timedelta(days=demo.rng.randint(1, 3))
    merge = c.MergeCases(case_ids=tuple(s.case_id for s in stories), occurred_on=merged_on)
    demo.app.merge(demo.ctx(OFFICE), merge)
    primary.on = merged_on
    primary.partner_refused = any(s.consent is not None and not s.consent[0] for s in partners)
    primary.finish()
    assert primary.issued_on is not None, "merge groups are planned on time"
    for story in partners:
        _after_merged_reply(story, primary.issued_on)


def _after_merged_reply(story: Story, issued_on: date) -> None:
    """A partner case, answered by the primary's reply: its own feedback and follow-up call."""
    story.on = max(story.on, issued_on)
    if story.plan.verdict is not None:
        story.feedback(story.plan.verdict)
    story.follow_up()

"""Special stories marked on planned cases: merges, reassignments, late arrivals, gaps.

Each function picks its cases from the plans with the planner's generator, in the order the
planner calls them, so a seed always marks the same cases.
"""

from __future__ import annotations

import random
from datetime import date

from demo.dates import between
from demo.plan import CasePlan
from demo.scale import scaled_share
from demo.units import UNITS

MERGE_GROUPS = (("EDU", 3), ("HEA", 2), ("HRS", 2), ("ENV", 2))
REASSIGNMENTS = (("approved_restart", "IND"), ("approved", "COM"), ("rejected", "CIV"))
RULING = ("ruled", "NRC")
RECENT_UNITS = ("HRS", "CIV", "COM")  # national items forwarded late, not yet due


def eligible(plans: list[CasePlan], unit: str) -> list[CasePlan]:
    """The unit's on-time lead cases that carry no other special story yet."""
    return [
        p
        for p in plans
        if p.unit == unit
        and p.outcome == "on_time"
        and p.merge_group is None
        and p.reassignment is None
    ]


def _pick(rng: random.Random, plans: list[CasePlan], unit: str) -> CasePlan | None:
    """One eligible case of ``unit``, or None when it has none left."""
    candidates = eligible(plans, unit)
    return rng.choice(candidates) if candidates else None


def merge(rng: random.Random, scale: float, plans: list[CasePlan]) -> None:
    """R-M1: similar cases of the same kind and unit, answered by one reply."""
    for group, (unit, size) in enumerate(scaled_share(MERGE_GROUPS, scale)):
        candidates = [
            p
            for p in eligible(plans, unit)
            if p.kind == "suggestion" and p.assigned_on.month == 2  # one session batch
        ]
        if len(candidates) < size:
            continue
        members = rng.sample(candidates, size)
        for p in members:
            p.merge_group = group
            p.returned = False  # keeps the merged reply within its three months
            p.subject = members[0].subject
            if p.verdict == "dissatisfied":
                p.verdict = "basically_satisfied"


def reassign(rng: random.Random, plans: list[CasePlan]) -> None:
    """R-A2/R-A3: two approved requests, one rejected, one ruling after two rounds."""
    for story, unit in (*REASSIGNMENTS, RULING):
        plan = _pick(rng, plans, unit)
        if plan is None:
            continue
        plan.reassignment = story
        others = [u.code for u in UNITS if u.code != unit and u.code not in plan.co]
        earlier = {"rejected": 0, "ruled": 2}.get(story, 1)
        plan.earlier_units = rng.sample(others, earlier)


def make_recent(rng: random.Random, scale: float, plans: list[CasePlan]) -> None:
    """National items forwarded between sessions and assigned lately: not yet due."""
    for unit in scaled_share(RECENT_UNITS, scale):
        plan = _pick(rng, plans, unit)
        if plan is None:
            continue
        plan.level, plan.outcome, plan.verdict = "national", "recent", None
        plan.received_on = between(rng, date(2026, 4, 1), date(2026, 4, 15))
        plan.assigned_on = between(rng, date(2026, 4, 20), date(2026, 5, 15))


def missing_co_opinions(rng: random.Random, plans: list[CasePlan]) -> None:
    """R-R2: two replies issued on an override; one missing opinion arrives afterwards."""
    candidates = [
        p for p in plans if p.outcome == "on_time" and p.merge_group is None and set(p.co) - {"FIN"}
    ]
    chosen = rng.sample(candidates, min(2, len(candidates)))
    for plan, arrives in zip(chosen, (True, False), strict=False):
        plan.missing_co = rng.choice([u for u in plan.co if u != "FIN"])
        plan.missing_co_arrives = arrives


def late_further_reply(rng: random.Random, plans: list[CasePlan]) -> None:
    """R-D3: one dissatisfied case whose further reply misses its 30 days."""
    dissatisfied = [p for p in plans if p.verdict == "dissatisfied"]
    if dissatisfied:
        rng.choice(dissatisfied).late_further = True

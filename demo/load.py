"""Loading the demo year: plan it with the seed's generator, then run every group in order."""

from __future__ import annotations

import random

from demo.context import Demo
from demo.earlier_year import load_earlier_year
from demo.merges import run_group
from demo.planner import Planner
from demo.summary import DemoSummary, summary_of
from infra.application import BanliApplication


def load_demo(
    app: BanliApplication, *, seed: int = 2018, scale: float = 1.0, earlier_year: bool = False
) -> DemoSummary:
    """Loads the seeded demo year into ``app``; the same seed and scale give the same events.
    ``earlier_year`` first registers last year's cases that the demo year repeats, and near
    misses that it does not (``demo.earlier_year``, R-S4)."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = random.Random(seed)
    groups = Planner(rng, scale).plan()
    demo = Demo(app, rng)
    if earlier_year:
        load_earlier_year(demo)
    for group in groups:
        run_group(demo, group)
    plans = [p for g in groups for p in g]
    return summary_of(demo, plans)

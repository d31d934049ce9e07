"""The load's own tally: cases, events, lead and co cases per unit, issued replies by class."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from demo.context import Demo
from demo.plan import CasePlan
from demo.units import UNITS

CLASSES = "ABC"


@dataclass(frozen=True)
class DemoSummary:
    cases: int
    events: int
    lead_cases: dict[str, int]  # unit → lead cases (R-V2 bucket)
    co_cases: dict[str, int]  # unit → co-handled cases
    replies_by_class: dict[str, int]  # A/B/C → issued replies, further replies included
    unit_replies: dict[str, dict[str, int]]  # unit → A/B/C → issued replies


def class_totals(counts: Iterable[Counter[str]]) -> Counter[str]:
    """Issued replies by class, summed over units."""
    total: Counter[str] = Counter()
    for unit_counts in counts:
        total.update(unit_counts)
    return total


def by_class(counts: Counter[str]) -> dict[str, int]:
    return {c: counts[c] for c in CLASSES}


def summary_of(demo: Demo, plans: Sequence[CasePlan]) -> DemoSummary:
    lead = Counter(p.unit for p in plans if p.unit is not None and not p.reference)
    co = Counter(u for p in plans for u in p.co)
    return DemoSummary(
        cases=len(plans),
        events=demo.events_written(),
        lead_cases={u.code: lead[u.code] for u in UNITS},
        co_cases={u.code: co[u.code] for u in UNITS},
        replies_by_class=by_class(class_totals(demo.replies.values())),
        unit_replies={u: by_class(counts) for u, counts in sorted(demo.replies.items())},
    )

"""The ledger's stored overdue interval (``deadline_periods.overdue_cover``): the days a case
has an overdue deadline, as one interval and whether it has gaps, against the rule it stands
for (``UNMET``: valid that day, past due, neither met nor missed by then)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from projections.deadline_periods import overdue_cover

START = date(2025, 1, 1)


def day(n: int | None) -> str | None:
    return None if n is None else (START + timedelta(n)).isoformat()


def overdue_on(row: dict[str, Any], x: str) -> bool:
    return (
        row["valid_from"] <= x
        and (row["valid_until"] is None or row["valid_until"] > x)
        and row["due_on"] < x
        and (row["met_on"] is None or row["met_on"] > x)
        and (row["missed_on"] is None or row["missed_on"] > x)
    )


offsets = st.integers(min_value=0, max_value=40)
maybe = st.none() | offsets
rows = st.lists(
    st.fixed_dictionaries(
        {
            "valid_from": offsets,
            "valid_until": maybe,
            "due_on": offsets,
            "met_on": maybe,
            "missed_on": maybe,
        }
    ).map(lambda r: {k: day(v) for k, v in r.items()}),
    max_size=4,
)


@given(rows)
def test_the_interval_decides_every_day_unless_it_has_gaps(periods: list[dict[str, Any]]) -> None:
    cover = overdue_cover(periods)
    for n in range(-1, 45):
        x = str(day(n))
        exact = any(overdue_on(row, x) for row in periods)
        inside = (
            cover.start is not None and cover.start <= x and (cover.end is None or cover.end > x)
        )
        if not inside:
            assert not exact, (x, cover)
        elif not cover.gaps:
            assert exact, (x, cover)


def test_a_deadline_met_before_a_later_one_falls_due_leaves_a_gap() -> None:
    met = {"valid_from": day(0), "due_on": day(5), "met_on": day(9)}
    met |= {"valid_until": None, "missed_on": None}
    later = {**met, "due_on": day(20), "met_on": None}
    cover = overdue_cover([met, later])
    assert (cover.start, cover.end, cover.gaps) == (day(6), None, True)
    assert overdue_cover([met]) == type(cover)(day(6), day(9), False)
    assert overdue_cover([]) == type(cover)()

"""The read bench's load (``bench/http_ledger_reads.py``) is built with the domain's own commands:
a rule that comes to refuse one of its acts stops the bench after minutes of loading (R-F1's
comments did), so every kind of case it makes is built here first."""

from __future__ import annotations

from datetime import date

from bench.http_ledger_reads import build_load_case


def test_every_case_the_read_bench_loads_is_one_the_rules_accept_R_F1() -> None:
    # The mix repeats every 20 cases (its buckets and the dissatisfied one in twenty).
    built = [build_load_case(i, date(2026, 12, 6)) for i in range(40)]
    assert all(built)
    verdicts = {getattr(event, "verdict", None) for events in built for event in events} - {None}
    assert verdicts == {"satisfied", "dissatisfied"}

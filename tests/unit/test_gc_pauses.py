"""A serving process's garbage-collection pauses reach /metrics (issue 13: they were the 台账
reads' p99 outliers)."""

from __future__ import annotations

import gc

from prometheus_client import REGISTRY

from infra import gc_pauses


def full_pauses() -> float:
    found = REGISTRY.get_sample_value("banli_gc_pause_seconds_count", {"generation": "2"})
    return found or 0.0


def test_each_collection_is_timed_once_and_observed_at_the_next_flush() -> None:
    gc_pauses.watch()
    gc_pauses.watch()  # the serving process calls it once; twice must not time twice
    try:
        assert gc.callbacks.count(gc_pauses._note) == 1
        gc_pauses.flush()
        before = full_pauses()
        gc.collect()
        gc_pauses.flush()
        assert full_pauses() >= before + 1
        sums = REGISTRY.get_sample_value("banli_gc_pause_seconds_sum", {"generation": "2"})
        assert sums is not None and sums > 0
    finally:
        gc.callbacks.remove(gc_pauses._note)

"""How long Python's cyclic garbage collector stops a serving process, for ``/metrics``.

A collection stops every thread of its process, and whatever request is under way waits it
out: such pauses were the 台账 reads' p99 outliers twice (issue 13: a start-up heap walked by
every full collection, then a set of 100k case ids). The collector's own callbacks time each
collection. They only note the time: observing into a metric takes ``prometheus_client``'s
lock, which the code the collection interrupted may be holding (a deadlock), so ``flush``
observes what was noted, after each request (``api/telemetry.py``).
"""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Any

from prometheus_client import Histogram

GC_PAUSE_SECONDS = Histogram(
    "banli_gc_pause_seconds",
    "Time Python's cyclic garbage collector stopped this process, by generation (2: full).",
    ["generation"],
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0),
)
# Pauses noted and not yet observed; a process that serves no request (a follower) keeps only
# the latest ones.
_noted: deque[tuple[int, float]] = deque(maxlen=10_000)
_began = [0.0]


def _note(phase: str, info: dict[str, Any]) -> None:
    # Runs inside the collection, which no allocation here can start again.
    if phase == "start":
        _began[0] = time.perf_counter()
    else:
        _noted.append((int(info["generation"]), time.perf_counter() - _began[0]))


def watch() -> None:
    """From now on, this process's collections are timed (once, however often called)."""
    if _note not in gc.callbacks:
        gc.callbacks.append(_note)


def flush() -> None:
    """Observes the pauses noted since the last flush."""
    while True:
        try:
            generation, seconds = _noted.popleft()
        except IndexError:  # none left (another request's flush may have taken the last)
            return
        GC_PAUSE_SECONDS.labels(str(generation)).observe(seconds)

"""What worker processes report, gathered by the process that started them: the rebuild's
fill (``infra/rebuild_fill.py``) and the split recomputation (``infra/split_recompute.py``)
wait for theirs the same way.

A report is ``(kind, process index, value)``: ``"failed"`` with the error's words, ``"done"``
with the process's answer, or a kind of the caller's own (progress).
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator, Mapping
from typing import Any

Report = tuple[str, int, Any]

POLL_SECONDS = 0.5  # how often the processes are looked at while none reports


def gathered(
    running: Mapping[int, Any], reports: Any, *, what: str, stall_seconds: float
) -> Iterator[Report]:
    """Every report, ``"done"`` ones too, until each process in ``running`` (by index) has said
    ``"done"``. Raises ``RuntimeError`` when one reports ``"failed"``, exits without saying
    ``"done"``, or when none reports for ``stall_seconds`` (stuck, not slow)."""
    finished: set[int] = set()
    heard = time.monotonic()
    while len(finished) < len(running):
        try:
            kind, index, value = reports.get(timeout=POLL_SECONDS)
        except queue.Empty:
            _check_alive(running, finished, what)
            _check_heard(time.monotonic() - heard, stall_seconds, what)
            continue
        heard = time.monotonic()
        if kind == "failed":
            raise RuntimeError(f"{what} process {index}: {value}")
        if kind == "done":
            finished.add(index)
        yield kind, index, value


def _check_alive(running: Mapping[int, Any], finished: set[int], what: str) -> None:
    # Exited cleanly: its last report may still be on its way (it was sent before the exit).
    for index, process in running.items():
        if index not in finished and not process.is_alive() and process.exitcode != 0:
            raise RuntimeError(f"{what} process {index} exited with {process.exitcode}")


def _check_heard(silent: float, stall_seconds: float, what: str) -> None:
    if silent > stall_seconds:
        raise RuntimeError(f"no {what} process reported for {silent:.0f} s (stuck)")

"""A recomputation of the case views split across processes, one per core: at 10⁶ events it is
the largest stage of a verify (54 s of one core) and all of an export at a past position.

The processes are spawned, not forked. The process that asks is often the API's, whose other
threads (its server, the view keeper) may hold a lock at the moment of a fork, and a forked
child would wait on it for ever (``infra/rebuild_fill.py``'s ``STALL_SECONDS``). A spawned one
starts clean, opens the event store from the application's environment and the scratch store by
its path, takes every n-th chunk of cases, and writes their rows through a bulk writer of its
own (``case_recompute.fill_chunks``, as the asking process does when not split). The parent only
waits, tells ``progress`` the cases done, and gathers the damaged cases each names.

Anything wrong (a process that cannot open a store, dies or falls silent) and ``recompute``
answers None: the caller empties the scratch tables and does every chunk itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from infra.application import BanliApplication
from infra.case_recompute import Chunk, Plan, fill_chunks
from infra.process_reports import gathered

log = logging.getLogger(__name__)

# Spawning costs a process about a second (a fresh interpreter imports the domain and the
# stores): below this many chunks (10,000 cases at 500 a chunk) one process is as quick.
SPLIT_FROM_CHUNKS = 20
# How long the parent waits for a word from any process before it gives the split up. A chunk
# of 500 cases takes under a second; a process silent this long is stuck.
STALL_SECONDS = 120.0
# One split at a time in a process: exports at a past position asked at once (each its own
# request) would otherwise each start a process per core. The others recompute in the process
# that asked, as below the floor.
_ONE_AT_A_TIME = threading.Lock()
# The processes' niceness: the scheduler gives a busy asking process (nice 0) about ten times
# their share of a core they contend for.
NICENESS = 10


def processes_for(chunks: int) -> int:
    """How many processes to split ``chunks`` across: one per core, none below the floor."""
    if chunks < SPLIT_FROM_CHUNKS:
        return 1
    return min(os.cpu_count() or 1, chunks)


def start(plan: Plan, chunks: Sequence[Chunk], processes: int | None = None) -> Split | None:
    """Starts filling ``plan``'s scratch tables with the chunks' cases across ``processes`` (one
    per core when None); None when it is not split (too few chunks) or could not start."""
    count = processes or processes_for(len(chunks))
    if count <= 1 or not _ONE_AT_A_TIME.acquire(blocking=False):
        return None
    split = None
    try:
        context = multiprocessing.get_context("spawn")
        reports: Any = context.Queue()
        running = {
            index: context.Process(
                target=_share, args=(plan, chunks[index::count], index, reports), daemon=True
            )
            for index in range(count)
        }
        split = Split(running, reports, sum(len(chunk) for chunk in chunks))
        for process in running.values():
            process.start()
    except Exception as error:
        log.warning("the split recomputation did not start (%s)", error)
        if split is None:
            _ONE_AT_A_TIME.release()
        else:
            split.stop()
        return None
    return split


class Split:
    """A recomputation under way in spawned processes."""

    def __init__(self, running: Mapping[int, Any], reports: Any, total: int) -> None:
        self.running = running
        self.reports = reports
        self.total = total  # cases
        self.stopped = False

    def wait(self, progress: Callable[[int, int], None] | None = None) -> list[str] | None:
        """Until every process is done: the cases they left out (in id order), or None when one
        failed (the scratch tables then hold part of the rows)."""
        try:
            return _gathered(self.running, self.reports, self.total, progress)
        except Exception as error:
            log.warning("the split recomputation failed (%s); recomputing in one process", error)
            return None
        finally:
            self.stop()

    def stop(self) -> None:
        """Its processes ended, and the next recomputation free to split."""
        if self.stopped:
            return
        self.stopped = True
        try:
            for process in self.running.values():
                if process.is_alive():
                    process.terminate()
                if process.pid is not None:
                    process.join()
        finally:
            _ONE_AT_A_TIME.release()


def _gathered(
    running: Mapping[int, Any],
    reports: Any,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> list[str]:
    """Waits for every process: the cases they left out, in id order."""
    done = 0
    left_out: list[str] = []
    for kind, _, value in gathered(running, reports, what="recompute", stall_seconds=STALL_SECONDS):
        if kind == "done":
            left_out += value
            continue
        done += value
        if progress is not None:
            progress(done, total)
    return sorted(left_out)


def _share(plan: Plan, chunks: Sequence[Chunk], index: int, reports: Any) -> None:
    """A spawned process: its chunks into the scratch tables, reporting each."""
    try:
        # Behind the process that asked, which has its own work meanwhile (the chain's check,
        # an API's requests): a core it leaves idle is this one's.
        os.nice(NICENESS)
        app = BanliApplication(env=dict(plan.env))
        try:
            done = [0]

            def report(cases: int, _total: int) -> None:
                reports.put(("cases", index, cases - done[0]))
                done[0] = cases

            left_out = fill_chunks(app, plan, chunks, report)
            report(sum(len(chunk) for chunk in chunks), 0)
        finally:
            app.close()
        reports.put(("done", index, left_out))
    except BaseException as error:  # reported, never raised: the parent decides
        reports.put(("failed", index, f"{type(error).__name__}: {error}"))

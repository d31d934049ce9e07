"""Verification runs: ``/v1/audit/verify``'s work in the background, with its progress and its
result kept for every worker to read.

A verify recomputes the whole chain, every audit-trail row and every case view: at 10⁶ events
3 min 10 s of one core (docs/scale.md), which outlasts any proxy's timeout, and the audit page
ran it each time the tab was opened. A run is started once (an auditor's button, or ``POST
/v1/audit/verify/runs``), works in a thread of the process that took the request, and writes
its stage and count to ``banli_verify_runs`` beside the events every ``BEAT`` seconds, so any
worker answers a poll. One runs at a time (a unique index on the running row): asking again
while one runs answers that one. A process that stops mid-run leaves its row running without a
heartbeat; after ``STALE`` it reads as abandoned and a new run may start.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from infra.recorders import IndexQueries

log = logging.getLogger(__name__)

BEAT = 1.0  # seconds between writes of a running verify's progress (its heartbeat)
STALE = timedelta(seconds=60)  # a running row without a heartbeat this long: its process stopped

RunStatus = Literal["running", "done", "failed", "abandoned"]
Progress = Callable[[str, int, int], None]  # a stage, how much of it is done, of how much
Work = Callable[[Progress], dict[str, Any]]  # the verification, reporting; its answer


@dataclass(frozen=True)
class VerifyRun:
    run_id: str
    started_by: str
    started_at: datetime
    status: RunStatus
    stage: str | None  # chain | documents | trail | views | compare
    done: int
    total: int
    finished_at: datetime | None
    result: dict[str, Any] | None  # the answer of /v1/audit/verify, once done
    error: str | None


class VerifyRuns:
    def __init__(self, queries: IndexQueries, clock: Callable[[], datetime]) -> None:
        self.queries = queries
        self.clock = clock
        self._threads: list[threading.Thread] = []

    def start(self, user: str, work: Work) -> tuple[VerifyRun, bool]:
        """A new run of ``work`` by ``user``, and True; or the run under way, and False."""
        now = self.clock()
        self._abandon_stale(now)
        run_id = str(uuid.uuid4())
        try:
            self.queries.execute(
                "INSERT INTO banli_verify_runs (run_id, started_by, started_at, status, done, "
                "total, heartbeat) VALUES (?, ?, ?, 'running', 0, 0, ?)",
                (run_id, user, now.isoformat(), now.isoformat()),
            )
        except Exception:
            running = self.running()
            if running is None:  # not the index's refusal: a real failure
                raise
            return running, False
        thread = threading.Thread(
            target=self._supervise, args=(run_id, work), name="banli-verify", daemon=True
        )
        self._threads.append(thread)
        thread.start()
        found = self.get(run_id)
        assert found is not None
        return found, True

    def get(self, run_id: str) -> VerifyRun | None:
        rows = self.queries._fetch("SELECT * FROM banli_verify_runs WHERE run_id = ?", (run_id,))
        return self._run(rows[0]) if rows else None

    def latest(self) -> VerifyRun | None:
        found = self.recent(1)
        return found[0] if found else None

    def recent(self, limit: int) -> list[VerifyRun]:
        """The last ``limit`` runs, newest first: the record of the checks made."""
        rows = self.queries._fetch(
            "SELECT * FROM banli_verify_runs ORDER BY started_at DESC LIMIT ?", (limit,)
        )
        return [self._run(row) for row in rows]

    def running(self) -> VerifyRun | None:
        rows = self.queries._fetch("SELECT * FROM banli_verify_runs WHERE status = 'running'", ())
        return self._run(rows[0]) if rows else None

    def wait(self, timeout: float | None = None) -> None:
        """Until this process's runs are done (at shutdown, and in tests)."""
        for thread in list(self._threads):
            thread.join(timeout)

    def _run(self, row: Any) -> VerifyRun:
        status = str(row["status"])
        if status == "running" and self.clock() - _time(row["heartbeat"]) > STALE:
            status = "abandoned"
        return VerifyRun(
            run_id=str(row["run_id"]),
            started_by=str(row["started_by"]),
            started_at=_time(row["started_at"]),
            status=cast(RunStatus, status),  # as written by this module
            stage=row["stage"],
            done=int(row["done"]),
            total=int(row["total"]),
            finished_at=_time(row["finished_at"]) if row["finished_at"] else None,
            result=json.loads(row["result"]) if row["result"] else None,
            error=row["error"],
        )

    def _abandon_stale(self, now: datetime) -> None:
        self.queries.execute(
            "UPDATE banli_verify_runs SET status = 'abandoned' "
            "WHERE status = 'running' AND heartbeat < ?",
            ((now - STALE).isoformat(),),
        )

    def _supervise(self, run_id: str, work: Work) -> None:
        """Runs ``work`` in a thread of its own and writes its progress every ``BEAT`` seconds
        until it ends, then its answer or its failure."""
        progress: list[Any] = [None, 0, 0]
        answer: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            progress[:] = [stage, done, total]  # one assignment: read whole by the beat

        def verify() -> None:
            try:
                answer["result"] = work(report)
            except BaseException as error:  # reported on the run, never lost in a thread
                log.exception("verify run %s failed", run_id)
                answer["error"] = f"{type(error).__name__}: {error}"

        worker = threading.Thread(target=verify, name="banli-verify-work", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(BEAT)
            stage, done, total = progress
            self._write(
                "stage = ?, done = ?, total = ?, heartbeat = ?",
                (stage, done, total, self.clock().isoformat()),
                run_id,
            )
        now = self.clock().isoformat()
        if "result" in answer:
            result = json.dumps(answer["result"], ensure_ascii=False)
            self._write("status = 'done', finished_at = ?, result = ?", (now, result), run_id)
        else:
            error = answer.get("error", "stopped")
            self._write("status = 'failed', finished_at = ?, error = ?", (now, error), run_id)

    def _write(self, assignments: str, params: tuple[Any, ...], run_id: str) -> None:
        try:
            self.queries.execute(
                f"UPDATE banli_verify_runs SET {assignments} WHERE run_id = ?", (*params, run_id)
            )
        except Exception:  # the store closed under a run at shutdown: the row goes stale
            log.warning("verify run %s could not be recorded", run_id, exc_info=True)


def _time(text: Any) -> datetime:
    return datetime.fromisoformat(str(text))

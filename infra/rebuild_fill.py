"""The fast path of a rebuild: the new generations filled from the log by several processes at
once, the log split by case id the way a Kafka consumer group splits it (``partition_of``).

- **Partition processes**, one per core: the events of their cases up to the rebuild's head,
  case by case (every event of one case before the next case's), through the same
  ``BatchProcessor`` as the runners, with the calendar as the log stands at the head. A batch
  ends only between cases, so each case's rows are derived once per rebuild, from its final
  state (a case view is a pure function of its case and the calendar); the Kafka-fed event
  views' rows (order within a case is all they rely on) come out on the way.
- **One process for the event views that rely on the order of the whole log** (the tamper
  chain): the log in order, through a ``BatchProcessor`` without case views, which decodes an
  event only if such a view reads it. The tamper chain alone (the only such view) takes the
  stored facts as plain tuples instead (``TamperChainView.stored_rows``, the same links): the
  objects made per event cost as much as the links (measured: the process's CPU fell by 40 %).

Rows go straight into the new generation's empty tables (``infra/bulk_writes.py``: COPY, or
executemany in large transactions), which ``rebuild`` indexes only after the fill. When every
process is done, each view's position is set to the head in one transaction; the runner then
catches up with what was written meanwhile, exactly as after the slow path. The differential
tests compare the result with views kept incrementally, row for row.

If anything goes wrong here (a view that cannot derive a case's rows, a process that dies, a
store other processes cannot open) the new tables are emptied and the caller rebuilds from
the start with the runner, event by event, which stops a failing view at its position.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.deadlines.calendar import WorkdayCalendar
from infra.application import BanliApplication
from infra.bulk_writes import BulkWriter, bulk_writers, insert_changes
from infra.log_reader import LogReader, log_reader
from infra.partitions import partition_of
from infra.process_reports import gathered
from infra.view_feed import decode, decoded_runs
from infra.view_store import ViewStoreBase
from projections import registry, tamper_chain
from projections.core import Row, Table, Views
from projections.processor import BatchProcessor, DecodedEvent, ViewChanges, whole_streams
from projections.tamper_chain import CHAIN, TamperChainView

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Events per batch of a partition process (ended at the next case boundary): one write
# transaction each.
BATCH_EVENTS = 20_000
# How long the parent waits for a report from any process before it gives them all up. A
# process reports every BATCH_EVENTS events (a second or two); one that says nothing for this
# long is stuck, not slow: a process forked while another thread of the parent held a lock
# (SQLite's allocator mutex, say) waits on it for ever. The event-by-event rebuild then does
# the work, minutes late rather than never.
STALL_SECONDS = 120.0


@dataclass(frozen=True)
class Job:
    """One process's share: its cases (None: the whole log, for the order-keeping views)."""

    index: int
    views: Sequence[str]
    cases: Sequence[str] | None


@dataclass(frozen=True)
class Plan:
    app: BanliApplication
    reader: LogReader
    writers: Callable[[], BulkWriter]
    tables: Mapping[str, Sequence[Table]]
    generations: Mapping[str, int]
    head: int
    calendar: WorkdayCalendar


def fill(
    app: BanliApplication,
    store: ViewStoreBase,
    generations: Mapping[str, int],
    head: int,
    *,
    processes: int | None = None,
    progress: Progress | None = None,
) -> bool:
    """Fills the (empty) ``generations`` with every event up to ``head`` and records that
    position; False when it did not (the tables are then empty again)."""
    reader = log_reader(app.recorder)
    writers = bulk_writers(store)
    if head == 0 or reader is None or writers is None:
        return False
    names = list(generations)
    tables = registry.tables(names)
    plan = Plan(app, reader, writers, tables, generations, head, app.stored_calendar.at(head))
    try:
        _run(plan, _jobs(plan, names, processes or os.cpu_count() or 1), progress)
    except Exception as error:
        log.warning("the parallel rebuild failed (%s); rebuilding event by event", error)
        for name in names:
            for table in tables[name]:
                store.execute(f"DELETE FROM {store.table(table, generations[name])}", ())
        return False
    store.write({name: ViewChanges(position=head) for name in names}, tables, generations)
    return True


def _jobs(plan: Plan, names: Sequence[str], processes: int) -> Iterator[Job]:
    """The whole-log job first: it needs no split, so its process starts while the parent reads
    every case id and splits them (0.7 s at 10⁶ events on SQLite, 1.2 s on PostgreSQL, when
    one core had nothing else to do)."""
    views = registry.views(names)
    ordered = [v.name for v in views.event if not v.kafka_fed]
    split = [v.name for v in views.all() if v.name not in ordered]
    numbered = 0
    if ordered:
        yield Job(numbered, ordered, None)
        numbered += 1
    if split:
        shares: list[list[str]] = [[] for _ in range(processes)]
        for case_id in plan.reader.originators(plan.head):
            shares[partition_of(case_id, processes)].append(case_id)
        # Numbered as made, not by share: with fewer cases than processes some shares are
        # empty, and a share's number could be another job's (two jobs, one process, and a
        # parent waiting for ever on the other's report).
        for share in shares:
            if share:
                yield Job(numbered, split, sorted(share))
                numbered += 1


def _run(plan: Plan, planned: Iterable[Job], progress: Progress | None) -> None:
    """Runs every job in a forked process (the parent's read models, patched or not, are the
    children's) as soon as it is planned, and waits for all, reporting the slowest share's
    progress."""
    context = multiprocessing.get_context("fork")
    reports: Any = context.Queue()
    jobs: list[Job] = []
    running: dict[int, Any] = {}
    try:
        for job in planned:
            jobs.append(job)
            running[job.index] = context.Process(target=_work, args=(plan, job, reports))
            running[job.index].start()
        done: dict[int, int] = {job.index: 0 for job in jobs}
        for _, index, value in gathered(
            running, reports, what="rebuild", stall_seconds=STALL_SECONDS
        ):
            done[index] = value
            if progress is not None:
                progress(_overall(plan.head, jobs, done), plan.head)
    finally:
        for process in running.values():
            if process.is_alive():
                process.terminate()
            process.join()


def _overall(head: int, jobs: Sequence[Job], done: Mapping[int, int]) -> int:
    """Events done, as a position: the split shares together, or the whole-log pass when it is
    behind them."""
    split = [done[j.index] for j in jobs if j.cases is not None]
    whole = [done[j.index] for j in jobs if j.cases is None]
    return min([sum(split)] * bool(split) + whole + [head])


def _work(plan: Plan, job: Job, reports: Any) -> None:
    """A child process: its share of the log into the new generations."""
    try:
        _quiet_collector()
        writer = plan.writers()
        try:
            if job.cases is None and list(job.views) == [tamper_chain.NAME]:
                reports.put(("done", job.index, _chain(writer, plan, job, reports)))
                return
            done = 0
            processor = _processor(job)
            batch: list[DecodedEvent] = []
            for run in _runs(plan, job):
                batch += run
                if len(batch) >= BATCH_EVENTS:
                    done += _apply(writer, plan, processor, batch)
                    reports.put(("progress", job.index, done))
                    batch = []
                    gc.collect()  # with the batch gone: only what outlives it is traversed
            done += _apply(writer, plan, processor, batch)
        finally:
            writer.close()
        reports.put(("done", job.index, done))
    except BaseException as error:  # reported, never raised: the parent decides
        reports.put(("failed", job.index, f"{type(error).__name__}: {error}"))


def _chain(writer: BulkWriter, plan: Plan, job: Job, reports: Any) -> int:
    """The tamper chain alone over the whole log: its links straight from the stored facts
    (``TamperChainView.stored_rows``), a transaction per ``BATCH_EVENTS``."""
    view = TamperChainView()
    table, generation = CHAIN, plan.generations[tamper_chain.NAME]
    done = 0
    pending: list[Row] = []
    for page in plan.reader.stored_facts(plan.head):
        pending += view.stored_rows(page)
        if len(pending) >= BATCH_EVENTS:
            done += _insert(writer, table, generation, pending)
            reports.put(("progress", job.index, done))
            pending = []
    return done + _insert(writer, table, generation, pending)


def _insert(writer: BulkWriter, table: Table, generation: int, rows: list[Row]) -> int:
    writer.insert(table, generation, rows)
    writer.commit()
    return len(rows)


def _apply(
    writer: BulkWriter, plan: Plan, processor: BatchProcessor, batch: list[DecodedEvent]
) -> int:
    """One batch, one transaction; the events it holds."""
    if batch:
        changes = processor.process(batch, {}, calendar=plan.calendar)
        insert_changes(writer, plan.tables, plan.generations, changes)
    return len(batch)


def _quiet_collector() -> None:
    """The cycle collector once per batch (``_work``) instead of every 700 allocations.

    A rebuild allocates millions of objects that reference counting frees (events, aggregates,
    rows; measured: under a thousand cycles in a 113k-event rebuild), yet the collector's
    automatic passes over the growing heap cost a quarter of a process's CPU. What the parent
    held at the fork is frozen out of every pass (and its pages stay shared).
    """
    gc.disable()
    gc.freeze()


def _processor(job: Job) -> BatchProcessor:
    views: Views = registry.views(job.views)
    for view in views.event:
        view.resume(None)  # the new generation is empty
    # Every case's events are read from its first: meeting one mid-stream is a bug here, and
    # the slow path takes over.
    return whole_streams(views)


def _runs(plan: Plan, job: Job) -> Iterator[list[DecodedEvent]]:
    """The share's events, decoded, a run at a time: a run is consecutive events of one case
    (a whole case when the share is split by case), so batches made of runs end between
    cases."""
    if job.cases is not None:
        # The Kafka-fed views never see an index row (Kafka does not carry it), so the split
        # shares do not read any.
        rows = plan.reader.case_rows(plan.head, job.cases)
        yield from decoded_runs(plan.app, rows, plan.reader.spelled)
        return
    # The order-keeping views may not need the decoded event.
    run: list[DecodedEvent] = []
    last_case = None
    for page in plan.reader.pages(plan.head):
        for notification, index in page:
            case = notification.originator_id
            if case != last_case and run:
                yield run
                run = []
            run.append(decode(plan.app, notification, index, lazy=True))
            last_case = case
    if run:
        yield run

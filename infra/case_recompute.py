"""The case views derived for chunks of cases into scratch tables: what a recomputation (an
export at a past position, verify's check of the views) does with every case, in the process
that asks or in processes of its own (``infra/split_recompute.py``).

A chunk's cases are read in one query and folded as the log runner folds them; a chunk with an
event that cannot be read or replayed is taken again case by case, which names the damaged case
and leaves it out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.errors import DamagedRecord
from infra.application import BanliApplication, replayed
from infra.bulk_writes import SQLiteBulkWriter, insert_changes
from infra.log_reader import LogReader, log_reader
from infra.view_feed import decoded_runs
from projections import registry
from projections.core import CaseView, Row, Views
from projections.processor import ViewChanges, whole_streams

log = logging.getLogger(__name__)

Chunk = Sequence[tuple[str, int]]  # cases (id, version at the position), in id order


@dataclass(frozen=True)
class Plan:
    """What any process needs to fill a scratch store: all of it plain, to be sent to one."""

    # The event store's application environment (``app.env``: its database, its cipher key),
    # sent to a spawned process through its pipe, never on a command line.
    env: Mapping[str, Any]
    names: tuple[str, ...]  # the case views
    position: int  # of the log: each case as it stood there, the calendar too
    path: str  # the scratch SQLite file
    generations: Mapping[str, int]  # each view's (bare) tables there


def fill_chunks(
    app: BanliApplication,
    plan: Plan,
    chunks: Sequence[Chunk],
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Derives the chunks' cases into ``plan``'s scratch tables (a chunk per transaction);
    answers the cases left out. ``progress`` is told the aggregates done, of the chunks'."""
    views = registry.views(plan.names).case
    tables = {view.name: view.tables for view in views}
    calendar = app.stored_calendar.at(plan.position)
    reader = log_reader(app.recorder)
    writer = SQLiteBulkWriter(plan.path, _as_named)
    total = sum(len(chunk) for chunk in chunks)
    done = 0
    left_out: list[str] = []
    try:
        for chunk in chunks:
            if progress is not None:
                progress(done, total)
            changes = None
            if reader is not None:
                changes = _in_one_read(app, reader, views, chunk, plan.position, calendar)
            if changes is None:
                changes, damaged = _case_by_case(app, views, chunk, calendar)
                left_out += damaged
            insert_changes(writer, tables, plan.generations, changes)
            done += len(chunk)
    finally:
        writer.close()
    return left_out


def _as_named(table: str) -> str:
    return table  # a scratch store's tables are in no schema


def _in_one_read(
    app: BanliApplication,
    reader: LogReader,
    views: Sequence[CaseView],
    chunk: Chunk,
    position: int,
    calendar: WorkdayCalendar,
) -> dict[str, ViewChanges] | None:
    """The chunk's aggregates read in one query (their events up to ``position``, case by
    case) and folded as the log runner folds them: at 10⁶ events a verify spent 84 s here
    loading each case with a query of its own. None when an event cannot be read or
    replayed: the case-by-case pass then names the damaged case."""
    processor = whole_streams(Views(list(views), []))
    try:
        stored = [reader.stored_id(uid) for uid, _ in chunk]
        runs = decoded_runs(app, reader.case_rows(position, stored), reader.spelled)
        batch = [item for run in runs for item in run]
        last = {item.info.originator_id: item.info.version for item in batch}
        if last != dict(chunk):  # an event missing, or one more than the index has
            raise LookupError("the events read are not those the time index lists")
        return processor.process(batch, {}, calendar=calendar)
    except Exception as error:  # damage (or a store that reads otherwise): case by case
        log.info("aggregates read together failed (%r); reading them one by one", error)
        return None


def _case_by_case(
    app: BanliApplication,
    views: Sequence[CaseView],
    chunk: Chunk,
    calendar: WorkdayCalendar,
) -> tuple[dict[str, ViewChanges], list[str]]:
    """Each case loaded alone; those whose events cannot be replayed left out, by id."""
    found: list[Case] = []
    damaged: list[str] = []
    for uid, version in chunk:
        try:
            case = replayed(app, UUID(uid), version)
        except DamagedRecord:
            damaged.append(uid)
            continue
        if isinstance(case, Case):
            found.append(case)
    ids = [str(case.id) for case in found]
    changes: dict[str, ViewChanges] = {}
    for view in views:
        replace: dict[str, tuple[list[str], list[Row]]] = {t.name: (ids, []) for t in view.tables}
        for case in found:
            for table, rows in view.rows(case, calendar).items():
                replace[table][1].extend(rows)
        changes[view.name] = ViewChanges(replace=replace)
    return changes, damaged

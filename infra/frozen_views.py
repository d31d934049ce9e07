"""Figures as of a log position: what every export and report is computed from, and says so.

An export names the position of the log its figures come from (and the tamper chain's link at
that position). Asked again with that position, it must give the same figures after any later
event: an auditor re-derives them. The read models move on, so a past position is computed
from the event store itself: every case at its version as of the position (the time index
says which), through the registered case views' own ``rows`` with the calendar as it stood
there, into a scratch SQLite store in a temporary folder, and the same queries read that.
Cases are taken a chunk at a time, so memory stays bounded whatever the number of cases.

The live read models answer instead when no position was asked and they provably stand at
one: every view asked for has the same tracked position before and after the read (views write
their rows and position in one transaction). The result is the same as a recomputation there:
a case view is a pure function of the case and of the calendar as of the position (a calendar
change recomputes every case). Views fed from Kafka track partition offsets, not log
positions, so with them every export is recomputed. A position asked for is always recomputed,
even the live views' own: that is how an auditor re-derives a figure, and the live views are
rows in a database an insider can edit (``verify`` compares them with a recomputation too).

A case whose stored events cannot be replayed (edited or deleted in the database, R-X2) is left
out of a recomputation and named on the figures (``Basis.left_out``): one damaged case used to
refuse every export at a past position, and every export of the Kafka shape, with 409. Figures
that leave a case out say which: in an export's 说明 sheet, the report and a response header.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from eventsourcing.sqlite import SQLiteDatastore

from domain.errors import InvalidInput
from infra import split_recompute
from infra.application import BanliApplication
from infra.case_recompute import Chunk, Plan, fill_chunks
from infra.log_reader import log_reader
from infra.read_models import SQLiteViewStore
from infra.recorders import cases_at
from infra.view_store import ViewStoreBase
from projections import registry
from projections.core import ViewReader
from projections.ledger import CASES as LEDGER_CASES
from projections.ledger import NAME as LEDGER
from projections.processor import ViewChanges
from projections.tamper_chain import NAME as CHAIN
from projections.tamper_chain import links_at

log = logging.getLogger(__name__)
T = TypeVar("T")
CHUNK = 500  # cases loaded, derived and written at a time


@dataclass(frozen=True)
class Basis:
    """What an export was computed from (printed on it, and in its response headers)."""

    as_of: date  # the day deadlines and rates are judged on
    position: int  # the log position the figures are as of
    chain_head: str | None  # the tamper chain's link at that position (None: not yet built)
    computed_from: str  # "read_model" | "event_store"
    # Cases whose events cannot be replayed, left out of the figures: (case id, the number the
    # live 台账 last gave it, None when it has none).
    left_out: tuple[tuple[str, str | None], ...] = ()

    def headers(self) -> dict[str, str]:
        return {
            "X-Banli-As-Of": self.as_of.isoformat(),
            "X-Banli-Position": str(self.position),
            "X-Banli-Chain-Head": self.chain_head or "",
            "X-Banli-Damaged-Cases": ",".join(case_id for case_id, _ in self.left_out),
        }

    def left_out_words(self) -> str | None:
        """What an export prints about the cases it left out; None when it left out none."""
        if not self.left_out:
            return None
        named = "、".join(
            f"{number}（{case_id}）" if number else case_id for case_id, number in self.left_out
        )
        return (
            f"{len(self.left_out)} 件的事件记录已损坏（R-X2），未计入本表：{named}。"
            "请由审计运行防篡改链校验（banli audit verify）"
        )


def figures_at(
    app: BanliApplication,
    views: ViewStoreBase,
    names: Sequence[str],
    compute: Callable[[ViewReader, Basis], T],
    *,
    as_of: date,
    position: int | None = None,
    live: bool = True,
) -> tuple[T, Basis]:
    """``compute`` over the views ``names`` as of ``position`` (the newest when None), told
    the basis it computes on (an export prints it)."""
    head = app.recorder.max_notification_id() or 0
    if position is not None and not 0 <= position <= head:
        raise InvalidInput(
            f"日志位置 {position} 不存在（当前为 {head}）",
            f"position {position} is outside the log (its head is {head})",
        )
    if live and position is None:
        at = single_position(views, names)
        if at is not None:
            basis = Basis(as_of, at, chain_head(views, at), "read_model")
            result = compute(views, basis)
            if single_position(views, names) == at:
                return result, basis
    target = head if position is None else position
    with tempfile.TemporaryDirectory(prefix="banli-frozen-") as folder:
        scratch = scratch_views(app, names, target, Path(folder))
        try:
            left_out = _numbered(views, scratch.left_out)
            basis = Basis(as_of, target, chain_head(views, target), "event_store", left_out)
            result = compute(scratch.store, basis)
        finally:
            scratch.store.datastore.close()
    return result, basis


def single_position(views: ViewStoreBase, names: Sequence[str]) -> int | None:
    """The log position every view of ``names`` stands at, when they all stand at one."""
    generations = views.generations()
    if any(name not in generations for name in names):
        return None
    found = views.positions([(name, generations[name][0]) for name in names])
    values = set(found.values())
    if len(values) != 1:
        return None
    [value] = values
    return value


def chain_head(views: ViewStoreBase, position: int) -> str | None:
    generation = views.active_generation(CHAIN)
    if generation is None or position == 0:
        return None
    return links_at(views, [position], generation).get(position)


def _numbered(views: ViewStoreBase, case_ids: Sequence[str]) -> tuple[tuple[str, str | None], ...]:
    """Each case id with its number as the live 台账 holds it: the events that would give it
    cannot be read, and the office knows a case by its number."""
    numbers: dict[str, str] = {}
    if case_ids and views.active_generation(LEDGER) is not None:
        marks = ", ".join("?" * len(case_ids))
        rows = views.fetch(
            f"SELECT case_id, number FROM {views.table(LEDGER_CASES)} WHERE case_id IN ({marks})",
            list(case_ids),
        )
        numbers = {str(row["case_id"]): str(row["number"]) for row in rows}
    return tuple((case_id, numbers.get(case_id)) for case_id in case_ids)


@dataclass(frozen=True)
class Scratch:
    store: SQLiteViewStore
    left_out: tuple[str, ...]  # cases whose events cannot be replayed, in id order


def scratch_views(
    app: BanliApplication,
    names: Sequence[str],
    position: int,
    folder: Path,
    progress: Callable[[int, int], None] | None = None,
) -> Scratch:
    """The case views ``names`` as of ``position``, derived from the event store, but for the
    cases whose events cannot be replayed (named in ``left_out``); ``progress`` is told the
    aggregates done of all."""
    return begin_scratch(app, names, position, folder).finish(progress)


def begin_scratch(
    app: BanliApplication, names: Sequence[str], position: int, folder: Path
) -> ScratchBuild:
    """``scratch_views`` begun: its tables made and, when it is split, its processes at work
    while the caller does something else (verify checks the chain meanwhile)."""
    store = SQLiteViewStore(SQLiteDatastore(str(folder / "views.sqlite3")))
    # Bare tables filled in bulk, then indexed once, as a rebuild fills a generation: through
    # the store's own writes (a transaction and its wait for the disk per chunk, indexes kept
    # row by row) writing took a third of a verify's recomputation at 10⁶ events.
    generations = {
        view.name: store.create_generation(view.name, view.tables, activate=True, indexed=False)
        for view in registry.views(names).case
    }
    versions = sorted(cases_at(app.index, position).items())
    chunks = [versions[start : start + CHUNK] for start in range(0, len(versions), CHUNK)]
    plan = Plan(dict(app.env), tuple(names), position, store.datastore.pool.db_name, generations)
    split = None
    if log_reader(app.recorder) is not None:  # other processes can open the event store
        split = split_recompute.start(plan, chunks)
    return ScratchBuild(app, store, plan, chunks, split)


@dataclass
class ScratchBuild:
    """Scratch views under way (``begin_scratch``): ``finish`` them, or ``stop`` them unused."""

    app: BanliApplication
    store: SQLiteViewStore
    plan: Plan
    chunks: Sequence[Chunk]
    split: split_recompute.Split | None
    finished: bool = False

    def finish(self, progress: Callable[[int, int], None] | None = None) -> Scratch:
        """The scratch views, ``progress`` told the aggregates done of all; the caller closes
        their store."""
        left_out = None if self.split is None else self.split.wait(progress)
        store, plan = self.store, self.plan
        views = registry.views(plan.names).case
        if left_out is None:  # not split (too few cases, or a process failed): here, in turn
            for view in views:
                for table in view.tables:  # empty unless a split began
                    generation = plan.generations[view.name]
                    store.execute(f"DELETE FROM {store.table(table, generation)}", ())
            left_out = fill_chunks(self.app, plan, self.chunks, progress)
        for view in views:
            store.create_indexes(view.tables, plan.generations[view.name])
        tables = {view.name: view.tables for view in views}
        reached = {name: ViewChanges(position=plan.position) for name in tables}
        store.write(reached, tables, plan.generations)
        self.finished = True
        return Scratch(store, tuple(left_out))

    def stop(self) -> None:
        """Its processes ended and its store closed, unless it was finished (the caller has
        the store then)."""
        if self.split is not None:
            self.split.stop()
        if not self.finished:
            self.finished = True  # no more to do, and its store not closed twice
            self.store.datastore.close()

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
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.sqlite import SQLiteDatastore

from domain.case import Case
from domain.errors import InvalidInput
from infra.application import BanliApplication, replayed
from infra.read_models import SQLiteViewStore
from infra.recorders import cases_at
from infra.view_store import ViewStoreBase
from projections import registry
from projections.core import Row, ViewReader
from projections.processor import ViewChanges
from projections.tamper_chain import NAME as CHAIN
from projections.tamper_chain import links_at

T = TypeVar("T")
CHUNK = 500  # cases loaded, derived and written at a time


@dataclass(frozen=True)
class Basis:
    """What an export was computed from (printed on it, and in its response headers)."""

    as_of: date  # the day deadlines and rates are judged on
    position: int  # the log position the figures are as of
    chain_head: str | None  # the tamper chain's link at that position (None: not yet built)
    computed_from: str  # "read_model" | "event_store"

    def headers(self) -> dict[str, str]:
        return {
            "X-Banli-As-Of": self.as_of.isoformat(),
            "X-Banli-Position": str(self.position),
            "X-Banli-Chain-Head": self.chain_head or "",
        }


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
    basis = Basis(as_of, target, chain_head(views, target), "event_store")
    with tempfile.TemporaryDirectory(prefix="banli-frozen-") as folder:
        scratch = scratch_views(app, names, target, Path(folder))
        try:
            result = compute(scratch, basis)
        finally:
            scratch.datastore.close()
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


def scratch_views(
    app: BanliApplication, names: Sequence[str], position: int, folder: Path
) -> SQLiteViewStore:
    """The case views ``names`` as of ``position``, derived from the event store."""
    store = SQLiteViewStore(SQLiteDatastore(str(folder / "views.sqlite3")))
    chosen = registry.views(names)
    tables = chosen.tables()
    generations = {
        view.name: store.create_generation(view.name, view.tables, activate=True)
        for view in chosen.case
    }
    calendar = app.stored_calendar.at(position)
    versions = sorted(cases_at(app.index, position).items())
    starts = range(0, len(versions), CHUNK)
    for start in starts:
        cases = [_case_at(app, uid, version) for uid, version in versions[start : start + CHUNK]]
        found = [case for case in cases if case is not None]
        ids = [str(case.id) for case in found]
        changes: dict[str, ViewChanges] = {}
        for view in chosen.case:
            replace: dict[str, tuple[list[str], list[Row]]] = {
                t.name: (ids, []) for t in view.tables
            }
            for case in found:
                for table, rows in view.rows(case, calendar).items():
                    replace[table][1].extend(rows)
            # The position once, with the last chunk: a store records a view's position
            # only moving forward, so a second chunk at the same one was refused (a 500 for
            # any past position of a store with more than CHUNK aggregates).
            last = start == starts[-1]
            changes[view.name] = ViewChanges(replace=replace, position=position if last else None)
        store.write(changes, tables, generations)
    return store


def _case_at(app: BanliApplication, uid: str, version: int) -> Case | None:
    # A case whose events cannot be replayed is refused by name (DamagedRecord): figures that
    # left it out would be wrong without saying so.
    found: Any = replayed(app, UUID(uid), version)
    return found if isinstance(found, Case) else None

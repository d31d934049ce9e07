"""The case views checked against the events they are computed from (part of verify).

Dashboards, the 台账 and every export read the case views (the ledger, the unit facts, …),
rows in the same database as everything else. An edited verdict or stage there changes what
the office, leaders and exports show without touching an event, and the chain cannot see it.
A case view is a pure function of the case and of the calendar as of a log position, so the
check recomputes every case view at the position the live views stand at, from the event
store (``frozen_views.scratch_views``, as an export at a past position does), and compares
them case by case, column by column. A difference is a finding at the case's last event (where
an auditor opens the case), naming the case by number, the table, and each column that differs
with what the table holds and what the events give.

A case whose events cannot be replayed is the chain check's finding, not this one's: its rows
are left out of the comparison (they have nothing to be compared with), and every other case is
still compared.

The check needs the case views to stand at one log position. Views fed from Kafka track
partition offsets instead, and views still catching up stand apart: then nothing is compared
and the answer says so (``views_checked_at`` is null). A view that moves during the check is
compared once more at its new position before a difference is reported.
"""

from __future__ import annotations

import logging
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from infra.application import BanliApplication
from infra.bulk_writes import values
from infra.frozen_views import ScratchBuild, begin_scratch, single_position
from infra.recorders import CaseHead, case_heads_at
from infra.verify_runs import Progress
from infra.view_store import ViewStoreBase
from infra.view_suspects import suspects
from projections import registry
from projections.chain_check import Finding, said
from projections.core import Table, ViewReader
from projections.ledger import CASES as LEDGER_CASES

log = logging.getLogger(__name__)
PAGE = 500  # cases whose rows are read and compared at a time
MAX_FINDINGS = 20
ATTEMPTS = 2  # positions tried when the views move during the check


@dataclass(frozen=True)
class ViewCheck:
    checked: int = 0  # rows of the case views compared with their recomputation
    position: int | None = None  # the log position compared at (None: not compared)
    findings: tuple[Finding, ...] = field(default_factory=tuple)


@contextmanager
def recomputing_early(app: BanliApplication, store: ViewStoreBase) -> Iterator[Early | None]:
    """The case views' recomputation begun at the position they stand at, so that its processes
    work while verify checks the chain and the trail (on two cores at 10⁶ events: 45 s of the
    asking process's work beside the recomputation's 50 s across two); stopped and removed if
    ``check_case_views`` does not use it. None when the views stand at no one position or the
    recomputation cannot begin (``check_case_views`` then says so, as without it)."""
    with tempfile.TemporaryDirectory(prefix="banli-view-check-") as folder:
        early = _begun(app, store, Path(folder))
        try:
            yield early
        finally:
            if early is not None:
                early.build.stop()


@dataclass(frozen=True)
class Early:
    position: int
    build: ScratchBuild


def _begun(app: BanliApplication, store: ViewStoreBase, folder: Path) -> Early | None:
    names = [view.name for view in registry.views().case]
    try:
        at = single_position(store, names)
        return Early(at, begin_scratch(app, names, at, folder)) if at else None
    except Exception:
        log.exception("the case views' recomputation could not begin")
        return None


def check_case_views(
    app: BanliApplication,
    store: ViewStoreBase,
    progress: Progress | None = None,
    early: Early | None = None,
) -> ViewCheck:
    """Every case view's rows against the same views recomputed from the events, telling
    ``progress`` the cases recomputed (``views``), then the tables compared (``compare``).
    ``early`` is used if the views still stand where it began."""
    views = registry.views().case
    names = [view.name for view in views]
    for _ in range(ATTEMPTS):
        at = single_position(store, names)
        if not at:
            return ViewCheck()
        begun = None
        if early is not None:
            if early.position == at:
                begun = early.build
            else:  # its processes make way for the recomputation at the views' new place
                early.build.stop()
            early = None  # a second attempt is at another position
        try:
            tables = [t for v in views for t in v.tables]
            checked, findings = _compare_at(app, store, tables, at, progress, begun)
        except Exception:
            # A view that cannot compute a case's rows has stopped at it, which /health reports;
            # the chain's verdict must still reach the auditor, without this comparison.
            log.exception("the case views could not be recomputed at %s", at)
            return ViewCheck()
        if not findings or single_position(store, names) == at:
            return ViewCheck(checked, at, tuple(findings[:MAX_FINDINGS]))
    return ViewCheck()


def _compare_at(
    app: BanliApplication,
    store: ViewStoreBase,
    tables: Sequence[Table],
    at: int,
    progress: Progress | None,
    begun: ScratchBuild | None,
) -> tuple[int, list[Finding]]:
    names = sorted({table.view for table in tables})
    heads = case_heads_at(app.index, at)
    checked, findings = 0, []
    with tempfile.TemporaryDirectory(prefix="banli-view-check-") as folder:
        recomputing = None if progress is None else partial(progress, "views")
        build = begun or begin_scratch(app, names, at, Path(folder))
        scratch = build.finish(recomputing)
        recomputed, left_out = scratch.store, set(scratch.left_out)
        try:
            naming = _Naming(_numbers(recomputed), heads, at)
            compare = partial(_compare_table, store, recomputed, naming)
            with suspects(store, recomputed, left_out) as narrowed:
                for compared, table in enumerate(tables):
                    if progress is not None:
                        progress("compare", compared, len(tables))
                    if narrowed is None:
                        ids = _case_ids(store, table) | _case_ids(recomputed, table)
                        read, found = compare(table, sorted(ids - left_out))
                        checked += read
                    else:  # rows SQLite finds the same are the same: counted, not read
                        _, found = compare(table, sorted(narrowed.cases(table)))
                        checked += narrowed.rows(table)
                    findings += found
                    if len(findings) >= MAX_FINDINGS:
                        break
        except Exception as exc:
            # The views were recomputed but could not be compared: not "not checked" (which
            # the answer reads as views still moving), and never a pass. The stored rows are
            # what failed to compare, so the auditor is told to look.
            log.exception("the case views could not be compared at %s", at)
            findings.append(Finding(at, _not_compared(exc)))
        finally:
            recomputed.datastore.close()
    return checked, findings


def _not_compared(exc: Exception) -> str:
    return said(
        f"读模型（台账等）与事件核对时出错，未能核对完毕：{type(exc).__name__}；"
        "库中读模型的记录可能已被改动，请查看服务日志",
        f"the case views could not be compared with their events: {exc!r}",
    )


@dataclass(frozen=True)
class _Naming:
    """How a finding names its case (by number and id) and where (its last event by ``at``)."""

    numbers: dict[str, str]
    heads: dict[str, CaseHead]
    at: int

    def finding(self, case_id: str, reason: str) -> Finding:
        case = f"{self.numbers.get(case_id, '?')} ({case_id})"
        head = self.heads.get(case_id)
        position = head.position if head else self.at  # a row for no case
        return Finding(position, reason.format(case=case))


def _compare_table(
    store: ViewReader, recomputed: ViewReader, naming: _Naming, table: Table, ids: Sequence[str]
) -> tuple[int, list[Finding]]:
    """The rows of the cases ``ids`` in both stores, compared: the live rows read, and what
    differs."""
    read, findings = 0, []
    for start in range(0, len(ids), PAGE):
        chunk = ids[start : start + PAGE]
        found, wanted = _rows(store, table, chunk), _rows(recomputed, table, chunk)
        read += sum(len(rows) for rows in found.values())
        for case_id in chunk:
            reason = _differs(table, found.get(case_id, []), wanted.get(case_id, []))
            if reason:
                findings.append(naming.finding(case_id, reason))
    return read, findings


def _numbers(recomputed: ViewReader) -> dict[str, str]:
    """Each case's number, as the recomputed ledger gives it: a finding names the case as the
    office knows it (and by id, which the edited row may no longer give)."""
    rows = recomputed.fetch(f"SELECT case_id, number FROM {recomputed.table(LEDGER_CASES)}", [])
    return {str(row["case_id"]): str(row["number"]) for row in rows}


def _case_ids(reader: ViewReader, table: Table) -> set[str]:
    column = table.case_column
    rows = reader.fetch(f"SELECT DISTINCT {column} AS id FROM {reader.table(table)}", [])
    return {str(row["id"]) for row in rows}


def _rows(
    reader: ViewReader, table: Table, case_ids: Sequence[str]
) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of ``case_ids`` as tuples of the declared columns, as the store hands them
    back (``_differs`` types them alike where the stores differ)."""
    columns = list(table.columns)
    marks = ", ".join("?" * len(case_ids))
    rows = reader.fetch(
        f"SELECT {', '.join(columns)} FROM {reader.table(table)} "
        f"WHERE {table.case_column} IN ({marks})",
        list(case_ids),
    )
    by_case: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row, cells in zip(rows, values(table, rows), strict=True):
        by_case[str(row[table.case_column])].append(cells)
    return by_case


def _typed(table: Table, rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows typed alike in both stores (PostgreSQL hands back a boolean where SQLite has 0 or
    1, a number where a column is declared text)."""
    kinds = list(table.columns.values())
    return [tuple(map(_cast, kinds, row)) for row in rows]


def _cast(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "INTEGER":
        return int(value)
    if kind == "REAL":
        return float(value)
    return str(value)


def _differs(
    table: Table, found: list[tuple[Any, ...]], wanted: list[tuple[Any, ...]]
) -> str | None:
    """Why the stored rows of a case are not the ones its events give (``{case}`` left to
    fill), or None when they are."""
    # The same values compare equal as handed back (True == 1, 1.0 == 1): most cases end here,
    # without typing a cell (typing every cell was a third of a verify's comparison at 10⁶).
    if Counter(found) == Counter(wanted):
        return None
    found, wanted = _typed(table, found), _typed(table, wanted)
    if Counter(found) == Counter(wanted):
        return None
    where = f"the {table.view} view's {table.name} rows of case {{case}}"
    zh = f"读模型 {table.name} 中 {{case}} 的记录与其事件不符"
    changed = "页面、统计、导出或公开所示已在数据库中被改动"
    if len(found) != len(wanted):
        return said(
            f"{zh}：库中 {len(found)} 行，按事件应为 {len(wanted)} 行；{changed}",
            f"{where} are {len(found)} where its events give {len(wanted)}",
        )
    apart = _columns_apart(table, sorted(found, key=repr), sorted(wanted, key=repr))
    cells = "；".join(f"{c} 库中为 {_short(a)}，按事件应为 {_short(b)}" for c, a, b in apart[:3])
    columns = ", ".join(c for c, _, _ in apart)
    return said(f"{zh}：{cells}；{changed}", f"{where} differ from its events ({columns})")


def _short(value: Any) -> str:
    """The value as a finding quotes it: braces doubled, as the finding's ``{case}`` is filled
    by ``str.format`` (a forged ``{`` raised there, and verify then compared no view at all)."""
    text = "空" if value is None else str(value)
    text = text if len(text) <= 40 else text[:39] + "…"
    return text.replace("{", "{{").replace("}", "}}")


def _columns_apart(
    table: Table, found: Iterable[tuple[Any, ...]], wanted: Iterable[tuple[Any, ...]]
) -> list[tuple[str, Any, Any]]:
    """Each column that differs, once, with the first pair of values that differ in it."""
    names = list(table.columns)
    apart: dict[str, tuple[str, Any, Any]] = {}
    for mine, theirs in zip(found, wanted, strict=True):
        for name, a, b in zip(names, mine, theirs, strict=True):
            if a != b:
                apart.setdefault(name, (name, a, b))
    return [apart[name] for name in names if name in apart]

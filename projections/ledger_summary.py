"""Summary reads of the 台账 for the workbench's 总览: how many cases stand at each stage, and
which years the ledger holds. Counted by the database over the ledger's own filters
(``ledger_where``), so a figure and the ledger page it links to select the same cases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from projections.core import ViewReader
from projections.deadline_periods import VALID, VALID_PARAMS
from projections.ledger import (
    CASES,
    DEADLINES,
    UNITS,
    cases_by_id,
    deadlines_by_case,
    ledger_where,
)
from projections.ledger_items import deadline_view, ledger_item


def stage_counts(reader: ViewReader, *, as_of: date, **filters: Any) -> dict[str, int]:
    """Cases per stage among those ``ledger_where``'s filters select (stages with none are
    absent)."""
    where, params = ledger_where(reader, as_of=as_of, **filters)
    sql = f"SELECT c.stage AS stage, COUNT(*) AS n FROM {reader.table(CASES)} c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = reader.fetch(sql + " GROUP BY c.stage", params)
    return {str(r["stage"]): int(r["n"]) for r in rows}


def distinct(reader: ViewReader, *columns: tuple[str, str]) -> list[list[str]]:
    """The distinct non-NULL values of each indexed ``(table, column)``, ascending, as text:
    one statement for all of them, each column by one index probe per value (a "loose index
    scan"), where ``SELECT DISTINCT`` reads every row, which on every 台账 page costs a scan
    of the whole ledger for a few years and a few dozen units."""
    scans, picks = [], []
    for n, (table, column) in enumerate(columns):
        # ``IS NOT NULL``: a column indexed only where set (``Table.sparse_indexes``) is read
        # by that index; the other columns' indexes serve it as before.
        scans.append(
            f"v{n}(x) AS (SELECT MIN({column}) FROM {table} WHERE {column} IS NOT NULL UNION ALL "
            f"SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > v{n}.x) FROM v{n} "
            f"WHERE v{n}.x IS NOT NULL)"
        )
        picks.append(f"SELECT {n} AS n, CAST(x AS TEXT) AS x FROM v{n} WHERE x IS NOT NULL")
    rows = reader.fetch(f"WITH RECURSIVE {', '.join(scans)} {' UNION ALL '.join(picks)}", [])
    found: list[list[str]] = [[] for _ in columns]
    for row in rows:
        found[int(row["n"])].append(str(row["x"]))
    return [sorted(values) for values in found]


def _years(values: list[str]) -> list[int]:
    return sorted((int(y) for y in values), reverse=True)


def ledger_years(reader: ViewReader) -> list[int]:
    """The years of the cases in the ledger, newest first."""
    (years,) = distinct(reader, (reader.table(CASES), "year"))
    return _years(years)


def unit_years(reader: ViewReader, unit: str) -> list[int]:
    """The years of the cases ``unit`` has a part in, newest first (a unit's handler lands on
    its own latest year, not on another unit's)."""
    rows = reader.fetch(
        f"SELECT DISTINCT c.year AS year FROM {reader.table(UNITS)} u "
        f"JOIN {reader.table(CASES)} c ON c.case_id = u.case_id WHERE u.unit = ?",
        [unit],
    )
    return _years([str(row["year"]) for row in rows])


def ledger_choices(reader: ViewReader) -> tuple[list[int], list[str], list[str]]:
    """The 台账's filter choices, in one statement: its years, newest first (``ledger_years``),
    every unit with a role on some case, and every leader in charge of one (R-S2)."""
    cases = reader.table(CASES)
    years, units, leaders = distinct(
        reader, (cases, "year"), (reader.table(UNITS), "unit"), (cases, "leader_in_charge")
    )
    return _years(years), units, leaders


def deadline_dates(reader: ViewReader, start: date, end: date) -> dict[str, dict[str, Any]]:
    """Every stored deadline due between ``start`` and ``end`` (inclusive), by case and
    position, with its case number: what a calendar load may move (R-D7)."""
    rows = reader.fetch(
        f"SELECT d.case_id, d.seq, d.kind, d.unit, d.due_on, d.met_on, d.missed_on, c.number "
        f"FROM {reader.table(DEADLINES)} d JOIN {reader.table(CASES)} c "
        "ON c.case_id = d.case_id WHERE d.due_on >= ? AND d.due_on <= ?",
        [start.isoformat(), end.isoformat()],
    )
    return {f"{r['case_id']}:{r['seq']}": dict(r) for r in rows}


# Policies call a deadline due soon within this many days at most (``due_soon_days``).
DUE_SOON_HORIZON = 31


def due_soon(
    reader: ViewReader, *, as_of: date, unit: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Cases with a deadline due soon (R-S1: not yet overdue, due within the policy's days),
    the soonest first; each as a ledger row. With ``unit``, the deadlines that unit owes."""
    day = as_of.isoformat()
    # The period valid that day: an extended deadline is due by its new date (R-E1), and the
    # period it replaced, due soon by the old one, listed a case its row called 已延期.
    sql = (
        f"SELECT * FROM {reader.table(DEADLINES)} d WHERE d.opened_on <= ? AND d.due_on >= ? "
        "AND d.due_on <= ? AND (d.met_on IS NULL OR d.met_on > ?) "
        f"AND (d.missed_on IS NULL OR d.missed_on > ?) AND {VALID.format(d='d')}"
    )
    params: list[Any] = [day, day, (as_of + timedelta(days=DUE_SOON_HORIZON)).isoformat()]
    params += [day, day, *[day] * VALID_PARAMS]
    if unit is not None:
        # The deadlines ``unit`` owes (or its case owes, naming no unit): a lead's 即将到期
        # listed a co unit's opinion due, which the lead cannot meet.
        sql += (
            " AND (d.unit = ? OR d.unit IS NULL) AND d.case_id IN "
            f"(SELECT case_id FROM {reader.table(UNITS)} WHERE unit = ?)"
        )
        params += [unit, unit]
    rows = reader.fetch(sql + " ORDER BY d.due_on, d.case_id", params)
    ids: list[str] = []
    for row in rows:
        if deadline_view(row, as_of)["status"] == "due_soon" and row["case_id"] not in ids:
            ids.append(row["case_id"])
    ids = ids[:limit]
    cases = cases_by_id(reader, ids)
    deadlines = deadlines_by_case(reader, ids, as_of)
    return [ledger_item(cases[i], deadlines[i], as_of) for i in ids]

"""Full-text indexes of view tables (``Table.tokens``), one per database: the search adapter.

A token column holds space-separated terms that the read model wrote (``projections.case_search``
writes character bigrams). Each database indexes them with its own engine, so neither needs an
extension nor a locale:

- SQLite: an FTS5 table over the token columns with the view table as its external content,
  kept by triggers on the table (a case's rows are deleted and inserted again), and built over
  the rows already there when it is made (a rebuild's); ranked by bm25.
  It is joined on ``rowid``, so the views file must never be VACUUMed (a rebuild makes a new
  generation instead; nothing here runs VACUUM);
- PostgreSQL: GIN indexes over ``array_to_tsvector`` of the terms (one per column, and one over
  all of them): the terms are lexemes as written, never parsed, so CJK text is indexed under a
  ``C`` locale too (``pg_trgm`` and the text-search parsers see no letters there); ranked by
  ``ts_rank``.

The generation's tables are dropped with their index (``drop``); every name derives from the
physical table's, so generations never share one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from projections.core import Table, TextMatch

Cursor = Any  # a DB-API cursor of either driver


def union_all(queries: Iterable[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """Several matches' queries as one statement: under a load each round trip to the
    database is milliseconds more of the answer (a registration asks two, R-S4). A lone
    query is left as it is, its rows in the engine's order."""
    given = list(queries)
    if len(given) == 1:
        return given[0]
    parts: list[str] = []
    params: list[Any] = []
    for number, (sql, more) in enumerate(given):
        parts.append(f"SELECT * FROM ({sql}) AS match_{number}")
        params += more
    return " UNION ALL ".join(parts), params


def _checked(match: TextMatch) -> None:
    """Terms are quoted into the engine's query language: letters and digits only."""
    if not match.columns or not set(match.columns) <= set(match.table.tokens):
        raise ValueError(f"{match.columns} are not token columns of {match.table.name}")
    for term in match.terms:
        if not term.isalnum():
            raise ValueError(f"a search term is letters and digits only, not {term!r}")


def _key(match: TextMatch) -> str:
    """Equal ranks in key order, so a page is the same on every read."""
    return ", ".join(f"c.{column}" for column in match.table.key)


class SQLiteTextIndex:
    """FTS5 over the token columns, the view table as its content."""

    @staticmethod
    def create(c: Cursor, name: str, table: Table) -> None:
        fts, columns = f"{name}_fts", ", ".join(table.tokens)
        new = ", ".join(f"new.{col}" for col in table.tokens)
        old = ", ".join(f"old.{col}" for col in table.tokens)
        forget = f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.rowid, {old});"
        learn = f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.rowid, {new});"
        c.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({columns}, "
            f"content='{name}', content_rowid='rowid')"
        )
        for event, body in (("INSERT", learn), ("DELETE", forget), ("UPDATE", forget + learn)):
            c.execute(
                f"CREATE TRIGGER IF NOT EXISTS {name}_fts_{event.lower()} AFTER {event} ON {name} "
                f"BEGIN {body} END"
            )
        # The rows already in the table (a rebuild's, filled before its indexes) are indexed
        # too: the triggers see only what comes next.
        c.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")

    @staticmethod
    def drop(c: Cursor, name: str) -> None:
        c.execute(f"DROP TABLE IF EXISTS {name}_fts")  # the triggers go with their table

    @staticmethod
    def query(name: str, match: TextMatch) -> tuple[str, list[Any]]:
        _checked(match)
        fts = f"{name}_fts"
        terms = (" AND " if match.every else " OR ").join(f'"{t}"' for t in match.terms)
        expression = f"{{{' '.join(match.columns)}}}: ({terms})"
        sql = (
            f"SELECT c.* FROM {fts} JOIN {name} c ON c.rowid = {fts}.rowid "
            f"WHERE {fts} MATCH ? AND ({match.where}) ORDER BY bm25({fts}), {_key(match)} LIMIT ?"
        )
        return sql, [expression, *match.params, match.limit]


class PostgresTextIndex:
    """GIN over the terms as lexemes: per token column, and over all of them together."""

    @staticmethod
    def vector(columns: tuple[str, ...], alias: str = "") -> str:
        arrays = " || ".join(f"string_to_array({alias}{col}, ' ')" for col in columns)
        return f"array_to_tsvector({arrays})"

    @classmethod
    def create(cls, c: Cursor, name: str, qualified: str, table: Table) -> None:
        sets: list[tuple[str, ...]] = [(col,) for col in table.tokens]
        if len(table.tokens) > 1:
            sets.append(table.tokens)
        for columns in sets:
            index = f"{name}_{'_'.join(columns)}_terms"
            c.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {qualified} "
                f"USING gin ({cls.vector(columns)})"
            )

    @classmethod
    def query(cls, qualified: str, match: TextMatch) -> tuple[str, list[Any]]:
        _checked(match)
        # Written as the index is, so the planner finds it; lexemes quoted, never parsed.
        vector = cls.vector(match.columns, "c.")
        terms = (" & " if match.every else " | ").join(f"'{t}'" for t in match.terms)
        sql = (
            f"SELECT c.* FROM {qualified} c, CAST(? AS tsquery) AS q(terms) "
            f"WHERE {vector} @@ q.terms AND ({match.where}) "
            f"ORDER BY ts_rank({vector}, q.terms) DESC, {_key(match)} LIMIT ?"
        )
        return sql, [terms, *match.params, match.limit]

"""Finding cases by their words: the search behind ``GET /v1/cases?q=`` and the earlier years'
cases a new registration may repeat (R-S4).

A row per case holds its number, title, year, kind and stage, and the character bigrams of its
title and of its text (``domain.similarity.bigrams``, the pairs the repeat score compares) as
space-separated terms that the store indexes with its own full-text engine (``Table.tokens``).
Chinese has no spaces, and most words are two characters: a bigram index finds them, where a
trigram index cannot, and gives the same answers on both databases (docs/decisions.md).
The units with a role on the case are a table of their own, for a handler's scope.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.similarity import bigrams, similarity
from projections.core import CaseView, Row, Table, TextMatch, ViewReader, column_equals
from projections.ledger import unit_roles

NAME = "case_search"

CASES = Table(
    view=NAME,
    name="search_cases",
    columns={
        "case_id": "TEXT",
        "number": "TEXT",
        "year": "INTEGER",
        "kind": "TEXT",
        "title": "TEXT",
        "stage": "TEXT",
        "title_grams": "TEXT",  # the title's bigrams, space-separated
        "text_grams": "TEXT",  # the text's
    },
    key=("case_id",),
    indexes=(("number",), ("year", "kind")),
    tokens=("title_grams", "text_grams"),
    # 2: a reference case whose proposer was reached is closed (R-R3, R-D5)
    version=2,
)

UNITS = Table(
    view=NAME,
    name="search_units",
    columns={"case_id": "TEXT", "unit": "TEXT"},
    key=("case_id", "unit"),
    indexes=(("unit",),),
)

# How much of a text a repeat search asks about: its opening states the subject, and a query
# of every bigram of a long text would cost more than it finds.
TEXT_QUERY_CHARS = 300
# Candidates a search ranks itself, of those the store's engine ranks best.
CANDIDATES = 500


def terms(grams: frozenset[str]) -> str:
    """Bigrams as the stored terms: letters and digits, one space between, in a fixed order."""
    return " ".join(sorted(g for g in grams if len(g) == 2 and g.isalnum()))


class CaseSearchView(CaseView):
    name = NAME
    tables = (CASES, UNITS)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        case_id = str(case.id)
        head: Row = {
            "case_id": case_id,
            "number": case.number,
            "year": case.year,
            "kind": case.kind,
            "title": case.title,
            "stage": case.stage,
            "title_grams": terms(bigrams(case.title)),
            "text_grams": terms(bigrams(case.text)),
        }
        units = [{"case_id": case_id, "unit": unit} for unit, _ in unit_roles(case)]
        return {CASES.name: [head], UNITS.name: units}


# -- reads: possible repeats (R-S4) ----------------------------------------------------------


@dataclass(frozen=True)
class Alike:
    """An earlier case and how alike it is: the Dice of the titles' bigrams, or their mean with
    the texts' when that is higher (docs/decisions.md, "Repeats and search")."""

    case_id: str
    number: str
    year: int
    score: float


def alike_cases(
    reader: ViewReader, *, title: str, text: str, kind: str, before: int, limit: int
) -> list[Alike]:
    """Cases of ``kind`` from years before ``before`` whose title or text is most like these.

    The store's engine proposes the ``limit`` best by title and by text; each is then scored
    with the domain's own measure, so the index only decides which cases are looked at.
    """
    mine = {"title_grams": bigrams(title), "text_grams": bigrams(text)}
    asked = {"title_grams": mine["title_grams"], "text_grams": bigrams(text[:TEXT_QUERY_CHARS])}
    where, params = "c.kind = ? AND c.year < ?", (kind, before)
    matches = [
        TextMatch(CASES, (column,), words, False, limit, where, params)
        for column, grams in asked.items()
        if (words := tuple(terms(grams).split()))
    ]
    found: dict[str, Row] = {}
    for row in reader.matching(*matches) if matches else ():
        found.setdefault(row["case_id"], row)
    scored = []
    for row in found.values():
        by_title, by_text = (
            similarity(mine[column], frozenset(str(row[column]).split())) for column in mine
        )
        # The title says what is asked; a text may lift a reworded title only as far as the
        # two agree on average, since texts share the phrases every case uses (资金投入不足).
        score = max(by_title, (by_title + by_text) / 2)
        scored.append(Alike(row["case_id"], row["number"], int(row["year"]), round(score, 3)))
    return sorted(scored, key=lambda a: (-a.score, a.year, a.number))


# -- reads: search ----------------------------------------------------------------------------


def search(
    reader: ViewReader,
    *,
    q: str | None,
    year: int | None = None,
    kind: str | None = None,
    unit: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Cases by number, title and text, the best matches first; without ``q``, every case,
    the latest year first, in number order. ``unit`` keeps the cases that unit has a role on
    (a handler's scope).

    Ranked: the number asked exactly, then numbers holding it; then cases whose title holds
    every word asked, by how much of the title they are; then those whose text holds them.
    Up to ``CANDIDATES`` matches are ranked, and a cursor is a position in that ranking;
    ``total`` says how many (None for a listing, which counts nothing).
    """
    where, params = _filters(reader, year, kind, unit)
    asked = unicodedata.normalize("NFKC", q or "").strip()
    if not asked:
        return _listing(reader, where, params, limit, cursor)
    start = json.loads(cursor) if cursor else 0
    if not isinstance(start, int) or isinstance(start, bool) or not 0 <= start <= CANDIDATES:
        raise ValueError("cursor")
    ranked = _ranked(reader, asked, where, params)
    page = ranked[start : start + limit]
    more = len(ranked) > start + limit
    return {
        "items": [_item(r) for r in page],
        "next_cursor": json.dumps(start + limit) if more else None,
        "total": len(ranked),
    }


def _item(row: Row) -> dict[str, Any]:
    return {k: row[k] for k in ("case_id", "number", "year", "kind", "title", "stage")}


def _filters(
    reader: ViewReader, year: int | None, kind: str | None, unit: str | None
) -> tuple[str, list[Any]]:
    where, params = column_equals("c.", year=year, kind=kind)
    if unit is not None:
        where.append(f"c.case_id IN (SELECT case_id FROM {reader.table(UNITS)} WHERE unit = ?)")
        params.append(unit)
    return " AND ".join(where or ["1 = 1"]), params


def _listing(
    reader: ViewReader, where: str, params: list[Any], limit: int, cursor: str | None
) -> dict[str, Any]:
    """Every case in scope, the latest year first, by number; the cursor is the last one's."""
    if cursor:
        year, number, case_id = json.loads(cursor)
        if not (isinstance(year, int) and isinstance(number, str) and isinstance(case_id, str)):
            raise ValueError("cursor")
        where += " AND (c.year < ? OR (c.year = ? AND (c.number > ? OR "
        where += "(c.number = ? AND c.case_id > ?))))"
        params = [*params, year, year, number, number, case_id]
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(CASES)} c WHERE {where} "
        "ORDER BY c.year DESC, c.number, c.case_id LIMIT ?",
        [*params, limit + 1],
    )
    page, following = rows[:limit], None
    if len(rows) > limit:
        last = page[-1]
        following = json.dumps([last["year"], last["number"], last["case_id"]])
    return {"items": [_item(r) for r in page], "next_cursor": following, "total": None}


def _like(text: str) -> str:
    """A LIKE pattern finding ``text`` anywhere (its own % and _ taken literally)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def asked_grams(asked: str) -> frozenset[str]:
    """The bigrams a search asks for: each space-separated word's own, so that 山区 供暖 asks
    山区 and 供暖 (run together, it asked 区供 too, which no title holds)."""
    return frozenset().union(*(bigrams(word) for word in asked.split()))


def _may_be_number(word: str) -> bool:
    """Whether a word may be (part of) a case number: numbers are letters and digits."""
    return any(ch.isascii() and ch.isalnum() for ch in word)


def _ranked(reader: ViewReader, asked: str, where: str, params: list[Any]) -> list[Row]:
    """Every case holding every word asked, ranked (``rank``); the whole text asked may also be
    (part of) a number, and a word that may be one is also tried as one, beside the others
    (S-2024 公路: the cases numbered S-2024… whose title or text holds 公路)."""
    grams = asked_grams(asked)
    found: dict[str, Row] = {}

    def add(rows: list[Row]) -> None:
        for row in rows:
            found.setdefault(row["case_id"], row)

    if _may_be_number(asked):
        add(reader.fetch(
            f"SELECT * FROM {reader.table(CASES)} c WHERE {where} "
            "AND lower(c.number) LIKE ? ESCAPE '\\' LIMIT ?",
            [*params, _like(asked.lower()), CANDIDATES],
        ))  # fmt: skip
    words = asked.split()
    add(_holding(reader, words, where, params))
    numbers = [w for w in words if _may_be_number(w)]
    if numbers and len(numbers) < len(words):
        numbered = " AND ".join(["lower(c.number) LIKE ? ESCAPE '\\'"] * len(numbers))
        rest = [w for w in words if w not in numbers]
        add(
            _holding(
                reader,
                rest,
                f"{where} AND {numbered}",
                [*params, *(_like(n.lower()) for n in numbers)],
            )
        )
    number = asked.lower()

    def rank(row: Row) -> tuple[Any, ...]:
        title = frozenset(str(row["title_grams"]).split())
        own = str(row["number"]).lower()
        return (
            own != number,
            number not in own,
            not grams <= title,
            -similarity(grams, title),
            -int(row["year"]),
            row["number"],
            row["case_id"],
        )

    return sorted(found.values(), key=rank)[:CANDIDATES]


# A word in a title, whatever the case of its letters (PostgreSQL's LIKE heeds it, SQLite's not).
IN_TITLE = "lower(c.title) LIKE ? ESCAPE '\\'"


def _holding(reader: ViewReader, words: list[str], where: str, params: list[Any]) -> list[Row]:
    """Cases whose title or text holds every one of ``words``: the bigrams of those that have
    any through the store's full-text index, a one-character word in the title or among the
    text's bigrams (each character of a text is in one). A word of only what every title says
    (关于, 建议) stands for no bigram: beside other words it is left out, alone it is looked for
    in the titles."""
    asked = tuple(terms(asked_grams(" ".join(words))).split())
    chars = [w.lower() for w in words if len(w) == 1 and w.isalnum()]
    if asked or chars:
        clauses = [f"({IN_TITLE} OR c.text_grams LIKE ? ESCAPE '\\')"] * len(chars)
        patterns = [_like(ch) for ch in chars for _ in ("title", "text")]
    else:
        clauses = [IN_TITLE] * len(words)
        patterns = [_like(w.lower()) for w in words]
    narrowed = " AND ".join([where, *clauses])
    held = (*params, *patterns)
    if asked:
        return reader.matching(
            TextMatch(CASES, CASES.tokens, asked, True, CANDIDATES, narrowed, held)
        )
    return reader.fetch(
        f"SELECT * FROM {reader.table(CASES)} c WHERE {narrowed} LIMIT ?", [*held, CANDIDATES]
    )

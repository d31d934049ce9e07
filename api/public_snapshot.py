"""The public register held in memory, so a public read costs no database query but one.

A search over number and title (``q``) cannot use an index (``LIKE '%…%'``): at 100,000 cases
one took 150–250 ms in SQLite. The register is small (a row is a number, a title and a url) and
read far more than it changes, so each API process keeps it whole, in its order, and filters
it in memory (a substring test over 100,000 titles takes a few ms; common filters stop after a
page). Every read asks the read model's position (one indexed query); when it has moved, the
snapshot is loaded again in a background thread while readers keep the previous one, so a
public read never waits for a reload (``fresh=True`` waits instead: tests, read-after-write).
The register lags its read model by at most one reload (≈0.2 s at 100,000 cases), except in
what it takes away: a reply whose proposer refused disclosure since (R-P2), or taken down, is
never served from the previous snapshot. Its rows are asked of the read model first (one
indexed query, only while a reload is pending), and a page holding one waits for the reload.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from api.schemas_paperwork import PublicReplies

Row = dict[str, Any]
# What a snapshot's rows hold beside the public fields: never answered.
INTERNAL = ("key", "case_ref")


def folded(text: str) -> str:
    """Text as a search compares it: "jy-0215" finds JY-0215, full-width "ＪＹ" finds JY."""
    return unicodedata.normalize("NFKC", text).lower()


class BadCursor(ValueError):
    """A cursor this register never gave out (only this is the reader's error: anything else
    raised while answering is the server's, and is not to be reported as a bad cursor)."""


@dataclass(frozen=True)
class Wanted:
    """The register's filters (API.md v1.1), all applied together; None: any."""

    year: int | None = None
    unit: str | None = None
    kind: str | None = None
    q: str | None = None  # text in the number or title


def _cursor(row: Row) -> str:
    """A page's cursor: its last row's (date, number, key), after which the next one starts."""
    return json.dumps([row["published_on"], row["number"], row["key"]])


@dataclass(frozen=True)
class Span:
    """Where a page of the register stands among the replies its filters match."""

    total: int
    first: int  # the page's first reply's ordinal among them, from 1 (0: there are none)
    has_previous: bool
    previous_cursor: str | None  # None with a page before: that page is the first


@dataclass(frozen=True)
class Snapshot:
    position: int | None
    rows: list[Row]  # newest first, as the read model orders them
    index: dict[str, int]  # row key → its place, to resume after a cursor
    # Every row's number and title in one string, in order, and where each row starts there:
    # a search is str.find over it (C speed), never a Python test per row.
    text: str = field(repr=False, default="")
    starts: list[int] = field(repr=False, default_factory=list)
    # The units with a reply in the register, by code: what the page's 答复单位 offers.
    units: tuple[str, ...] = ()

    @classmethod
    def of(cls, position: int | None, rows: list[Row]) -> Snapshot:
        # A merge's reply is found by every number it answers (R-M1).
        parts = [
            folded(f"{' '.join([row['number'], *row['merged_numbers']])}\t{row['title']}\n")
            for row in rows
        ]
        starts, offset = [], 0
        for part in parts:
            starts.append(offset)
            offset += len(part)
        index = {row["key"]: place for place, row in enumerate(rows)}
        units = tuple(sorted({row["unit"] for row in rows}))
        return cls(position, rows, index, "".join(parts), starts, units)

    def _places(self, start: int, q: str | None) -> Iterator[int]:
        """The places from ``start`` on whose number or title holds every word of ``q`` (words
        apart by spaces, in any order: "乡村 教师" finds 乡村教师 and 教师…乡村), in order."""
        words = folded(q).split() if q else []
        if not words:
            yield from range(start, len(self.rows))
            return
        first, others = words[0], words[1:]
        at = self.starts[start] if start < len(self.starts) else len(self.text)
        while (found := self.text.find(first, at)) >= 0:
            place = bisect_right(self.starts, found) - 1
            at = self.starts[place + 1] if place + 1 < len(self.starts) else len(self.text)
            if all(word in self.text[self.starts[place] : at] for word in others):
                yield place

    def page(self, wanted: Wanted, *, limit: int, cursor: str | None) -> PublicReplies:
        return answered(*self.page_rows(wanted, limit=limit, cursor=cursor))

    def page_rows(
        self, wanted: Wanted, *, limit: int, cursor: str | None
    ) -> tuple[list[Row], str | None]:
        """A page's rows as held (with their keys), and the cursor of the next page."""
        start = self._after(cursor) if cursor else 0
        found: list[Row] = []
        for place in self._matches(start, wanted):
            found.append(self.rows[place])
            if len(found) > limit:
                break
        page, more = found[:limit], len(found) > limit
        return page, _cursor(page[-1]) if more and page else None

    def span(self, wanted: Wanted, *, limit: int, cursor: str | None) -> Span:
        """Where a page stands among the replies its filters match: how many there are, its
        first one's ordinal, and the cursor of the page before it (a keyset cursor only
        leads on; the page's reader also wants to go back)."""
        start = self._after(cursor) if cursor else 0
        if wanted == Wanted():  # every row matches: no walk over the register
            before, total = list(range(max(0, start - limit - 1), start)), len(self.rows)
            earlier = start
        else:
            places = list(self._matches(0, wanted))
            earlier = bisect_right(places, start - 1)
            before, total = places[max(0, earlier - limit - 1) : earlier], len(places)
        if earlier == 0:
            return Span(total, 1 if total else 0, has_previous=False, previous_cursor=None)
        # The page before starts after the match ``limit`` places back: the first page has none.
        back = _cursor(self.rows[before[0]]) if earlier > limit else None
        return Span(total, earlier + 1, has_previous=True, previous_cursor=back)

    def _matches(self, start: int, wanted: Wanted) -> Iterator[int]:
        """The places from ``start`` on of the rows that every given filter matches."""
        year, unit, kind = wanted.year, wanted.unit, wanted.kind
        for place in self._places(start, wanted.q):
            row = self.rows[place]
            if year is not None and row["year"] != year:
                continue
            if (unit is not None and row["unit"] != unit) or (kind and row["kind"] != kind):
                continue
            yield place

    def _after(self, cursor: str) -> int:
        """The place after a cursor's row; after a reload that removed it, after where it was."""
        try:
            published, number, key = json.loads(cursor)
        except (ValueError, TypeError):
            raise BadCursor(cursor) from None
        if not all(isinstance(v, str) for v in (published, number, key)):
            raise BadCursor(cursor)
        if key in self.index:
            return self.index[key] + 1
        for place, row in enumerate(self.rows):
            if row["published_on"] < published or (
                row["published_on"] == published and (row["number"], row["key"]) > (number, key)
            ):
                return place
        return len(self.rows)


def answered(rows: list[Row], next_cursor: str | None) -> PublicReplies:
    items = [{k: v for k, v in r.items() if k not in INTERNAL} for r in rows]
    return PublicReplies.model_validate({"items": items, "next_cursor": next_cursor})


class PublicSnapshots:
    """The current snapshot of one process, reloaded when the read model moves."""

    def __init__(
        self,
        position: Callable[[], int | None],
        load: Callable[[], list[Row]],
        fresh: bool,
        listed: Callable[[Sequence[str]], set[str]] = lambda _: set(),
    ) -> None:
        self.position = position
        self.load = load
        self.fresh = fresh
        self.listed = listed  # the keys of these cases' replies the read model lists now
        self.current: Snapshot | None = None
        self.lock = threading.Lock()
        self.reloading = False

    def page(
        self, wanted: Wanted, *, limit: int, cursor: str | None
    ) -> tuple[PublicReplies, Snapshot]:
        """A page, and the snapshot it was read from: one reloading in the background is
        used only for rows the read model still lists (R-P2); else the reload is waited for."""
        snapshot, at = self._get()
        rows, next_cursor = snapshot.page_rows(wanted, limit=limit, cursor=cursor)
        if snapshot.position != at and not self._still_listed(rows):
            snapshot = self._reload(at)
            rows, next_cursor = snapshot.page_rows(wanted, limit=limit, cursor=cursor)
        return answered(rows, next_cursor), snapshot

    def now(self) -> Snapshot:
        """The snapshot at the read model's position, reloaded now if it moved (a whole
        register's file is rare; its rows are not each asked again)."""
        at = self.position()
        current = self.current
        if current is not None and current.position == at:
            return current
        return self._reload(at)

    def _still_listed(self, rows: list[Row]) -> bool:
        keys = {str(row["key"]) for row in rows}
        return not keys or keys <= self.listed(sorted({str(row["case_ref"]) for row in rows}))

    def get(self) -> Snapshot:
        return self._get()[0]

    def _get(self) -> tuple[Snapshot, int | None]:
        """The snapshot to read (the previous one while a reload runs), and the read model's
        position it was asked at."""
        at = self.position()
        current = self.current
        if current is not None and current.position == at:
            return current, at
        if current is None or self.fresh:
            return self._reload(at), at
        with self.lock:
            if not self.reloading:
                self.reloading = True
                threading.Thread(target=self._reload, args=(at,), daemon=True).start()
        return current, at

    def _reload(self, at: int | None) -> Snapshot:
        try:
            rows = self.load()
            snapshot = Snapshot.of(at, rows)
            with self.lock:
                if self.current is None or (at or 0) >= (self.current.position or 0):
                    self.current = snapshot
            return snapshot
        finally:
            with self.lock:
                self.reloading = False

"""The public register (API.md v1.1; seeds 003 §五, 004), without a login: published replies as
JSON, CSV and an Atom feed, and a page listing them.

Only what the read model ``public_register`` holds is answered: published replies, never a
withheld one, never one whose proposer refused disclosure (R-P2), nothing about the proposer.
Answers come from the register held in memory (``api/public_snapshot.py``) and carry an
``ETag`` and ``Cache-Control``: browsers and proxies ask again each time and are answered 304
while nothing changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import asdict, astuple, dataclass
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api import queries
from api.deps import (
    MAX_CURSOR,
    MAX_LIMIT,
    Page,
    Paging,
    Services,
    UnitFilter,
    YearFilter,
    in_event_loop,
)
from api.page_paths import QUERY_SET_ASIDE
from api.pages_labels import class_words
from api.problems import INVALID_CURSOR, ApiProblem
from api.public_snapshot import BadCursor, PublicSnapshots, Snapshot, Wanted
from api.schemas_paperwork import PublicReplies
from domain.checks import MAX_CODE, legible
from domain.vocabulary import Kind
from infra import paper_labels as words
from infra.clock import today
from infra.services import Services as ServiceGraph

router = APIRouter(tags=["public register"])

MAX_SEARCH = 100
Search = Annotated[
    str | None, Query(max_length=MAX_SEARCH, description="text in the number or title")
]
# Stored by any cache, asked again each time (the ETag answers 304 while nothing changed): a
# reply taken off the register (R-P2) was kept 30 s by ``max-age=30``.
CACHE_CONTROL = "public, no-cache"
# The register's page runs no script at all (its styles are its own, inline): a link a
# publisher got wrong cannot run code on this site, and no other site may frame it.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@dataclass
class PublicFilter:
    """The register's filters (API.md v1.1), all optional, all applied together."""

    year: YearFilter = None
    unit: UnitFilter = None
    kind: Kind | None = None
    q: Search = None


PublicQuery = Annotated[PublicFilter, Depends(in_event_loop(PublicFilter))]
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "web" / "templates"),
    autoescape=select_autoescape(["html"]),
)
TEMPLATES.globals.update(class_words=class_words)  # R-R1's words, as the proposer's page has them


def snapshots(request: Request, svc: ServiceGraph) -> PublicSnapshots:
    """This process's snapshot of the register (``app.state.public_fresh``: the register as of
    the log's head, reloaded at once: read-your-writes, as the tests' writes expect)."""
    state = request.app.state
    if not hasattr(state, "public_snapshots"):
        fresh = getattr(state, "public_fresh", False)
        state.public_snapshots = PublicSnapshots(
            lambda: queries.public_register_position(svc, current=fresh),
            lambda: queries.public_rows(svc),
            fresh=fresh,
            listed=lambda case_ids: queries.public_listed(svc, case_ids),
        )
    found: PublicSnapshots = state.public_snapshots
    return found


def _page(
    request: Request, svc: ServiceGraph, filters: PublicFilter, page: Paging
) -> tuple[PublicReplies, str, Snapshot]:
    f = filters
    try:
        found, snapshot = snapshots(request, svc).page(
            Wanted(**asdict(f)), limit=page.limit, cursor=page.cursor
        )
    except BadCursor:
        raise ApiProblem(422, INVALID_CURSOR) from None
    key = (request.url.path, snapshot.position, *astuple(f), page.limit, page.cursor)
    return found, f'"{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}"', snapshot


def _cached(request: Request, etag: str, response: Response) -> Response:
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@router.get("/v1/public/replies", response_model=PublicReplies)
def public_replies(request: Request, svc: Services, page: Page, filters: PublicQuery) -> Response:
    """Published replies, newest first; ``q`` searches number and title. No login."""
    found, etag, _ = _page(request, svc, filters, page)
    body = found.model_dump_json().encode()
    return _cached(request, etag, Response(body, media_type="application/json"))


def _every(request: Request, svc: ServiceGraph, f: PublicFilter) -> Iterator[Any]:
    found = snapshots(request, svc).now().page(Wanted(**asdict(f)), limit=10**9, cursor=None)
    yield from found.items


@router.get("/v1/public/replies.csv", response_class=StreamingResponse)
def public_replies_csv(request: Request, svc: Services, filters: PublicQuery) -> StreamingResponse:
    """Every matching published reply as CSV (UTF-8 with a BOM, so Excel reads the Chinese)."""
    # 答复单位 holds the unit's code, as it always has; its name, which the page and the feed
    # show, is added last so that no column moves for a reader of the file.
    header = ["编号", "类别", "年度", "标题", "答复单位", "答复类别", "公开日期", "链接"]
    header += ["答复单位名称", "再次答复", "并案编号"]

    def lines() -> Iterator[bytes]:
        yield "\ufeff".encode()
        yield _csv_line(header)
        rows = list(_every(request, svc, filters))
        names = queries.unit_names(svc, (r.unit for r in rows))
        for r in rows:
            kind_word = words.label(words.KIND, r.kind)
            values = [r.number, kind_word, r.year, r.title, r.unit, r.classification]
            again = words.YES_NO[r.further]
            merged = "、".join(r.merged_numbers)  # R-M1: the other cases the reply answers
            yield _csv_line(
                [*values, r.published_on, r.url or "", names.get(r.unit, r.unit), again, merged]
            )

    disposition = 'attachment; filename="public-replies.csv"'
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition, "Cache-Control": CACHE_CONTROL},
    )


# What a spreadsheet opening the file reads as the start of a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_line(values: list[Any]) -> bytes:
    """A line of the open-data file, which is made for Excel (its BOM): text a spreadsheet
    would run as a formula starts with an apostrophe, so a title typed as =HYPERLINK(…) is
    read as the text it is (an attack probe's came out live in a file anyone downloads)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in values
    )
    return out.getvalue().encode()


@router.get("/v1/public/feed.atom", response_class=Response)
def public_feed(request: Request, svc: Services) -> Response:
    """The 50 newest published replies as an Atom feed."""
    found, etag, _ = _page(request, svc, PublicFilter(), Paging(50, None))
    names = queries.unit_names(svc, (r.unit for r in found.items))
    base = str(request.base_url).rstrip("/")
    updated = max((r.published_on for r in found.items), default="1970-01-01")
    entries = []
    for r in found.items:
        link = r.url or f"{base}/public?q={r.number}"
        again = "再次" if r.further else ""
        merged = f"；并案：{'、'.join(r.merged_numbers)}" if r.merged_numbers else ""  # R-M1
        title = (
            f"{r.number} {r.title}（{names.get(r.unit, r.unit)}{again}答复，{r.classification}类）"
        )
        # A further reply's own id (the original's stays as it was for feed readers).
        ident = f"{r.number}:{r.unit}" + (f":{r.published_on}" if r.further else "")
        entries.append(
            "<entry>"
            f"<id>urn:banli:reply:{escape(ident)}</id>"
            f"<title>{escape(title)}</title>"
            f'<link href="{escape(link, {chr(34): "&quot;"})}"/>'
            f"<updated>{r.published_on}T00:00:00Z</updated>"
            f"<summary>{escape(words.label(words.KIND, r.kind))} {r.year}{escape(merged)}</summary>"
            "</entry>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>建议提案办理复文公开</title>"
        # RFC 4287: a feed names its author (or every entry does).
        "<author><name>建议提案办理复文公开</name></author>"
        f"<id>{escape(base)}/v1/public/feed.atom</id>"
        f'<link rel="self" href="{escape(base)}/v1/public/feed.atom"/>'
        f"<updated>{updated}T00:00:00Z</updated>"
        f"{''.join(entries)}</feed>"
    )
    # ``legible``: text recorded before U+FFFE and U+FFFF were refused made the feed no XML.
    return _cached(request, etag, Response(legible(feed), media_type="application/atom+xml"))


# The page's parameters, taken as typed: a link beyond the API's bounds (a pasted search of
# 101 characters, ``limit=100000``) is the register's page with a notice, not the API's
# problem+json in English.
Typed = Annotated[str | None, Query()]


@router.get("/public", response_class=HTMLResponse, include_in_schema=False)
def public_page(
    request: Request,
    svc: Services,
    year: Typed = None,
    unit: Typed = None,
    kind: Typed = None,
    q: Typed = None,
    limit: Typed = None,
    cursor: Typed = None,
) -> Response:
    """The register as a page anyone can open and search (公开). A form sends its empty fields
    too (``year=&kind=``): here they mean "any", not a malformed request."""
    year_ = int(year) if year and year.isascii() and year.isdigit() and len(year) == 4 else None
    bad_year = bool(year) and year_ is None  # said on the page, as a search too long is
    kind_ = cast("Kind | None", kind if kind in words.KIND else None)  # KIND's keys are kinds
    too_long = q is not None and len(q) > MAX_SEARCH
    unit = unit if unit is None or len(unit) <= MAX_CODE else None  # no unit has such a code
    chosen = PublicFilter(year_, unit or None, kind_, None if too_long else q or None)
    page, stale = _paging(limit, cursor)
    # A search holding text no store can hold (``/public?q=%00``): set aside by the request
    # limits, and the first page says so.
    set_aside = bool(request.scope.get(QUERY_SET_ASIDE))
    try:
        found, etag, snapshot = _page(request, svc, chosen, page)
    except ApiProblem:
        # A cursor this register never gave out (an old link, one edited by hand): its first
        # page, saying so, on the register's own page. The workbench's error page offered the
        # public a way back to the workbench, which needs a login.
        stale, page = True, Paging(page.limit, None)
        found, etag, snapshot = _page(request, svc, chosen, page)
    # The same snapshot as the page's: its count and its way back agree with what it lists.
    span = snapshot.span(Wanted(**asdict(chosen)), limit=page.limit, cursor=page.cursor)
    html = TEMPLATES.get_template("public/replies.html").render(
        items=found.items,
        # A reader knows a unit by its name, not its code (no event renames a unit, so the
        # page's ETag, by position and query, still names what it shows).
        names=queries.unit_names(svc, [*snapshot.units, unit]),
        units=snapshot.units,
        unit=unit or "",
        span=span,
        # The pages before and after carry the filters and the page size the page shows.
        previous_href=_href(chosen, page.limit, span.previous_cursor)
        if span.has_previous
        else None,
        next_href=_href(chosen, page.limit, found.next_cursor) if found.next_cursor else None,
        # The open-data links and the next page carry the filters the page shows.
        chosen=urlencode({k: v for k, v in asdict(chosen).items() if v is not None}),
        q=chosen.q or "",
        year=year_ or "",
        kind=kind_ or "",
        kinds=words.KIND,
        generated=today().isoformat(),
        stale=stale,
        set_aside=set_aside,
        too_long=too_long,
        bad_year=year if bad_year else None,
        max_search=MAX_SEARCH,
    )
    if stale or set_aside or too_long or bad_year:  # not cached: its URL differs
        return HTMLResponse(html, headers=PAGE_HEADERS)
    return _cached(request, etag, HTMLResponse(html, headers=PAGE_HEADERS))


def _paging(limit: str | None, cursor: str | None) -> tuple[Paging, bool]:
    """The page a link asks for, and whether its paging was unusable (then its first page at
    the usual size: the link is stale, as one with a cursor never given out is)."""
    size = Paging().limit
    if limit:
        if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= MAX_LIMIT):
            return Paging(), True
        size = int(limit)
    if cursor is not None and len(cursor) > MAX_CURSOR:
        return Paging(size, None), True
    return Paging(size, cursor or None), False


def _href(chosen: PublicFilter, limit: int, cursor: str | None) -> str:
    """A link to the register's page after ``cursor`` (the first page without one)."""
    query = {k: v for k, v in asdict(chosen).items() if v is not None}
    if limit != Paging().limit:  # the default size goes without saying
        query["limit"] = limit
    if cursor:
        query["cursor"] = cursor
    return "?" + urlencode(query)


def public_not_found() -> HTMLResponse:
    """A path under ``/public`` no page has, on the register's own page with its way back: the
    workbench's 404 offered the public 返回总览, which needs a login."""
    html = TEMPLATES.get_template("public/not_found.html").render()
    return HTMLResponse(html, status_code=404, headers=PAGE_HEADERS)

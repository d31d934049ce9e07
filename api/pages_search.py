"""查找: a case by its number, or words of its title or text (API.md v1.1 ``GET /v1/cases?q=``,
the search read model, R-S4), from the box in every page's header. A clerk looking for one
case among hundreds had the 台账's nine filters and 50 rows a page, and no box to type in (a
browser review); the public register had one. A handler finds its own unit's cases only."""

from __future__ import annotations

import unicodedata

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import queries
from api.deps import Paging
from api.pages_web import Staff, Svc, page_errors, render
from domain.checks import MAX_NAME, text_problem
from projections.case_search import CANDIDATES

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


def asked_words(request: Request) -> tuple[str, str]:
    """The words asked (NFKC, trimmed), and what is wrong with them ("" when nothing)."""
    words = unicodedata.normalize("NFKC", request.query_params.get("q") or "").strip()
    if len(words) > MAX_NAME:
        return "", f"查找的内容过长（最多 {MAX_NAME} 字），请缩短后重试。"
    if text_problem(words) is not None:
        return "", "查找的内容含有无法处理的字符，请检查后重试。"
    return words, ""


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, who: Staff, svc: Svc) -> HTMLResponse:
    words, problem = asked_words(request)
    cursor = request.query_params.get("cursor") or None
    found, next_cursor, total = [], None, 0
    if words:
        with page_errors():
            page = queries.case_search(
                svc, who, q=words, year=None, kind=None, page=Paging(PAGE_SIZE, cursor)
            )
        found, next_cursor, total = page.items, page.next_cursor, page.total or 0
    context = {
        "words": words,
        "problem": problem,
        "found": found,
        "next_cursor": next_cursor,
        "total": total,
        "ranked_at_most": CANDIDATES,
        "first_page": cursor is None,
    }
    return render(request, "search.html", who, context, status=422 if problem else 200)

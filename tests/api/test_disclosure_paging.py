"""The disclosure register in pages (``GET /v1/disclosures?limit=&cursor=``, an addition to
API.md under its list convention): at 100,000 cases the whole register was one answer of some
10 MB. Pages follow the register's one order, the same on every store: a reply that owes no
publication (withheld when submitted, R-P5) sorted first on SQLite and last on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from projections import disclosures
from tests.api.conftest import Api
from tests.api.proposer_support import issued, ok, published

AS_OF = "2025-06-30"


def _register(api: Api, **query: Any) -> dict[str, Any]:
    found: dict[str, Any] = ok(api.get("/v1/disclosures", "office", as_of=AS_OF, **query), 200)
    return found


def _pages(api: Api, limit: int, **query: Any) -> list[list[str]]:
    """The reply ids of each page, following ``next_cursor`` to the end."""
    pages: list[list[str]] = []
    cursor = None
    while True:
        asked = {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}
        page = _register(api, **asked)
        pages.append([i["reply_id"] for i in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages


def _replies(api: Api) -> dict[str, str]:
    """Five replies: four to publish (one published, issued 2025-04-10, so due alike) and one
    withheld when it was submitted, which owes no publication: number → reply id."""
    replies = {}
    for number in ("DP-3", "DP-1", "DP-4", "DP-2"):
        case_id, reply_id = issued(api, number)
        replies[number] = reply_id
        if number == "DP-4":
            published(api, case_id, reply_id, "https://x.cn/dp-4")
    _, replies["DP-0"] = issued(api, "DP-0", disclosure="withheld", withheld_reason="confidential")
    return replies


def test_the_register_pages_through_every_reply_once_in_one_order_on_each_store_R_D4(
    backend_api: Api,
) -> None:
    replies = _replies(backend_api)
    whole = _register(backend_api)
    assert whole["next_cursor"] is None  # no limit asked: every item, as before
    order = [i["reply_id"] for i in whole["items"]]
    # By the day publication is due, then the case number; a reply owing none comes last.
    by_number = [replies[n] for n in ("DP-1", "DP-2", "DP-3", "DP-4", "DP-0")]
    assert order == by_number
    assert whole["items"][-1]["due_on"] is None and whole["items"][-1]["status"] == "withheld"

    for limit in (1, 2, 4, 5):
        pages = _pages(backend_api, limit)
        assert [r for page in pages for r in page] == order, limit
        assert all(len(page) == limit for page in pages[:-1])
    assert _pages(backend_api, 5) == [order]  # exactly one page: no empty one after it


def test_a_paged_status_filter_skips_what_it_does_not_select_R_D4_R_P1(
    backend_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = _replies(backend_api)
    # Statuses are judged for the day asked, in Python, over the rows read a few at a time:
    # two here, so a page's matches lie across several reads.
    monkeypatch.setattr(disclosures, "PAGE_READ", 2)
    # Due 20 working days after issue (R-D4): on 2025-06-30 the three unpublished are overdue.
    overdue = [replies[n] for n in ("DP-1", "DP-2", "DP-3")]
    assert _pages(backend_api, 2, status="overdue") == [overdue[:2], overdue[2:]]
    assert _pages(backend_api, 1, status="published") == [[replies["DP-4"]]]
    assert _pages(backend_api, 3, status="due") == [[]]


def test_a_cursor_the_register_did_not_give_is_refused_and_names_the_cursor(
    backend_api: Api,
) -> None:
    _replies(backend_api)
    for cursor in ("not json", "[1, 2]", '["2025-05-08", "DP-1"]', '{"a": 1}', "[null, 1, 2]"):
        response = backend_api.get("/v1/disclosures", "office", as_of=AS_OF, limit=2, cursor=cursor)
        assert response.status_code == 422, (cursor, response.text)
        assert "cursor" in response.text
    over = backend_api.get("/v1/disclosures", "office", as_of=AS_OF, limit=0)
    assert over.status_code == 422
    assert len(_register(backend_api)["items"]) == 5  # and the register still answers

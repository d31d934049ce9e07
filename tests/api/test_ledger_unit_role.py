"""The 总览's 主办/会办/分办 counts open the cases behind them (UI.md: every figure one click
from its cases): the 台账, /v1/ledger and its export take ``unit_role`` (the unit's part;
alone, any unit's), and the 台账 shows it among its filters."""

from __future__ import annotations

import html
import re

from tests.api.conftest import Api, register_and_assign
from tests.api.test_exports import book, download, rows
from tests.api.test_pages import logged_in


def numbers(api: Api, **params: str) -> list[str]:
    answer = api.get("/v1/ledger", "office", **params)
    assert answer.status_code == 200, answer.text
    return [i["number"] for i in answer.json()["items"]]


def test_a_units_cases_by_its_part_in_them_R_S1(api: Api) -> None:
    register_and_assign(api, "UR-1", lead="FIN", co=("HOU",))
    register_and_assign(api, "UR-2", lead="HOU", co=("FIN",))
    register_and_assign(api, "UR-3", lead="HOU")
    assert numbers(api, unit="FIN", unit_role="lead") == ["UR-1"]
    assert numbers(api, unit="FIN", unit_role="co") == ["UR-2"]
    assert numbers(api, unit="FIN") == ["UR-1", "UR-2"]
    assert numbers(api, unit_role="co") == ["UR-1", "UR-2"]  # any unit co-handling
    assert api.get("/v1/ledger", "office", unit_role="boss").status_code == 422

    client = logged_in(api, "clerk_r")
    overview = client.get("/?year=2025").text
    fin = re.search(r'<th scope="row">FIN厅</th>.*?</tr>', overview, re.S)
    assert fin, overview
    links = [html.unescape(h) for h in re.findall(r'href="(/ledger\?[^"]+)"', fin.group(0))]
    assert links == [
        "/ledger?year=2025&unit=FIN&unit_role=lead",
        "/ledger?year=2025&unit=FIN&unit_role=co",
    ]  # 分办 0: nothing to open
    ledger = client.get(links[1]).text
    assert '<option value="co" selected>会办</option>' in ledger
    assert re.findall(r'<a href="/cases/[^"?]+\?from=[^"]*">([^<]+)</a>', ledger) == ["UR-2"]

    sheet = book(download(api, "/v1/exports/ledger.xlsx", unit="FIN", unit_role="co"))
    assert [r[0] for r in rows(sheet["建议办理台账"])] == ["UR-2"]
    assert ("筛选：承办方式", "会办") in rows(sheet["说明"])

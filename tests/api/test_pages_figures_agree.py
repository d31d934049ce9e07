"""Each figure's page says the 总览's own figure (DOMAIN.md § Measures): a review read 按时公开率
92.3 % (36 / 39) on the 总览 and 94.6 % (35 / 37) on the page it opened, which had counted the
cases it lists where the measure counts deadlines (a reply and its further reply each have
one). The list still shows each case once, and says how many."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.test_pages import logged_in
from tests.paperwork_support import demo_server


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with demo_server(tmp_path_factory.mktemp("data")) as api:
        yield api


def said(page: str) -> tuple[int, int, str | None]:
    """The page's figure: numerator, denominator and rate as written."""
    text = re.sub(r"<[^>]+>", "", re.search(r"<p[^>]*>分子 .*?</p>", page, re.S)[0])  # type: ignore[index]
    found = re.match(
        r"分子 (\d+) 件(?:次（\d+ 件）)?，分母 (\d+) 件(?:次（\d+ 件）)?(?:：([\d.]+ ?%))?", text
    )
    assert found, text
    return int(found[1]), int(found[2]), found[3]


def percent(rate: float | None) -> str | None:
    return None if rate is None else f"{rate * 100:.1f}"


def test_every_figure_page_says_the_overview_s_figure(demo_api: Api) -> None:
    stats = demo_api.get("/v1/stats/units", "office", year=2025).json()
    client = logged_in(demo_api, "figures-clerk")
    counted_twice = 0
    for who in [stats["total"], *stats["items"]]:
        unit = who.get("unit")
        for figure, measure in who["measures"].items():
            query: dict[str, Any] = {"year": 2025, "figure": figure, "part": "numerator"}
            if unit:
                query["unit"] = unit
            page = client.get("/figures", params=query)
            assert page.status_code == 200, (unit, figure)
            numerator, denominator, rate = said(page.text)
            assert (numerator, denominator) == (measure["numerator"], measure["denominator"]), (
                unit,
                figure,
            )
            assert (rate or "").rstrip(" %") == (percent(measure["rate"]) or ""), (unit, figure)
            listed = len(set(measure["cases"]))
            assert f"共 <strong>{listed}</strong> 件" in page.text, (unit, figure)
            counted_twice += listed != measure["numerator"]
    assert counted_twice, "the demo has figures that count a case more than once"

"""`/v1/stats/units` over HTTP with issue 12's additions (API.md v1.1): satisfaction split by
who gave the verdict (R-F4: the proposer through their link, or the office keying it in), and
each A/B/C share beside the previous year's, on both stores."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, case_body
from tests.api.proposer_support import FEEDBACK, as_link, issued, link, ok, reply_issued
from tests.api.test_pages import logged_in


def fin(api: Api, **query: Any) -> dict[str, Any]:
    items = ok(api.get("/v1/stats/units", "office", **query), 200)["items"]
    found: dict[str, Any] = next(i for i in items if i["unit"] == "FIN")
    return found


def fraction(measure: dict[str, Any]) -> tuple[int, int]:
    return measure["numerator"], measure["denominator"]


def test_R_F4_satisfaction_over_http_is_split_by_who_gave_the_verdict(backend_api: Api) -> None:
    api = backend_api
    by_link, _ = issued(api, "S-1")
    token = link(api, by_link)["link_token"]
    ok(as_link(api, token, f"/v1/proposer/cases/{by_link}/feedback", FEEDBACK))
    keyed, _ = issued(api, "S-2")
    verdict = {**FEEDBACK, "verdict": "basically_satisfied"}
    ok(api.post(f"/v1/cases/{keyed}/feedback", verdict, "office"))

    measures = fin(api, year=2025)["measures"]
    broad, strict = measures["satisfaction_rate"], measures["strict_satisfaction_rate"]
    assert fraction(broad) == (2, 2) and fraction(strict) == (1, 2)
    assert fraction(broad["by_source"]["proposer"]) == (1, 1)
    assert fraction(broad["by_source"]["office"]) == (1, 1)
    assert broad["by_source"]["proposer"]["cases"] == ["S-1"]
    assert fraction(strict["by_source"]["office"]) == (0, 1)  # 基本满意 is not 满意


def test_class_shares_over_http_stand_beside_the_previous_years(backend_api: Api) -> None:
    api = backend_api
    issued(api, "Y-1", year=2024, received_on="2024-12-20")
    issued(api, "Y-2")
    shares = fin(api, year=2025)["class_shares"]
    assert fraction(shares["A"]) == (1, 1)
    assert fraction(shares["A"]["previous_year"]) == (1, 1)
    assert shares["A"]["previous_year"]["cases"] == ["Y-1"]
    assert fin(api)["class_shares"]["A"]["previous_year"] is None  # no year asked


def test_R_F4_the_dashboard_shows_the_proposers_verdicts_apart_from_the_offices(api: Api) -> None:
    by_link, _ = issued(api, "S-3")
    token = link(api, by_link)["link_token"]
    ok(as_link(api, token, f"/v1/proposer/cases/{by_link}/feedback", FEEDBACK))
    client = logged_in(api, "clerk")
    page = client.get("/?year=2025").text
    fin_row = next(r for r in page.split("<tr") if "FIN" in r and "by-source" in r)
    assert "本人 1/1 · 代录 0/0" in fin_row


def test_a_split_cases_verdict_counts_once_in_the_organisations_satisfaction(
    api: Api,
) -> None:
    """A review found one verdict on a split case of three units counted three times in 全厅合计
    (307 verdicts over 303 cases): a verdict is the case's. Each unit's row still counts it."""
    case_id = ok(api.post("/v1/cases", case_body("S-9"), "office"))["case_id"]
    split = {"split_units": ["FIN", "HOU"], "co_units": [], "assigned_on": "2025-02-01"}
    ok(api.post(f"/v1/cases/{case_id}/assignment", split, "office"))
    reply_issued(api, case_id, "FIN", "A")
    reply_issued(api, case_id, "HOU", "B")
    ok(api.post(f"/v1/cases/{case_id}/feedback", FEEDBACK, "office"))
    stats = ok(api.get("/v1/stats/units", "office", year=2025), 200)
    total = stats["total"]["measures"]["satisfaction_rate"]
    assert fraction(total) == (1, 1) and total["of_cases"] == ["S-9"]
    for row in stats["items"]:
        assert fraction(row["measures"]["satisfaction_rate"]) == (1, 1), row["unit"]

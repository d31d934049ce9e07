"""The 总览 opens on the latest year; overdue cases of other years are said there too. A
leader read 1 case with an overdue deadline on a 2026 总览 while 督办, every year's, listed 18
(the 2025 cases still being chased)."""

from __future__ import annotations

from infra.clock import today
from tests.api.conftest import Api, case_body, register_and_assign
from tests.api.test_pages import logged_in


def test_overdue_cases_of_other_years_are_said_on_the_overview_R_S3(api: Api) -> None:
    register_and_assign(api, "OY-1")  # 2025, its reply due in May 2025: overdue now
    later = case_body("OY-2", year=2026, received_on="2026-01-05")
    case_id = api.post("/v1/cases", later, "office").json()["case_id"]
    assign = {"lead_unit": "FIN", "assigned_on": today().isoformat()}
    assert api.post(f"/v1/cases/{case_id}/assignment", assign, "office").status_code == 201
    leader = logged_in(api, "ling_dao_oy", role="leader")
    page = leader.get("/?year=2026").text
    assert 'id="overdue-other-years">另有其他年度 <strong>1</strong> 件有逾期期限' in page
    assert 'href="/ledger?overdue=1">查看各年度的逾期件</a>' in page
    assert 'id="overdue-other-years"' not in leader.get("/?year=2025").text  # all shown there
    handler = logged_in(api, "fin_oy", role="handler", unit="FIN")
    assert "另有其他年度 <strong>1</strong> 件本单位逾期" in handler.get("/?year=2026").text

"""What a browser review of the workbench found said wrong or unclear, in the words a clerk,
a leader and an auditor read (UI.md; R-P5, R-R2)."""

from __future__ import annotations

import re

from tests.api.conftest import Api, contact_body, register_and_assign, reply_body
from tests.api.test_pages import logged_in


def _submitted(api: Api, number: str) -> tuple[str, str]:
    case_id = register_and_assign(api, number)
    assert (
        api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").status_code == 201
    )
    answer = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin")
    assert answer.status_code == 201, answer.text
    return case_id, f"/v1/cases/{case_id}/replies/{answer.json()['reply_id']}"


def test_the_withholding_reason_says_when_it_is_needed_R_P5(api: Api) -> None:
    """It read （选填）, and the form then refused 不予公开 without it."""
    case_id = register_and_assign(api, "W-1")
    page = logged_in(api, "li_fin", role="handler", unit="FIN").get(f"/cases/{case_id}").text
    label = re.search(r'<label for="[^"]*withheld_reason">(.*?)</label>', page, re.S)
    assert label is not None and "（选不予公开时必填）" in label.group(1)
    assert "选填" not in label.group(1)


def test_the_timeline_says_approved_or_returned_as_the_form_does_R_R2(api: Api) -> None:
    """The leader chose 批准 or 退回重办; the timeline said 同意：是 / 否."""
    case_id, reply = _submitted(api, "W-2")
    returned = {
        "approved": False,
        "leader": "钱厅长",
        "note": "数据需核实",
        "occurred_on": "2025-04-05",
    }
    assert api.post(f"{reply}/approval", returned, "leader").status_code == 201
    page = logged_in(api, "zhang", role="office").get(f"/cases/{case_id}").text
    timeline = page.split('id="timeline"', 1)[1]
    entry = timeline.split("答复审批", 1)[1].split("</li>", 1)[0]
    assert "审批意见：</span>退回重办" in entry and "同意：" not in entry


def test_no_overdue_deadline_is_not_shown_as_an_alarm(api: Api) -> None:
    """The 本单位逾期 tile showed 0 in red."""
    page = logged_in(api, "li_fin", role="handler", unit="FIN").get("/").text
    tile = re.search(r'<span class="n[^"]*">(\d+)</span>本单位逾期', page)
    assert tile is not None and tile.group(1) == "0"
    assert '<span class="n">0</span>本单位逾期' in page


def test_an_error_page_names_itself_in_words_in_the_browser_tab(api: Api) -> None:
    page = logged_in(api, "zhang", role="office").get("/cases/00000000-0000-0000-0000-000000000000")
    assert page.status_code == 404
    assert "<title>未找到 · 建议提案办理工作台</title>" in page.text  # was "404 · …"


def test_the_event_log_leads_to_its_newest_events_R_X1(api: Api) -> None:
    """The log reads oldest first, a hundred a page: today's events were fifty pages on."""
    for n in range(3):
        register_and_assign(api, f"L-{n}")
    client = logged_in(api, "shen_ji", role="auditor")
    head = api.head()
    first = client.get("/audit?tab=log").text
    assert 'id="log-latest">最新 100 条' in first
    later = client.get(f"/audit?tab=log&after={head - 2}").text
    positions = re.findall(r'<td class="num">(\d+)</td>', later)
    assert positions[:2] == [str(head - 1), str(head)]
    assert client.get("/audit?tab=log&after=-1").status_code == 400

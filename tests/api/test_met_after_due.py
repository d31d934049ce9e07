"""Back-dating across a due day (R-X1, R-D8): a review recorded on 12-07 the issue of a reply
due 12-01, dated 12-01; the deadline, 已逾期 6 天, read 按期办结, and with six days late the act
was under the allowance the 补记 list goes by. The 审计 page's integrity signals list every
deadline met by an act recorded after its due day, however few the days."""

from __future__ import annotations

import re
from datetime import timedelta

from infra.clock import today
from tests.api.conftest import Api, contact_body, register_and_assign, reply_body
from tests.api.proposer_support import ok
from tests.api.test_pages import logged_in


def issued_on(api: Api, case_id: str, day: str) -> None:
    """Contact, submit, approve and issue, all dated ``day`` (recorded now)."""
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body("FIN", day), "handler_fin"))
    reply = ok(
        api.post(
            f"/v1/cases/{case_id}/replies", {**reply_body(), "occurred_on": day}, "handler_fin"
        )
    )
    url = f"/v1/cases/{case_id}/replies/{reply['reply_id']}"
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": day}
    ok(api.post(f"{url}/approval", approval, "leader"))
    ok(
        api.post(
            f"{url}/issue",
            {"document_number": f"财函〔{case_id[:4]}〕1号", "occurred_on": day},
            "handler_fin",
        )
    )


def signals_section(api: Api, who: str) -> str:
    page = logged_in(api, who, role="auditor").get("/audit?tab=signals").text
    found = re.search(r'<section class="card" id="met-after-due">(.*?)</section>', page, re.S)
    assert found, page
    return found.group(1)


def test_a_deadline_met_by_an_act_recorded_after_its_due_day_is_a_signal_R_X1(api: Api) -> None:
    late = register_and_assign(api, "MAD-1", on="2025-02-01")
    reply_due = next(d for d in api.case(late)["deadlines"] if d["kind"] == "reply")["due_on"]
    issued_on(api, late, reply_due)  # on the due day, recorded long after it
    recent = (today() - timedelta(days=3)).isoformat()
    in_time = register_and_assign(api, "MAD-2", on=recent)
    issued_on(api, in_time, today().isoformat())  # recorded the day it claims
    (reply,) = [d for d in api.case(late)["deadlines"] if d["kind"] == "reply"]
    assert reply["status"] == "met"
    section = signals_section(api, "shen_ji_mad")
    assert "到期后补记为按期：1 项" in section
    row = re.search(r"<tr><td[^>]*>答复·[^<]*</td>.*?</tr>", section, re.S)
    assert row and f">{reply_due}<" in row.group(0) and "MAD-1" in row.group(0)
    assert "MAD-2" not in section


def test_the_case_page_says_a_deadline_was_met_on_paper_R_X1(api: Api) -> None:
    """Where 按期办结 is read: the deadline table's 完成 says the day the act was recorded."""
    late = register_and_assign(api, "MAD-3", on="2025-02-01")
    reply_due = next(d for d in api.case(late)["deadlines"] if d["kind"] == "reply")["due_on"]
    issued_on(api, late, reply_due)
    recent = (today() - timedelta(days=3)).isoformat()
    in_time = register_and_assign(api, "MAD-4", on=recent)
    issued_on(api, in_time, today().isoformat())
    clerk = logged_in(api, "ban_mad")

    def marked(case_id: str) -> list[str]:
        page = clerk.get(f"/cases/{case_id}").text
        table = re.search(r"<h2>办理期限</h2>(.*?)</table>", page, re.S)
        assert table, page
        return re.findall(r'<span class="tag late"[^>]*>([^<]*)</span>', table.group(1))

    assert marked(late) == [f"{today().isoformat()} 补记"]
    assert marked(in_time) == []

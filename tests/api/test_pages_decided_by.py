"""Who recorded a leader's decision, beside the leader the reply names (R-R2). The approver is
typed in: a review's leader recorded 李四副厅长 as approving, and the user who did so showed
only in the timeline."""

from __future__ import annotations

import re

from tests.api.conftest import Api, contact_body, reply_body
from tests.api.proposer_support import issued, ok, registered
from tests.api.test_pages import logged_in


def test_a_decision_recorded_by_another_than_the_leader_named_says_who_recorded_it_R_R2(
    api: Api,
) -> None:
    case_id, reply_id = issued(api, "DB-1")  # approved by the user "leader" as 钱厅长
    office = logged_in(api, "clerk-db", "office")
    said = re.search(rf'id="decided-by-{reply_id}">([^<]+)<', office.get(f"/cases/{case_id}").text)
    assert said and said.group(1) == "（leader 登记）"
    # Named as the user who recorded it: nothing more to say.
    other = registered(api, "DB-2")
    ok(api.post(f"/v1/cases/{other}/contacts", contact_body(), "handler_fin"))
    reply = {**reply_body(), "occurred_on": "2025-04-01"}
    second = ok(api.post(f"/v1/cases/{other}/replies", reply, "handler_fin"))["reply_id"]
    approval = {"approved": True, "leader": "leader", "note": "同意", "occurred_on": "2025-04-05"}
    ok(api.post(f"/v1/cases/{other}/replies/{second}/approval", approval, "leader"))
    page = office.get(f"/cases/{other}").text
    assert 'leader <span class="nowrap">2025-04-05</span> 批准' in page
    assert f'id="decided-by-{second}"' not in page

"""调岗 (API.md addition: ``POST /v1/users/{username}/reassign``): a user's role and unit from
now on. A handler moved from one department to another had to be disabled and created again
under a new username, which split one person's acts over two accounts in the event log."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.accounts_support import audit_events, browser, log_in, new_user
from tests.api.conftest import Api, assert_problem, register_and_assign
from tests.api.test_pages import csrf_of, logged_in

HTML = {"accept": "text/html,application/xhtml+xml"}


def reassign(api: Api, username: str, who: str = "admin", **body: Any) -> Any:
    return api.post(f"/v1/users/{username}/reassign", {"reason": "机构调整", **body}, who)


def test_a_handler_moved_to_another_unit_acts_for_it_at_its_next_request(api: Api) -> None:
    token = new_user(api, "wang", role="handler", unit="FIN")
    session = browser(api)
    assert log_in(session, "wang").status_code == 201
    assert api.get("/v1/me", token).json()["unit_code"] == "FIN"
    answer = reassign(api, "wang", role="handler", unit_code="EDU")
    assert answer.status_code == 201, answer.text
    assert [e["type"] for e in answer.json()["events"]] == ["UserReassigned"]
    assert api.get("/v1/me", token).json()["unit_code"] == "EDU"
    assert session.get("/v1/me").json()["unit_code"] == "EDU"
    # Its reads follow: a FIN-led case is no longer its unit's.
    case_id = register_and_assign(api, "MOVE-1")
    assert api.get(f"/v1/cases/{case_id}", token).status_code in (403, 404)
    assert api.get(f"/v1/cases/{case_id}", "handler_fin").status_code == 200


def test_a_user_given_another_role_keeps_its_earlier_events_as_recorded(api: Api) -> None:
    token = new_user(api, "zhao", role="handler", unit="FIN")
    reassign(api, "zhao", role="office")
    me = api.get("/v1/me", token).json()
    assert (me["role"], me["unit_code"]) == ("office", None)
    [event] = [e for e in audit_events(api) if e["type"] == "UserReassigned"]
    assert event["data"]["role"] == "office" and event["data"]["unit_code"] is None
    assert event["data"]["reason"] == "机构调整"
    assert event["actor"]["user"] == "admin"


@pytest.mark.parametrize(
    ("body", "status", "saying"),
    [
        ({"role": "handler", "unit_code": "FIN"}, 409, "与现在相同"),
        ({"role": "handler"}, 422, "承办人须选择所属单位；其他角色不选单位"),
        ({"role": "office", "unit_code": "FIN"}, 422, "承办人须选择所属单位；其他角色不选单位"),
        ({"role": "handler", "unit_code": "NOPE"}, 422, "单位不存在"),
        ({"role": "chief"}, 422, None),
        ({"role": "office", "reason": ""}, 422, None),
    ],
)
def test_a_reassignment_that_cannot_stand_is_refused_and_writes_nothing(
    api: Api, body: dict[str, Any], status: int, saying: str | None
) -> None:
    new_user(api, "li", role="handler", unit="FIN")
    before = api.head()
    answer = reassign(api, "li", **body)
    problem = assert_problem(answer, status, None)
    if saying:
        assert saying in problem["detail"], problem
    assert api.head() == before


def test_an_administrator_cannot_reassign_itself_nor_is_anyone_else_allowed_to(api: Api) -> None:
    new_user(api, "root2", role="admin")
    before = api.head()
    own = api.post("/v1/users/root2/reassign", {"role": "office", "reason": "x"}, "admin")
    assert own.status_code == 201  # another administrator may
    after = api.head()
    refused = reassign(api, "admin", "admin", role="office")
    assert refused.status_code == 409 and "不能调整自己" in refused.json()["detail"]
    assert reassign(api, "root2", "office", role="handler", unit_code="FIN").status_code == 403
    assert api.head() == after > before


def test_the_admin_page_moves_a_handler_and_says_so(api: Api) -> None:
    new_user(api, "sun", role="handler", unit="FIN")
    client = logged_in(api, "root3", role="admin")
    csrf = csrf_of(client, "/admin")
    posted = {"_csrf": csrf, "role": "handler", "unit_code": "HOU", "reason": "调到住建厅"}
    moved = client.post("/admin/users/sun/reassign", data=posted, headers=HTML)
    assert moved.status_code == 200, moved.text  # followed the redirect
    assert "已调整用户“sun”的角色或单位" in moved.text
    row = re.search(r"<tr>\s*<td>sun</td>(.*?)</tr>", moved.text, re.S)
    assert row and "HOU厅" in row.group(1) and "FIN厅" not in row.group(1), row


def test_the_admin_page_keeps_a_refused_reassignment_as_typed(api: Api) -> None:
    new_user(api, "qian", role="handler", unit="FIN")
    client = logged_in(api, "root4", role="admin")
    before = api.head()
    posted = {"_csrf": csrf_of(client, "/admin"), "role": "handler", "unit_code": ""}
    refused = client.post("/admin/users/qian/reassign", data={**posted, "reason": "调岗"})
    assert refused.status_code == 422
    assert "承办人须选择所属单位；其他角色不选单位" in refused.text
    assert 'value="调岗"' in refused.text
    # The 新建用户 form below is not drawn with the row's values (a screenshot showed it so).
    new_form = refused.text.split("<h3>新建用户</h3>", 1)[1]
    assert 'value="handler" selected' not in new_form
    assert api.head() == before


def test_the_admin_page_moves_a_handler_to_the_office_with_its_unit_left_selected(
    api: Api,
) -> None:
    """The form shows the user's unit as it stands; choosing 办公室 and leaving it selected
    was refused (承办人须选择所属单位；其他角色不选单位), a trap the page set itself."""
    token = new_user(api, "zhou", role="handler", unit="FIN")
    client = logged_in(api, "root5", role="admin")
    posted = {"_csrf": csrf_of(client, "/admin"), "role": "office", "unit_code": "FIN"}
    moved = client.post("/admin/users/zhou/reassign", data={**posted, "reason": "调办公室"})
    assert moved.status_code == 200 and "已调整用户“zhou”" in moved.text, moved.text
    me = api.get("/v1/me", token).json()
    assert (me["role"], me["unit_code"]) == ("office", None)


def test_the_event_log_says_what_a_reassignment_made_the_user(api: Api) -> None:
    """The log read 调整角色或单位 alone: an auditor could not tell a move from a promotion."""
    new_user(api, "wu", role="handler", unit="FIN")
    assert reassign(api, "wu", role="handler", unit_code="EDU").status_code == 201
    assert reassign(api, "wu", role="leader").status_code == 201
    auditor = logged_in(api, "audit_wu", role="auditor")
    page = auditor.get("/audit?tab=log&user=admin")
    assert page.status_code == 200
    assert "调整角色或单位 · 改为承办人（EDU厅）" in page.text
    assert "调整角色或单位 · 改为厅领导" in page.text

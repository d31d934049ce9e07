"""A handler's 总览 lists what its own unit has due soon (R-S1). Only the 督办 page listed
即将到期, closed to handlers: a review found its co opinion due in three days by reading the
台账 row by row."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.api.conftest import Api, extension_body, register_and_assign
from tests.api.test_pages import logged_in


def _due_soon(api: Api, username: str, unit: str) -> str:
    page = logged_in(api, username, role="handler", unit=unit).get("/").text
    section = re.search(r'<section id="due-soon">.*?</section>', page, re.S)
    assert section, "no 即将到期 on a handler's 总览"
    return section.group(0)


def test_a_handler_s_overview_lists_its_own_deadlines_due_soon_R_S1(api: Api) -> None:
    # The co opinion is due two months on (R-D1): in a few days from today.
    assigned = (date.today() - timedelta(days=57)).isoformat()
    register_and_assign(api, "DS-1", lead="FIN", co=("HOU",), on=assigned)
    co = _due_soon(api, "hou_ds", "HOU")
    assert "DS-1" in co and "1 件有期限即将到期" in co
    # The lead's reply is a month further: the co unit's opinion is not the lead's to meet.
    lead = _due_soon(api, "fin_ds", "FIN")
    assert "DS-1" not in lead and "本单位近期没有即将到期的期限" in lead


def test_an_extended_deadline_is_due_soon_by_its_new_date_only_R_E1_R_S1(api: Api) -> None:
    """A review's 即将到期 listed a case whose only deadline due soon had just been extended to
    next year: its row read 已延期, and the clerk would have chased a unit given more time."""
    today = date.today()
    assigned = (today - timedelta(days=57)).isoformat()  # HOU's opinion due in a few days
    case_id = register_and_assign(api, "DS-2", lead="FIN", co=("HOU",), on=assigned)
    supervisor = logged_in(api, "du_cha_ds", role="supervisor")
    assert ">DS-2</a>" in supervisor.get("/supervision?tab=due_soon").text

    ask = extension_body((today + timedelta(days=45)).isoformat(), today.isoformat(), "HOU")
    ask["deadline_kind"] = "co_opinion"
    asked = api.post(f"/v1/cases/{case_id}/extension-requests", ask, "handler_hou")
    assert asked.status_code == 201, asked.text
    decision = {"approved": True, "note": "同意", "occurred_on": today.isoformat()}
    request_id = asked.json()["request_id"]
    path = f"/v1/cases/{case_id}/extension-requests/{request_id}/decision"
    assert api.post(path, decision, "office").status_code == 201
    assert ">DS-2</a>" not in supervisor.get("/supervision?tab=due_soon").text
    assert "DS-2" not in _due_soon(api, "hou_ds2", "HOU")

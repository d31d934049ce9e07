"""A case page names units by their names, as the 台账 does, wherever it shows one: the
timeline's event fields and the visit form's organising unit (R-V1), its code on offer only
beside the name."""

from __future__ import annotations

import re

from infra.clock import today
from tests.api.conftest import Api, case_body, register_and_assign, reply_body
from tests.api.test_pages import logged_in


def _timeline(page: str) -> str:
    found = re.search(r'<ol class="timeline".*?</ol>', page, re.S)
    assert found, page
    return found.group(0)


def test_the_timeline_names_the_units_an_event_names_R_A1(api: Api) -> None:
    case_id = register_and_assign(api, "P-60", lead="FIN", co=("HOU", "EDU"))
    client = logged_in(api, "clerk")
    timeline = _timeline(client.get(f"/cases/{case_id}").text)
    assert '<span class="muted">主办单位：</span>FIN厅' in timeline
    assert "HOU厅、EDU厅" in timeline
    assert not re.search(r"：</span>(FIN|HOU|EDU)\b", timeline)


def test_the_visit_form_names_its_own_unit_and_offers_no_other_R_V1(api: Api) -> None:
    """The form offered every unit of the directory, its own chosen: peer departments, each of
    which R-V1 could only refuse (a review chose 住房城乡建设厅 and was refused)."""
    case_id = register_and_assign(api, "P-61")
    client = logged_in(api, "fin_handler", role="handler", unit="FIN")
    page = client.get(f"/cases/{case_id}").text
    form = re.search(r'<details class="form" id="form-visit".*?</details>', page, re.S)
    assert form, page
    assert '<select id="visit-organised_by"' not in form.group(0)
    assert '<input type="hidden" name="organised_by" value="FIN">' in form.group(0)
    field = re.search(r'<span class="label">组织单位</span>\s*<span>([^<]*)</span>', form.group(0))
    assert field and field.group(1) == "FIN厅"
    assert "HOU厅" not in form.group(0) and "EDU厅" not in form.group(0)


def test_a_reply_is_named_by_its_units_name_in_the_approval_form_R_R1(api: Api) -> None:
    case_id = register_and_assign(api, "P-62")
    submitted = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin")
    assert submitted.status_code == 201, submitted.text
    client = logged_in(api, "ting_lingdao", role="leader")
    page = client.get(f"/cases/{case_id}").text
    select = re.search(r'<select id="approval-reply_id".*?</select>', page, re.S)
    assert select, page
    words = re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]*)</option>", select.group(0))
    assert len(words) == 1 and words[0].startswith("FIN厅 · A 类")


def test_the_admin_page_lists_users_units_by_name(api: Api) -> None:
    client = logged_in(api, "guan_li", role="admin")
    page = client.get("/admin").text
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "<td>handler_fin</td>" in r)
    assert '<td><span title="FIN">FIN厅</span></td>' in row


def test_the_header_names_a_handlers_unit_by_its_name(api: Api) -> None:
    """It read "… · 承办人 · FIN"; the code stays on hover."""
    client = logged_in(api, "fin_clerk", role="handler", unit="FIN")
    page = client.get("/").text
    assert '承办人 · <span title="FIN">FIN厅</span></a>' in page
    assert "承办人 · FIN</span>" not in page


def test_a_handlers_overview_opens_on_its_own_units_latest_year_under_its_name(api: Api) -> None:
    """A unit with cases up to 2025 landed on 2026 (another unit's year): headers with no rows,
    blank charts, and the heading said its code (the name was looked up in that year's rows)."""
    register_and_assign(api, "P-62", lead="FIN")
    later = api.post("/v1/cases", case_body("P-63", year=2026, received_on="2026-01-20"), "office")
    assert later.status_code == 201, later.text
    body = {"lead_unit": "HOU", "co_units": [], "assigned_on": "2026-02-01"}
    case_id = later.json()["case_id"]
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    page = logged_in(api, "fin_62", role="handler", unit="FIN").get("/").text
    assert re.search(r"<h1>总览 · 2025 年度 · FIN厅</h1>", page), re.search(r"<h1>.*?</h1>", page)
    assert logged_in(api, "clerk_62").get("/").text.count("<h1>总览 · 2026 年度</h1>") == 1


def test_a_case_of_a_mistyped_far_year_does_not_move_the_overview_to_it(api: Api) -> None:
    """One case registered under 2099 opened every role's 总览 on 2099. A year its received
    day does not fall in is now refused, naming 收到日期, and nothing is written; the 总览 opens
    on the newest year with cases up to next year's, a far one a choice away."""
    register_and_assign(api, "P-64")
    far = today().year + 73
    before = api.head()
    body = case_body("P-65", year=far, received_on="2025-01-20")
    refused = api.post("/v1/cases", body, "office")
    assert refused.status_code == 422 and refused.json()["rule"] is None
    assert f"与年度 {far} 不符" in refused.json()["detail"]
    assert api.head() == before
    page = logged_in(api, "clerk_64").get("/").text
    assert "<h1>总览 · 2025 年度</h1>" in page
    assert f"<h1>总览 · {far} 年度</h1>" in logged_in(api, "clerk_65").get(f"/?year={far}").text

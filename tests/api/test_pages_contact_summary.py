"""The case page's 沟通联系与走访: each unit's contacts and visits at a glance (R-C1, R-V2). A
review's handler could tell whether its reply might be approved (the proposer reached first)
only by reading the timeline event by event."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from tests.api.conftest import Api, contact_body, register_and_assign, visit_body
from tests.api.test_pages import logged_in


def _rows(page: str) -> dict[str, list[str]]:
    """Each row of the section by its unit's name: its cells' text."""
    section = re.search(r'<section class="card" id="contacts">(.*?)</section>', page, re.S)
    assert section, "no 沟通联系与走访 section"
    rows = re.findall(r"<tr><td[^>]*>(.*?)</tr>", section.group(1), re.S)
    found = {}
    for row in rows:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.split(r"</td>\s*<td[^>]*>", row)]
        found[cells[0]] = [c.removesuffix("</td>").strip() for c in cells[1:]]
    return found


def test_each_units_contacts_and_visits_are_summed_up_on_the_case_page_R_C1_R_V2(
    api: Api,
) -> None:
    case_id = register_and_assign(api, "CS-1", co=("HOU",))
    unreached = {**contact_body("FIN", "2025-02-10"), "reached": False}
    assert api.post(f"/v1/cases/{case_id}/contacts", unreached, "handler_fin").status_code == 201
    handler = logged_in(api, "fin-cs", role="handler", unit="FIN")
    rows = _rows(handler.get(f"/cases/{case_id}").text)
    fin, hou = rows["FIN厅"], rows["HOU厅"]
    assert fin[:2] == ["尚未联系到本人", "共 1 次，联系到 0 次"]
    assert hou == ["尚未联系到本人", "无", "无", "无"]
    reached = contact_body("FIN", "2025-02-12")
    assert api.post(f"/v1/cases/{case_id}/contacts", reached, "handler_fin").status_code == 201
    assert api.post(f"/v1/cases/{case_id}/visits", visit_body(), "handler_fin").status_code == 201
    fin = _rows(handler.get(f"/cases/{case_id}").text)["FIN厅"]
    assert fin == [
        "已联系到 2025-02-12 首次",
        "共 2 次，联系到 1 次",
        "1 次，最近 2025-02-15",
        "无",
    ]


def test_a_past_moments_page_sums_up_the_contacts_recorded_by_then_R_C1_R_X3(api: Api) -> None:
    """An auditor reading the case as it stood counted contacts by hand in the timeline: the
    summary was left out of a past moment's page. It sums up what was recorded by then."""
    case_id = register_and_assign(api, "CS-3")
    unreached = {**contact_body("FIN", "2025-02-10"), "reached": False}
    assert api.post(f"/v1/cases/{case_id}/contacts", unreached, "handler_fin").status_code == 201
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.01)  # the next contact is recorded after the moment asked about
    reached = contact_body("FIN", "2025-02-12")
    assert api.post(f"/v1/cases/{case_id}/contacts", reached, "handler_fin").status_code == 201
    auditor = logged_in(api, "shen-ji-cs", role="auditor")
    then = _rows(auditor.get(f"/cases/{case_id}", params={"at": moment}).text)["FIN厅"]
    assert then[:2] == ["尚未联系到本人", "共 1 次，联系到 0 次"]
    now = _rows(auditor.get(f"/cases/{case_id}").text)["FIN厅"]
    assert now[:2] == ["已联系到 2025-02-12 首次", "共 2 次，联系到 1 次"]

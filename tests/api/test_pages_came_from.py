"""A case page opened from a list returns to that list as it was (``api/pages_came_from.py``):
its back link keeps the 台账's filters, sort and page, and the case's forms carry it through
their posts. A ``from`` that is not one of our lists is never followed."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api, register_and_assign
from tests.api.test_pages import contact_form, csrf_of, logged_in


def _back_link(page: str) -> tuple[str, str]:
    found = re.search(r'<a href="([^"]*)" id="back-to-list">« ([^<]*)</a>', page)
    assert found, page
    return html.unescape(found.group(1)), found.group(2)


def _back_from(client: TestClient, listing: str, case_id: str, link_text: str) -> tuple[str, str]:
    """The back link of the case page opened from its row on ``listing``."""
    page = client.get(listing)
    row = re.search(rf'<a href="(/cases/{case_id}[^"#]*)(?:#[^"]*)?">{link_text}</a>', page.text)
    assert row, page.text
    case_page = client.get(html.unescape(row.group(1)))
    assert case_page.status_code == 200
    return _back_link(case_page.text)


def test_a_case_opened_from_a_filtered_ledger_page_links_back_to_that_page_R_S1(
    api: Api,
) -> None:
    case_id = register_and_assign(api, "P-40")
    client = logged_in(api, "clerk")
    listing = "/ledger?year=2025&stage=handling&sort=title"
    assert _back_from(client, listing, case_id, "P-40") == (listing, "办理台账")


def test_a_form_posted_on_a_case_opened_from_a_list_keeps_the_way_back_R_S1(api: Api) -> None:
    case_id = register_and_assign(api, "P-41")
    version = api.case(case_id)["version"]
    client = logged_in(api, "fin_clerk", role="handler", unit="FIN")
    opened = f"/cases/{case_id}?from=%2Fledger%3Fyear%3D2025%26overdue%3D1"
    page = client.get(opened)
    action = re.search(r'<form method="post" action="([^"]*/forms/contact[^"]*)"', page.text)
    assert action, page.text
    posted = client.post(
        html.unescape(action.group(1)),
        data=contact_form(version, csrf_of(client, opened)),
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    after = client.get(posted.headers["location"])
    assert "已记录" in after.text
    assert _back_link(after.text) == ("/ledger?year=2025&overdue=1", "办理台账")
    assert api.case(case_id)["version"] == version + 1


@pytest.mark.parametrize(
    "foreign",
    [
        "https://evil.example/ledger",
        "//evil.example/ledger",
        "/admin",
        "/ledger\\x",
        "javascript:x",
    ],
)
def test_a_from_that_is_not_one_of_our_lists_is_not_followed_R_S1(api: Api, foreign: str) -> None:
    case_id = register_and_assign(api, "P-42")
    client = logged_in(api, "clerk")
    page = client.get(f"/cases/{case_id}", params={"from": foreign})
    assert page.status_code == 200
    assert _back_link(page.text) == ("/ledger", "办理台账")
    assert "evil.example" not in page.text


def test_a_case_opened_from_supervision_goes_back_to_its_tab_R_S3(api: Api) -> None:
    case_id = register_and_assign(api, "P-43")  # assigned in 2025: overdue by now
    client = logged_in(api, "du_ban", role="supervisor")
    listing = "/supervision?tab=overdue"
    assert _back_from(client, listing, case_id, "P-43") == (listing, "督办")


def test_a_case_opened_from_the_audit_log_goes_back_to_that_log_page_R_X1(api: Api) -> None:
    """An auditor following an event of the log to its case was offered « 办理台账, a list
    it had not come from (and may not be able to filter as it was)."""
    case_id = register_and_assign(api, "P-44")
    client = logged_in(api, "shen_ji", role="auditor")
    listing = "/audit?tab=log&after=0"
    assert _back_from(client, listing, case_id, "2025年 P-44 #1") == (listing, "审计")


def test_a_case_found_by_search_goes_back_to_the_search_R_S1(api: Api) -> None:
    case_id = register_and_assign(api, "P-45")
    client = logged_in(api, "cha_zhao")
    listing = "/search?q=P-4"
    assert _back_from(client, listing, case_id, "P-45") == (listing, "查找结果")

"""The proposer's page (UI.md 代表委员; R-F4) in a real browser, on a phone and on a desk: the
office makes a link through the JSON API, the proposer opens ``/p/<token>`` and lands on
``/proposer`` with the token gone from the address bar, sees the case, its deadlines and the
issued reply, gives feedback (recorded with ``source: proposer``) and states disclosure
consent; a refusal shows its rule id beside the form and writes nothing; a revoked or unknown
link gets the page's refusal; another case's data never shows; no page logs a console error.

An expired link takes the same way as a revoked one (``ProposerLinks.authenticate`` answers
None for any status but ``live``); making one needs a moved clock, which the server process
does not have, so tests/api/test_proposer_links.py covers expiry in-process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import HEIGHT, WIDTH, Browser

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desk": (WIDTH, HEIGHT)}
EXPIRES = (date.today() + timedelta(days=60)).isoformat()


@pytest.fixture(params=sorted(SIZES))
def size(request: pytest.FixtureRequest, browser: Browser) -> Iterator[str]:
    """The window at the named size for one test, back to the workbench's size afterwards
    (the browser is shared by the whole session)."""
    name: str = request.param
    browser.driver.set_window_size(*SIZES[name])
    try:
        yield name
    finally:
        browser.driver.set_window_size(WIDTH, HEIGHT)


def replied_cases(api: httpx.Client) -> list[dict[str, Any]]:
    """Cases with an issued reply and no feedback yet: the proposer may still answer them."""
    found = api.get("/v1/ledger", params={"stage": "replied", "limit": 100}).json()["items"]
    cases = [api.get(f"/v1/cases/{c['case_id']}").json() for c in found]
    return [c for c in cases if not c["feedback"] and any(r["issued_on"] for r in c["replies"])]


def make_link(api: httpx.Client, case: dict[str, Any]) -> dict[str, Any]:
    body = {"proposer_name": case["proposers"][0]["name"], "expires_on": EXPIRES}
    made = api.post(f"/v1/cases/{case['case_id']}/proposer-links", json=body)
    assert made.status_code == 201, made.text
    found: dict[str, Any] = made.json()
    return found


def open_link(browser: Browser, url: str, status: int | None = None) -> None:
    """What a proposer does with the office's message: opens the link's address."""
    browser.driver.delete_all_cookies()
    browser.driver.get(url)
    if status is None:
        # The page moves on by itself (a same-site refresh, so the strict cookie is sent).
        WebDriverWait(browser.driver, 30).until(lambda d: d.current_url.endswith("/proposer"))
        WebDriverWait(browser.driver, 30).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
    browser.assert_quiet("the link's page", status)


def case_of(api: httpx.Client, case_id: str) -> dict[str, Any]:
    found: dict[str, Any] = api.get(f"/v1/cases/{case_id}").json()
    return found


def in_view(browser: Browser, css: str) -> bool:
    """Whether the element is on the screen as the page opens (not screens away on a phone)."""
    box = browser.driver.execute_script(
        "return arguments[0].getBoundingClientRect()", browser.find(css)
    )
    return bool(0 <= box["top"] < browser.driver.execute_script("return window.innerHeight"))


def test_the_proposer_reads_the_case_and_gives_feedback_R_F4(
    browser: Browser, api: httpx.Client, size: str
) -> None:
    cases = replied_cases(api)
    case, other = (cases[0], cases[1]) if size == "desk" else (cases[2], cases[3])
    made = make_link(api, case)
    open_link(browser, made["url"])
    assert browser.path == "/proposer"
    assert made["link_token"] not in browser.driver.current_url
    text = browser.text()
    assert f"{case['proposers'][0]['name']}，您好" in text
    assert case["title"] in text and other["title"] not in text
    assert browser.all(".deadlines li"), "the deadlines are listed"
    reply = next(r for r in case["replies"] if r["issued_on"])
    assert f"答复日期 {reply['issued_on']}" in browser.text(".reply")
    # On a phone nothing is wider than the screen.
    wide = browser.driver.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth"
    )
    assert not wide, "the page scrolls sideways"
    browser.shot(f"proposer-{size}-case")

    # A refused feedback (不满意 without a word of why: R-F1) says so in the proposer's words
    # (no rule id), beside the field, and writes nothing. No date is asked (R-X1).
    version = case_of(api, case["case_id"])["version"]
    assert not browser.driver.find_elements(
        "css selector", "form[action*='/feedback#'] input[type=date]"
    )
    browser.find("input[name=verdict][value=dissatisfied]").click()
    browser.follow(browser.find("form[action*='/feedback#'] button[type=submit]"))
    browser.assert_quiet("a refused feedback", status=409)
    alert = browser.find("form[action*='/feedback#'] .notice.bad")
    assert alert.text and "R-F1" not in alert.text
    assert in_view(browser, "form[action*='/feedback#'] .notice.bad")
    assert browser.find("input[name=verdict][value=dissatisfied]").is_selected()
    assert case_of(api, case["case_id"])["version"] == version
    browser.shot(f"proposer-{size}-refused")

    browser.find("input[name=verdict][value=basically_satisfied]").click()
    browser.find("form[action*='/feedback#'] textarea").send_keys("希望尽快落实")
    browser.follow(browser.find("form[action*='/feedback#'] button[type=submit]"))
    browser.assert_quiet("after feedback")
    assert "已收到您的反馈意见" in browser.text()
    assert in_view(browser, ".notice.ok")
    feedback = case_of(api, case["case_id"])["feedback"]
    assert [(f["source"], f["proposer"], f["verdict"], f["comments"]) for f in feedback] == [
        ("proposer", case["proposers"][0]["name"], "basically_satisfied", "希望尽快落实")
    ]

    browser.find("input[name=consent_reply][value=yes]").click()
    browser.find("input[name=consent_original][value=no]").click()
    browser.follow(browser.find("form[action*='/disclosure-preference#'] button[type=submit]"))
    browser.assert_quiet("after consent")
    assert "同意公开答复，不同意公开建议原文" in browser.text().replace("提案原文", "建议原文")
    events = api.get(f"/v1/cases/{case['case_id']}/history").json()["events"]
    said = [e for e in events if e["type"] == "DisclosurePreferenceRecorded"]
    assert said and said[-1]["actor"]["role"] == "proposer"
    assert said[-1]["data"]["consent_reply"] is True
    assert said[-1]["data"]["consent_original"] is False
    browser.shot(f"proposer-{size}-after")


def test_another_case_never_shows_and_a_revoked_link_is_refused_R_F4(
    browser: Browser, api: httpx.Client, size: str
) -> None:
    cases = replied_cases(api)
    case, other = cases[0], cases[-1]
    made = make_link(api, case)
    open_link(browser, made["url"])
    # A form aimed at another case (the action edited in the page) is refused, writes nothing.
    version = case_of(api, other["case_id"])["version"]
    form = browser.find("form[action*='/feedback#']")
    browser.driver.execute_script(
        "arguments[0].action = arguments[1]", form, f"/proposer/cases/{other['case_id']}/feedback"
    )
    browser.find("input[name=verdict][value=satisfied]").click()
    browser.follow(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    browser.assert_quiet("a form aimed at another case", status=404)
    assert "链接不可用" in browser.text("h1")
    assert other["title"] not in browser.text("body")
    assert case_of(api, other["case_id"])["version"] == version
    browser.open(f"/proposer/cases/{other['case_id']}/documents/x", status=404)
    assert other["title"] not in browser.text("body")

    revoke = f"/v1/cases/{case['case_id']}/proposer-links/{made['link_id']}/revoke"
    assert api.post(revoke, json={"reason": "浏览器测试撤销"}).status_code == 201
    browser.open("/proposer", status=401)
    assert "链接不可用" in browser.text("h1") and case["title"] not in browser.text("body")
    open_link(browser, made["url"], status=404)
    assert "链接不可用" in browser.text("h1") and case["title"] not in browser.text("body")
    assert browser.path.startswith("/p/")
    browser.shot(f"proposer-{size}-revoked")
    open_link(browser, made["url"].rsplit("/", 1)[0] + "/pl_not-a-real-token", status=404)
    assert "链接不可用" in browser.text("h1")


def test_the_office_makes_a_link_and_a_document_on_the_case_page_R_F4(
    browser: Browser, api: httpx.Client, tmp_path: Path
) -> None:
    case = replied_cases(api)[0]
    path = f"/cases/{case['case_id']}"
    browser.login("demo-office")
    browser.open(path)
    browser.find("#form-link > summary").click()
    browser.follow(browser.find("#form-link button[type=submit]"))
    browser.assert_quiet("after making a link")
    url = str(browser.find("#new-link-url").get_attribute("value"))
    assert "/p/pl_" in url
    # Shown once: a press copies the whole link (selected, and said so).
    browser.find("#copy-new-link").click()
    assert browser.text("#copy-new-link") == "已复制"
    chosen = browser.driver.execute_script(
        "var b = document.getElementById('new-link-url');return [b.selectionStart, b.selectionEnd];"
    )
    assert chosen == [0, len(url)]
    browser.shot("case-new-link")

    letter = tmp_path / "答复函.pdf"
    letter.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    browser.find("#form-upload > summary").click()
    browser.find("#upload-file").send_keys(str(letter))
    browser.find("#upload-kind option[value=other]").click()
    browser.follow(browser.find("#form-upload button[type=submit]"))
    browser.assert_quiet("after an upload")
    download = browser.find("#documents a[href^='/v1/cases/']")
    assert download.text == "答复函.pdf"
    browser.shot("case-documents")

    # The proposer opens the link the page showed; the office revokes it on the case page.
    open_link(browser, url)
    assert case["title"] in browser.text()
    browser.login("demo-office")
    browser.open(path)
    token = url.rsplit("/", 1)[1]
    rows = browser.all("#links tbody tr")
    row = next(
        r for r in rows if token.startswith(r.find_element(By.CSS_SELECTOR, "code").text[:-1])
    )
    row.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("浏览器测试：撤销")
    row_id = row.get_attribute("id")
    browser.follow(row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    browser.assert_quiet("after revoking")
    assert "已撤销" in browser.find(f"#{row_id}").text
    browser.shot("case-link-revoked")
    open_link(browser, url, status=404)
    assert "链接不可用" in browser.text("h1")


def test_the_links_card_holds_a_link_with_an_email_at_the_desks_width(
    browser: Browser, api: httpx.Client
) -> None:
    """A link's email under the name stretched the table past its card at 1366 px: the 撤销
    button was cut to 撤 behind a scroll bar (a review)."""
    case = replied_cases(api)[-1]
    body = {
        "proposer_name": case["proposers"][0]["name"],
        "expires_on": EXPIRES,
        "email": "zeng.zhiqiang.deputy@provincial-congress.gov.cn",
    }
    assert api.post(f"/v1/cases/{case['case_id']}/proposer-links", json=body).status_code == 201
    browser.login("demo-office")
    browser.open(f"/cases/{case['case_id']}")
    widths = browser.driver.execute_script(
        "var card = document.getElementById('links');"
        "return [card.scrollWidth, card.clientWidth, window.innerWidth];"
    )
    assert widths[2] >= 1300, widths  # the desk's width, not a phone's
    assert widths[0] <= widths[1], widths
    browser.shot("case-links-email")

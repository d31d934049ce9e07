"""答复公开: the disclosure register as a page (R-D4, R-P1 … R-P5). The office learned what to
publish, what was late and what its proposers refused from the case pages one at a time."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api import pages_disclosures
from tests.api.conftest import Api
from tests.api.proposer_support import as_link, issued, link, ok, published
from tests.api.test_pages import CSRF, logged_in

REFUSAL = {"consent_reply": False, "consent_original": False, "occurred_on": "2025-05-01"}


def _rows(page: str) -> list[tuple[str, str]]:
    """Each row's case number and status words, in the page's order."""
    found = re.findall(
        r'<tr id="reply-[^"]+">\s*<td class="nowrap"><a href="[^"]+">([^<]+)</a>.*?'
        r'<td data-label="状态"><span class="status [^"]+">([^<]+)</span>',
        page,
        re.S,
    )
    return [(number, words) for number, words in found]


def _refused(api: Api, case_id: str) -> None:
    token = link(api, case_id, "张三")["link_token"]
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/disclosure-preference", REFUSAL))


def test_the_office_sees_what_to_withhold_publish_and_what_was_refused_R_D4_R_P2_R_P5(
    api: Api,
) -> None:
    issued(api, "D-LATE")  # proactive, issued 2025-04-10, never published: late now
    refused, _ = issued(api, "D-REF")  # its proposer refused before it was published
    _refused(api, refused)
    shown, shown_reply = issued(api, "D-SHOWN")
    published(api, shown, shown_reply, "https://x.cn/shown")
    down, down_reply = issued(api, "D-DOWN")
    published(api, down, down_reply, "https://x.cn/down")
    _refused(api, down)
    kept, kept_reply = issued(api, "D-KEPT")
    withhold = {"reply_id": kept_reply, "withheld_reason": "confidential: 含工作秘密"}
    ok(
        api.post(
            f"/v1/cases/{kept}/disclosure", {**withhold, "occurred_on": "2025-04-16"}, "office"
        )
    )
    issued(api, "D-ASKED", disclosure="on_request")  # owes no publication: on no list
    office = logged_in(api, "clerk-d", "office")

    page = office.get("/disclosures").text
    assert re.search(r'<a href="/disclosures"[^>]*>答复公开</a>', page)  # in the top navigation
    tabs = (("待办", 3), ("公开后不同意", 1), ("已公开", 1), ("不予公开", 1), ("全部", 5))
    for tab, count in tabs:
        assert f"{tab}（{count}）" in page, tab
    # What its proposers refused is withheld first (R-P2), not published; then what they
    # refused once it was published comes down; then what is late.
    (first, said), (second, down_said), (third, late) = _rows(page)
    assert (first, said) == ("D-REF", "应不予公开（代表委员不同意）")
    assert (second, down_said) == ("D-DOWN", "应撤下（公开后代表委员不同意）")
    assert third == "D-LATE" and re.fullmatch(r"逾期未公开 \d+ 天（待办公室公开前审查）", late), (
        late
    )
    assert f'href="/cases/{refused}?from=/disclosures' in page  # the case page comes back here

    taken = office.get("/disclosures", params={"tab": "taken_down"}).text
    assert _rows(taken) == [("D-DOWN", "应撤下（公开后代表委员不同意）")]
    assert "公开目录已不再列出" in taken
    done = office.get("/disclosures", params={"tab": "published"}).text
    assert _rows(done) == [("D-SHOWN", "已公开")]
    assert "https://x.cn/shown" in done
    withheld = office.get("/disclosures", params={"tab": "withheld"}).text
    assert _rows(withheld) == [("D-KEPT", "不予公开")]
    assert "涉密：含工作秘密" in withheld
    assert '<td class="nowrap" data-label="印发日期">2025-04-10</td>' in withheld
    every = office.get("/disclosures", params={"tab": "all"}).text
    numbers = sorted(number for number, _ in _rows(every))
    assert numbers == ["D-DOWN", "D-KEPT", "D-LATE", "D-REF", "D-SHOWN"]


def test_a_handler_reads_its_own_units_replies_and_the_admin_none(api: Api) -> None:
    issued(api, "D-FIN")  # FIN's reply, late
    fin = logged_in(api, "handler-d", "handler", unit="FIN").get("/disclosures").text
    assert [number for number, _ in _rows(fin)] == ["D-FIN"]
    hou = logged_in(api, "handler-e", "handler", unit="HOU").get("/disclosures").text
    assert "全部（0）" in hou and "没有待办的公开事项" in hou
    assert logged_in(api, "admin-d", "admin").get("/disclosures").status_code == 403
    assert logged_in(api, "clerk-e", "office").get("/disclosures?tab=nope").status_code == 400


def test_the_list_is_narrowed_by_year_and_unit_and_drawn_at_most_so_long(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province's replies of every year run to thousands: one page of them all was
    megabytes. The year and the unit narrow every tab and its count; a page draws at most
    ``MOST_SHOWN`` rows and says how many it holds."""
    issued(api, "D-NEW")
    issued(api, "D-OLD", year=2024, received_on="2024-01-20")
    office = logged_in(api, "clerk-y", "office")
    both = office.get("/disclosures", params={"tab": "all"}).text
    assert '<option value="2025">2025</option><option value="2024">2024</option>' in both
    old = office.get("/disclosures", params={"tab": "all", "year": "2024"}).text
    assert [number for number, _ in _rows(old)] == ["D-OLD"]
    assert "全部（1）" in old and 'href="/disclosures?tab=to_do&amp;year=2024"' in old
    hou = office.get("/disclosures", params={"tab": "all", "unit": "HOU"}).text
    assert _rows(hou) == [] and "全部（0）" in hou
    # The API narrows as the page does, and names each case's year and title (additions).
    [old_item] = api.get("/v1/disclosures", "office", year=2024).json()["items"]
    assert (old_item["number"], old_item["year"]) == ("D-OLD", 2024) and old_item["title"]
    assert api.get("/v1/disclosures", "office", unit="HOU").json()["items"] == []
    assert len(api.get("/v1/disclosures", "office", unit="FIN").json()["items"]) == 2
    assert api.get("/v1/disclosures", "handler_fin", unit="HOU").status_code == 403
    monkeypatch.setattr(pages_disclosures, "MOST_SHOWN", 1)
    cut = office.get("/disclosures", params={"tab": "all"}).text
    assert len(_rows(cut)) == 1 and "共 <strong>2</strong> 份答复，本页显示前 1 份" in cut
    assert office.get("/disclosures", params={"year": "abc"}).status_code == 400


def test_a_reply_refused_after_publishing_is_taken_down_from_the_list_R_P2(api: Api) -> None:
    """From 应撤下 in the office's 待办 to the case page's 登记撤下 and back: the row said
    公开后代表委员不同意 for ever, since nothing recorded that it had come down."""
    down, down_reply = issued(api, "D-DOWN")
    published(api, down, down_reply, "https://x.cn/down")
    _refused(api, down)
    office = logged_in(api, "clerk-t", "office")
    page = office.get("/disclosures").text
    assert _rows(page) == [("D-DOWN", "应撤下（公开后代表委员不同意）")]
    link = re.search(r'<a class="act" data-form="take-down" href="([^"]+)">登记撤下</a>', page)
    assert link, page
    target = link.group(1).replace("&amp;", "&")
    assert target.startswith(f"/cases/{down}?from=/disclosures") and "open=take-down" in target
    case_page = office.get(target).text
    assert '<details class="form" id="form-take-down" open>' in case_page
    drawn = re.search(r'id="form-take-down".*?</details>', case_page, re.S)
    assert drawn and "2025-04-17 公开</option>" in drawn.group(0)  # the day it went up
    assert "请一并撤下，并用" in case_page  # the R-P2 notice says how
    form = {
        "_csrf": CSRF.search(case_page).group(1),  # type: ignore[union-attr]
        "_version": str(api.case(down)["version"]),
        "reply_id": down_reply,
        "taken_down_from": "省政府门户网站",
        "occurred_on": "2025-05-02",
    }
    sent = office.post(f"/cases/{down}/forms/take-down", data=form, follow_redirects=False)
    assert sent.status_code == 303, sent.text

    after = office.get(f"/cases/{down}").text
    assert "2025-05-02 已从省政府门户网站撤下" in after
    assert 'id="form-take-down"' not in after and "请一并撤下" not in after
    assert re.search(r"#\d+ 登记撤下", after) and "taken_down_from" not in after  # timeline
    listed = office.get("/disclosures").text
    assert "待办（0）" in listed and "公开后不同意（1）" in listed
    taken = office.get("/disclosures", params={"tab": "taken_down"}).text
    assert _rows(taken) == [("D-DOWN", "已撤下（公开后代表委员不同意），2025-05-02")]
    assert "撤下位置：省政府门户网站" in taken


def test_a_reply_waiting_for_the_offices_review_says_so_R_P3(api: Api) -> None:
    """A review's handler issued a reply and found no 公开 form, and no word why: publishing
    waits for the office's review (R-P3). The list, the API and the case page say what it
    waits for."""
    case_id, reply_id = issued(api, "D-WAIT")
    handler = logged_in(api, "handler-w", "handler", unit="FIN")
    [(number, words)] = _rows(handler.get("/disclosures").text)
    assert number == "D-WAIT" and re.fullmatch(r"逾期未公开 \d+ 天（待办公室公开前审查）", words)
    case_page = handler.get(f"/cases/{case_id}").text
    assert "待办公室公开前审查（R-P3），审查同意后方可公开" in case_page
    assert 'id="form-publish"' not in case_page

    def review(approved: bool, case: str = case_id, reply: str = reply_id) -> None:
        body = {
            "reply_id": reply,
            "approved": approved,
            "note": "审查",
            "occurred_on": "2025-04-16",
        }
        ok(api.post(f"/v1/cases/{case}/disclosure-review", body, "office"))

    def office_review() -> object:
        [item] = api.get("/v1/disclosures", "office").json()["items"]
        return item["office_review"]

    def step(client: TestClient) -> list[str]:
        """The forms the rows link to as their next step."""
        page = client.get("/disclosures").text
        return re.findall(r'<a class="act" data-form="([a-z-]+)"', page)

    office = logged_in(api, "clerk-w", "office")
    assert office_review() is None
    assert (step(office), step(handler)) == (["disclosure-review"], [])  # the office reviews
    review(False)
    assert office_review() == "not_approved"
    [(_, words)] = _rows(handler.get("/disclosures").text)
    # Not a countdown to publishing: what is to be done, then the time limit (a review).
    assert re.fullmatch(r"公开前审查未同意：请登记不予公开，或重新审查（逾期 \d+ 天）", words)
    assert step(handler) == ["withhold"]
    review(True)
    assert office_review() == "approved"
    [(_, words)] = _rows(handler.get("/disclosures").text)
    assert re.fullmatch(r"逾期未公开 \d+ 天", words), words
    assert step(handler) == ["publish"]
    case_page = handler.get(f"/cases/{case_id}").text
    assert "2025-04-16 审查同意，待公开" in case_page and 'id="form-publish"' in case_page
    # Withheld after it, it reads 不予公开, not the review's words (the decision stands).
    kept, kept_reply = issued(api, "D-WAIT2")
    review(False, kept, kept_reply)
    withhold = {
        "reply_id": kept_reply,
        "withheld_reason": "confidential",
        "occurred_on": "2025-04-17",
    }
    ok(api.post(f"/v1/cases/{kept}/disclosure", withhold, "office"))
    withheld = _rows(handler.get("/disclosures", params={"tab": "withheld"}).text)
    assert withheld == [("D-WAIT2", "不予公开")]

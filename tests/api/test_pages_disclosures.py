"""答复公开: the disclosure register as a page (R-D4, R-P1 … R-P5). The office learned what to
publish, what was late and what to take down from the case pages one at a time."""

from __future__ import annotations

import re

from tests.api.conftest import Api
from tests.api.proposer_support import as_link, issued, link, ok, published
from tests.api.test_pages import logged_in


def _rows(page: str) -> list[tuple[str, str]]:
    """Each row's case number and status word, in the page's order."""
    found = re.findall(
        r'<tr id="reply-[^"]+">\s*<td class="nowrap"><a href="[^"]+">([^<]+)</a>.*?'
        r'<td data-label="状态"><span class="status [^"]+"[^>]*>([^<]+)</span>',
        page,
        re.S,
    )
    return [(number, word) for number, word in found]


def test_the_office_sees_what_to_take_down_publish_and_what_was_withheld_R_D4_R_P2_R_P5(
    api: Api,
) -> None:
    issued(api, "D-LATE")  # proactive, issued 2025-04-10, never published: late now
    shown, shown_reply = issued(api, "D-SHOWN")
    published(api, shown, shown_reply, "https://x.cn/shown")
    down, down_reply = issued(api, "D-DOWN")
    published(api, down, down_reply, "https://x.cn/down")
    token = link(api, down, "张三")["link_token"]
    refusal = {"consent_reply": False, "consent_original": False, "occurred_on": "2025-05-01"}
    ok(as_link(api, token, f"/v1/proposer/cases/{down}/disclosure-preference", refusal))
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
    for tab, count in (("待办", 2), ("已公开", 1), ("不予公开", 1), ("全部", 4)):
        assert f"{tab}（{count}）" in page, tab
    # What comes down first (R-P2), then what is late (R-D4).
    assert _rows(page) == [("D-DOWN", "应撤下"), ("D-LATE", "逾期未公开")]
    assert f'href="/cases/{down}?from=/disclosures' in page  # the case page comes back here

    done = office.get("/disclosures", params={"tab": "published"}).text
    assert _rows(done) == [("D-SHOWN", "已公开")]
    assert "https://x.cn/shown" in done
    withheld = office.get("/disclosures", params={"tab": "withheld"}).text
    assert _rows(withheld) == [("D-KEPT", "不予公开")]
    assert "涉密：含工作秘密" in withheld
    assert '<td class="nowrap" data-label="印发日期">2025-04-10</td>' in withheld
    every = office.get("/disclosures", params={"tab": "all"}).text
    assert sorted(number for number, _ in _rows(every)) == ["D-DOWN", "D-KEPT", "D-LATE", "D-SHOWN"]


def test_the_page_is_the_offices_and_its_readers_not_a_handlers(api: Api) -> None:
    handler = logged_in(api, "handler-d", "handler", unit="FIN")
    refused = handler.get("/disclosures")
    assert refused.status_code == 403
    assert "答复公开" not in handler.get("/").text.split("<main")[0]  # not offered either
    auditor = logged_in(api, "auditor-d", "auditor")
    assert auditor.get("/disclosures").status_code == 200
    assert logged_in(api, "clerk-e", "office").get("/disclosures?tab=nope").status_code == 400

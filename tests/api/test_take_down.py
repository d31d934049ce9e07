"""登记撤下: a published reply whose proposers came to refuse its publication is taken down
(R-P2 after the fact), and the take-down is recorded once. The 答复公开 list said 应撤下 of
such a reply for ever: nothing could record that the office had done it."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.api.conftest import Api
from tests.api.proposer_support import (
    issued,
    ok,
    published,
    registered,
    reply_issued,
)
from tests.api.test_pages import logged_in

REFUSAL = {"consent_reply": False, "consent_original": False, "occurred_on": "2025-04-20"}
PORTAL = "省政府门户网站·建议提案办理栏目"


def _take_down(api: Api, case_id: str, reply_id: str, who: str, **body: Any) -> httpx.Response:
    sent = {"reply_id": reply_id, "taken_down_from": PORTAL, "occurred_on": "2025-04-21", **body}
    return api.post(f"/v1/cases/{case_id}/disclosure-take-down", sent, who)


def _refused(api: Api, response: httpx.Response, case_id: str, version: int, rule: str) -> str:
    """A refusal naming ``rule`` that wrote nothing (a rule of the case's state: 409); answers
    its detail."""
    assert response.status_code == 409, response.text
    assert response.json()["rule"] == rule, response.text
    assert api.case(case_id)["version"] == version
    detail: str = response.json()["detail"]
    return detail


def _item(api: Api, reply_id: str, as_of: str = "2025-05-01") -> dict[str, Any]:
    items = api.get("/v1/disclosures", "office", as_of=as_of).json()["items"]
    [found] = [i for i in items if i["reply_id"] == reply_id]
    return dict(found)


def test_a_reply_refused_after_publishing_is_recorded_taken_down_once_R_P2(
    backend_api: Api,
) -> None:
    api = backend_api
    case_id, reply_id = issued(api, "TD-1")
    published(api, case_id, reply_id, "https://x.cn/td-1")
    version = api.case(case_id)["version"]
    # Not refused: a published reply stays up, and nothing is recorded.
    said = _refused(api, _take_down(api, case_id, reply_id, "office"), case_id, version, "R-P2")
    assert "未表示不同意公开" in said
    ok(api.post(f"/v1/cases/{case_id}/disclosure-preference", REFUSAL, "handler_fin"))
    assert _item(api, reply_id)["take_down"] is True
    version = api.case(case_id)["version"]
    early = _take_down(api, case_id, reply_id, "office", occurred_on="2025-04-16")
    assert "早于公开日期" in _refused(api, early, case_id, version, "R-X1")
    # Nor before the proposers refused: a review recorded one 18 months before the refusal.
    before_refusal = _take_down(api, case_id, reply_id, "office", occurred_on="2025-04-19")
    said = _refused(api, before_refusal, case_id, version, "R-X1")
    assert "早于代表委员表示不同意公开的日期 2025-04-20" in said

    ok(_take_down(api, case_id, reply_id, "handler_fin"))  # the replying unit's handler

    item = _item(api, reply_id)
    assert (item["take_down"], item["taken_down_on"], item["taken_down_from"]) == (
        False,
        "2025-04-21",
        PORTAL,
    )
    assert item["status"] == "published" and item["proposer_refused"] is True
    # As of the day before, it was still to come down.
    before = _item(api, reply_id, as_of="2025-04-20")
    assert (before["take_down"], before["taken_down_on"]) == (True, None)
    disclosure = api.case(case_id)["disclosures"][reply_id]
    assert (disclosure["taken_down_on"], disclosure["taken_down_from"]) == ("2025-04-21", PORTAL)
    version = api.case(case_id)["version"]
    again = _take_down(api, case_id, reply_id, "office", occurred_on="2025-04-22")
    assert "已登记撤下" in _refused(api, again, case_id, version, "R-X2")
    # The public register still leaves it out (R-P2), as before the take-down.
    listed = api.get("/v1/public/replies", None, q="TD-1").json()["items"]
    assert listed == []


def test_only_a_published_reply_is_taken_down_and_only_by_its_unit_R_P2(
    backend_api: Api,
) -> None:
    api = backend_api
    case_id, reply_id = issued(api, "TD-2")  # issued, never published
    ok(api.post(f"/v1/cases/{case_id}/disclosure-preference", REFUSAL, "handler_fin"))
    version = api.case(case_id)["version"]
    said = _refused(api, _take_down(api, case_id, reply_id, "office"), case_id, version, "R-P2")
    assert "只有已公开的答复" in said
    other, other_reply = issued(api, "TD-3")
    published(api, other, other_reply, "https://x.cn/td-3")
    ok(api.post(f"/v1/cases/{other}/disclosure-preference", REFUSAL, "handler_fin"))
    # Another unit's handler does not see the case; a leader does not take down.
    assert _take_down(api, other, other_reply, "handler_hou").status_code == 404
    assert _take_down(api, other, other_reply, "leader").status_code == 403
    blank = _take_down(api, other, other_reply, "office", taken_down_from="  ")
    assert blank.status_code == 422, blank.text
    nul = _take_down(api, other, other_reply, "office", taken_down_from="门户\x00网站")
    assert nul.status_code == 422, nul.text  # refused before either store sees it
    assert api.case(other)["disclosures"][other_reply]["taken_down_on"] is None
    assert _item(api, other_reply)["take_down"] is True  # the register still reads


def test_a_merge_reply_comes_down_for_a_merged_cases_refusal_R_M1_R_P2(backend_api: Api) -> None:
    api = backend_api
    cases = [registered(api, n) for n in ("TM-1", "TM-2")]
    ok(api.post("/v1/merges", {"case_ids": cases, "occurred_on": "2025-03-01"}, "office"))
    reply_issued(api, cases[0], "FIN", "A")
    reply_id = api.case(cases[0])["replies"][0]["reply_id"]
    published(api, cases[0], reply_id, "https://x.cn/tm")
    version = api.case(cases[0])["version"]
    _refused(api, _take_down(api, cases[0], reply_id, "office"), cases[0], version, "R-P2")
    # The partner's proposers refuse: the primary's reply, which answers them, comes down.
    ok(api.post(f"/v1/cases/{cases[1]}/disclosure-preference", REFUSAL, "handler_fin"))
    assert _item(api, reply_id)["take_down"] is True
    version = api.case(cases[0])["version"]
    early = _take_down(api, cases[0], reply_id, "office", occurred_on="2025-04-19")
    assert "2025-04-20" in _refused(api, early, cases[0], version, "R-X1")  # the partner's
    ok(_take_down(api, cases[0], reply_id, "office"))
    item = _item(api, reply_id)
    assert (item["take_down"], item["taken_down_on"], item["proposer_refused"]) == (
        False,
        "2025-04-21",
        True,
    )


def test_a_past_moments_page_says_a_reply_was_off_the_register_by_then_R_P2_R_X3(
    api: Api,
) -> None:
    """An auditor reading the case as it stood after the deputy refused read 已公开 alone; the
    page of now said 已从公开目录撤下. Before the refusal, neither is said."""
    case_id, reply_id = issued(api, "TD-9")
    published(api, case_id, reply_id, "https://x.cn/td-9")
    before = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    ok(api.post(f"/v1/cases/{case_id}/disclosure-preference", REFUSAL, "handler_fin"))
    after = datetime.now(UTC).isoformat()
    auditor = logged_in(api, "shen-ji-td", role="auditor")
    off = "已从公开目录撤下"
    assert off in auditor.get(f"/cases/{case_id}", params={"at": after}).text
    assert off not in auditor.get(f"/cases/{case_id}", params={"at": before}).text
    assert off in auditor.get(f"/cases/{case_id}").text

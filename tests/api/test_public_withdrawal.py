"""A reply taken off the public register is never served again (R-P2), though the register is
held in memory and reloaded in the background while readers keep the previous snapshot: a
review refused disclosure through a deputy's link and the first anonymous read after it (15 s
later) still listed the reply, with ``max-age=30`` for any cache on the way."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.proposer_support import CONSENT, as_link, issued, link, ok, published


def _listed(api: Api, number: str) -> list[str]:
    answer = api.client.get("/v1/public/replies", params={"q": number})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "public, no-cache"
    return [str(item["number"]) for item in answer.json()["items"]]


def test_the_first_read_after_a_refusal_leaves_the_reply_out_R_P2(api: Api) -> None:
    case_id, reply_id = issued(api, "PW-1")
    other_id, other_reply = issued(api, "PW-2")
    published(api, case_id, reply_id, "https://x.cn/pw1")
    published(api, other_id, other_reply, "https://x.cn/pw2")
    assert sorted(_listed(api, "PW-")) == ["PW-1", "PW-2"]  # the snapshot is loaded now
    token = link(api, case_id, "张三")["link_token"]
    refusal = {**CONSENT, "consent_reply": False}
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/disclosure-preference", refusal))
    # The office's register waits for the public register's view (read-your-writes): it has
    # taken the reply off by now, and the snapshot in memory is a reload behind.
    office = api.get("/v1/disclosures", "office").json()["items"]
    assert [d["take_down"] for d in office if d["number"] == "PW-1"] == [True]
    assert _listed(api, "PW-") == ["PW-2"]
    page = api.client.get("/public", params={"q": "PW-"}).text
    assert "PW-2" in page and "PW-1" not in page

"""A reply is published at a whole web address (R-D4), on both stores: a ``javascript:``
address is refused with its field named and nothing written, and the public register still
answers afterwards."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.proposer_support import issued


def test_a_script_address_is_refused_and_the_register_still_answers_R_D4(
    backend_api: Api,
) -> None:
    api = backend_api
    # The register reloaded at once when it moves (the server reloads it in the background).
    api.client.app.state.public_fresh = True  # type: ignore[attr-defined]
    case_id, reply_id = issued(api, "URL-1")
    review = {"reply_id": reply_id, "approved": True, "note": "同意", "occurred_on": "2025-04-11"}
    assert api.post(f"/v1/cases/{case_id}/disclosure-review", review, "office").is_success
    publish = {"reply_id": reply_id, "published_on": "2025-04-12"}
    head = api.head()
    bad = api.post(
        f"/v1/cases/{case_id}/disclosure",
        {**publish, "url": "javascript:alert(document.cookie)"},
        "office",
    )
    assert bad.status_code == 422, bad.text
    assert "http:// 或 https://" in bad.json()["detail"] and api.head() == head
    assert api.get("/v1/public/replies", None).status_code == 200
    good = {**publish, "url": "https://www.example.gov.cn/jyta/2025/URL-1.html"}
    assert api.post(f"/v1/cases/{case_id}/disclosure", good, "office").status_code == 201
    listed = api.get("/v1/public/replies", None, q="URL-1").json()["items"]
    assert [r["url"] for r in listed] == [good["url"]]

"""The proposer's own voice (DOMAIN.md R-F4; API.md v1.1 "The proposer's side") over HTTP, on
SQLite and PostgreSQL: links made by the office, read and spoken through by the proposer alone,
revoked or expired at once, every deputy of a joint suggestion with a voice (R-C4 unchanged)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from infra.clock import china_date
from tests.api.conftest import Api, FakeClock
from tests.api.proposer_support import (
    CONSENT,
    EXPIRES,
    FEEDBACK,
    as_link,
    further_reply_issued,
    issued,
    link,
    ok,
    published,
    registered,
    reply_issued,
)
from tests.api.test_pages import logged_in


def test_a_link_reads_its_case_and_gives_feedback_as_the_proposer_R_F4(backend_api: Api) -> None:
    api = backend_api
    case_id, reply_id = issued(api, "L-1")
    made = link(api, case_id, "张三")
    token = made["link_token"]
    assert made["url"].endswith(f"/p/{token}")
    assert [e["type"] for e in made["events"]] == ["ProposerLinkCreated"]

    cases = ok(as_link(api, token, "/v1/proposer/cases"), 200)["items"]
    assert [c["case_id"] for c in cases] == [case_id]
    assert cases[0]["proposer_name"] == "张三"
    assert [r["reply_id"] for r in cases[0]["replies"]] == [reply_id]
    assert cases[0]["feedback_open"] is True

    before = api.head()
    answer = ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", FEEDBACK))
    assert [e["type"] for e in answer["events"]] == ["FeedbackRecorded"]
    assert api.head() == before + 1
    feedback = api.case(case_id)["feedback"]
    assert [(f["source"], f["proposer"]) for f in feedback] == [("proposer", "张三")]
    history = ok(api.get(f"/v1/cases/{case_id}/history", "auditor"), 200)["events"]
    assert history[-1]["actor"]["role"] == "proposer"


def test_a_link_reads_only_its_own_case_others_are_not_found_R_F4(api: Api) -> None:
    mine, _ = issued(api, "L-2")
    other, _ = issued(api, "L-3")
    token = link(api, mine)["link_token"]
    for path in (
        f"/v1/proposer/cases/{other}/feedback",
        f"/v1/proposer/cases/{other}/disclosure-preference",
    ):
        body = FEEDBACK if path.endswith("feedback") else CONSENT
        before = api.head()
        response = as_link(api, token, path, body)
        assert response.status_code == 404
        assert response.json()["detail"] == f"no case {other} / 该件不存在"
        assert api.head() == before
    # A link's role is ``proposer`` (API.md): the staff routes do not admit it, a 403.
    assert as_link(api, token, f"/v1/cases/{mine}").status_code == 403
    assert as_link(api, token, "/v1/ledger").status_code == 403


def test_without_a_working_link_the_proposer_routes_answer_401(api: Api) -> None:
    issued(api, "L-4")
    for token in ("", "pl_guess", "not-a-link", "pl_" + "x" * 43, "pl_\x7f"):
        headers = {"Authorization": f"Bearer {token}"}
        assert api.client.get("/v1/proposer/cases", headers=headers).status_code == 401
    # A staff token is no link either.
    assert api.get("/v1/proposer/cases", "office").status_code == 401


def test_a_revoked_link_stops_at_once_and_revoking_twice_is_refused_R_F4(api: Api) -> None:
    case_id, _ = issued(api, "L-5")
    made = link(api, case_id)
    token, link_id = made["link_token"], made["link_id"]
    assert as_link(api, token, "/v1/proposer/cases").status_code == 200
    revoke = f"/v1/cases/{case_id}/proposer-links/{link_id}/revoke"
    assert api.post(revoke, {"reason": "代表更换手机"}, "handler_fin").status_code == 403
    ok(api.post(revoke, {"reason": "代表更换手机"}, "office"))
    assert as_link(api, token, "/v1/proposer/cases").status_code == 401
    before = api.head()
    assert api.post(revoke, {"reason": "再次"}, "office").status_code == 409
    assert api.head() == before
    listed = api.case(case_id)["proposer_links"]
    assert [(x["link_id"], x["status"]) for x in listed] == [(link_id, "revoked")]
    assert "hashed" not in listed[0] and token not in str(api.case(case_id))


def test_a_revocation_through_one_worker_counts_on_another_at_once_R_F4(
    api: Api, tmp_path: object
) -> None:
    from tests.api.conftest import start

    case_id, _ = issued(api, "L-6")
    made = link(api, case_id)
    other, services = start(api.services.settings.data_dir)
    try:
        headers = {"Authorization": f"Bearer {made['link_token']}"}
        assert other.get("/v1/proposer/cases", headers=headers).status_code == 200
        revoke = f"/v1/cases/{case_id}/proposer-links/{made['link_id']}/revoke"
        ok(api.post(revoke, {"reason": "撤销"}, "office"))
        assert other.get("/v1/proposer/cases", headers=headers).status_code == 401
    finally:
        services.close()


def test_a_link_works_through_its_last_day_only_R_F4(timed_api: Api, clock: FakeClock) -> None:
    api = timed_api
    case_id, _ = issued(api, "L-7")
    today = china_date(clock.now)  # the business day is Beijing's
    made = link(api, case_id, expires_on=today.isoformat())
    token = made["link_token"]
    assert as_link(api, token, "/v1/proposer/cases").status_code == 200
    clock.advance(days=2)
    assert as_link(api, token, "/v1/proposer/cases").status_code == 401
    assert api.case(case_id)["proposer_links"][0]["status"] in ("live", "expired")
    past = (today - timedelta(days=1)).isoformat()
    body = {"proposer_name": "张三", "expires_on": past}
    assert api.post(f"/v1/cases/{case_id}/proposer-links", body, "office").status_code == 422


def test_only_the_office_makes_links_and_only_for_the_case_s_proposers_R_F4(api: Api) -> None:
    case_id, _ = issued(api, "L-8")
    body = {"proposer_name": "张三", "expires_on": EXPIRES}
    for who in ("handler_fin", "leader", "supervisor", "auditor", "admin"):
        response = api.post(f"/v1/cases/{case_id}/proposer-links", body, who)
        assert response.status_code == 403, who
    before = api.head()
    stranger = {**body, "proposer_name": "王五"}
    response = api.post(f"/v1/cases/{case_id}/proposer-links", stranger, "office")
    assert response.status_code == 409 and response.json()["rule"] == "R-F4"
    bad_mail = {**body, "email": "not an address"}
    assert api.post(f"/v1/cases/{case_id}/proposer-links", bad_mail, "office").status_code == 422
    assert api.head() == before


def test_every_deputy_of_a_joint_suggestion_has_a_link_and_a_voice_R_F4_R_C4(
    backend_api: Api,
) -> None:
    api = backend_api
    case_id, _ = issued(api, "L-9")
    zhang = link(api, case_id, "张三")["link_token"]
    li = link(api, case_id, "李四")["link_token"]
    ok(as_link(api, li, f"/v1/proposer/cases/{case_id}/disclosure-preference", CONSENT))
    refuse = {**CONSENT, "consent_reply": False}
    ok(as_link(api, zhang, f"/v1/proposer/cases/{case_id}/disclosure-preference", refuse))
    # Each sees their own word; the case adds them up: one refusal stands (R-P2).
    mine = ok(as_link(api, li, "/v1/proposer/cases"), 200)["items"][0]
    assert mine["disclosure_preference"]["consent_reply"] is True
    theirs = ok(as_link(api, zhang, "/v1/proposer/cases"), 200)["items"][0]
    assert theirs["disclosure_preference"]["consent_reply"] is False
    ok(as_link(api, li, f"/v1/proposer/cases/{case_id}/feedback", FEEDBACK))
    events = ok(api.get(f"/v1/cases/{case_id}/history", "auditor"), 200)["events"]
    voices = [e["data"].get("proposer") for e in events if e["actor"]["role"] == "proposer"]
    assert voices == ["李四", "张三", "李四"]


def test_a_joint_proposal_s_co_signer_gets_no_link_R_C4(api: Api) -> None:
    members = [
        {"name": "周委员", "type": "member", "role": "lead"},
        {"name": "吴委员", "type": "member", "role": "co_signer"},
    ]
    case_id = registered(api, "L-10", kind="proposal", proposers=members)
    link(api, case_id, "周委员")
    body = {"proposer_name": "吴委员", "expires_on": EXPIRES}
    response = api.post(f"/v1/cases/{case_id}/proposer-links", body, "office")
    assert response.status_code == 409 and response.json()["rule"] == "R-C4"


def test_office_feedback_stays_possible_and_is_marked_as_the_office_s_R_F4(api: Api) -> None:
    case_id, _ = issued(api, "L-11")
    ok(api.post(f"/v1/cases/{case_id}/feedback", FEEDBACK, "office"))
    assert [f["source"] for f in api.case(case_id)["feedback"]] == ["office"]
    assert api.post(f"/v1/cases/{case_id}/feedback", FEEDBACK, "handler_fin").status_code == 403


@pytest.mark.parametrize("verdict", ["great", 1, None])
def test_a_malformed_verdict_through_a_link_is_422_and_writes_nothing(
    api: Api, verdict: object
) -> None:
    case_id, _ = issued(api, f"L-12-{verdict}")
    token = link(api, case_id)["link_token"]
    before = api.head()
    body = {**FEEDBACK, "verdict": verdict}
    response = as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", body)
    assert response.status_code == 422
    assert api.head() == before


def test_an_idempotent_link_replay_answers_no_token(api: Api) -> None:
    case_id, _ = issued(api, "L-13")
    body = {"proposer_name": "张三", "expires_on": EXPIRES}
    path = f"/v1/cases/{case_id}/proposer-links"
    first = ok(api.post(path, body, "office", **{"Idempotency-Key": "k1"}))
    again = ok(api.post(path, body, "office", **{"Idempotency-Key": "k1"}), 200)
    assert first["link_token"] and again["link_token"] is None
    assert again["link_id"] == first["link_id"]


def test_the_case_page_and_the_audit_log_name_the_proposer_who_used_their_link_R_F4(
    api: Api,
) -> None:
    """The timeline said proposer-link:033769cd7cf7（代表委员）: a link's id means nothing to a
    reader; the event names the proposer speaking."""
    case_id, _ = issued(api, "PL-60")
    token = link(api, case_id, "张三")["link_token"]
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", FEEDBACK))
    office = logged_in(api, "clerk_pl")
    page = office.get(f"/cases/{case_id}").text
    said = re.sub(r"<[^>]+>", "", page)
    assert "张三·专属链接（代表委员）" in said
    assert not re.search(r">proposer-link:[0-9a-f]+<", page)
    auditor = logged_in(api, "auditor_pl", role="auditor")
    log = re.sub(r"<[^>]+>", "", auditor.get("/audit?tab=log").text)
    assert "张三·专属链接（代表委员）" in log
    # What the proposer said is theirs (R-F4): the office's correction form does not offer it.
    form = page.split('id="form-correction"', 1)[1].split("</form>", 1)[0]
    assert "反馈意见" not in form and "#" in form  # other events are still offered


def test_a_refusal_after_the_reply_went_out_tells_the_office_to_withhold_it_R_P2(
    api: Api,
) -> None:
    """The proposer refused through their link after the reply was issued (主动公开): the
    case page says the reply is withheld, not reviewed for publishing, and the office's
    approving review is refused."""
    case_id, reply_id = issued(api, "PL-61")
    token = link(api, case_id, "张三")["link_token"]
    refusal = {**CONSENT, "consent_reply": False}
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/disclosure-preference", refusal))
    page = logged_in(api, "clerk_pr").get(f"/cases/{case_id}").text
    notice = re.search(r'<p class="notice" id="disclosure-refused">(.*?)</p>', page, re.S)
    assert notice and "请登记「不予公开」" in notice.group(1)
    review = {"reply_id": reply_id, "approved": True, "note": "同意", "occurred_on": "2025-04-16"}
    answer = api.post(f"/v1/cases/{case_id}/disclosure-review", review, "office")
    assert answer.status_code == 409 and answer.json()["rule"] == "R-P2", answer.text
    withhold = {"reply_id": reply_id, "withheld_reason": "proposer_refused"}
    ok(
        api.post(
            f"/v1/cases/{case_id}/disclosure", {**withhold, "occurred_on": "2025-04-16"}, "office"
        )
    )
    page = logged_in(api, "clerk_pr2").get(f"/cases/{case_id}").text
    assert 'id="disclosure-refused"' not in page


def test_a_merged_partners_refusal_stands_against_publishing_the_merge_reply_R_P2_R_M1(
    api: Api,
) -> None:
    """The merge's reply answers every merged case: a partner's proposer refusing through
    their link kept neither the office's approving review nor publishing from going ahead."""
    primary, partner = (registered(api, n) for n in ("PL-70", "PL-71"))
    body = {"case_ids": [primary, partner], "occurred_on": "2025-03-01"}
    ok(api.post("/v1/merges", body, "office"))
    reply_issued(api, primary, "FIN", "A")
    reply_id = api.case(primary)["replies"][0]["reply_id"]
    name = api.case(partner)["proposers"][0]["name"]
    token = link(api, partner, name)["link_token"]
    refusal = {**CONSENT, "consent_reply": False}
    ok(as_link(api, token, f"/v1/proposer/cases/{partner}/disclosure-preference", refusal))
    page = logged_in(api, "clerk_mr").get(f"/cases/{primary}").text
    assert 'id="disclosure-refused"' in page
    review = {"reply_id": reply_id, "approved": True, "note": "同意", "occurred_on": "2025-04-16"}
    approving = api.post(f"/v1/cases/{primary}/disclosure-review", review, "office")
    assert approving.status_code == 409 and approving.json()["rule"] == "R-P2", approving.text
    assert "PL-71" in approving.json()["detail"]
    publish = {"reply_id": reply_id, "published_on": "2025-04-17", "url": "https://x.cn/2"}
    published = api.post(f"/v1/cases/{primary}/disclosure", publish, "office")
    assert published.status_code == 409 and published.json()["rule"] == "R-P2"
    withhold = {"reply_id": reply_id, "withheld_reason": "proposer_refused"}
    ok(
        api.post(
            f"/v1/cases/{primary}/disclosure", {**withhold, "occurred_on": "2025-04-17"}, "office"
        )
    )


def test_a_refusal_after_publishing_says_the_reply_left_the_register_R_P2(api: Api) -> None:
    """A review published a reply, then the proposer refused through their link: the public
    register dropped it, and the case page still said 主动公开 · 已公开 with no word, though
    the office must take down what it published elsewhere."""
    case_id, reply_id = issued(api, "PL-62")
    published(api, case_id, reply_id, "https://x.cn/62")
    page = logged_in(api, "clerk_pw").get(f"/cases/{case_id}").text
    assert 'id="disclosure-withdrawn"' not in page and "已从公开目录撤下" not in page
    token = link(api, case_id, "张三")["link_token"]
    refusal = {**CONSENT, "consent_reply": False}
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/disclosure-preference", refusal))
    page = logged_in(api, "clerk_pw2").get(f"/cases/{case_id}").text
    assert '<span class="tag bad">已从公开目录撤下</span>' in page
    notice = re.search(r'<p class="notice" id="disclosure-withdrawn">(.*?)</p>', page, re.S)
    assert notice and "请一并撤下" in notice.group(1)
    listed = api.client.get("/v1/public/replies", params={"q": "PL-62"}).json()["items"]
    assert listed == []


def test_a_merged_partners_refusal_after_publishing_takes_the_merge_reply_off_the_register_R_P2_R_M1(  # noqa: E501
    backend_api: Api,
) -> None:
    """A review merged two cases and published their one reply; the partner's deputy then
    refused through their link. Their page said the register no longer listed the reply, yet
    it stayed there, and the primary's page told the office nothing."""
    api = backend_api
    # Reload the register at once when it moves (the server reloads it in the background).
    api.client.app.state.public_fresh = True  # type: ignore[attr-defined]
    primary, partner = (registered(api, n) for n in ("PL-80", "PL-81"))
    ok(
        api.post(
            "/v1/merges", {"case_ids": [primary, partner], "occurred_on": "2025-03-01"}, "office"
        )
    )
    reply_issued(api, primary, "FIN", "A")
    reply_id = api.case(primary)["replies"][0]["reply_id"]
    published(api, primary, reply_id, "https://x.cn/80")
    assert api.client.get("/v1/public/replies", params={"q": "PL-80"}).json()["items"]
    token = link(api, partner, api.case(partner)["proposers"][0]["name"])["link_token"]
    refusal = {**CONSENT, "consent_reply": False}
    ok(as_link(api, token, f"/v1/proposer/cases/{partner}/disclosure-preference", refusal))
    for q in ("PL-80", "PL-81"):
        assert api.client.get("/v1/public/replies", params={"q": q}).json()["items"] == [], q
    page = logged_in(api, "clerk_mw").get(f"/cases/{primary}").text
    notice = re.search(r'<p class="notice" id="disclosure-withdrawn">(.*?)</p>', page, re.S)
    assert notice and "PL-81" in notice.group(1) and "请一并撤下" in notice.group(1)
    # Consent given again puts the reply back, as for a case of its own.
    ok(as_link(api, token, f"/v1/proposer/cases/{partner}/disclosure-preference", CONSENT))
    assert api.client.get("/v1/public/replies", params={"q": "PL-80"}).json()["items"]


def test_a_merge_primary_s_page_loads_each_partner_once_R_P2_R_M1(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one reply published and a further one issued, what the page says of disclosure
    asked about both and replayed every partner twice: a merge's page pays per partner."""
    primary, partner = (registered(api, n) for n in ("PL-84", "PL-85"))
    ok(
        api.post(
            "/v1/merges", {"case_ids": [primary, partner], "occurred_on": "2025-03-01"}, "office"
        )
    )
    reply_issued(api, primary, "FIN", "A")
    published(api, primary, api.case(primary)["replies"][0]["reply_id"], "https://x.cn/84")
    unsatisfied = {**FEEDBACK, "verdict": "dissatisfied", "comments": "未回应"}
    ok(api.post(f"/v1/cases/{primary}/feedback", unsatisfied, "office"))
    further_reply_issued(api, primary)
    token = link(api, partner, api.case(partner)["proposers"][0]["name"])["link_token"]
    refusal = {**CONSENT, "consent_reply": False, "occurred_on": "2025-04-29"}
    ok(as_link(api, token, f"/v1/proposer/cases/{partner}/disclosure-preference", refusal))
    browser = logged_in(api, "clerk_m1")
    app = api.services.app
    loads: list[str] = []
    real = app.get_case

    def counted(case_id: str, *args: object, **kwargs: object) -> object:
        loads.append(case_id)
        return real(case_id, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app, "get_case", counted)
    page = browser.get(f"/cases/{primary}").text
    assert 'id="disclosure-withdrawn"' in page
    assert loads.count(partner) == 1, loads


def test_the_office_cannot_key_in_another_verdict_over_the_proposer_s_own_R_F4(
    backend_api: Api,
) -> None:
    """A review's office posted 满意 over a deputy's own 基本满意 through the API: the latest
    verdict won, and the unit's strict satisfaction rose from 2/4 to 3/4. What the proposer
    said of a reply is theirs (its correction was already refused); a new reply opens a new
    round, where the office may key in again."""
    api = backend_api
    case_id, _ = issued(api, "PL-90")
    token = link(api, case_id, "张三")["link_token"]
    said = {**FEEDBACK, "verdict": "dissatisfied", "comments": "没有回应具体问题"}
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", said))
    further_reply_issued(api, case_id)
    own = {**FEEDBACK, "verdict": "basically_satisfied", "occurred_on": "2025-04-29"}
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", own))
    version = api.case(case_id)["version"]
    keyed = {**FEEDBACK, "occurred_on": "2025-04-30"}
    refused = api.post(f"/v1/cases/{case_id}/feedback", keyed, "office")
    assert refused.status_code == 409 and refused.json()["rule"] == "R-F4", refused.text
    assert api.case(case_id)["version"] == version
    # The proposer may still change their mind, through their own link.
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", keyed))

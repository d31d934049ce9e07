"""The proposer's page (UI.md 代表委员; R-F4): opened from the link, forms that record what the
JSON routes record, protected against other sites (CSRF, strict cookie, no script), a refusal
shown beside its form, nothing written by a refused or repeated form."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from infra.clock import today
from tests import file_samples as f
from tests.api.conftest import Api, bearer, case_body, co_opinion_body
from tests.api.proposer_support import (
    as_link,
    further_reply_issued,
    issued,
    link,
    ok,
    published,
    registered,
    reply_issued,
)

TODAY_FORM = "2025-04-20"


def opened(api: Api, token: str) -> TestClient:
    """A browser that opened the link: a client of its own, holding the page's cookie."""
    browser = TestClient(api.client.app)
    first = browser.get(f"/p/{token}")
    assert first.status_code == 200
    assert 'http-equiv="refresh" content="0; url=/proposer"' in first.text
    return browser


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found, page.text
    return found.group(1)


def test_the_link_opens_the_page_with_a_strict_cookie_and_no_script_R_F4(api: Api) -> None:
    case_id, _ = issued(api, "P-1")
    token = link(api, case_id, "李四")["link_token"]
    browser = TestClient(api.client.app)
    first = browser.get(f"/p/{token}")
    cookie = first.headers["set-cookie"]
    for flag in ("HttpOnly", "Path=/proposer", "SameSite=strict"):
        assert flag in cookie
    assert first.headers["cache-control"] == "no-store"
    assert first.headers["referrer-policy"] == "no-referrer"
    assert "script-src" not in first.headers["content-security-policy"]
    page = browser.get("/proposer")
    assert page.status_code == 200
    assert "李四，您好" in page.text and "关于加强农村公路养护的建议" in page.text
    assert "<script" not in page.text and " on" + "click=" not in page.text
    assert token not in page.text  # the token stays in the cookie
    assert browser.get("/proposer/proposer.css").headers["content-type"].startswith("text/css")


def test_the_page_without_a_link_asks_for_the_link_and_blames_no_link_R_F4(api: Api) -> None:
    """After 退出 (or in a browser that never opened the link) the page said the link was
    invalid, expired or revoked, and sent a review's proposer to the office for a new one."""
    case_id, _ = issued(api, "P-2")
    token = link(api, case_id, "李四")["link_token"]
    browser = opened(api, token)
    page = browser.get("/proposer")
    left = browser.post("/proposer/logout", data={"csrf": csrf(page)})
    assert "您已退出" in left.text
    again = browser.get("/proposer")
    assert again.status_code == 401
    assert "请从专属链接打开" in again.text and "已被撤销" not in again.text
    assert "李四，您好" in opened(api, token).get("/proposer").text  # the link still opens


def test_feedback_through_the_form_is_the_proposer_s_own_R_F4(api: Api) -> None:
    case_id, _ = issued(api, "P-2")
    token = link(api, case_id, "李四")["link_token"]
    browser = opened(api, token)
    form = {
        "csrf": csrf(browser.get("/proposer")),
        "verdict": "basically_satisfied",
        "comments": "希望加快进度",
        "occurred_on": TODAY_FORM,
    }
    before = api.head()
    sent = browser.post(f"/proposer/cases/{case_id}/feedback", data=form, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/proposer?done=")
    again = browser.post(f"/proposer/cases/{case_id}/feedback", data=form, follow_redirects=False)
    assert again.status_code == 303
    assert api.head() == before + 1  # a double tap records once
    feedback = api.case(case_id)["feedback"]
    assert [(x["source"], x["proposer"], x["verdict"]) for x in feedback] == [
        ("proposer", "李四", "basically_satisfied")
    ]
    page = browser.get("/proposer?done=feedback")
    assert "已收到您的反馈意见" in page.text and "基本满意" in page.text
    # The form stays (a new verdict may come), saying what a second one does: a proposer
    # changing their mind the same day once left the case's re-handling unchased.
    again_note = re.search(rf'id="feedback-again-{case_id}">([^<]*)<', page.text)
    assert again_note and "另记为一次新的反馈" in again_note.group(1)
    assert "不满意" in again_note.group(1)
    # R-D7: a date counted without the year's holiday schedule is marked (the case page
    # marks it; the proposer's page did not).
    read = api.client.get("/v1/proposer/cases", headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200
    flags = [d["calendar_provisional"] for c in read.json()["items"] for d in c["deadlines"]]
    assert flags and all(isinstance(flag, bool) for flag in flags)


def test_a_form_from_another_site_is_refused_and_writes_nothing(api: Api) -> None:
    case_id, _ = issued(api, "P-3")
    browser = opened(api, link(api, case_id)["link_token"])
    before = api.head()
    for token in ("", "0" * 64):
        form = {"csrf": token, "verdict": "satisfied", "occurred_on": TODAY_FORM}
        assert browser.post(f"/proposer/cases/{case_id}/feedback", data=form).status_code == 403
    # Nor does a request without the cookie get anywhere.
    form = {"csrf": "0" * 64, "verdict": "satisfied", "occurred_on": TODAY_FORM}
    assert api.client.post(f"/proposer/cases/{case_id}/feedback", data=form).status_code == 401
    assert api.head() == before


def test_a_refusal_shows_beside_its_form_in_plain_words_and_writes_nothing_R_F1(api: Api) -> None:
    case_id = registered(api, "P-4")  # assigned, no reply yet
    browser = opened(api, link(api, case_id)["link_token"])
    token = csrf(browser.get("/proposer"))
    before = api.head()
    form = {"csrf": token, "verdict": "satisfied", "occurred_on": TODAY_FORM}
    refused = browser.post(f"/proposer/cases/{case_id}/feedback", data=form)
    # A deputy does not look rules up: no rule id (a review read （R-X1） and （R-F1） there).
    assert refused.status_code == 409 and "尚未答复，不能反馈" in refused.text
    assert not re.search(r"R-[A-Z]+\d", refused.text)
    missing = browser.post(f"/proposer/cases/{case_id}/feedback", data={"csrf": token})
    assert missing.status_code == 422 and "请选择满意程度" in missing.text
    # What is wrong with the comments, with the limit (the page said only 过长或含有无法保存的字符).
    long = {**form, "comments": "意" * 10_001}
    too_long = browser.post(f"/proposer/cases/{case_id}/feedback", data=long)
    assert too_long.status_code == 422 and "意见内容超过 10000 个字符" in too_long.text
    assert api.head() == before


def test_a_dissatisfied_verdict_without_comments_is_refused_saying_why_R_F1(api: Api) -> None:
    """A 不满意 with no word opened re-handling, and the unit was told only to reply again."""
    case_id, _ = issued(api, "P-41")
    browser = opened(api, link(api, case_id)["link_token"])
    page = browser.get("/proposer")
    assert "具体意见（选“不满意”时必填" in page.text
    before = api.head()
    form = {"csrf": csrf(page), "verdict": "dissatisfied", "occurred_on": TODAY_FORM}
    refused = browser.post(f"/proposer/cases/{case_id}/feedback", data=form)
    assert refused.status_code == 409 and api.head() == before
    # Beside 具体意见, which is marked: it sat above the submit button, the field unmarked.
    beside = re.search(
        r'name="comments"[^>]*aria-invalid="true"[^>]*>\s*</textarea>\s*<p class="notice bad"'
        r' role="alert" id="comments-problem-1">([^<]*)</p>',
        refused.text,
    )
    assert beside is not None and beside[1] == "不满意时请写明具体意见：进一步办理据此答复"
    assert refused.text.count('role="alert"') == 1


def test_disclosure_consent_through_the_form_R_P2_R_P4(api: Api) -> None:
    case_id, _ = issued(api, "P-5")
    browser = opened(api, link(api, case_id, "张三")["link_token"])
    form = {
        "csrf": csrf(browser.get("/proposer")),
        "consent_reply": "no",
        "consent_original": "no",
        "occurred_on": TODAY_FORM,
    }
    sent = browser.post(f"/proposer/cases/{case_id}/disclosure-preference", data=form)
    assert sent.status_code == 200  # after the redirect
    # What was said, verb before object: 答复不同意公开 read as if the reply refused.
    said = re.search(r'<p class="said">(.*?)</p>', sent.text)
    sent_on = today().isoformat()  # the day it is sent, whatever date is posted (R-X1)
    assert said and said.group(1) == f"您于 {sent_on} 表示：不同意公开答复，不同意公开建议原文。"
    # Its 答复公开 time limit no longer reads 办理中, as if publishing were on its way.
    assert disclosure_limit(sent.text).endswith("不公开（您已表示不同意）")
    # The proposer's refusal binds: neither the office's review nor publishing can approve
    # it (R-P2); the reply is withheld instead.
    review = {"reply_id": api.case(case_id)["replies"][0]["reply_id"], "approved": True}
    review |= {"note": "同意", "occurred_on": "2025-04-21"}
    approving = api.post(f"/v1/cases/{case_id}/disclosure-review", review, "office")
    assert approving.status_code == 409 and approving.json()["rule"] == "R-P2"
    publish = {
        "reply_id": review["reply_id"],
        "published_on": "2025-04-22",
        "url": "https://x.cn/1",
    }
    refused = api.post(f"/v1/cases/{case_id}/disclosure", publish, "office")
    assert refused.status_code == 409 and refused.json()["rule"] == "R-P2"


def test_a_published_reply_the_proposer_refused_says_it_left_the_register_R_P2(api: Api) -> None:
    """After 不同意, the page still offered 查看公开的答复 and asked the proposer to choose
    不同意, though the register had dropped the reply."""
    case_id, reply_id = issued(api, "P-42")
    published(api, case_id, reply_id, "https://x.cn/42")
    browser = opened(api, link(api, case_id, "张三")["link_token"])
    page = browser.get("/proposer")
    assert "查看公开的答复" in page.text and "如不同意公开，请选" in page.text
    form = {"csrf": csrf(page), "consent_reply": "no", "consent_original": "no"}
    sent = browser.post(
        f"/proposer/cases/{case_id}/disclosure-preference",
        data={**form, "occurred_on": TODAY_FORM},
    )
    assert sent.status_code == 200
    assert "您已表示不同意公开，公开目录已不再列出该答复" in sent.text
    assert "查看公开的答复" not in sent.text and "如不同意公开，请选" not in sent.text
    # Its time limit says the same, not 不公开 beside 已于 … 公开.
    assert disclosure_limit(sent.text).endswith("已从公开目录撤下（您已表示不同意）")


def test_a_proposals_consent_is_said_of_the_proposals_text_R_P4(api: Api) -> None:
    """A proposal's member read 建议原文不同意公开 of the text they had proposed."""
    member = [{"name": "周委员", "type": "member", "role": "lead"}]
    case_id, _ = issued(api, "P-43", kind="proposal", proposers=member)
    browser = opened(api, link(api, case_id, "周委员")["link_token"])
    form = {"csrf": csrf(browser.get("/proposer")), "consent_reply": "yes"}
    form |= {"consent_original": "no", "occurred_on": TODAY_FORM}
    sent = browser.post(f"/proposer/cases/{case_id}/disclosure-preference", data=form)
    assert "同意公开答复，不同意公开提案原文" in sent.text and "建议原文" not in sent.text


def test_a_withheld_reply_is_said_to_be_withheld_to_its_proposer_R_P5(api: Api) -> None:
    """The page asked 答复是否可以在政府网站公开？ of a reply the office had withheld, and did not
    say it would not be published."""
    case_id, reply_id = issued(api, "P-44")
    withhold = {"reply_id": reply_id, "withheld_reason": "confidential"}
    ok(
        api.post(
            f"/v1/cases/{case_id}/disclosure", {**withhold, "occurred_on": "2025-04-16"}, "office"
        )
    )
    token = link(api, case_id, "张三")["link_token"]
    [reply] = ok(as_link(api, token, "/v1/proposer/cases"), 200)["items"][0]["replies"]
    assert reply["withheld"] is True
    page = opened(api, token).get("/proposer").text
    assert "该答复不予公开" in page
    assert 'id="withheld-' in page and "您的意见仍会记录" in page
    assert disclosure_limit(page).endswith("不予公开")  # not 按期办结 above 该答复不予公开


def test_a_reply_given_on_request_is_said_not_to_be_published_R_P1(api: Api) -> None:
    """A reply marked 依申请公开 owes no publication (no 答复公开 deadline), and its proposer's
    page said nothing of it: neither published nor withheld, the deputy could not tell whether
    the reply would appear on the government's site."""
    case_id, _ = issued(api, "P-OR", disclosure="on_request")
    token = link(api, case_id, "张三")["link_token"]
    [reply] = ok(as_link(api, token, "/v1/proposer/cases"), 200)["items"][0]["replies"]
    assert reply["on_request"] is True and reply["withheld"] is False
    page = opened(api, token).get("/proposer").text
    assert "该答复依申请公开：不在政府网站主动公开" in page
    proactive, _ = issued(api, "P-PA")
    token = link(api, proactive, "张三")["link_token"]
    [reply] = ok(as_link(api, token, "/v1/proposer/cases"), 200)["items"][0]["replies"]
    assert reply["on_request"] is False
    assert "依申请公开" not in opened(api, token).get("/proposer").text


def disclosure_limit(page: str) -> str:
    """The 答复公开 line of the page's 办理时限, as text."""
    found = re.search(r'<ul class="deadlines">(.*?)</ul>', page, re.S)
    assert found
    lines = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", found[1], re.S)
    ]
    [line] = [li for li in lines if li.startswith("答复公开")]
    return line


def uploaded_letter(api: Api, case_id: str, reply_id: str) -> str:
    """The reply's letter (a PDF), uploaded by its unit: its document id."""
    upload = api.client.post(
        f"/v1/cases/{case_id}/documents",
        files={"file": ("答复函.pdf", f.PDF, "application/pdf")},
        data={"kind": "reply_letter", "occurred_on": "2025-04-10", "reply_id": reply_id},
        headers=bearer(api.tokens["handler_fin"]),
    )
    document_id: str = ok(upload)["document_id"]
    return document_id


def test_the_page_serves_the_reply_letter_and_stops_when_the_link_is_revoked_R_F4(
    api: Api,
) -> None:
    case_id, reply_id = issued(api, "P-6")
    document_id = uploaded_letter(api, case_id, reply_id)
    made = link(api, case_id)
    browser = opened(api, made["link_token"])
    path = f"/proposer/cases/{case_id}/documents/{document_id}"
    listed = browser.get("/proposer").text
    assert path in listed
    assert f"（{len(f.PDF)} 字节）" in listed  # not 1 KB, as the office's page says it too
    assert browser.get(path).content == f.PDF
    ok(
        api.post(
            f"/v1/cases/{case_id}/proposer-links/{made['link_id']}/revoke",
            {"reason": "撤"},
            "office",
        )
    )
    gone = browser.get("/proposer")
    assert gone.status_code == 401 and "链接不可用" in gone.text
    assert browser.get(path).status_code == 401


def test_an_unknown_link_and_leaving_the_page(api: Api) -> None:
    assert api.client.get("/p/pl_nothing").status_code == 404
    assert api.client.get("/proposer").status_code == 401
    case_id, _ = issued(api, "P-7")
    browser = opened(api, link(api, case_id)["link_token"])
    token = csrf(browser.get("/proposer"))
    left = browser.post("/proposer/logout", data={"csrf": token})
    assert left.status_code == 200 and "您已退出" in left.text
    assert browser.get("/proposer").status_code == 401


@pytest.mark.parametrize("path", ["/p/%00", "/p/pl_%01x", "/proposer?done=%00"])
def test_a_link_holding_a_control_character_is_an_unusable_link_not_the_workbench(
    api: Api, path: str
) -> None:
    """The proposer was shown the workbench's error page, whose only link led to 总览."""
    page = TestClient(api.client.app).get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and "链接不可用" in page.text
    assert "返回总览" not in page.text


def test_access_logs_keep_no_link_token() -> None:
    import logging

    from api.proposer_page import RedactLinks

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s"',
        ("1.2.3.4", "GET", "/p/pl_abc-D_9"),
        None,
    )
    RedactLinks().filter(record)
    assert record.getMessage() == '1.2.3.4 - "GET /p/…"'


def test_a_provisional_date_is_marked_on_the_proposers_page_R_D7(api: Api) -> None:
    """A reply due in 2027, whose holiday schedule is not out yet, may still move: the case
    page marked it ⚠ and the proposer's page did not."""
    answer = api.post("/v1/cases", {**case_body("P-27"), "received_on": "2026-11-01"}, "office")
    case_id = ok(answer)["case_id"]
    body = {"lead_unit": "FIN", "co_units": [], "assigned_on": "2026-11-02"}
    ok(api.post(f"/v1/cases/{case_id}/assignment", body, "office"))
    reply = next(d for d in api.case(case_id)["deadlines"] if d["kind"] == "reply")
    assert reply["calendar_provisional"] and reply["due_on"] >= "2027-01-01"
    browser = opened(api, link(api, case_id, "张三")["link_token"])
    page = browser.get("/proposer").text
    assert f'{reply["due_on"]} <span class="provisional"' in page and "⚠ 暂定" in page
    # What it means, said under the dates: a phone shows no hover (a review's deputy).
    said = re.search(rf'<p class="muted" id="provisional-{case_id}">([^<]*)</p>', page)
    assert said and said.group(1) == "⚠ 暂定：该年度节假日安排尚未公布，日期可能顺延。"


def test_a_merged_partners_proposer_reads_the_merge_reply_and_its_letter_R_M1_R_F4(
    api: Api,
) -> None:
    """A partner answered by the merge's reply said 尚未答复 on its proposer's page while the
    same page asked whether they were satisfied with the reply."""
    primary, partner = (registered(api, n) for n in ("P-70", "P-71"))
    merge = {"case_ids": [primary, partner], "occurred_on": "2025-03-01"}
    ok(api.post("/v1/merges", merge, "office"))
    reply_issued(api, primary, "FIN", "A")
    document_id = uploaded_letter(api, primary, api.case(primary)["replies"][0]["reply_id"])
    name = api.case(partner)["proposers"][0]["name"]
    browser = opened(api, link(api, partner, name)["link_token"])
    page = browser.get("/proposer").text
    assert "尚未答复" not in page and "FIN函〔2025〕1号" in page
    assert "并案答复（与 P-70 等件合并答复）" in page
    path = f"/proposer/cases/{partner}/documents/{document_id}"
    assert path in page and browser.get(path).content == f.PDF


def test_a_further_reply_s_disclosure_deadline_is_named_as_such_R_F2(api: Api) -> None:
    """The proposer read two identical rows, 答复公开 · FIN厅, one met and one running: the second
    is the further reply's, as the case page says (进一步答复公开)."""
    case_id, _ = issued(api, "PP-F2")
    token = link(api, case_id)["link_token"]
    browser = opened(api, token)
    verdict = {"verdict": "dissatisfied", "comments": "未回应核心诉求", "occurred_on": TODAY_FORM}
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", verdict))
    further_reply_issued(api, case_id)
    page = browser.get("/proposer").text
    kinds = re.findall(r'<span class="what">([^<·]+?)(?: · [^<]*)?</span>', page)
    assert kinds.count("答复公开") == 1 and kinds.count("进一步答复公开") == 1, kinds


def test_the_proposer_reads_what_the_reply_says_before_judging_it_R_F4_R_P1(api: Api) -> None:
    """A review's proposer was asked 您对答复是否满意？ under the reply's class and 文号 only:
    nothing of what it said, nor where it was published, nor that a no to publishing came
    after it was published."""
    case_id, reply_id = issued(api, "P-30")
    browser = opened(api, link(api, case_id, "李四")["link_token"])
    page = browser.get("/proposer").text
    assert "答复要点：答复正文摘要" in page
    assert "查看公开的答复" not in page and 'id="published-' not in page
    review = {"reply_id": reply_id, "approved": True, "note": "同意", "occurred_on": "2025-04-11"}
    assert api.post(f"/v1/cases/{case_id}/disclosure-review", review, "office").is_success
    url = "https://www.example.gov.cn/jyta/2025/P-30.html"
    publish = {"reply_id": reply_id, "published_on": "2025-04-12", "url": url}
    assert api.post(f"/v1/cases/{case_id}/disclosure", publish, "office").status_code == 201
    page = browser.get("/proposer").text
    assert f'已于 2025-04-12 在政府网站公开：<a href="{url}" rel="noopener noreferrer">' in page
    assert f'id="published-{case_id}">答复已公开。如不同意公开' in page


def test_the_form_asks_no_date_and_dates_what_is_sent_the_day_it_is_sent_R_X1(
    api: Api,
) -> None:
    """A review's deputy set the form's 日期 to 2025-10-08 on a link issued in 2026 and chose
    不满意: the unit's 30 days of re-handling started overdue (已逾期 395 天). Through the link
    the proposer says it now; no date is asked, and one posted is not taken."""
    case_id, _ = issued(api, "P-42")
    browser = opened(api, link(api, case_id)["link_token"])
    page = browser.get("/proposer")
    assert 'name="occurred_on"' not in page.text
    assert f"反馈日期记为提交之日（{today().isoformat()}）" in page.text
    form = {"csrf": csrf(page), "verdict": "dissatisfied", "comments": "未解决"}
    # No choice made is said beside the question it answers, and only there.
    missing = browser.post(f"/proposer/cases/{case_id}/feedback", data={"csrf": form["csrf"]})
    asked = re.search(r"<legend>您对答复是否满意？</legend>(.*?)</fieldset>", missing.text, re.S)
    assert missing.status_code == 422 and asked and "请选择满意程度" in asked.group(1)
    assert missing.text.count('role="alert"') == 1
    sent = browser.post(
        f"/proposer/cases/{case_id}/feedback", data={**form, "occurred_on": "2025-04-12"}
    )
    assert sent.status_code == 200, sent.text
    [given] = api.case(case_id)["feedback"]
    assert given["occurred_on"] == today().isoformat()
    rehandling = [d for d in api.case(case_id)["deadlines"] if d["kind"] == "rehandling"]
    assert rehandling and all(d["status"] != "overdue" for d in rehandling)


def test_after_a_further_reply_the_page_asks_for_a_verdict_on_it_R_F2(api: Api) -> None:
    """A review's deputy, after the further reply, read 您已反馈过意见。如再次提交，将另记为一次新的
    反馈 about their 不满意 with the first reply, and their verdicts did not say which reply each
    was on."""
    case_id, _ = issued(api, "P-43")
    token = link(api, case_id)["link_token"]
    said = {"verdict": "dissatisfied", "comments": "没有回应具体问题", "occurred_on": "2025-04-20"}
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", said))
    browser = opened(api, token)
    note = re.search(rf'id="feedback-again-{case_id}">([^<]*)<', browser.get("/proposer").text)
    assert note is None  # re-handling: no form until the further reply
    further_reply_issued(api, case_id)
    page = browser.get("/proposer").text
    note = re.search(rf'id="feedback-again-{case_id}">([^<]*)<', page)
    assert note and note.group(1) == "承办单位已再次答复，请对再次答复反馈意见。"
    again = {**said, "verdict": "satisfied", "comments": "", "occurred_on": "2025-04-29"}
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", again))
    page = browser.get("/proposer").text
    verdicts = re.findall(r'<p class="said">([^：]*)：<strong>([^<]*)</strong>', page)
    assert verdicts == [("2025-04-20", "不满意"), ("2025-04-29（对再次答复）", "满意")]
    note = re.search(rf'id="feedback-again-{case_id}">([^<]*)<', page)
    assert note and note.group(1).startswith("您已对本次答复反馈过意见")


def test_a_split_case_s_deputy_is_told_the_other_units_reply_is_awaited_R_F1_R_R3(
    api: Api,
) -> None:
    """A split case takes a verdict once every unit has replied: the deputy holding one reply
    read 答复后可在此反馈意见, as if none had come."""
    case_id = ok(api.post("/v1/cases", case_body("P-SPLIT"), "office"))["case_id"]
    split = {"split_units": ["FIN", "HOU"], "assigned_on": "2025-02-01"}
    ok(api.post(f"/v1/cases/{case_id}/assignment", split, "office"))
    reply_issued(api, case_id, "FIN", "A")
    token = link(api, case_id, api.case(case_id)["proposers"][0]["name"])["link_token"]
    page = opened(api, token).get("/proposer").text
    assert "其他承办单位尚未答复" in page and "答复后可在此反馈意见" not in page
    assert 'name="verdict"' not in page


def test_a_proposals_a_class_reply_is_said_of_the_proposal_R_R1(api: Api) -> None:
    """A proposal's member read A 类：…建议已采纳 of their proposal."""
    member = [{"name": "吴委员", "type": "member", "role": "lead"}]
    case_id, _ = issued(api, "P-44", kind="proposal", proposers=member)
    page = opened(api, link(api, case_id, "吴委员")["link_token"]).get("/proposer").text
    assert "A 类：所提问题已经解决或基本解决、提案已采纳" in page and "建议已采纳" not in page


def test_a_reference_cases_proposer_is_promised_no_written_reply_R_R3(api: Api) -> None:
    """A 参阅件's deputy read 尚未答复。答复印发后，将在此显示答复内容和答复函 and was asked
    whether the reply might be published: no reply is written (R-R3)."""
    case_id = ok(api.post("/v1/cases", case_body("P-45"), "office"))["case_id"]
    body = {"reference": True, "lead_unit": "FIN", "co_units": [], "assigned_on": "2025-02-01"}
    ok(api.post(f"/v1/cases/{case_id}/assignment", body, "office"))
    page = opened(api, link(api, case_id)["link_token"]).get("/proposer").text
    assert "本件为参阅件：按规定不作书面答复，由承办单位与您沟通联系。" in page
    assert "答复印发后" not in page and "答复是否可以在政府网站公开" not in page


def test_the_proposer_reads_what_the_office_keyed_in_for_them_R_F4(api: Api) -> None:
    """A review's deputy never saw the 满意 the office had recorded for her, and was offered an
    empty form as if nothing had been said (R-F4: office-keyed feedback is marked as such)."""
    case_id, _ = issued(api, "P-46")
    said = {"verdict": "satisfied", "comments": "电话回访表示满意", "occurred_on": "2025-04-21"}
    ok(api.post(f"/v1/cases/{case_id}/feedback", said, "office"))
    token = link(api, case_id, "张三")["link_token"]
    page = opened(api, token).get("/proposer").text
    assert "办公室代为记录 2025-04-21：<strong>满意</strong>。电话回访表示满意" in page
    assert "如与您的意见不符，请在下面提交您本人的反馈" in page
    [read] = as_link(api, token, "/v1/proposer/cases").json()["items"]
    assert read["feedback"] == []  # the proposer's own: none yet
    assert [(f["verdict"], f["occurred_on"]) for f in read["office_feedback"]] == [
        ("satisfied", "2025-04-21")
    ]


def test_a_co_signer_reads_that_another_proposers_refusal_keeps_the_reply_unpublished_R_P2(
    api: Api,
) -> None:
    """The lead deputy said 不同意; the co-signer's page still read 答复公开 … 即将到期, of a
    publication the refusal forbids (every voice's consent is needed)."""
    joint = [
        {"name": "王建国", "type": "deputy", "role": "lead"},
        {"name": "李秀梅", "type": "deputy", "role": "co_signer"},
    ]
    case_id, _ = issued(api, "P-47", proposers=joint)
    lead = link(api, case_id, "王建国")["link_token"]
    refusal = {"consent_reply": False, "consent_original": False, "occurred_on": "2025-04-12"}
    ok(as_link(api, lead, f"/v1/proposer/cases/{case_id}/disclosure-preference", refusal))
    co = link(api, case_id, "李秀梅")["link_token"]
    page = opened(api, co).get("/proposer").text
    assert disclosure_limit(page).endswith("不公开（其他提出人已表示不同意）")
    [read] = as_link(api, co, "/v1/proposer/cases").json()["items"]
    assert read["disclosure_refused"] is True and read["disclosure_preference"] is None
    [own] = as_link(api, lead, "/v1/proposer/cases").json()["items"]
    assert own["disclosure_refused"] is True
    assert disclosure_limit(opened(api, lead).get("/proposer").text).endswith(
        "不公开（您已表示不同意）"
    )


def test_a_satisfied_co_signer_reads_whose_dissatisfaction_reopened_the_case_R_F2_R_C4(
    api: Api,
) -> None:
    """A review's co-signer said 满意; the lead's 不满意 then reopened the case, and the
    co-signer's page read 承办单位正在进一步办理 as if the work went on for them."""
    joint = [
        {"name": "王建国", "type": "deputy", "role": "lead"},
        {"name": "李秀梅", "type": "deputy", "role": "co_signer"},
    ]
    case_id, _ = issued(api, "P-48", proposers=joint)
    lead, co = (link(api, case_id, name)["link_token"] for name in ("王建国", "李秀梅"))
    satisfied = {"verdict": "satisfied", "comments": "", "occurred_on": "2025-04-20"}
    ok(as_link(api, co, f"/v1/proposer/cases/{case_id}/feedback", satisfied))
    dissatisfied = {"verdict": "dissatisfied", "comments": "未答资金", "occurred_on": "2025-04-21"}
    ok(as_link(api, lead, f"/v1/proposer/cases/{case_id}/feedback", dissatisfied))
    assert api.case(case_id)["stage"] == "rehandling"
    said = {
        who: as_link(api, token, "/v1/proposer/cases").json()["items"][0]["rehandling_for_another"]
        for who, token in (("lead", lead), ("co", co))
    }
    assert said == {"lead": False, "co": True}
    page = opened(api, co).get("/proposer").text
    assert "联名的其他代表对答复不满意，承办单位正在进一步办理" in page
    own = opened(api, lead).get("/proposer").text
    assert "联名的其他" not in own and "承办单位正在进一步办理" in own


def test_the_consent_form_says_both_questions_are_answered_R_P2_R_P4(api: Api) -> None:
    """A deputy who only wanted the reply taken down was refused for not answering the
    question about the original text, which the form had not said it needed."""
    case_id, _ = issued(api, "P-49")
    page = opened(api, link(api, case_id)["link_token"]).get("/proposer").text
    assert "请对答复和建议原文各选一项后提交" in page


def test_a_reply_without_its_letter_on_the_page_says_so_R_F4(api: Api) -> None:
    """A review's deputy was asked to judge a reply whose letter the page did not hold, and
    nothing said so; once the letter is attached the note goes."""
    case_id, reply_id = issued(api, "P-50")
    token = link(api, case_id)["link_token"]
    note = f'id="no-letter-{reply_id}"'
    assert note in opened(api, token).get("/proposer").text
    uploaded_letter(api, case_id, reply_id)
    assert note not in opened(api, token).get("/proposer").text


def test_the_co_handling_units_opinion_deadlines_follow_the_reply_s_R_D1_R_D2(api: Api) -> None:
    """The co-handling units' 会办意见 are owed to the lead unit, not to the proposer: listed
    first, a case with three of them filled a phone's first screen ahead of the reply's own
    deadline. They now come after the reply's and its publication's, in their own order."""
    case_id = ok(api.post("/v1/cases", case_body("PP-CO"), "office"))["case_id"]
    body = {"lead_unit": "FIN", "co_units": ["HOU"], "assigned_on": "2025-02-01"}
    ok(api.post(f"/v1/cases/{case_id}/assignment", body, "office"))
    opinion = co_opinion_body("HOU", "2025-03-01")
    ok(api.post(f"/v1/cases/{case_id}/co-opinions", opinion, "handler_hou"))
    reply_issued(api, case_id, "FIN", "A")
    page = opened(api, link(api, case_id)["link_token"]).get("/proposer").text
    deadlines = page.split('<ul class="deadlines">')[1].split("</ul>")[0]
    rows = re.findall(r'<span class="what">([^<·]+?)(?: · ([^<]*))?</span>', deadlines)
    assert rows[:2] == [("书面答复", "FIN厅"), ("答复公开", "FIN厅")], rows
    assert rows[2:] == [("会办意见", "HOU厅")], rows

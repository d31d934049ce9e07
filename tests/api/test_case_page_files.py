"""The case page's proposer links, documents and feedback by source (R-F4; API.md v1.1), in
process: the office makes a link through the form and sees its URL once, a reposted form
makes no second link, a revoke form stops it; an upload is a multipart form with the page's
CSRF token, listed and downloaded with the session cookie; a refusal is shown beside its field
and writes nothing; the feedback section shows the proposer's and the office's apart."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests import file_samples as f
from tests.api.accounts_support import browser, new_user
from tests.api.conftest import Api
from tests.api.proposer_support import (
    EXPIRES,
    FEEDBACK,
    as_link,
    issued,
    link,
    ok,
    registered,
)
from tests.api.test_pages import csrf_of, page_login

ONCE = re.compile(r'name="_once" value="([^"]+)"')


def office_page(api: Api) -> TestClient:
    new_user(api, "clerk")
    client = browser(api)
    assert page_login(client, "clerk").status_code == 303
    return client


def test_the_office_makes_a_link_sees_it_once_and_revokes_it_R_F4(api: Api) -> None:
    case_id, _ = issued(api, "P-1")
    client = office_page(api)
    page = client.get(f"/cases/{case_id}")
    assert "生成专属链接" in page.text
    once = ONCE.search(page.text)
    assert once
    form = {
        "_csrf": csrf_of(client, f"/cases/{case_id}"),
        "_once": once.group(1),
        "proposer_name": "张三",
        "expires_on": EXPIRES,
        "email": "",
    }
    made = client.post(f"/cases/{case_id}/links", data=form)
    assert made.status_code == 200
    url = re.search(r'id="new-link-url" value="([^"]+)"', made.text)
    assert url and "/p/pl_" in url.group(1)
    token = url.group(1).rsplit("/", 1)[1]
    assert as_link(api, token, "/v1/proposer/cases").status_code == 200
    # The page reloaded posts the same form again: the same link, and no token to show.
    again = client.post(f"/cases/{case_id}/links", data=form)
    assert again.status_code == 200 and 'id="new-link-url"' not in again.text
    assert "无法再次查看" in again.text
    links = api.case(case_id)["proposer_links"]
    assert [(x["proposer_name"], x["status"]) for x in links] == [("张三", "live")]
    assert token not in client.get(f"/cases/{case_id}").text

    revoke = f"/cases/{case_id}/links/{links[0]['link_id']}/revoke"
    csrf = csrf_of(client, f"/cases/{case_id}")
    version = api.case(case_id)["version"]
    empty = client.post(revoke, data={"_csrf": csrf, "reason": " "})
    assert empty.status_code == 422 and "请填写撤销理由" in empty.text
    assert api.case(case_id)["version"] == version
    done = client.post(
        revoke, data={"_csrf": csrf, "reason": "代表换了手机"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("#links")
    assert api.case(case_id)["proposer_links"][0]["status"] == "revoked"
    assert as_link(api, token, "/v1/proposer/cases").status_code == 401
    assert "已撤销" in client.get(f"/cases/{case_id}").text


def test_a_link_for_someone_not_a_proposer_is_refused_beside_the_field_R_F4(api: Api) -> None:
    case_id, _ = issued(api, "P-2")
    client = office_page(api)
    version = api.case(case_id)["version"]
    form = {
        "_csrf": csrf_of(client, f"/cases/{case_id}"),
        "proposer_name": "路人甲",
        "expires_on": EXPIRES,
    }
    refused = client.post(f"/cases/{case_id}/links", data=form)
    assert refused.status_code == 409
    problem = re.search(r'class="field refused">\s*<label for="link-(\w+)"', refused.text)
    assert problem and problem.group(1) == "proposer_name"
    assert '<span class="rule">R-F4</span>' in refused.text
    assert api.case(case_id)["version"] == version


def test_the_link_form_offers_only_whom_the_replies_go_to_R_C4(api: Api) -> None:
    """A joint proposal's form offered its co-signers, each then refused by R-C4."""
    members = [
        {"name": "周委员", "type": "member", "role": "lead"},
        {"name": "吴委员", "type": "member", "role": "co_signer"},
    ]
    proposal = registered(api, "P-20", kind="proposal", proposers=members)
    suggestion = registered(api, "P-21")
    assert api.case(proposal)["reply_recipients"] == ["周委员"]
    client = office_page(api)
    for case_id, offered in [(proposal, ["周委员"]), (suggestion, ["张三", "李四"])]:
        page = client.get(f"/cases/{case_id}").text
        choice = re.search(r'<select id="link-proposer_name".*?</select>', page, re.S)
        assert choice is not None
        assert re.findall(r"<option[^>]*>([^<]+)</option>", choice[0]) == offered


def test_only_the_office_has_the_link_forms(api: Api) -> None:
    case_id, _ = issued(api, "P-3")
    new_user(api, "fin_clerk", role="handler", unit="FIN")
    client = browser(api)
    page_login(client, "fin_clerk")
    page = client.get(f"/cases/{case_id}")
    assert "生成专属链接" not in page.text and "上传文件" in page.text
    csrf = csrf_of(client, f"/cases/{case_id}")
    form = {"_csrf": csrf, "proposer_name": "张三", "expires_on": EXPIRES}
    assert client.post(f"/cases/{case_id}/links", data=form).status_code == 403
    assert api.case(case_id)["proposer_links"] == []


def test_an_upload_form_keeps_the_file_and_the_page_links_its_download(api: Api) -> None:
    case_id, reply_id = issued(api, "P-4")
    client = office_page(api)
    csrf = csrf_of(client, f"/cases/{case_id}")
    fields = {"kind": "reply_letter", "reply_id": reply_id, "occurred_on": "2025-04-10"}
    files = {"file": ("答复函.pdf", f.PDF, "application/pdf")}
    path = f"/cases/{case_id}/documents"
    version = api.case(case_id)["version"]
    for forged in ("", "0" * 64):
        sent = client.post(path, data={**fields, "_csrf": forged}, files=files)
        assert sent.status_code == 403
    # Not a multipart body: refused as the other forms refuse a body they cannot read.
    assert client.post(path, data={**fields, "_csrf": csrf}).status_code == 415
    exe = {"file": ("答复函.pdf", f.EXE, "application/pdf")}
    refused = client.post(path, data={**fields, "_csrf": csrf}, files=exe)
    assert refused.status_code == 422 and 'id="form-upload" open' in refused.text
    assert re.search(r'class="field refused">\s*<label for="upload-file"', refused.text)
    # A reply letter without its reply: said beside 所属答复, where it is put right.
    letterless = {**fields, "reply_id": "", "_csrf": csrf}
    refused = client.post(path, data=letterless, files=files)
    assert refused.status_code == 422
    assert re.search(r'class="field wide refused">\s*<label for="upload-reply_id"', refused.text)
    assert "答复函须注明所属答复" in refused.text
    assert api.case(case_id)["version"] == version
    sent = client.post(path, data={**fields, "_csrf": csrf}, files=files, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].endswith("#documents")
    document = api.case(case_id)["documents"][0]
    assert (document["kind"], document["name"]) == ("reply_letter", "答复函.pdf")
    page = client.get(f"/cases/{case_id}").text
    download = f"/v1/cases/{case_id}/documents/{document['document_id']}"
    assert f'href="{download}"' in page
    assert client.get(download).content == f.PDF


def test_the_page_says_which_files_go_to_the_proposer_with_their_reply_R_F4(api: Api) -> None:
    """A review filed an internal note (其他) under a reply and it reached the deputy's phone: a
    reply's files go to its proposers (API.md: issued replies with their documents), and the
    case page says so, on the upload form and on each such file."""
    case_id, reply_id = issued(api, "P-4")
    client = office_page(api)
    csrf = csrf_of(client, f"/cases/{case_id}")
    page = client.get(f"/cases/{case_id}").text
    assert "选了答复的文件随答复交代表委员查看" in page
    for name, reply in (("随答复.txt", reply_id), ("内部.txt", "")):
        fields = {"kind": "other", "reply_id": reply, "occurred_on": "2025-04-10", "_csrf": csrf}
        files = {"file": (name, f.TEXT, "text/plain")}
        sent = client.post(f"/cases/{case_id}/documents", data=fields, files=files)
        assert sent.status_code in (200, 303), sent.text
    rows = client.get(f"/cases/{case_id}").text.split('id="documents"', 1)[1].split("</table>")[0]
    shown = {
        name: "代表委员可见" in row
        for row in rows.split("<tr>")[2:]
        for name in ("随答复.txt", "内部.txt")
        if name in row
    }
    assert shown == {"随答复.txt": True, "内部.txt": False}
    token = link(api, case_id)["link_token"]
    cases = as_link(api, token, "/v1/proposer/cases")
    seen = [d["name"] for c in cases.json()["items"] for r in c["replies"] for d in r["documents"]]
    assert seen == ["随答复.txt"]


def test_the_feedback_section_shows_the_proposer_and_the_office_apart_R_F4(api: Api) -> None:
    case_id, _ = issued(api, "P-5")
    token = ok(
        api.post(
            f"/v1/cases/{case_id}/proposer-links",
            {"proposer_name": "张三", "expires_on": EXPIRES},
            "office",
        )
    )["link_token"]
    ok(as_link(api, token, f"/v1/proposer/cases/{case_id}/feedback", FEEDBACK))
    client = office_page(api)
    page = client.get(f"/cases/{case_id}").text
    section = page.split('id="feedback"', 1)[1].split("</section>", 1)[0]
    proposer, office = section.split('class="source-office"')
    assert "代表委员本人" in proposer and "1 条" in proposer and "答复很具体" in proposer
    assert "办公室代录" in office and "0 条" in office and "答复很具体" not in office


def test_the_timeline_names_a_files_format_in_words(api: Api) -> None:
    """It read 文件格式：application/pdf, a word for machines."""
    case_id, reply_id = issued(api, "P-5")
    client = office_page(api)
    fields = {"kind": "reply_letter", "reply_id": reply_id, "occurred_on": "2025-04-10"}
    files = {"file": ("答复函.pdf", f.PDF, "application/pdf")}
    sent = client.post(
        f"/cases/{case_id}/documents",
        data={**fields, "_csrf": csrf_of(client, f"/cases/{case_id}")},
        files=files,
    )
    assert sent.status_code in (200, 303), sent.text
    page = client.get(f"/cases/{case_id}").text
    assert '<span class="muted">文件格式：</span>PDF' in page
    assert "application/pdf" not in page


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("expires_on", "2020-01-01", "链接有效期不能早于今天"),
        ("expires_on", "2099-01-01", "链接有效期不能超过两年"),
        ("email", "not-an-address", "电子邮箱格式不正确"),
        # Refilled with the default date, the field read 2027-06-04 beside 不能为空.
        ("expires_on", "", "不能为空"),
    ],
)
def test_a_refused_link_is_said_beside_the_field_it_is_about_R_F4(
    api: Api, field: str, value: str, said: str
) -> None:
    """Said above the form's fields, where a review looked for it beside 有效期至."""
    case_id, _ = issued(api, "P-6")
    client = office_page(api)
    form = {
        "_csrf": csrf_of(client, f"/cases/{case_id}"),
        "proposer_name": "张三",
        "expires_on": EXPIRES,
        "email": "",
        field: value,
    }
    refused = client.post(f"/cases/{case_id}/links", data=form)
    assert refused.status_code == 422, refused.text
    beside = re.search(
        rf'class="field refused">\s*<label for="link-{field}".*?</div>', refused.text, re.S
    )
    assert beside is not None and said in beside.group(0)
    assert f'value="{value}"' in beside.group(0)  # what was typed, not the default

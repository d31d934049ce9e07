"""Documents on a case (API.md v1.1 "Documents"), on SQLite and PostgreSQL: uploaded by a unit
on the case or the office, kept once by SHA-256, served with their type and hash, refused when
they are not what they say (nothing written), and a swapped file caught by /v1/audit/verify."""

from __future__ import annotations

import hashlib
import os
import stat
from typing import Any

import httpx
import pytest

from infra.documents import FolderDocuments, PostgresDocuments
from tests import file_samples as f
from tests.api.conftest import Api, bearer, contact_body
from tests.api.proposer_support import as_link, issued, link, ok, registered
from tests.api.test_pages import logged_in


def upload(
    api: Api,
    case_id: str,
    who: str,
    data: bytes = f.PDF,
    name: str = "答复函.pdf",
    ctype: str = "application/pdf",
    **form: Any,
) -> httpx.Response:
    fields = {"kind": "reply_letter", "occurred_on": "2025-04-10", **form}
    fields = {k: v for k, v in fields.items() if v is not None}
    response: httpx.Response = api.client.post(
        f"/v1/cases/{case_id}/documents",
        files={"file": (name, data, ctype)},
        data=fields,
        headers=bearer(api.tokens[who]),
    )
    return response


def download(api: Api, case_id: str, document_id: str, who: str, **headers: str) -> httpx.Response:
    response: httpx.Response = api.client.get(
        f"/v1/cases/{case_id}/documents/{document_id}",
        headers={**bearer(api.tokens[who]), **headers},
    )
    return response


def test_a_reply_letter_is_kept_by_its_hash_and_served_as_uploaded(backend_api: Api) -> None:
    api = backend_api
    case_id, reply_id = issued(api, "D-1")
    answer = ok(upload(api, case_id, "handler_fin", reply_id=reply_id))
    sha = hashlib.sha256(f.PDF).hexdigest()
    assert (answer["sha256"], answer["size"]) == (sha, len(f.PDF))
    assert [e["type"] for e in answer["events"]] == ["DocumentAttached"]
    document_id = answer["document_id"]

    got = download(api, case_id, document_id, "auditor")
    assert got.status_code == 200 and got.content == f.PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["etag"] == f'"{sha}"'
    assert (
        download(api, case_id, document_id, "office", **{"If-None-Match": f'"{sha}"'}).status_code
        == 304
    )

    case = api.case(case_id)
    assert case["replies"][0]["document_id"] == document_id  # for the public register
    assert [d["document_id"] for d in case["documents"]] == [document_id]
    verified = ok(api.get("/v1/audit/verify", "auditor"), 200)
    assert verified["ok"] is True and verified["documents_checked"] == 1


def test_the_same_file_twice_is_kept_once(api: Api) -> None:
    case_id, reply_id = issued(api, "D-2")
    first = ok(upload(api, case_id, "handler_fin", reply_id=reply_id))
    second = ok(upload(api, case_id, "office", kind="other", reply_id=None))
    assert first["document_id"] != second["document_id"]
    root = api.services.settings.data_dir / "documents"
    assert [p.name for p in root.rglob("*") if p.is_file()] == [first["sha256"]]
    # Owner-only, like the rest of the data folder.
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(root / first["sha256"][:2] / first["sha256"]).st_mode) == 0o600


@pytest.mark.parametrize(
    ("data", "name", "ctype"),
    [
        (f.EXE, "答复函.pdf", "application/pdf"),
        (f.EXE, "答复函.exe", "application/octet-stream"),
        (f.DOCM, "答复函.docx", "application/octet-stream"),
        (f.PNG, "答复函.pdf", "application/pdf"),
        (b"", "答复函.pdf", "application/pdf"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_kept(
    api: Api, data: bytes, name: str, ctype: str
) -> None:
    case_id, reply_id = issued(api, f"D-3-{name}-{len(data)}")
    before = api.head()
    response = upload(api, case_id, "handler_fin", data, name, ctype, reply_id=reply_id)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert api.head() == before
    assert not (api.services.settings.data_dir / "documents").exists()


def test_a_refused_command_keeps_no_bytes_either(api: Api) -> None:
    case_id, reply_id = issued(api, "D-4")
    before = api.head()
    cases: list[tuple[dict[str, Any], int]] = [
        ({"kind": "reply_letter", "reply_id": None}, 422),  # a letter names its reply
        ({"reply_id": "nope"}, 404),
        ({"occurred_on": "2099-01-01", "reply_id": reply_id}, 409),  # R-X1
        ({"kind": "memo", "reply_id": reply_id}, 422),
        ({"occurred_on": "20250410", "reply_id": reply_id}, 422),
    ]
    for form, status in cases:
        response = upload(api, case_id, "handler_fin", **form)
        assert response.status_code == status, (form, response.text)
    assert api.head() == before
    assert not (api.services.settings.data_dir / "documents").exists()


def test_who_may_upload_and_read_documents(api: Api) -> None:
    case_id, reply_id = issued(api, "D-5")  # FIN leads; HOU has no part
    for who in ("leader", "supervisor", "auditor", "admin"):
        assert upload(api, case_id, who, reply_id=reply_id).status_code == 403, who
    assert upload(api, case_id, "handler_hou", reply_id=reply_id).status_code == 404
    document_id = ok(upload(api, case_id, "handler_fin", reply_id=reply_id))["document_id"]
    for who in ("office", "leader", "supervisor", "auditor", "admin", "handler_fin"):
        assert download(api, case_id, document_id, who).status_code == 200, who
    assert download(api, case_id, document_id, "handler_hou").status_code == 404
    assert download(api, case_id, "nope", "office").status_code == 404
    assert api.client.get(f"/v1/cases/{case_id}/documents/{document_id}").status_code == 401


def test_an_upload_over_20_mib_is_413(api: Api) -> None:
    case_id, reply_id = issued(api, "D-6")
    big = f.PDF + b"0" * (20 * 1024 * 1024)
    response = upload(api, case_id, "handler_fin", big, reply_id=reply_id)
    assert response.status_code == 413


def test_a_swapped_file_is_tampering_for_verify(backend_api: Api) -> None:
    api = backend_api
    case_id, reply_id = issued(api, "D-7")
    answer = ok(upload(api, case_id, "handler_fin", reply_id=reply_id))
    position = answer["events"][0]["position"]
    store = api.services.documents
    if isinstance(store, FolderDocuments):
        store.path(answer["sha256"]).write_bytes(b"%PDF-1.4 a forged letter")
    else:
        assert isinstance(store, PostgresDocuments)
        with store.datastore.transaction(commit=True) as c:
            c.execute(f"UPDATE {store.table} SET content = %s", (b"%PDF-1.4 forged",))
    verified = ok(api.get("/v1/audit/verify", "auditor"), 200)
    assert verified["ok"] is False
    assert verified["first_bad_position"] == position
    assert "changed or swapped" in verified["reason"]
    # Nor is the swapped file served as the case's letter.
    assert download(api, case_id, answer["document_id"], "office").status_code == 503


def test_the_proposer_gets_the_documents_of_issued_replies_only_R_F4(api: Api) -> None:
    case_id, reply_id = issued(api, "D-8")
    letter = ok(upload(api, case_id, "handler_fin", reply_id=reply_id))["document_id"]
    card = ok(
        upload(api, case_id, "handler_fin", f.PNG, "走访卡.png", "image/png", kind="visit_card")
    )["document_id"]
    token = link(api, case_id)["link_token"]
    item = ok(as_link(api, token, "/v1/proposer/cases"), 200)["items"][0]
    documents = item["replies"][0]["documents"]
    assert [d["document_id"] for d in documents] == [letter]
    got = as_link(api, token, documents[0]["url"])
    assert got.status_code == 200 and got.content == f.PDF
    assert as_link(api, token, f"/v1/proposer/cases/{case_id}/documents/{card}").status_code == 404


def test_a_document_of_a_reply_not_yet_issued_is_not_the_proposer_s(api: Api) -> None:
    case_id = registered(api, "D-9")
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin"))
    reply = {
        "unit": "FIN",
        "classification": "A",
        "disclosure": "proactive",
        "consultation_form_ref": "征询表-001",
        "summary": "草稿",
        "occurred_on": "2025-04-01",
    }
    reply_id = ok(api.post(f"/v1/cases/{case_id}/replies", reply, "handler_fin"))["reply_id"]
    draft = ok(upload(api, case_id, "handler_fin", reply_id=reply_id))["document_id"]
    token = link(api, case_id)["link_token"]
    assert ok(as_link(api, token, "/v1/proposer/cases"), 200)["items"][0]["replies"] == []
    path = f"/v1/proposer/cases/{case_id}/documents/{draft}"
    assert as_link(api, token, path).status_code == 404


def test_the_case_page_gives_a_small_files_size_in_bytes(api: Api) -> None:
    """A 76-byte file was listed as 1 KB."""
    case_id, reply_id = issued(api, "D-9")
    ok(upload(api, case_id, "handler_fin", reply_id=reply_id))
    page = logged_in(api, "clerk_d9").get(f"/cases/{case_id}").text
    assert f"<td>{len(f.PDF)} 字节</td>" in page and "<td>1 KB</td>" not in page


def test_a_reply_letter_is_shown_with_its_reply_and_its_reply_beside_it(api: Api) -> None:
    """A review uploaded a 答复函 and found it neither in its reply's row nor said to be its."""
    case_id, reply_id = issued(api, "D-10")
    document_id = ok(upload(api, case_id, "handler_fin", reply_id=reply_id))["document_id"]
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ok(upload(api, case_id, "handler_fin", f.DOCX, "走访记录.docx", docx, kind="other"))
    page = logged_in(api, "clerk_d10").get(f"/cases/{case_id}").text
    href = f"/v1/cases/{case_id}/documents/{document_id}"
    assert f'<a class="doc-of-reply" href="{href}">答复函：答复函.pdf</a>' in page
    assert page.count('class="doc-of-reply"') == 1  # the other file is no reply's
    documents = page[page.index('id="documents"') : page.index('id="form-upload"')]
    [letter] = [r for r in documents.split("<tr>") if "答复函.pdf" in r]
    # Named as the upload's choices name it (unit and class alone fit a returned reply too).
    # And said to go to the proposers with the reply (R-F4: the link page lists its files).
    assert "<td>FIN厅 · A 类 · 已答复 · 2025-04-01 送审 · 财建函〔2025〕12号 <span" in letter
    assert ">代表委员可见</span></td>" in letter

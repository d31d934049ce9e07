"""R-P5 names three reasons for withholding a reply: the proposer refused, it is confidential,
or another reason in words. The workbench's 理由 was a text box, so a clerk who typed
代表委员不同意公开 recorded an "other" reason in its own words, never the rule's first. It is
now a choice of the three (其他 with its words), a reason's detail kept beside its kind, and
the case page says why a withheld reply is not published."""

from __future__ import annotations

import re

from tests.api.conftest import Api, contact_body, register_and_assign, reply_body
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in


def _issued(api: Api, number: str) -> tuple[str, str]:
    """A case whose FIN reply is approved and issued: its disclosure still to decide."""
    case_id = register_and_assign(api, number)
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    reply_id = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin").json()[
        "reply_id"
    ]
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    reply = f"/v1/cases/{case_id}/replies/{reply_id}"
    assert api.post(f"{reply}/approval", approval, "leader").is_success
    issue = {"document_number": "财建函〔2025〕7号", "occurred_on": "2025-04-05"}
    assert api.post(f"{reply}/issue", issue, "handler_fin").is_success
    return case_id, reply_id


def _withhold(api: Api, clerk: str, number: str, kind: str, text: str) -> tuple[str, str, str]:
    """Withholds the case's reply through the page: (case id, reply id, the page after)."""
    case_id, reply_id = _issued(api, number)
    client = logged_in(api, clerk)
    fields = {
        "reply_id": reply_id,
        "withheld_reason.kind": kind,
        "withheld_reason.text": text,
        "occurred_on": "2025-04-08",
    }
    answer = send(client, case_id, "withhold", form_of(client, case_id, "withhold", **fields))
    assert answer.status_code == 303, answer.text
    return case_id, reply_id, client.get(answer.headers["location"]).text


def _recorded(api: Api, case_id: str, reply_id: str) -> object:
    return api.case(case_id)["disclosures"][reply_id]["withheld_reason"]


def _shown(page: str, reply_id: str) -> str:
    """The 公开 cell of the reply's row in the 答复 table."""
    before, found, _ = page.partition(f'<tr id="summary-{reply_id}"')
    assert found, page
    return before.rsplit("<td>", 1)[1]


def test_the_proposers_refusal_is_the_rules_reason_not_words_typed_for_it_R_P5(
    api: Api,
) -> None:
    case_id, reply_id, page = _withhold(api, "clerk_p5a", "WR-1", "proposer_refused", "")
    assert _recorded(api, case_id, reply_id) == "proposer_refused"
    assert "不予公开（代表委员不同意公开）" in _shown(page, reply_id)


def test_a_reason_of_the_rules_kind_keeps_its_detail_beside_it_R_P5(api: Api) -> None:
    case_id, reply_id, page = _withhold(api, "clerk_p5b", "WR-2", "confidential", "含工作秘密")
    assert _recorded(api, case_id, reply_id) == "confidential: 含工作秘密"
    assert "不予公开（涉密：含工作秘密）" in _shown(page, reply_id)


def test_another_reason_is_said_in_words_R_P5(api: Api) -> None:
    case_id, reply_id, page = _withhold(api, "clerk_p5c", "WR-3", "other", "涉及尚在研究的政策")
    assert _recorded(api, case_id, reply_id) == "other: 涉及尚在研究的政策"
    assert "不予公开（其他：涉及尚在研究的政策）" in _shown(page, reply_id)


def test_other_without_its_words_is_refused_beside_the_reason_and_writes_nothing_R_P5(
    api: Api,
) -> None:
    case_id, reply_id = _issued(api, "WR-4")
    client = logged_in(api, "clerk_p5d")
    version = api.case(case_id)["version"]
    fields = {
        "reply_id": reply_id,
        "withheld_reason.kind": "other",
        "withheld_reason.text": "  ",
        "occurred_on": "2025-04-08",
    }
    answer = send(client, case_id, "withhold", form_of(client, case_id, "withhold", **fields))
    assert answer.status_code == 409, answer.text
    assert re.search(
        r'class="field wide refused">\s*<label for="withhold-withheld_reason"', answer.text
    ), answer.text
    assert "R-P5" in answer.text
    # What was chosen stays chosen.
    assert '<option value="other" selected>' in answer.text
    assert api.case(case_id)["version"] == version


def test_the_withhold_form_starts_on_the_proposers_refusal_when_one_is_recorded_R_P2_R_P5(
    api: Api,
) -> None:
    case_id, _ = _issued(api, "WR-5")
    client = logged_in(api, "clerk_p5e")
    form = re.compile(r'<details class="form" id="form-withhold">.*?</details>', re.S)
    before = form.search(client.get(f"/cases/{case_id}").text)
    assert before and '<option value="" selected>请选择</option>' in before.group(0)
    refusal = {"consent_reply": False, "consent_original": False, "occurred_on": "2025-04-06"}
    answer = api.post(f"/v1/cases/{case_id}/disclosure-preference", refusal, "handler_fin")
    assert answer.status_code == 201, answer.text
    after = form.search(client.get(f"/cases/{case_id}").text)
    assert after and '<option value="proposer_refused" selected>' in after.group(0)


def _refused_by_proposer(api: Api, case_id: str, on: str) -> None:
    refusal = {"consent_reply": False, "consent_original": False, "occurred_on": on}
    answer = api.post(f"/v1/cases/{case_id}/disclosure-preference", refusal, "handler_fin")
    assert answer.status_code == 201, answer.text


def test_a_reply_the_proposer_refused_starts_as_withheld_for_that_reason_R_P2_R_P5(
    api: Api,
) -> None:
    """After 不同意, the reply form still started on 主动公开, the one choice always refused."""
    case_id = register_and_assign(api, "WR-6")
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    _refused_by_proposer(api, case_id, "2025-03-20")
    page = logged_in(api, "fin_p5f", role="handler", unit="FIN").get(f"/cases/{case_id}").text
    form = re.search(r'<details class="form" id="form-reply">.*?</details>', page, re.S)
    assert form
    assert '<option value="withheld" selected>' in form.group(0)
    assert '<option value="proposer_refused" selected>' in form.group(0)


def test_a_reply_withheld_when_submitted_is_not_offered_for_withholding_again_R_P5(
    api: Api,
) -> None:
    """A reply submitted as 不予公开 with its reason had its disclosure decided (the register
    lists it withheld), yet the closed case still asked the office to withhold it (R-P2) and
    offered the form."""
    case_id = register_and_assign(api, "WR-7")
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    _refused_by_proposer(api, case_id, "2025-03-20")
    body = {**reply_body(), "disclosure": "withheld", "withheld_reason": "proposer_refused"}
    reply_id = api.post(f"/v1/cases/{case_id}/replies", body, "handler_fin").json()["reply_id"]
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    reply = f"/v1/cases/{case_id}/replies/{reply_id}"
    assert api.post(f"{reply}/approval", approval, "leader").is_success
    issue = {"document_number": "财建函〔2025〕8号", "occurred_on": "2025-04-05"}
    assert api.post(f"{reply}/issue", issue, "handler_fin").is_success
    page = logged_in(api, "clerk_p5g").get(f"/cases/{case_id}").text
    assert 'id="disclosure-refused"' not in page
    for name in ("disclosure-review", "publish", "withhold"):
        assert f'id="form-{name}"' not in page, name
    assert "不予公开（代表委员不同意公开）" in _shown(page, reply_id)

"""A reply is published or withheld once (R-P1, R-P5): the case page offers the disclosure
review, publish and withhold forms only while an issued reply's disclosure is undecided, and
names only such replies in them; before, a closed case whose reply was long published still
offered all three, each of which could only be refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.api.conftest import Api, case_body, contact_body, register_and_assign, reply_body
from tests.api.test_case_page_more import form_of, refused_field, send
from tests.api.test_pages import logged_in
from tests.paperwork_support import demo_server

FORMS = ("disclosure-review", "publish", "withhold")
DECIDED = {"published", "published_late", "withheld"}


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with demo_server(tmp_path_factory.mktemp("data")) as api:
        yield api


def test_disclosure_forms_name_only_replies_not_yet_published_or_withheld_R_P1(
    demo_api: Api,
) -> None:
    client = logged_in(demo_api, "ban_gong", role="office")
    seen = {"offered": 0, "not offered": 0}
    for item in demo_api.get("/v1/ledger", "office", limit=500).json()["items"]:
        if item["stage"] not in ("replied", "rehandling", "closed"):
            continue
        case = demo_api.case(item["case_id"])
        decided = {i for i, d in case["disclosures"].items() if d["status"] in DECIDED}
        open_ = {r["reply_id"] for r in case["replies"] if r["status"] == "issued"} - decided
        page = client.get(f"/cases/{item['case_id']}").text
        history = demo_api.get(f"/v1/cases/{item['case_id']}/history", "office").json()["events"]
        for name in FORMS:
            form = re.search(rf'<details class="form" id="form-{name}">.*?</details>', page, re.S)
            # R-P3: publishing waits for the office's approving review.
            wanted = open_ & approved(history) if name == "publish" else open_
            if not wanted:
                assert form is None, (item["number"], name)
                seen["not offered"] += 1
                continue
            assert form, (item["number"], name)
            chooser = re.search(rf'<select id="{name}-reply_id".*?</select>', form.group(0), re.S)
            assert chooser, (item["number"], name)
            named = set(re.findall(r'<option value="([^"]+)"', chooser.group(0)))
            assert named == wanted, (item["number"], name)
            seen["offered"] += 1
    assert seen["offered"] and seen["not offered"]


def approved(history: list[dict[str, object]]) -> set[str]:
    """The replies whose latest disclosure review approved publishing them (R-P3)."""
    latest: dict[str, object] = {}
    for event in history:
        data = event["data"]
        if event["type"] == "DisclosureReviewed" and isinstance(data, dict):
            latest[str(data["reply_id"])] = data["approved"]
    return {reply for reply, yes in latest.items() if yes is True}


def test_a_split_units_issued_reply_is_offered_for_publishing_while_the_case_is_handled_R_D4(
    api: Api,
) -> None:
    """FIN's part of a split case is issued while HOU's is still awaited: the case is 办理中,
    FIN's 15 days to publish run (R-D4), and the forms to review and publish it are there."""
    created = api.post("/v1/cases", case_body("SPLIT-P"), "office")
    case_id = created.json()["case_id"]
    body = {"split_units": ["FIN", "HOU"], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    reply_id = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin").json()[
        "reply_id"
    ]
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    assert api.post(
        f"/v1/cases/{case_id}/replies/{reply_id}/approval", approval, "leader"
    ).is_success
    issue = {"document_number": "财建函〔2025〕3号", "occurred_on": "2025-04-05"}
    path = f"/v1/cases/{case_id}/replies/{reply_id}/issue"
    assert api.post(path, issue, "handler_fin").is_success
    assert api.case(case_id)["stage"] == "handling"

    office = logged_in(api, "ban_gong_2", role="office")
    handler = logged_in(api, "fin_2", role="handler", unit="FIN")
    # Before the office's review (R-P3) publishing could only be refused: not offered.
    for client in (office, handler):
        assert 'id="form-publish"' not in client.get(f"/cases/{case_id}").text
    review = {"reply_id": reply_id, "approved": True, "note": "同意", "occurred_on": "2025-04-06"}
    assert api.post(f"/v1/cases/{case_id}/disclosure-review", review, "office").is_success
    # The case says so itself (an addition), as the domain holds it: the form reads that.
    shown = {"approved": True, "secrecy_review_ref": None, "note": "同意"}
    assert api.case(case_id)["disclosure_reviews"] == {
        reply_id: {**shown, "occurred_on": "2025-04-06"}
    }
    office_page, handler_page = (c.get(f"/cases/{case_id}").text for c in (office, handler))
    for page, names in ((office_page, ("publish", "withhold")), (handler_page, FORMS[1:])):
        for name in names:
            form = re.search(rf'<details class="form" id="form-{name}">.*?</details>', page, re.S)
            assert form and f'<option value="{reply_id}"' in form.group(0), name


def test_a_disclosure_preference_is_an_explicit_answer_not_two_unticked_boxes_R_P1_R_P2(
    api: Api,
) -> None:
    """R-P1: unmarked means proactive, and R-P2 counts only an explicit refusal. Two unticked
    boxes submitted as they came recorded a refusal of both; each is now a choice that starts
    on 请选择, and submitting it unchosen is refused beside it and writes nothing."""
    case_id = register_and_assign(api, "PREF-1")
    handler = logged_in(api, "fin_3", role="handler", unit="FIN")
    page = handler.get(f"/cases/{case_id}").text
    form = re.search(
        r'<details class="form" id="form-disclosure-preference">.*?</details>', page, re.S
    )
    assert form and '<option value="" selected>请选择</option>' in form.group(0)
    version = api.case(case_id)["version"]
    unchosen = form_of(
        handler,
        case_id,
        "disclosure-preference",
        consent_reply="",
        consent_original="",
        occurred_on="2025-03-01",
    )
    answer = send(handler, case_id, "disclosure-preference", unchosen)
    assert answer.status_code == 422 and refused_field(answer.text) == "consent_reply"
    assert api.case(case_id)["version"] == version  # nothing written
    chosen = {**unchosen, "consent_reply": "true", "consent_original": "false"}
    chosen.update(form_of(handler, case_id, "disclosure-preference"))
    assert send(handler, case_id, "disclosure-preference", chosen).status_code == 303
    assert api.case(case_id)["version"] == version + 1

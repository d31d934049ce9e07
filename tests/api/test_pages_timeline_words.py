"""A case page's timeline names every field of every event in Chinese: each case page of a demo
year (every kind of event) is read as the office reads it, and no field label is left as the
event's key (``include_original：否`` once was), and no value as its code (来源：congress,
不予公开理由：proposer_refused)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.api.conftest import UNITS, Api, contact_body, register_and_assign
from tests.api.proposer_support import issued, link
from tests.api.test_documents import upload
from tests.api.test_pages import logged_in
from tests.paperwork_support import demo_server

LABEL = re.compile(r'<span class="muted">([^<：]*)：</span>')


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with demo_server(tmp_path_factory.mktemp("data")) as api:
        yield api


def test_every_event_field_on_the_timeline_has_a_chinese_label_R_X1(demo_api: Api) -> None:
    client = logged_in(demo_api, "ban_gong", role="office")
    cases = demo_api.get("/v1/ledger", "office", limit=500).json()["items"]
    english: dict[str, str] = {}
    types: set[str] = set()
    for case in cases:
        page = client.get(f"/cases/{case['case_id']}").text
        timeline = re.search(r'<ol class="timeline" id="timeline">.*?</ol>', page, re.S)
        assert timeline, case["number"]
        types |= set(re.findall(r'<div class="what">#\d+ ([^<\s]+)', timeline.group(0)))
        for label in LABEL.findall(timeline.group(0)):
            if re.search(r"[A-Za-z]", label):
                english.setdefault(label, case["number"])
        for data in re.findall(r'<div class="data">(.*?)</div>', timeline.group(0), re.S):
            # Tags first: an address runs on into the next field's tag (…/1；<span class=…).
            words = re.sub(r"https?://\S+", " ", re.sub(r"<[^>]+>", " ", data))
            # Lower-case words: a unit code this test server has no directory entry for
            # (the demo's units but FIN, HOU and EDU) is shown as its code, rightly.
            for word in re.findall(r"\b[a-z][A-Za-z_]{2,}", words):
                english.setdefault(word, case["number"])
            # A unit the directory knows is named (its code only on hover): 组织单位：FIN was not.
            for code in re.findall(rf"\b(?:{'|'.join(UNITS)})\b", words):
                english.setdefault(code, case["number"])
    assert english == {}, " ".join(sorted(english))
    assert len(types) >= 20  # the demo year reached most kinds of event


def test_every_event_type_of_a_case_has_a_chinese_name_R_X1() -> None:
    """The demo year has no document or proposer link: their events showed as DocumentAttached
    and ProposerLinkCreated, with the link token's hash among their fields."""
    from api.pages_labels import LABELS
    from domain.case import Case

    types = {
        name
        for name, kind in vars(Case).items()
        if isinstance(kind, type)
        and issubclass(kind, Case.Event)
        and name not in ("Created", "Event")
    }
    assert types and not types - LABELS["event"].keys()


def test_every_field_an_event_declares_has_a_chinese_label_or_is_hidden_R_X1() -> None:
    """The demo year has no take-down (登记撤下): its place read ``taken_down_from：`` on the
    timeline. Every field of every event type is labelled, or hidden as an id."""
    from api.pages_case import FIELD_LABELS, HIDDEN_DATA
    from domain.case import Case

    said_elsewhere = {"actor", "occurred_on"}  # the timeline's own who and 发生
    unlabelled = {
        f"{name}.{field}"
        for name, kind in vars(Case).items()
        if isinstance(kind, type) and issubclass(kind, Case.Event)
        for field in getattr(kind, "__annotations__", {})
        if field not in FIELD_LABELS and field not in HIDDEN_DATA | said_elsewhere
    }
    assert unlabelled == set()


def test_a_documents_and_a_proposer_links_events_read_in_chinese_R_F4(api: Api) -> None:
    case_id, reply_id = issued(api, "TL-DOC")
    link(api, case_id)
    assert upload(api, case_id, "handler_fin", reply_id=reply_id).status_code == 201
    client = logged_in(api, "ban_gong_2", role="office")
    timeline = re.search(
        r'<ol class="timeline" id="timeline">.*?</ol>', client.get(f"/cases/{case_id}").text, re.S
    )
    assert timeline
    text = timeline.group(0)
    assert "上传文件" in text and "生成代表委员专属链接" in text and "答复函" in text
    for english in (
        "DocumentAttached",
        "ProposerLink",
        "hashed",
        "prefix",
        "link_id",
        "content_type",
    ):
        assert english not in text, english
    assert not re.search(
        r"[0-9a-f]{64}", re.sub(r"校验值（SHA-256）：</span>[0-9a-f]{64}", "", text)
    )


def _timeline_labels(api: Api, client_user: str, case_id: str) -> dict[str, list[str]]:
    """Each timeline entry's field labels in the order shown, by the entry's event name."""
    page = logged_in(api, client_user, role="office").get(f"/cases/{case_id}").text
    entries = re.findall(
        r'<div class="what">#\d+ ([^<\s]+).*?<div class="data">(.*?)</div>', page, re.S
    )
    return {name: LABEL.findall(data) for name, data in entries}


def test_an_events_fields_read_in_the_order_the_event_declares_them_R_X1(api: Api) -> None:
    """The trail stores an event's data with its keys sorted: the timeline had read 会办单位
    before 主办单位, and a 责任分解's 承办人 before its 单位 and 分管负责同志."""
    case_id = register_and_assign(api, "TL-ORD", lead="FIN", co=("HOU",))
    people = {
        "unit": "FIN",
        "unit_leader": "钱副厅长",
        "handler": "孙科员",
        "phone": "0311-87801234",
        "occurred_on": "2025-02-03",
    }
    recorded = api.post(f"/v1/cases/{case_id}/responsibilities", people, "handler_fin")
    assert recorded.status_code == 201, recorded.text
    made = api.post(f"/v1/cases/{case_id}/contacts", contact_body(on="2025-02-04"), "handler_fin")
    assert made.status_code == 201, made.text
    moved = {"summary": "当面沟通办理思路", "occurred_on": "2025-02-05"}
    correction = {"event_id": made.json()["events"][0]["id"], "reason": "记错", "corrected": moved}
    assert api.post(f"/v1/cases/{case_id}/corrections", correction, "office").status_code == 201
    ask = {
        "unit": "FIN",
        "deadline_kind": "reply",
        "reason": "需跨部门协调",
        "requested_due_on": "2025-06-30",
        "occurred_on": "2025-02-06",
    }
    asked = api.post(f"/v1/cases/{case_id}/extension-requests", ask, "handler_fin")
    assert asked.status_code == 201, asked.text
    labels = _timeline_labels(api, "ban_gong_3", case_id)
    assert labels["登记"][:5] == ["编号", "类别", "级别", "年度", "标题"]
    assert labels["交办"][:2] == ["主办单位", "会办单位"]
    assert labels["责任分解"] == ["单位", "分管负责同志", "承办人", "联系电话"]
    # What is asked follows what it extends; the reason comes after both.
    asked_labels = labels["申请延期"]
    assert asked_labels.index("原定期限") + 1 == asked_labels.index("申请延至")
    assert asked_labels.index("申请延至") < asked_labels.index("理由")
    page = logged_in(api, "ban_gong_4", role="office").get(f"/cases/{case_id}").text
    said = re.search(r'<div class="data corrected-by">(.*?)</div>', page, re.S)
    assert said and said.group(1).index("当面沟通办理思路") < said.group(1).index("2025-02-05")
    # The correction's own entry (更正内容) reads them in the same order.
    own = re.search(r'<div class="what">#\d+ 更正.*?<div class="data">(.*?)</div>', page, re.S)
    assert own and own.group(1).index("当面沟通办理思路") < own.group(1).index("2025-02-05")

"""A case page's timeline names every field of every event in Chinese: each case page of a demo
year (every kind of event) is read as the office reads it, and no field label is left as the
event's key (``include_original：否`` once was), and no value as its code (来源：congress,
不予公开理由：proposer_refused)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.api.conftest import UNITS, Api
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
            words = re.sub(r"<[^>]+>|https?://\S+", " ", data)
            # Lower-case words: a unit code this test server has no directory entry for
            # (the demo's units but FIN, HOU and EDU) is shown as its code, rightly.
            for word in re.findall(r"\b[a-z][A-Za-z_]{2,}", words):
                english.setdefault(word, case["number"])
            # A unit the directory knows is named (its code only on hover): 组织单位：FIN was not.
            for code in re.findall(rf"\b(?:{'|'.join(UNITS)})\b", words):
                english.setdefault(code, case["number"])
    assert english == {}, " ".join(sorted(english))
    assert len(types) >= 20  # the demo year reached most kinds of event

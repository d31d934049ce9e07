"""A reply is published or withheld once (R-P1, R-P5): the case page offers the disclosure
review, publish and withhold forms only while an issued reply's disclosure is undecided, and
names only such replies in them; before, a closed case whose reply was long published still
offered all three, each of which could only be refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.api.conftest import Api
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
        for name in FORMS:
            form = re.search(rf'<details class="form" id="form-{name}">.*?</details>', page, re.S)
            if not open_:
                assert form is None, (item["number"], name)
                seen["not offered"] += 1
                continue
            assert form, (item["number"], name)
            named = set(re.findall(r'<option value="([^"]+)"', form.group(0))) - {"true", "false"}
            assert named == open_, (item["number"], name)
            seen["offered"] += 1
    assert seen["offered"] and seen["not offered"]

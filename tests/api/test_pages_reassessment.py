"""The 回头看 form offers what R-Rv1 lets it find for the case's latest issued reply: an A-class
reply implemented or not, a B-class one advancing, stalled or fulfilled, and no form at all
after a C-class reply. A review found all five findings offered on a B-class reply, two of
them refused whenever chosen."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import Api
from tests.api.proposer_support import issued
from tests.api.test_pages import logged_in

FINDINGS = {
    "A": ["implemented", "not_implemented"],
    "B": ["advancing", "stalled", "fulfilled"],
    "C": [],
}


@pytest.mark.parametrize("classification", sorted(FINDINGS))
def test_R_Rv1_the_reassessment_form_offers_only_what_the_reply_class_may_find(
    api: Api, classification: str
) -> None:
    case_id, _ = issued(api, f"RV-{classification}", classification=classification)
    assert api.case(case_id)["reassessment_findings"] == FINDINGS[classification]
    page = logged_in(api, f"rv_{classification.lower()}").get(f"/cases/{case_id}").text
    form = re.search(r'<details class="form" id="form-reassessment".*?</details>', page, re.S)
    if not FINDINGS[classification]:
        assert form is None, "a form that can only be refused is not offered"
        return
    assert form is not None
    offered = re.findall(r'<option value="(\w+)"', form.group(0))
    assert offered == FINDINGS[classification]

"""挂账督办 (R-Rv1): a closed case a 回头看 found not implemented is put back under
supervision. The 督办 page lists such cases in a tab of their own, each with its 催办 form,
and the case page offers 催办 (R-S3); /v1/ledger filters them by ``under_supervision``."""

from __future__ import annotations

import re

from tests.api.conftest import Api, register_and_assign
from tests.api.proposer_support import issued, ok
from tests.api.test_pages import logged_in


def back_under_supervision(api: Api) -> str:
    case_id, _ = issued(api, "SUP-1")
    feedback = {"verdict": "satisfied", "occurred_on": "2025-04-20"}
    ok(api.post(f"/v1/cases/{case_id}/feedback", feedback, "office"))
    finding = {"finding": "not_implemented", "note": "承诺事项未落实", "occurred_on": "2025-09-01"}
    ok(api.post(f"/v1/cases/{case_id}/reassessments", finding, "office"))
    case = api.case(case_id)
    assert (case["stage"], case["under_supervision"]) == ("closed", True)
    return case_id


def test_a_case_back_under_supervision_is_listed_and_chased_R_Rv1_R_S3(api: Api) -> None:
    case_id = back_under_supervision(api)
    register_and_assign(api, "SUP-2")  # open, not under supervision
    listed = api.get("/v1/ledger", "office", under_supervision="true").json()["items"]
    assert [i["number"] for i in listed] == ["SUP-1"]

    client = logged_in(api, "du_cha", role="supervisor")
    page = client.get("/supervision?tab=under_supervision").text
    assert "挂账督办：共 <strong>1</strong> 件" in page
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "SUP-1" in r)
    assert f'action="/cases/{case_id}/forms/reminder"' in row
    # On paper: no forms, no empty 催办 column, no export buttons.
    assert '<td class="no-print remind">' in row
    assert '<th scope="col" class="no-print">催办</th>' in page
    assert page.count('class="button no-print"') == 3  # the 台账 link, the tab's export, 更多导出
    assert 'id="form-reminder"' in client.get(f"/cases/{case_id}").text


def test_a_closed_case_not_under_supervision_is_not_chased_R_S3(api: Api) -> None:
    case_id, _ = issued(api, "SUP-3")
    feedback = {"verdict": "satisfied", "occurred_on": "2025-04-20"}
    ok(api.post(f"/v1/cases/{case_id}/feedback", feedback, "office"))
    client = logged_in(api, "du_cha_2", role="supervisor")
    assert 'id="form-reminder"' not in client.get(f"/cases/{case_id}").text

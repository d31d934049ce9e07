"""并案 in the workbench (R-M1): the office merges the case it is on with others named by
number; each merged case's page says with which cases, which is the primary, and by which
reply they are answered. Refusals are shown beside the numbers and write nothing."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.api.conftest import Api, case_body, register_and_assign
from tests.api.proposer_support import issued, reply_issued
from tests.api.test_exports import book, download, header, rows
from tests.api.test_pages import csrf_of, logged_in


def merge_form(client: TestClient, case_id: str, numbers: str) -> dict[str, str]:
    page = client.get(f"/cases/{case_id}").text
    form = re.search(r'<details class="form" id="form-merge".*?</details>', page, re.S)
    assert form, "no 并案 form"
    version = re.search(r'name="_version" value="(\d+)"', form.group(0))
    assert version
    return {
        "_csrf": csrf_of(client, f"/cases/{case_id}"),
        "_version": version.group(1),
        "with_numbers": numbers,
        "occurred_on": "2025-03-10",
    }


def test_the_office_merges_cases_by_number_and_each_page_says_so_R_M1(api: Api) -> None:
    ids = {n: register_and_assign(api, n) for n in ("MG-1", "MG-2", "MG-3")}
    office = logged_in(api, "clerk_m")
    posted = office.post(
        f"/cases/{ids['MG-1']}/forms/merge",
        data=merge_form(office, ids["MG-1"], "MG-2、MG-3"),
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    # Back on the primary, at its own merge event (the partners' were written after it).
    assert posted.headers["location"].endswith(f"?done={ids['MG-1']}:3#ev-3")
    merge = api.case(ids["MG-2"])["merge"]
    assert merge["primary_case_id"] == ids["MG-1"]
    assert merge["numbers"] == ["MG-1", "MG-2", "MG-3"]
    page = office.get(f"/cases/{ids['MG-2']}").text
    found = re.search(r'<dd id="merge">.*?</dd>', page, re.S)
    assert found, page
    said = re.sub(r"<[^>]+>", "", found.group(0))
    assert "MG-1（主件）、MG-2、MG-3" in said and "由主件答复" in said
    assert f'<a href="/cases/{ids["MG-1"]}" title="' in page
    assert 'id="form-merge"' not in page  # merged already: nothing left to offer
    # On the lists too: each merged case says so, naming the primary (R-M1).
    items = {i["number"]: i for i in api.get("/v1/ledger", "office").json()["items"]}
    assert items["MG-3"]["merged_with"] == ["MG-1", "MG-2", "MG-3"]
    ledger = office.get("/ledger").text
    assert '<span class="tag" title="MG-1、MG-2、MG-3">并案·由 MG-1 答复</span>' in ledger
    assert '<span class="tag" title="MG-1、MG-2、MG-3">并案主件</span>' in ledger
    sheet = book(download(api, "/v1/exports/ledger.xlsx"))["建议办理台账"]
    merged = {
        r[0]: dict(zip(header(sheet), r, strict=True))["并案（主件在前）"] for r in rows(sheet)
    }
    assert merged["MG-2"] == "MG-1、MG-2、MG-3"
    # The partner's unit sends no reply of its own (R-M1): 答复送审 is on the primary only,
    # which says before the reply is written that it answers the partners too.
    handler = logged_in(api, "fin_m", role="handler", unit="FIN")
    assert 'id="form-reply"' not in handler.get(f"/cases/{ids['MG-2']}").text
    primary = handler.get(f"/cases/{ids['MG-1']}").text
    assert 'id="form-reply"' in primary
    assert "本件的答复将同时答复并案的 MG-2、MG-3，送达全部提出人" in primary
    # Once the primary's reply is issued, the partner's 答复 says which one answers it (its
    # unit may not be able to open the primary's page).
    reply_issued(api, ids["MG-1"], "FIN", "A")
    answer = re.search(r'<p id="merge-answer">(.*?)</p>', office.get(f"/cases/{ids['MG-2']}").text)
    assert answer, "no answer on the partner's page"
    assert "由主件 MG-1 统一答复：" in answer.group(1) and "FIN函〔2025〕1号" in answer.group(1)


def test_a_merge_the_rules_refuse_is_shown_beside_the_numbers_and_writes_nothing_R_M1(
    api: Api,
) -> None:
    first = register_and_assign(api, "MG-10")
    issued(api, "MG-11")  # replied already
    office = logged_in(api, "clerk_n")
    version = api.case(first)["version"]
    member = [{"name": "王委员", "type": "member", "role": "lead"}]
    proposal = case_body("MG-12", kind="proposal", proposers=member)
    assert api.post("/v1/cases", proposal, "office").status_code == 201
    assert api.post("/v1/cases", case_body("MG-13"), "office").status_code == 201  # unassigned
    for numbers, said in (
        # It read 该件尚未交办, at the form's top: 该件 is the case on screen, assigned.
        ("MG-13", "MG-13：该件尚未交办"),
        ("MG-99", "2025年度建议中没有编号为 MG-99 的件"),
        ("mg-12", "MG-12 为提案，建议和提案不得并案"),
        ("MG-10", "请填写与本件并案的其他件的编号"),
        ("MG-11", "MG-11 已答复，不能再并案"),
    ):
        refused = office.post(
            f"/cases/{first}/forms/merge", data=merge_form(office, first, numbers)
        )
        assert refused.status_code in (409, 422), refused.text
        assert said in refused.text
        assert 'class="field refused">\n          <label for="merge-with_numbers"' in refused.text
    assert api.case(first)["version"] == version and api.case(first)["merge"] is None


def test_the_office_undoes_a_merge_and_each_case_is_answered_for_itself_again_R_M1(
    api: Api,
) -> None:
    ids = {n: register_and_assign(api, n) for n in ("MG-20", "MG-21")}
    merged = api.post(
        "/v1/merges", {"case_ids": list(ids.values()), "occurred_on": "2025-03-01"}, "office"
    )
    assert merged.status_code == 201, merged.text
    body = {"reason": "内容不同，误并案", "occurred_on": "2025-03-05"}
    refused = api.post(f"/v1/cases/{ids['MG-21']}/merge/undo", body, "handler_fin")
    assert refused.status_code == 403, refused.text
    office = logged_in(api, "clerk_u")
    partner = office.get(f"/cases/{ids['MG-21']}").text
    form = re.search(r'<details class="form" id="form-unmerge".*?</details>', partner, re.S)
    assert form and "撤销并案" in form.group(0)
    version = re.search(r'name="_version" value="(\d+)"', form.group(0))
    assert version
    posted = office.post(
        f"/cases/{ids['MG-21']}/forms/unmerge",
        data={
            "_csrf": csrf_of(office, f"/cases/{ids['MG-21']}"),
            "_version": version.group(1),
            "reason": "内容不同，误并案",
            "occurred_on": "2025-03-05",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    for case_id in ids.values():
        assert api.case(case_id)["merge"] is None
        page = office.get(f"/cases/{case_id}").text
        assert '<dd id="merge">' not in page and 'id="form-merge"' in page
        assert "撤销并案" in page and "内容不同，误并案" in page  # on the timeline, with why
        said = re.sub(r"<[^>]+>", "", page)
        assert "分开的件：MG-20、MG-21" in said  # and which cases it separated
    items = {i["number"]: i for i in api.get("/v1/ledger", "office").json()["items"]}
    assert items["MG-21"]["merged_with"] == []
    handler = logged_in(api, "fin_u", role="handler", unit="FIN")
    assert 'id="form-reply"' in handler.get(f"/cases/{ids['MG-21']}").text
    again = api.post(f"/v1/cases/{ids['MG-20']}/merge/undo", body, "office")
    assert again.status_code == 409 and again.json()["rule"] == "R-M1", again.text


def test_a_merged_partner_counts_as_answered_in_time_by_the_merge_reply_R_M1(api: Api) -> None:
    """The 总览's 按时答复办结率 had the partner in its denominator only: its deadline was met
    by the merge's reply (按期办结), but the unit's figures looked for a reply of its own."""
    ids = [register_and_assign(api, n) for n in ("MG-30", "MG-31")]
    merged = api.post("/v1/merges", {"case_ids": ids, "occurred_on": "2025-03-01"}, "office")
    assert merged.status_code == 201, merged.text
    reply_issued(api, ids[0], "FIN", "B")
    partner = next(
        d for d in api.case(ids[1])["deadlines"] if (d["kind"], d["unit"]) == ("reply", "FIN")
    )
    assert partner["status"] == "met"
    stats = api.get("/v1/stats/units", "office", year=2025, as_of="2025-06-30").json()
    fin = next(u for u in stats["items"] if u["unit"] == "FIN")
    on_time = fin["measures"]["on_time_reply_rate"]
    assert (on_time["numerator"], on_time["denominator"]) == (2, 2)
    assert fin["replies_by_class"]["B"] == 2


def test_a_partners_handler_is_not_linked_to_a_primary_it_may_not_open_R_M1(api: Api) -> None:
    """A handler reads its own unit's cases only (another is a 404, so numbers cannot be
    probed): on a partner's page the primary its unit has no part in is named, not linked."""
    primary = register_and_assign(api, "MG-40", lead="FIN")
    partner = register_and_assign(api, "MG-41", lead="FIN", co=("HOU",))
    body = {"case_ids": [primary, partner], "occurred_on": "2025-03-01"}
    assert api.post("/v1/merges", body, "office").status_code == 201
    hou = logged_in(api, "hou_m", role="handler", unit="HOU")
    page = hou.get(f"/cases/{partner}").text
    merge = re.search(r'<dd id="merge">.*?</dd>', page, re.S)
    assert merge and "MG-40" in merge.group(0)
    assert f'href="/cases/{primary}"' not in page
    assert hou.get(f"/cases/{primary}").status_code == 404
    office = logged_in(api, "clerk_l").get(f"/cases/{partner}").text
    assert f'<a href="/cases/{primary}" title="' in office


def test_cases_answered_by_different_units_are_not_merged_R_M1(api: Api) -> None:
    """A review merged a 财政厅-led case into a 水利厅-led one: 水利厅's reply answered a case it
    never had, and 财政厅 was credited 按期办结 and a B 类 for a reply it never wrote. Merged
    cases share their replying units; another is reassigned (改办) first."""
    primary = register_and_assign(api, "MG-50", lead="HOU")
    other = register_and_assign(api, "MG-51", lead="FIN", co=("HOU",))
    same = register_and_assign(api, "MG-52", lead="HOU", co=("EDU",))  # co units may differ
    before = api.head()
    body = {"case_ids": [primary, other], "occurred_on": "2025-03-01"}
    refused = api.post("/v1/merges", body, "office")
    assert refused.status_code == 409 and refused.json()["rule"] == "R-M1", refused.text
    assert "MG-51 的答复单位（FIN）与主件 MG-50 的（HOU）不同" in refused.json()["detail"]
    assert api.head() == before
    body = {"case_ids": [primary, same], "occurred_on": "2025-03-01"}
    assert api.post("/v1/merges", body, "office").status_code == 201


def test_a_proposals_publish_form_names_the_proposals_original_text(api: Api) -> None:
    """The 公开 form said 同时公开建议原文 on a proposal (提案)."""
    member = [{"name": "王委员", "type": "member", "role": "lead"}]
    case_id, reply_id = issued(api, "TA-90", kind="proposal", proposers=member)
    review = {"reply_id": reply_id, "approved": True, "note": "同意", "occurred_on": "2025-04-11"}
    assert api.post(f"/v1/cases/{case_id}/disclosure-review", review, "office").is_success
    page = logged_in(api, "clerk_tp").get(f"/cases/{case_id}").text
    assert "同时公开提案原文" in page and "建议原文" not in page

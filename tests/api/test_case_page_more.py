"""The case page's extensions, repeats and notices (R-E1, R-S4, issue 12), in process: the
handler asks for more time and the office decides through forms that post the API's bodies;
the page lists requests and strikes the original date through; the office confirms or
dismisses an earlier year's alike case; a case's notices and each channel's acceptance are
beside the timeline. A refusal shows its rule beside the field and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from banli.compose import notices_follower
from tests.api.conftest import Api, register_and_assign
from tests.api.proposer_support import further_reply_issued, issued, link, ok
from tests.api.test_notifications import notifying
from tests.api.test_pages import csrf_of, logged_in
from tests.api.test_repeats_search import ROAD, ROAD_TEXT, earlier_year, register
from tests.notice_receivers import Mailbox

VERSION = re.compile(r'id="form-{}".*?name="_version" value="(\d+)"', re.S)


def form_of(client: TestClient, case_id: str, name: str, **fields: str) -> dict[str, str]:
    """The form ``name`` as the page draws it: its CSRF token and version, with ``fields``."""
    page = client.get(f"/cases/{case_id}").text
    version = re.search(VERSION.pattern.format(name), page, re.S)
    assert version, f"no form {name}"
    return {"_csrf": csrf_of(client, f"/cases/{case_id}"), "_version": version.group(1), **fields}


def send(client: TestClient, case_id: str, name: str, form: dict[str, str]) -> httpx.Response:
    response: httpx.Response = client.post(
        f"/cases/{case_id}/forms/{name}", data=form, follow_redirects=False
    )
    return response


def visit_form(
    client: TestClient, case_id: str, organised_by: str, visitors: str
) -> dict[str, str]:
    return form_of(
        client,
        case_id,
        "visit",
        organised_by=organised_by,
        visitors=visitors,
        persons="张三",
        summary="走访",
        proposer_opinion="满意",
        occurred_on="2025-03-01",
    )


def refused_field(page: str) -> str:
    found = re.search(r'class="field refused">\s*<label for="[\w-]+?-(\w+)"', page)
    assert found, "no field marked refused"
    return found.group(1)


ASK = {
    "deadline_kind": "reply",
    "requested_due_on": "2025-06-30",
    "reason": "涉及多部门协调",
    "occurred_on": "2025-04-20",
}


def test_R_E1_handler_asks_office_grants_and_the_page_strikes_the_original_through(
    api: Api,
) -> None:
    case_id = register_and_assign(api, "PX-1")
    handler = logged_in(api, "fin_page", role="handler", unit="FIN")
    # The date asked for starts empty (today, its old default, is always refused); the
    # business date beside it starts on today (R-X1).
    drawn = handler.get(f"/cases/{case_id}").text
    assert re.search(
        r'id="extension-request-requested_due_on" name="requested_due_on" required value=""', drawn
    )
    assert re.search(
        r'id="extension-request-occurred_on" name="occurred_on" required value="\d{4}-', drawn
    )
    form = form_of(handler, case_id, "extension-request", unit="HOU", **ASK)
    asked = send(handler, case_id, "extension-request", form)
    assert asked.status_code == 303, asked.text
    # The unit is the session's, whatever the form said.
    extension = api.case(case_id)["extensions"][0]
    assert (extension["unit"], extension["status"], extension["requested_due_on"]) == (
        "FIN",
        "open",
        "2025-06-30",
    )
    page = handler.get(asked.headers["location"]).text
    assert "延期申请（1 件）" in page and '<span class="tag waiting">待决定</span>' in page
    assert 'id="form-extension-decision"' not in page  # the office decides

    office = logged_in(api, "clerk")
    before = office.get(f"/cases/{case_id}").text
    assert "原定 2025-05-06 → 申请 2025-06-30" in before  # the request the form names
    decision = form_of(
        office,
        case_id,
        "extension-decision",
        request_id=extension["request_id"],
        approved="true",
        due_on="",  # empty: the date asked for
        note="同意延期",
        occurred_on="2025-04-25",
    )
    decided = send(office, case_id, "extension-decision", decision)
    assert decided.status_code == 303, decided.text
    reply = next(d for d in api.case(case_id)["deadlines"] if d["kind"] == "reply")
    assert (reply["due_on"], reply["original_due_on"]) == ("2025-06-30", "2025-05-06")
    page = office.get(f"/cases/{case_id}").text
    assert '<s class="dl-was" title="原定期限">2025-05-06</s>' in page
    assert "已批准" in page and "延至 2025-06-30" in page
    assert 'id="form-extension-decision"' not in page  # nothing left to decide


def test_R_E1_a_date_too_far_is_refused_beside_the_date_and_writes_nothing(api: Api) -> None:
    case_id = register_and_assign(api, "PX-2")
    handler = logged_in(api, "fin_page", role="handler", unit="FIN")
    version = api.case(case_id)["version"]
    form = form_of(
        handler, case_id, "extension-request", **{**ASK, "requested_due_on": "2025-12-31"}
    )
    refused = send(handler, case_id, "extension-request", form)
    assert refused.status_code == 409
    assert '<span class="rule">R-E1</span>' in refused.text
    assert refused_field(refused.text) == "requested_due_on"
    assert 'value="2025-12-31"' in refused.text  # what was posted is kept
    assert api.case(case_id)["version"] == version and api.case(case_id)["extensions"] == []


def test_R_E1_the_office_grants_a_date_of_its_own_or_refuses(api: Api) -> None:
    case_id = register_and_assign(api, "PX-3")
    handler = logged_in(api, "fin_page", role="handler", unit="FIN")
    form = form_of(handler, case_id, "extension-request", **ASK)
    assert send(handler, case_id, "extension-request", form).status_code == 303
    request_id = api.case(case_id)["extensions"][0]["request_id"]
    office = logged_in(api, "clerk")
    fields = {"request_id": request_id, "note": "同意", "occurred_on": "2025-04-25"}
    too_far = form_of(
        office, case_id, "extension-decision", approved="true", due_on="2025-09-01", **fields
    )
    version = api.case(case_id)["version"]
    refused = send(office, case_id, "extension-decision", too_far)
    assert refused.status_code == 409 and refused_field(refused.text) == "due_on"
    assert api.case(case_id)["version"] == version
    no = form_of(office, case_id, "extension-decision", approved="false", due_on="", **fields)
    assert send(office, case_id, "extension-decision", no).status_code == 303
    reply = next(d for d in api.case(case_id)["deadlines"] if d["kind"] == "reply")
    assert (reply["due_on"], reply["original_due_on"]) == ("2025-05-06", None)
    assert "未批准" in office.get(f"/cases/{case_id}").text


def test_R_E1_a_stale_version_is_refused_and_writes_nothing(api: Api) -> None:
    case_id = register_and_assign(api, "PX-4")
    handler = logged_in(api, "fin_page", role="handler", unit="FIN")
    form = form_of(handler, case_id, "extension-request", **ASK)
    form["_version"] = str(int(form["_version"]) - 1)
    version = api.case(case_id)["version"]
    assert send(handler, case_id, "extension-request", form).status_code == 409
    assert api.case(case_id)["version"] == version


def test_R_S4_the_page_lists_earlier_alike_cases_and_the_office_confirms_one(api: Api) -> None:
    earlier = earlier_year(api)
    case_id = register(api, "S-2025-03", 2025, "关于加强农村公路日常养护的建议", ROAD_TEXT)
    office = logged_in(api, "clerk")
    page = office.get(f"/cases/{case_id}").text
    assert "多年多次提出：往年相似件" in page
    row = re.search(rf'id="repeat-{earlier["road"]}">(.*?)</tr>', page, re.S)
    assert row and "S-2024-01" in row.group(1) and "2024" in row.group(1)
    assert f'<a href="/cases/{earlier["road"]}">{ROAD}</a>' in row.group(1)
    # Awaiting the office, in a colour of its own: amber is 即将到期's (UI.md), red 已逾期's.
    assert '<span class="tag waiting">待确认</span>' in row.group(1)

    # A case that was not found alike is refused beside the field (R-S4), nothing written.
    version = api.case(case_id)["version"]
    stranger = form_of(
        office,
        case_id,
        "repeat-review",
        of_case_id=earlier["school"],
        confirmed="true",
        note="核实",
        occurred_on="2025-02-01",
    )
    refused = send(office, case_id, "repeat-review", stranger)
    assert refused.status_code == 409 and '<span class="rule">R-S4</span>' in refused.text
    assert refused_field(refused.text) == "of_case_id"
    assert api.case(case_id)["version"] == version

    confirm = {**stranger, "of_case_id": earlier["road"]}
    done = send(office, case_id, "repeat-review", confirm)
    assert done.status_code == 303, done.text
    found = {r["case_id"]: r["status"] for r in api.case(case_id)["possible_repeats"]}
    assert found[earlier["road"]] == "confirmed"
    assert api.case(case_id)["key"] is False  # on the key ledger as a repeat, not designated
    page = office.get(done.headers["location"]).text
    assert "已确认重复" in page and "S-2024-01（2024 年度）" in page  # the timeline, by number
    assert '<span class="tag settled">已确认重复</span>' in page


def test_R_S4_a_handler_sees_the_repeats_without_other_units_titles_or_the_form(api: Api) -> None:
    earlier = earlier_year(api)  # registered, never assigned: no unit of theirs
    case_id = register(api, "S-2025-04", 2025, ROAD, ROAD_TEXT)
    body = {"lead_unit": "FIN", "co_units": [], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    handler = logged_in(api, "fin_page", role="handler", unit="FIN")
    page = handler.get(f"/cases/{case_id}").text
    row = re.search(rf'id="repeat-{earlier["road"]}">(.*?)</tr>', page, re.S)
    assert row and "S-2024-01" in row.group(1) and "无权查看" in row.group(1)
    assert ROAD not in row.group(1) and "/cases/" not in row.group(1)
    assert 'id="form-repeat-review"' not in page
    form = {"_csrf": csrf_of(handler, f"/cases/{case_id}"), "of_case_id": earlier["road"]}
    assert send(handler, case_id, "repeat-review", form).status_code == 403


class Noticed:
    def __init__(self, api: Api, mailbox: Mailbox) -> None:
        self.api = api
        self.mailbox = mailbox
        svc = api.services
        self.follower = notices_follower(
            svc.settings, svc.app, svc.views, lambda: date(2025, 4, 22)
        )

    def round(self) -> None:
        # Wait for the background runner (catching up here too would race it).
        assert self.api.services.views_current()
        self.follower.round()


@pytest.fixture
def noticed(tmp_path: Path) -> Iterator[Noticed]:
    with notifying(tmp_path / "data") as (api, mailbox, _):
        yield Noticed(api, mailbox)


def notice_items(page: str) -> list[str]:
    section = re.search(r'<section class="card" id="notices">(.*?)</section>', page, re.S)
    assert section, "no notices section"
    return re.findall(r'<li id="notice-\d+">(.*?)</ul>', section.group(1), re.S)


def test_notices_show_once_each_with_channels_retried_until_accepted_R_F4_R_S3(
    noticed: Noticed,
) -> None:
    api = noticed.api
    case_id, _ = issued(api, "PN-1")
    link(api, case_id, "张三", email="zhangsan@example.com")
    noticed.mailbox.refuse = {"已答复"}  # the proposer's mail server says no, for now
    noticed.round()
    office = logged_in(api, "clerk")
    items = notice_items(office.get(f"/cases/{case_id}").text)
    assert len(items) == 2  # the reply to 张三, the disclosure deadline to FIN
    to_proposer = next(i for i in items if "答复已印发" in i)
    assert "zhangsan@example.com" in to_proposer
    assert '电子邮件：<span class="tag waiting">未送达，重试中' in to_proposer
    assert re.search(r'接口推送：<span class="tag ok">已送达</span> <time', to_proposer)

    noticed.mailbox.refuse = set()
    noticed.round()
    noticed.round()
    items = notice_items(office.get(f"/cases/{case_id}").text)
    assert len(items) == 2  # retried, not noticed again
    to_proposer = next(i for i in items if "答复已印发" in i)
    assert "重试中" not in to_proposer and to_proposer.count("已送达") == 2
    deadline = next(i for i in items if "期限将到" in i)
    assert "承办单位" in deadline and deadline.count("已送达") == 2

    # A handler of another unit has no such case; FIN's handler sees its notices.
    hou = logged_in(api, "hou_page", role="handler", unit="HOU")
    assert hou.get(f"/cases/{case_id}").status_code == 404
    fin = logged_in(api, "fin_page", role="handler", unit="FIN")
    assert len(notice_items(fin.get(f"/cases/{case_id}").text)) == 2


def test_a_case_without_notices_says_so(api: Api) -> None:
    case_id = register_and_assign(api, "PN-2")
    page = logged_in(api, "clerk").get(f"/cases/{case_id}").text
    assert notice_items(page) == [] and "尚无通知。" in page


def test_on_paper_the_deadlines_say_what_the_warning_means_not_to_hover(api: Api) -> None:
    """A printed case page told its reader to hover over a date for its derivation."""
    case_id = register_and_assign(api, "PN-3")
    page = logged_in(api, "clerk").get(f"/cases/{case_id}").text
    hint = re.search(
        r'<p class="hint" id="deadlines-as-of">期限状态按 [\d-]+ 计算；'
        r'(<span class="no-print">悬停[^<]*</span>)⚠',
        page,
    )
    assert hint is not None, "the hover hint is printed"


def test_R_V1_a_refusal_names_the_units_by_their_names(api: Api) -> None:
    """The domain speaks in unit codes ("承办单位 FIN"); the page the office reads says 财政厅
    (FIN厅 in these tests), as everywhere else on it."""
    case_id = register_and_assign(api, "PX-V1")
    handler = logged_in(api, "fin_v1", role="handler", unit="FIN")
    form = visit_form(handler, case_id, organised_by="HOU", visitors="王科长 科长")
    refused = send(handler, case_id, "visit", form)
    assert refused.status_code == 409, refused.text
    assert "走访须由承办单位 FIN厅 自行组织" in refused.text
    assert "承办单位 FIN " not in refused.text


JIANG_LI = [{"name": "蒋振华", "rank": "处长"}, {"name": "李四", "rank": "科长"}]


@pytest.mark.parametrize(
    ("visitors", "read"),
    [
        ("蒋振华（处长）\n李四(科长)", JIANG_LI),  # as the timeline and the 总台账 print them
        ("蒋振华\u3000处长\n李四\u3000科长", JIANG_LI),  # a Chinese input method's space
        ("蒋振华 处长、李四 科长", JIANG_LI),  # several on one line
        ("蒋振华，处长；李四,科长", JIANG_LI),
        # A 、 inside a rank's brackets is the rank's: it was cut there and refused.
        (
            "钱七（副处长、一级调研员）、李四 科长",
            [{"name": "钱七", "rank": "副处长、一级调研员"}, {"name": "李四", "rank": "科长"}],
        ),
    ],
)
def test_R_V4_visitors_are_read_as_clerks_write_them(
    api: Api, visitors: str, read: list[dict[str, str]]
) -> None:
    case_id = register_and_assign(api, "PX-V4")
    handler = logged_in(api, "fin_v4", role="handler", unit="FIN")
    form = visit_form(handler, case_id, organised_by="FIN", visitors=visitors)
    assert send(handler, case_id, "visit", form).status_code == 303
    history = api.get(f"/v1/cases/{case_id}/history", "auditor").json()
    visit = next(e for e in history["events"] if e["type"] == "VisitRecorded")
    assert visit["data"]["visitors"] == read


def test_the_office_keying_in_a_dissatisfied_verdict_is_asked_what_was_said_R_F1(
    api: Api,
) -> None:
    case_id, _ = issued(api, "PM-F1")
    client = logged_in(api, "clerk_f1")
    page = client.get(f"/cases/{case_id}").text
    assert '具体意见 <span class="hint">（不满意时必填）</span>' in page
    form = form_of(client, case_id, "feedback", verdict="dissatisfied", occurred_on="2025-04-20")
    refused = send(client, case_id, "feedback", {**form, "comments": ""})
    assert refused.status_code == 409
    assert re.search(r'class="field wide refused">\s*<label for="feedback-comments"', refused.text)
    assert "不满意时请写明具体意见" in refused.text
    said = send(client, case_id, "feedback", {**form, "comments": "措施不具体"})
    assert said.status_code == 303 and api.case(case_id)["stage"] == "rehandling"


def test_the_office_keys_in_the_verdict_on_a_further_reply_too_R_F1_R_F2(api: Api) -> None:
    """A review's further reply closed its case (已办结) and the office's 记录反馈意见 went with it,
    though the last verdict on record was the 不满意 it answered and the API took a new one."""
    case_id, _ = issued(api, "PM-F2")
    dissatisfied = {"verdict": "dissatisfied", "comments": "未回应", "occurred_on": "2025-04-20"}
    ok(api.post(f"/v1/cases/{case_id}/feedback", dissatisfied, "office"))
    further_reply_issued(api, case_id)
    assert api.case(case_id)["stage"] == "closed"
    client = logged_in(api, "clerk_f2")
    form = form_of(client, case_id, "feedback", verdict="basically_satisfied")
    said = send(client, case_id, "feedback", {**form, "comments": "", "occurred_on": "2025-04-30"})
    assert said.status_code == 303
    case = api.case(case_id)
    assert [f["verdict"] for f in case["feedback"]] == ["dissatisfied", "basically_satisfied"]
    assert case["feedback"][-1]["on_further_reply"] is True
    # Answered now: the form is not offered again on the closed case.
    assert 'id="form-feedback"' not in client.get(f"/cases/{case_id}").text


def test_the_lead_reads_each_co_units_opinion_on_the_case_page_R_D1(api: Api) -> None:
    """A lead unit drafting its reply read the co units' opinions only in the timeline, among
    every other event (a review): the case page says each one, and who has not given it."""
    case_id = register_and_assign(api, "CO-1", co=("HOU", "EDU"))
    opinion = {
        "unit": "HOU",
        "summary": "建议从住房保障角度\n补充两项措施",
        "disclosure_opinion": "withheld",
        "occurred_on": "2025-03-01",
    }
    ok(api.post(f"/v1/cases/{case_id}/co-opinions", opinion, "handler_hou"))
    assert [o["unit"] for o in api.case(case_id)["co_opinions"]] == ["HOU"]
    page = logged_in(api, "fin_reader", role="handler", unit="FIN").get(f"/cases/{case_id}").text
    section = re.search(r'<section class="card" id="co-opinions">(.*?)</section>', page, re.S)
    assert section, page
    rows = re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S)
    said = [re.sub(r"<[^>]+>", "|", r) for r in rows[1:]]
    assert "HOU厅" in said[0] and "2025-03-01" in said[0] and "不予公开" in said[0]
    assert '<td class="prose">建议从住房保障角度\n补充两项措施</td>' in rows[1]  # its lines kept
    assert "EDU厅" in said[1] and "尚未提交" in said[1]

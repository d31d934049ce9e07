"""The case page's 更正 form (R-X2) speaks the page's language: its events are named as the
timeline names them, and a field with fixed values (the contact's phase) is typed as its word
(办后), stored as its code."""

from __future__ import annotations

import html
import re

from domain.corrections import CORRECTABLE
from tests.api.conftest import Api, contact_body, register_and_assign, visit_body
from tests.api.test_pages import contact_form, csrf_of, logged_in


def _event_options(page: str) -> list[tuple[str, str]]:
    select = re.search(r'<select[^>]*name="event_id".*?</select>', page, re.S)
    assert select, page
    return [
        (html.unescape(v), html.unescape(t))
        for v, t in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select.group(0))
    ]


def test_the_correction_form_names_events_in_chinese_and_takes_a_phase_as_its_word_R_X2(
    api: Api,
) -> None:
    case_id = register_and_assign(api, "P-50")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["events"][-1]["id"]
    client = logged_in(api, "clerk")
    path = f"/cases/{case_id}"
    page = client.get(path).text
    options = dict(_event_options(page))
    assert options[contact_id].split() == [
        "#" + contact_id.rsplit(":", 1)[1],
        "沟通联系",
        "2025-02-10",
    ]
    assert not any("Recorded" in text or "Assigned" in text for text in options.values())
    assert "联系阶段（办前/办中/办后）" in page

    version = api.case(case_id)["version"]
    posted = client.post(
        f"{path}/forms/correction",
        data={
            "_csrf": csrf_of(client, path),
            "_version": str(version),
            "event_id": contact_id,
            "field": "phase",
            "value": "办后",
            "reason": "联系发生在答复之后，录入有误",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()["events"]
    correction = [e for e in history if e["type"] == "Corrected"]
    assert [e["data"]["corrected"] for e in correction] == [{"phase": "after"}]
    # The timeline read "#4 更正 更正 #3": the tag names what the correction corrects.
    target = contact_id.rsplit(":", 1)[1]
    timeline = re.sub(r"<[^>]+>", " ", client.get(path).text)
    assert f"更正 → #{target}" in " ".join(timeline.split())
    assert "更正 更正" not in " ".join(timeline.split())


def test_a_corrected_event_is_offered_again_under_its_corrected_date_R_X2(api: Api) -> None:
    """The 更正 list still named a contact by the date a correction had replaced."""
    case_id = register_and_assign(api, "P-53")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    contact_id = contact.json()["events"][-1]["id"]
    fix = {"event_id": contact_id, "corrected": {"occurred_on": "2025-02-12"}, "reason": "日期误"}
    assert api.post(f"/v1/cases/{case_id}/corrections", fix, "office").status_code == 201
    page = logged_in(api, "clerk_cd").get(f"/cases/{case_id}").text
    assert dict(_event_options(page))[contact_id].split()[-1] == "2025-02-12"


def test_the_correction_form_is_offered_only_with_an_event_to_correct_R_X2(api: Api) -> None:
    """A handler may correct what they recorded: with nothing of theirs on the case the form
    would be an empty list that can only be refused, so it is not offered."""
    case_id = register_and_assign(api, "P-51")
    client = logged_in(api, "fin_clerk", role="handler", unit="FIN")
    path = f"/cases/{case_id}"
    assert 'id="form-correction"' not in client.get(path).text
    csrf = csrf_of(client, path)
    posted = client.post(
        f"{path}/forms/contact",
        data=contact_form(api.case(case_id)["version"], csrf),
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    page = client.get(path).text
    assert 'id="form-correction"' in page
    assert [text.split()[1] for _, text in _event_options(page)] == ["沟通联系"]


def test_each_event_to_correct_names_the_fields_its_type_can_have_corrected_R_X2(
    api: Api,
) -> None:
    """The event chosen governs the field list beside it (``data-limits``): a registration has
    only its title to correct, a contact what CORRECTABLE lists for it."""
    case_id = register_and_assign(api, "P-52")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    assert contact.status_code == 201, contact.text
    page = logged_in(api, "clerk").get(f"/cases/{case_id}").text
    select = re.search(r'<select[^>]*name="event_id"[^>]*>', page)
    assert select and 'data-limits="correction-field"' in select.group(0)
    assert re.search(r'<select[^>]*id="correction-field"', page)
    fields = dict(re.findall(r'<option value="([^"]+)" data-fields="([^"]*)"', page))
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()["events"]
    events = {e["id"]: e["type"] for e in history}
    assert {events[event_id]: found for event_id, found in fields.items()} == {
        event_type: " ".join(CORRECTABLE[event_type])
        for event_type in events.values()
        if CORRECTABLE.get(event_type)
    }
    assert fields and "title" in fields.values()


def _contact_correction_refused(api: Api, number: str, field: str, value: str, why: str) -> str:
    """A case's contact corrected on the page with ``field`` set to ``value``: refused (422);
    answers the page's text."""
    case_id = register_and_assign(api, number)
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    assert contact.status_code == 201, contact.text
    client = logged_in(api, f"clerk_{number.lower()}")
    path = f"/cases/{case_id}"
    refused = client.post(
        f"{path}/forms/correction",
        data={
            "_csrf": csrf_of(client, path),
            "_version": str(api.case(case_id)["version"]),
            "event_id": contact.json()["events"][-1]["id"],
            "field": field,
            "value": value,
            "reason": why,
        },
    )
    assert refused.status_code == 422, refused.text
    return html.unescape(re.sub(r"<[^>]+>", "", refused.text))


def test_a_phase_the_correction_cannot_take_is_refused_in_the_pages_words_R_X2(
    api: Api,
) -> None:
    """The refusal listed the codes (应为 ['after', 'before', 'during']) where the field's
    label says 办前/办中/办后: it names the words, in that order."""
    said = _contact_correction_refused(api, "P-53", "phase", "办完", "阶段录错")
    assert "联系阶段 取值无效：'办完'，应为 办前、办中、办后" in said
    assert "'after'" not in said


def test_a_correction_with_no_field_chosen_says_so_and_a_date_left_empty_is_empty_R_X2(
    api: Api,
) -> None:
    """A review posted the form with no field chosen and read 所选事件不可更正 ，只能更正 …: a
    field named by nothing. A contact's date left empty read 日期应写作 YYYY-MM-DD."""
    case_id = register_and_assign(api, "P-52")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    client = logged_in(api, "clerk_nf")
    handler = logged_in(api, "fin_nf", role="handler", unit="FIN")
    path = f"/cases/{case_id}"
    head = api.head()
    posted = client.post(
        f"{path}/forms/correction",
        data={
            "_csrf": csrf_of(client, path),
            "event_id": contact.json()["events"][-1]["id"],
            "field": "",
            "value": "2025-02-11",
            "reason": "日期有误",
        },
    )
    said = re.sub(r"<[^>]+>", "", posted.text)
    assert posted.status_code == 422 and "更正内容不能为空" in said
    assert "所选事件不可更正" not in said
    undated = {**contact_form(api.case(case_id)["version"], csrf_of(handler, path)), "unit": "FIN"}
    posted = handler.post(f"{path}/forms/contact", data={**undated, "occurred_on": ""})
    said = re.sub(r"<[^>]+>", "", posted.text)
    problems = re.findall(r'id="([^"]+)-problem" role="alert">([^<]*)<', posted.text)
    assert posted.status_code == 422 and problems == [("contact-occurred_on", "不能为空")], problems
    assert api.head() == head


def test_a_person_the_correction_cannot_take_is_named_by_its_word_R_X2(api: Api) -> None:
    """A review posted a 联系人 without a rank and read "contacted_by 应包含姓名和职务"."""
    said = _contact_correction_refused(api, "P-54", "contacted_by", "王五", "联系人录错")
    assert "contacted_by" not in said and "联系人" in said


def test_a_contact_s_and_a_visit_s_people_are_corrected_as_their_forms_take_them_R_X2(
    api: Api,
) -> None:
    """The 更正 form offered a contact's 内容摘要, 联系对象, 日期 and 阶段 only: its 联系人
    (姓名 职务) and a visit's people, which the domain corrects, could not be put right."""
    case_id = register_and_assign(api, "P-54")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    visit = api.post(f"/v1/cases/{case_id}/visits", visit_body(), "handler_fin")
    assert contact.status_code == 201 and visit.status_code == 201, visit.text
    contact_id, visit_id = (r.json()["events"][-1]["id"] for r in (contact, visit))
    client = logged_in(api, "clerk_pp")
    path = f"/cases/{case_id}"
    page = client.get(path).text
    assert "联系人（姓名 职务）" in page and "走访人员（每行：姓名 职务）" in page

    def correct(event_id: str, field: str, value: str) -> None:
        posted = client.post(
            f"{path}/forms/correction",
            data={
                "_csrf": csrf_of(client, path),
                "_version": str(api.case(case_id)["version"]),
                "event_id": event_id,
                "field": field,
                "value": value,
                "reason": "录入有误",
            },
            follow_redirects=False,
        )
        assert posted.status_code == 303, posted.text

    correct(contact_id, "contacted_by", "李四 处长")
    correct(visit_id, "visitors", "赵处长 处长\n钱五（副处长）")
    correct(visit_id, "persons", "张三、王六")
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()["events"]
    assert [e["data"]["corrected"] for e in history if e["type"] == "Corrected"] == [
        {"contacted_by": {"name": "李四", "rank": "处长"}},
        {"visitors": [{"name": "赵处长", "rank": "处长"}, {"name": "钱五", "rank": "副处长"}]},
        {"persons": ["张三", "王六"]},
    ]

"""API.md v1.1 "Input limits" on the ways in that take values a request schema does not type:
a correction's values (R-X2, checked field by field by the domain) and an imported 交办清单's
cells; numbers in ASCII digits only; a case's number the same however it was typed; and the
edges an attack probe found answered with a 500 or a loose 401/409."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.conftest import Api, assert_problem, case_body, contact_body, register_and_assign
from tests.api.proposer_support import as_link, issued, link
from tests.api.test_imports import post as import_sheet
from tests.api.test_input_limits import reads_still_answer, refused_and_nothing_written
from tests.paperwork_support import row, workbook


def corrected_contact(api: Api, number: str, corrected: Any) -> dict[str, Any]:
    """A correction of the contact (version 3) of a fresh case, refused with 422; its problem."""
    case_id = register_and_assign(api, number)
    assert (
        api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").status_code == 201
    )
    body = {"event_id": f"{case_id}:3", "reason": "更正", "corrected": corrected}
    path = f"/v1/cases/{case_id}/corrections"
    return refused_and_nothing_written(api, path, body, "office", 422)


def test_r_x2_a_lone_surrogate_in_a_corrected_value_is_422_not_a_500(backend_api: Api) -> None:
    """The request's fingerprint (for idempotency) encoded the body before the domain checked
    it, and a surrogate has no UTF-8 form."""
    problem = corrected_contact(backend_api, "SUR-1", {"summary": "lone \ud800"})
    assert "summary" in json.dumps(problem)
    reads_still_answer(backend_api)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contacted_by", {"name": "名" * 201, "rank": "科长"}),
        ("contacted_by", {"name": "王科长", "rank": "长" * 201}),
        ("person", "张" * 201),
        ("summary", "字" * 10_001),
    ],
)
def test_r_x2_corrected_values_keep_the_limits_of_the_command(
    backend_api: Api, field: str, value: Any
) -> None:
    api = backend_api  # on SQLite and PostgreSQL alike
    problem = corrected_contact(api, f"LIM-{field}-{len(json.dumps(value))}", {field: value})
    assert field in json.dumps(problem)
    reads_still_answer(api)


def test_r_x2_corrected_visit_lists_hold_200_entries_at_most(backend_api: Api) -> None:
    api = backend_api  # on SQLite and PostgreSQL alike
    case_id = register_and_assign(api, "LIM-VISIT")
    visit = {
        "unit": "FIN",
        "organised_by": "FIN",
        "visitors": [{"name": "赵处长", "rank": "处长"}],
        "persons": ["张三"],
        "summary": "面对面听取意见",
        "proposer_opinion": "满意",
        "occurred_on": "2025-02-12",
    }
    assert api.post(f"/v1/cases/{case_id}/visits", visit, "handler_fin").status_code == 201
    path = f"/v1/cases/{case_id}/corrections"
    for field, many in [
        ("persons", [f"代表{i}" for i in range(201)]),
        ("visitors", [{"name": f"处长{i}", "rank": "处长"} for i in range(201)]),
    ]:
        body = {"event_id": f"{case_id}:3", "reason": "更正", "corrected": {field: many}}
        problem = refused_and_nothing_written(api, path, body, "office", 422)
        assert field in json.dumps(problem)
    body = {"event_id": f"{case_id}:3", "reason": "更正", "corrected": {"persons": ["张三"] * 200}}
    assert api.post(path, body, "office").status_code == 201
    reads_still_answer(api)


@pytest.mark.parametrize("written", ["20250211", "2025-W07-2", "2025-2-11", "٢٠٢٥-٠٢-١١"])
def test_r_x2_a_corrected_date_is_written_yyyy_mm_dd(api: Api, written: str) -> None:
    """``date.fromisoformat`` reads "20250211" and ISO week dates too; the API takes neither."""
    number = f"DAY-{len(written)}-{ord(written[-2])}-{ord(written[-1])}"  # in ASCII, as numbers
    problem = corrected_contact(api, number, {"occurred_on": written})
    assert "occurred_on" in json.dumps(problem)


@pytest.mark.parametrize("version", ["٣", "３", "+3", " 3", "3 "])
def test_r_x2_an_event_id_names_its_version_in_ascii_digits(api: Api, version: str) -> None:
    case_id = register_and_assign(api, "EID-" + "-".join(str(ord(c)) for c in version))
    api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    body = {"event_id": f"{case_id}:{version}", "reason": "更正", "corrected": {"summary": "x"}}
    path = f"/v1/cases/{case_id}/corrections"
    refused_and_nothing_written(api, path, body, "office", 422)


@pytest.mark.parametrize("year", ["٢٠٢٧", "２０２７"])
def test_a_calendar_year_in_another_scripts_digits_is_422(api: Api, year: str) -> None:
    """ "٢٠٢٧" (Arabic-Indic) replaced the 2027 calendar: ``\\d`` matches any script's digits."""
    response = api.client.put(
        f"/v1/calendar/{year}",
        json={"holidays": ["2027-01-01"], "workdays": []},
        headers={"Authorization": f"Bearer {api.tokens['admin']}"},
    )
    assert_problem(response, 422, None)


@pytest.mark.parametrize(
    "query", ["year=٢٠٢٥", "limit=١", "year=２０２５", "as_of=２０２５-０１-０１"]
)
def test_query_numbers_and_dates_in_another_scripts_digits_are_422(api: Api, query: str) -> None:
    name, value = query.split("=")
    assert_problem(api.get("/v1/ledger", "office", **{name: value}), 422, None)


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("NFD-1\u00e9", "NFD-1e\u0301"),  # é composed, and e with a combining accent
        ("JY-0023", "ＪＹ－００２３"),  # full-width, as a Chinese IME types it
        ("2025-7", " 2025-7 "),
        # In small letters, or with another dash (an attack probe registered both beside the
        # first): read alike on every list, so one number.
        ("JY-0024", "jy-0024"),
        ("jy-0025", "JY-0025"),
        ("JY-0026", "JY\u20110026"),  # a non-breaking hyphen
        ("JY-0027", "JY\u20130027"),  # an en dash
    ],
)
def test_a_number_typed_another_way_is_the_same_number_409(
    backend_api: Api, first: str, again: str
) -> None:
    """API.md: a number is unique per kind and year; two spellings of one number were two
    cases, shown alike in every list."""
    api = backend_api  # on SQLite and PostgreSQL alike
    answer = api.post("/v1/cases", case_body(first), "office")
    assert answer.status_code == 201, answer.text
    head = api.head()
    problem = assert_problem(api.post("/v1/cases", case_body(again), "office"), 409, None)
    assert "already registered" in problem["detail"] and "已登记" in problem["detail"]
    assert "retry" not in problem["detail"]
    assert api.head() == head
    stored = api.case(answer.json()["case_id"])["number"]
    assert stored == stored.strip() and stored.isascii() == first.strip().isascii()
    reads_still_answer(api)


@pytest.mark.parametrize("number", ["J\u03a5-0001", "\u0408Y-0001", "JY\u02d70001", "JYー0001"])
def test_a_number_in_letters_numbers_are_not_written_with_is_refused(
    backend_api: Api, number: str
) -> None:
    """A Greek Υ, a Cyrillic Ј, a modifier minus or a katakana ー made a second JY-0001 that
    every list showed alike (a re-probe); numbers are written in ASCII, Chinese characters
    and the brackets of document numbers. On either store, and the reads answer after."""
    api = backend_api
    assert api.post("/v1/cases", case_body("JY-0001"), "office").status_code == 201
    head = api.head()
    problem = assert_problem(api.post("/v1/cases", case_body(number), "office"), 422, None)
    assert "只能由字母、数字、汉字和常用符号组成" in problem["detail"]
    assert api.head() == head
    reads_still_answer(api)


@pytest.mark.parametrize("number", ["冀人大建〔2025〕12号", "第0001号", "2025-建-001", "NFD-1é"])
def test_numbers_as_offices_write_them_are_taken(api: Api, number: str) -> None:
    assert api.post("/v1/cases", case_body(number), "office").status_code == 201


def test_a_number_typed_with_another_dash_is_stored_with_a_hyphen(api: Api) -> None:
    answer = api.post("/v1/cases", case_body("JY\u20140028"), "office")  # an em dash
    assert answer.status_code == 201, answer.text
    assert api.case(answer.json()["case_id"])["number"] == "JY-0028"


def test_a_title_holds_ten_thousand_characters_as_all_free_text_does(api: Api) -> None:
    """API.md v1.1 names ``title`` among the free-text fields of up to 10,000 characters (the
    import took that many while the API stopped at 500)."""
    assert (
        api.post("/v1/cases", case_body("T-10K", title="题" * 10_000), "office").status_code == 201
    )
    refused_and_nothing_written(
        api, "/v1/cases", case_body("T-10K1", title="题" * 10_001), "office", 422
    )


def test_an_imported_row_keeps_the_limits_of_a_registration(backend_api: Api) -> None:
    """A 304-character 编号 and 400 提出人 were imported while the API refused them."""
    api = backend_api  # on SQLite and PostgreSQL alike
    many = "、".join(f"代表{i}" for i in range(201))
    rows = [row("N" * 65), row("2025-LIM-2", 提出人=many), row("2025-LIM-3", 标题="题" * 10_001)]
    head = api.head()
    answer = import_sheet(api, workbook(rows))
    assert answer.status_code == 422, answer.text
    errors = {(e["row"], e["column"]) for e in answer.json()["errors"]}
    assert errors == {(2, "编号"), (3, "提出人"), (4, "标题")}
    assert api.head() == head
    reads_still_answer(api)


def test_an_imported_number_typed_another_way_finds_its_case(api: Api) -> None:
    """The row of a case registered as "JY-0023" and imported as "ＪＹ－００２３" is that case
    (assigned by the row), not a second registration."""
    body = case_body("JY-0023", title="关于JY-0023号事项的建议")
    assert api.post("/v1/cases", body, "office").status_code == 201
    answer = import_sheet(api, workbook([row("ＪＹ－００２３", 标题="关于JY-0023号事项的建议")]))
    assert answer.status_code == 201, answer.text
    assert {k: answer.json()[k] for k in ("registered", "assigned")} == {
        "registered": 0,
        "assigned": 1,
    }


def test_a_history_as_of_past_the_last_beijing_day_is_422_not_a_500(backend_api: Api) -> None:
    """9999-12-31T16:00Z is already year 10000 in Beijing, where the case's state is dated."""
    api = backend_api  # on SQLite and PostgreSQL alike
    case_id = register_and_assign(api, "ASOF-MAX")
    path = f"/v1/cases/{case_id}/history"
    for moment in ["9999-12-31T23:59:59+00:00", "9999-12-31T16:00:00Z"]:
        assert_problem(api.get(path, "auditor", as_of=moment), 422, None)
    assert api.get(path, "auditor", as_of="9999-12-31T15:59:59Z").status_code == 200
    reads_still_answer(api)


def test_r_f4_a_proposer_link_on_a_staff_route_is_403_not_401(api: Api) -> None:
    """The link is known, its holder's role is not admitted there: API.md's 403."""
    case_id, _ = issued(api, "PL-403")
    token = link(api, case_id)["link_token"]
    for path in ["/v1/ledger", f"/v1/cases/{case_id}", "/v1/me"]:
        assert_problem(as_link(api, token, path), 403, None)
    assert as_link(api, token, "/v1/proposer/cases").status_code == 200
    assert_problem(as_link(api, "pl_" + "x" * 40, "/v1/ledger"), 401, None)

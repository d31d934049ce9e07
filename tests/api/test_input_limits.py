"""API.md v1.1 "Input limits", on SQLite and PostgreSQL: text no store can hold, oversized and
deeply nested bodies, and loose types are refused with a problem naming the field; nothing is
written, and reads keep answering afterwards."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.api.conftest import (
    PROPOSERS,
    Api,
    assert_problem,
    case_body,
    contact_body,
    register_and_assign,
    reply_body,
)


def refused_and_nothing_written(
    api: Api, path: str, body: Any, who: str, status: int
) -> dict[str, Any]:
    head = api.head()
    # ASCII-escaped JSON: the way a client sends a lone surrogate (it has no UTF-8 form).
    response = api.client.post(
        path,
        content=json.dumps(body, ensure_ascii=True),
        headers={
            "Authorization": f"Bearer {api.tokens[who]}",
            "Content-Type": "application/json",
        },
    )
    problem = assert_problem(response, status, None)
    assert api.head() == head, "a refused command wrote events"
    return problem


def reads_still_answer(api: Api) -> None:
    started = time.monotonic()
    assert api.get("/v1/ledger", "office").status_code == 200
    assert api.get("/v1/audit/events", "auditor").status_code == 200
    assert time.monotonic() - started < 5, "a read waited on a wedged projection"


@pytest.mark.parametrize("bad", ["bad\u0000title", "bell\u0007", "lone \ud800 surrogate"])
def test_text_no_store_can_hold_is_refused_on_every_backend(backend_api: Api, bad: str) -> None:
    """The attack: one NUL in a title was stored by SQLite and wedged every PostgreSQL read."""
    problem = refused_and_nothing_written(
        backend_api, "/v1/cases", case_body("NUL-1", title=bad), "office", 422
    )
    assert "title" in json.dumps(problem)
    reads_still_answer(backend_api)


def test_a_handler_cannot_smuggle_nul_through_withheld_reason(backend_api: Api) -> None:
    api = backend_api
    case_id = register_and_assign(api, "NUL-2")
    api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    body = {**reply_body(), "disclosure": "withheld", "withheld_reason": "secret\u0000"}
    refused_and_nothing_written(api, f"/v1/cases/{case_id}/replies", body, "handler_fin", 422)
    reads_still_answer(api)


def test_tab_and_newlines_are_text(backend_api: Api) -> None:
    body = case_body("TXT-1", title="关于\t农村公路\r\n养护的建议")
    assert backend_api.post("/v1/cases", body, "office").status_code == 201


def test_nul_in_a_query_string_is_422_not_a_database_error(backend_api: Api) -> None:
    response = backend_api.get("/v1/ledger", "office", unit="FIN\u0000")
    assert_problem(response, 422, None)
    reads_still_answer(backend_api)


def test_a_correction_nested_256_levels_is_422_and_the_server_keeps_answering(api: Api) -> None:
    case_id = register_and_assign(api, "DEEP-1")
    api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    nested: Any = "x"
    for _ in range(256):
        nested = {"summary": nested}
    body = {"event_id": f"{case_id}:3", "reason": "更正", "corrected": nested}
    refused_and_nothing_written(api, f"/v1/cases/{case_id}/corrections", body, "office", 422)
    at_limit: Any = "x"
    for _ in range(31):  # the body itself is one level: 32 in all is allowed
        at_limit = [at_limit]
    body = {"event_id": f"{case_id}:3", "reason": "更正", "corrected": {"summary": at_limit}}
    # Within the nesting limit the domain judges it: a list is not a summary.
    assert_problem(api.post(f"/v1/cases/{case_id}/corrections", body, "office"), 422, None)
    reads_still_answer(api)


def test_a_body_over_one_mib_is_413_and_never_stored(api: Api) -> None:
    case_id = register_and_assign(api, "BIG-1")
    body = {**contact_body(), "summary": "长" * (4 * 1024 * 1024)}  # ~12 MB of UTF-8
    refused_and_nothing_written(api, f"/v1/cases/{case_id}/contacts", body, "handler_fin", 413)


def test_free_text_over_ten_thousand_characters_is_422_naming_the_field(api: Api) -> None:
    case_id = register_and_assign(api, "LONG-1")
    body = {**contact_body(), "summary": "字" * 10_001}
    problem = refused_and_nothing_written(
        api, f"/v1/cases/{case_id}/contacts", body, "handler_fin", 422
    )
    assert "summary" in json.dumps(problem)
    body["summary"] = "字" * 10_000
    assert api.post(f"/v1/cases/{case_id}/contacts", body, "handler_fin").status_code == 201


def test_two_hundred_proposers_at_most(api: Api) -> None:
    """200,000 proposers were accepted once; lists hold at most 200 items."""
    many = [{"name": f"代表{i}", "type": "deputy", "role": "co_signer"} for i in range(201)]
    many[0]["role"] = "lead"
    problem = refused_and_nothing_written(
        api, "/v1/cases", case_body("MANY-1", proposers=many), "office", 422
    )
    assert "proposers" in json.dumps(problem)
    huge = many * 1000  # over 1 MiB: refused before it is parsed
    refused_and_nothing_written(
        api, "/v1/cases", case_body("MANY-2", proposers=huge), "office", 413
    )
    assert (
        api.post("/v1/cases", case_body("MANY-3", proposers=many[:200]), "office").status_code
        == 201
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reached", "yes"),
        ("reached", 1),
        ("occurred_on", 20250210),
        ("occurred_on", "2025.2.10"),
        ("summary", 42),
        ("person", ["张三"]),
    ],
)
def test_loose_types_are_refused_not_coerced(api: Api, field: str, value: Any) -> None:
    """``"reached": "yes"`` was stored as true and counted for R-C1."""
    case_id = register_and_assign(api, f"TYPE-{field}-{value!s:.6}")
    body = {**contact_body(), field: value}
    refused_and_nothing_written(api, f"/v1/cases/{case_id}/contacts", body, "handler_fin", 422)


def test_strict_numbers_and_flags_in_set_up_and_approval(api: Api) -> None:
    refused_and_nothing_written(api, "/v1/cases", case_body("Y-1", year="2025"), "office", 422)
    case_id = register_and_assign(api, "Y-2")
    api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    reply_id = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin").json()[
        "reply_id"
    ]
    approval = {"approved": 1, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    path = f"/v1/cases/{case_id}/replies/{reply_id}/approval"
    refused_and_nothing_written(api, path, approval, "leader", 422)


@pytest.mark.parametrize("year", ["2027.0", "2027e0", "+2027", "02027x"])
def test_a_calendar_year_is_written_in_digits(api: Api, year: str) -> None:
    """``/v1/calendar/2027.0`` was accepted as 2027."""
    response = api.client.put(
        f"/v1/calendar/{year}",
        json={"holidays": ["2027-01-01"]},
        headers={"Authorization": f"Bearer {api.tokens['admin']}"},
    )
    assert_problem(response, 422, None)


@pytest.mark.parametrize("query", ["year=2025.0", "limit=10.5", "as_of=20250101", "as_of=1"])
def test_query_numbers_and_dates_are_strict(api: Api, query: str) -> None:
    name, value = query.split("=")
    assert_problem(api.get("/v1/ledger", "office", **{name: value}), 422, None)


@pytest.mark.parametrize(
    ("path", "body", "who"),
    [
        # 财政厅 with a zero-width space reads as 财政厅: a second unit beside FIN.
        ("/v1/units", {"code": "ZZ3", "name": "财政厅\u200b"}, "boot"),
        ("/v1/users", {"username": "zw", "display_name": "\u202e王科长", "role": "office"}, "boot"),
        (
            "/v1/cases",
            case_body("IN-9", proposers=[{**PROPOSERS[0], "name": "张\u200d三"}]),
            "office",
        ),
        # A number is a case's name: JY-0001 with a zero-width space was a second JY-0001.
        ("/v1/cases", case_body("IN-10\u200b"), "office"),
        # A title is read on every list and the public register: a direction mark reversed it.
        ("/v1/cases", case_body("IN-11", title="关于\u202egnp.exe的建议"), "office"),
        # Nor what draws nothing beyond the format characters: a variation selector, a
        # Hangul filler, a C1 control (a re-probe's second 财政厅 and JY-0001s).
        ("/v1/units", {"code": "ZZ4", "name": "财政厅\ufe0f"}, "boot"),
        ("/v1/cases", case_body("IN-12\u3164"), "office"),
        ("/v1/cases", case_body("IN-13", title="关于\u0085的建议"), "office"),
    ],
)
def test_a_name_holding_an_invisible_character_is_refused(
    backend_api: Api, path: str, body: dict[str, Any], who: str
) -> None:
    """A name is read by people: one holding an invisible format character (a zero-width
    space, a direction mark) looks like another name and is not one; on either store, and the
    lists read afterwards as before."""
    problem = refused_and_nothing_written(backend_api, path, body, who, 422)
    assert "不可见字符" in problem["detail"]
    assert backend_api.get("/v1/me", "admin").status_code == 200
    assert backend_api.get("/v1/ledger", "office").status_code == 200

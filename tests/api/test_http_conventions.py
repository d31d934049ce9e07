"""API.md § Conventions: problem+json, nothing written on refusal, read-your-writes, ``as_of``,
and the operational endpoints (Idempotency-Key, If-Match and concurrent writes are in
``test_http_writes``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.api.conftest import (
    Api,
    assert_problem,
    case_body,
    register_and_assign,
    visit_body,
)

# ---------------------------------------------------------------------- problem+json


def test_problem_401_without_a_token(api: Api) -> None:
    assert_problem(api.get("/v1/ledger", None), 401, None)
    assert_problem(api.post("/v1/cases", case_body("P-1"), "wrong-token"), 401, None)


def test_problem_403_for_the_wrong_role(api: Api) -> None:
    assert_problem(api.post("/v1/cases", case_body("P-1"), "auditor"), 403, None)


def test_problem_404_for_an_unknown_case_reply_or_route(api: Api) -> None:
    unknown = "00000000-0000-0000-0000-000000000000"
    assert_problem(api.get(f"/v1/cases/{unknown}", "office"), 404, None)
    assert_problem(api.get("/v1/cases/not-a-case-id", "office"), 404, None)
    body = {"means": "phone", "note": "催办", "occurred_on": "2025-03-01"}
    assert_problem(api.post(f"/v1/cases/{unknown}/reminders", body, "office"), 404, None)
    case_id = register_and_assign(api, "P-404")
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    response = api.post(f"/v1/cases/{case_id}/replies/nope/approval", approval, "leader")
    assert_problem(response, 404, None)
    assert_problem(api.get("/v1/no-such-route", "office"), 404, None)


def test_problem_409_names_the_rule_R_V1_visit_organised_by_another_unit(api: Api) -> None:
    case_id = register_and_assign(api, "P-409")
    body = visit_body("FIN", organised_by="FIN-COUNTY")
    problem = assert_problem(
        api.post(f"/v1/cases/{case_id}/visits", body, "handler_fin"), 409, "R-V1"
    )
    assert "R-V1" in problem["type"]


def test_problem_422_for_validation_has_a_null_rule(api: Api) -> None:
    body = case_body("P-422")
    del body["title"]
    problem = assert_problem(api.post("/v1/cases", body, "office"), 422, None)
    assert "title" in problem["detail"]
    wrong_vocabulary = case_body("P-422", kind="petition")
    assert_problem(api.post("/v1/cases", wrong_vocabulary, "office"), 422, None)
    extra_field = {**case_body("P-422"), "surprise": 1}
    assert_problem(api.post("/v1/cases", extra_field, "office"), 422, None)
    bad_query = api.get("/v1/ledger", "office", as_of="yesterday")
    assert_problem(bad_query, 422, None)


def test_problem_422_for_malformed_json_not_500(api: Api) -> None:
    response = api.client.post(
        "/v1/cases",
        content=b'{"number": ',
        headers={
            "Authorization": f"Bearer {api.tokens['office']}",
            "Content-Type": "application/json",
        },
    )
    assert_problem(response, 422, None)


def test_problem_422_from_the_domain_also_has_a_null_rule(api: Api) -> None:
    """A handler must be bound to a unit: plain validation, from the directory."""
    body = {"username": "h", "display_name": "h", "role": "handler"}
    assert_problem(api.post("/v1/users", body, "boot"), 422, None)


# ---------------------------------------------------------------------- bad input: never a 500

INT64_OVER = 2**63  # one past SQLite's largest INTEGER


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/ledger", {"year": INT64_OVER}),
        ("/v1/ledger", {"year": -INT64_OVER - 1}),
        ("/v1/stats/units", {"year": INT64_OVER}),
        ("/v1/stats/visit-compliance", {"year": INT64_OVER}),
        ("/v1/audit/events", {"after": INT64_OVER}),
        ("/v1/ledger", {"cursor": "!!"}),
        ("/v1/ledger/overdue", {"cursor": '{"a": 1}'}),
        ("/v1/ledger", {"as_of": "0001-13-01"}),
        ("/v1/disclosures", {"status": "lost"}),
        ("/v1/ledger", {"limit": 0}),
        ("/v1/ledger", {"limit": 1001}),
    ],
)
def test_out_of_range_query_input_is_422_not_500(
    api: Api, path: str, params: dict[str, Any]
) -> None:
    assert_problem(api.get(path, "auditor", **params), 422, None)


@pytest.mark.parametrize(
    "as_of", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "not-a-time"]
)
def test_history_as_of_out_of_range_is_422_not_500(api: Api, as_of: str) -> None:
    case_id = register_and_assign(api, "AS-H")
    assert_problem(api.get(f"/v1/cases/{case_id}/history", "office", as_of=as_of), 422, None)


def test_history_as_of_with_an_offset_means_the_same_instant(api: Api) -> None:
    case_id = register_and_assign(api, "AS-O")
    utc = api.get(f"/v1/cases/{case_id}/history", "office", as_of="2099-01-01T00:00:00+00:00")
    shanghai = api.get(f"/v1/cases/{case_id}/history", "office", as_of="2099-01-01T08:00:00+08:00")
    assert utc.status_code == shanghai.status_code == 200
    assert utc.json()["events"] == shanghai.json()["events"]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"], ids=["first-day", "last-day"])
def test_extreme_as_of_dates_are_answered(api: Api, as_of: str) -> None:
    case_id = register_and_assign(api, "AS-X")
    for path in (f"/v1/cases/{case_id}", "/v1/ledger", "/v1/ledger/overdue", "/v1/disclosures"):
        assert api.get(path, "office", as_of=as_of).status_code == 200, path


# ---------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (visit_body("FIN", organised_by="HOU"), "R-V1"),
        ({**visit_body(), "visitors": []}, "R-V4"),
        ({**visit_body(), "occurred_on": "2099-01-01"}, "R-X1"),
        ({**visit_body(), "occurred_on": "2025-01-01"}, "R-X1"),
    ],
    ids=["R-V1-organised-by-other", "R-V4-no-visitors", "R-X1-future", "R-X1-before-assignment"],
)
def test_a_refused_command_writes_nothing(api: Api, body: dict[str, Any], rule: str) -> None:
    case_id = register_and_assign(api, "R-1")
    before = api.case(case_id)
    head = api.head()
    assert_problem(api.post(f"/v1/cases/{case_id}/visits", body, "handler_fin"), 409, rule)
    after = api.case(case_id)
    assert after["version"] == before["version"]
    assert after == before
    assert api.head() == head
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()
    assert [e["type"] for e in history["events"]] == ["Registered", "Assigned"]


def test_a_duplicate_number_is_409_and_writes_nothing(api: Api) -> None:
    register_and_assign(api, "D-1")
    head = api.head()
    assert_problem(api.post("/v1/cases", case_body("D-1"), "office"), 409, None)
    assert api.head() == head


# ---------------------------------------------------------------------- answers and reads


def test_a_command_answers_case_id_version_and_events(api: Api) -> None:
    response = api.post("/v1/cases", case_body("A-1"), "office")
    assert response.status_code == 201
    answer = response.json()
    assert {"case_id", "version", "events"} <= answer.keys()
    assert answer["version"] == 1
    (event,) = answer["events"]
    assert event["type"] == "Registered"
    assert isinstance(event["id"], str) and isinstance(event["position"], int)


def test_read_your_writes_ledger_reflects_each_201_at_once(api: Api) -> None:
    for n in range(5):
        case_id = register_and_assign(api, f"L-{n}", lead=("FIN", "HOU", "EDU")[n % 3])
        rows = {
            i["case_id"]: i for i in api.get("/v1/ledger", "office", limit=1000).json()["items"]
        }
        assert rows[case_id]["stage"] == "handling"
        assert rows[case_id]["lead_unit"] == ("FIN", "HOU", "EDU")[n % 3]
        key = {"source": "government", "leader_in_charge": "钱厅长", "occurred_on": "2025-02-03"}
        assert api.post(f"/v1/cases/{case_id}/key", key, "office").status_code == 201
        rows = {
            i["case_id"]: i for i in api.get("/v1/ledger", "office", limit=1000).json()["items"]
        }
        assert rows[case_id]["key"] is True
        assert rows[case_id]["leader_in_charge"] == "钱厅长"


def test_lists_page_with_limit_and_cursor(api: Api) -> None:
    ids = {register_and_assign(api, f"PG-{n}") for n in range(3)}
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 2} if cursor is None else {"limit": 2, "cursor": cursor}
        page = api.get("/v1/ledger", "office", **params).json()
        assert set(page) >= {"items", "next_cursor"}
        seen += [i["case_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert_problem(api.get("/v1/ledger", "office", cursor="!!not-a-cursor"), 422, None)


def test_as_of_on_a_case_changes_its_deadline_statuses(api: Api) -> None:
    case_id = register_and_assign(api, "AS-1", on="2025-02-01")

    def reply_deadline(as_of: str) -> dict[str, Any]:
        deadlines = api.case(case_id, as_of=as_of)["deadlines"]
        found: dict[str, Any] = next(d for d in deadlines if d["kind"] == "reply")
        return found

    early, late = reply_deadline("2025-02-02"), reply_deadline("2025-12-31")
    assert early["due_on"] == late["due_on"]
    assert early["status"] == "pending" and early["days_overdue"] == 0
    assert late["status"] == "overdue" and late["days_overdue"] > 0
    assert reply_deadline(early["due_on"])["status"] == "due_soon"


def test_history_records_the_servers_clock_and_the_callers_dates(api: Api) -> None:
    case_id = register_and_assign(api, "H-1")
    events = api.get(f"/v1/cases/{case_id}/history", "auditor").json()["events"]
    assigned = next(e for e in events if e["type"] == "Assigned")
    assert assigned["occurred_on"] == "2025-02-01"
    recorded_at = datetime.fromisoformat(assigned["recorded_at"].replace("Z", "+00:00"))
    assert recorded_at.tzinfo is not None
    assert abs(datetime.now(UTC) - recorded_at) < timedelta(minutes=5)
    assert assigned["actor"]["role"] == "office"


# ---------------------------------------------------------------------- operations


def test_health_metrics_openapi_and_docs_are_reachable(api: Api) -> None:
    health = api.client.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    metrics = api.client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "banli_projection_position" in metrics.text
    spec = api.client.get("/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for path in ("/v1/cases", "/v1/cases/{case_id}/visits", "/v1/ledger", "/v1/merges"):
        assert path in paths
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]


def test_history_as_of_a_bare_day_holds_that_beijing_days_records_R_X3(api: Api) -> None:
    """ "As of 5 December" is the end of that day as the workbench shows days (Beijing time):
    a case registered this morning is in its history as of today."""
    case_id = register_and_assign(api, "AS-D")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    answer = api.get(f"/v1/cases/{case_id}/history", "office", as_of=today)
    assert answer.status_code == 200, answer.text
    assert [e["type"] for e in answer.json()["events"]][:2] == ["Registered", "Assigned"]
    before = api.get(f"/v1/cases/{case_id}/history", "office", as_of="2000-01-01")
    assert before.status_code == 404  # it did not exist then


def test_an_overlong_idempotency_key_is_refused_and_writes_nothing(api: Api) -> None:
    """A retry token is stored with the command it answers: 100,000 characters of one were."""
    case_id = register_and_assign(api, "IK-1")
    version = api.case(case_id)["version"]
    path = f"/v1/cases/{case_id}/key"
    body = {"source": "cppcc", "leader_in_charge": "王厅长", "occurred_on": "2025-02-05"}
    answer = api.post(path, body, "office", **{"Idempotency-Key": "k" * 256})
    assert_problem(answer, 400, None)
    assert api.case(case_id)["version"] == version
    assert api.post(path, body, "office", **{"Idempotency-Key": "k" * 255}).status_code == 201


def test_history_as_of_judges_deadlines_by_the_calendar_in_force_then_R_X3_R_D7(
    api: Api,
) -> None:
    """A year loaded after the moment asked about moves today's deadlines, not the past
    state's: "as of" is the case with the rule set in force then."""
    case_id = register_and_assign(api, "AS-C")  # assigned 2025-02-01: the reply due in May

    def reply_due(document: dict[str, Any]) -> str:
        return str(next(d["due_on"] for d in document["deadlines"] if d["kind"] == "reply"))

    before = reply_due(api.case(case_id))
    moment = datetime.now(ZoneInfo("UTC")).isoformat()
    loaded = api.client.put(
        "/v1/calendar/2025",
        json={"holidays": [before], "workdays": []},
        headers={"Authorization": f"Bearer {api.tokens['admin']}"},
    )
    assert loaded.status_code in (200, 201), loaded.text
    assert reply_due(api.case(case_id)) != before  # today's reads follow the new year
    then = api.get(f"/v1/cases/{case_id}/history", "office", as_of=moment).json()
    assert reply_due(then["state"]) == before

"""API.md § Conventions: problem+json, Idempotency-Key, If-Match, nothing written on refusal,
read-your-writes, ``as_of``, and the operational endpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import Api, case_body, contact_body, register_and_assign, visit_body

PROBLEM_FIELDS = {"type", "title", "status", "detail", "rule"}


def assert_problem(response: httpx.Response, status: int, rule: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["rule"] == rule
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def version(api: Api, case_id: str) -> int:
    found: int = api.case(case_id)["version"]
    return found


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


# ---------------------------------------------------------------------- idempotency


def test_idempotency_same_key_same_body_replays_the_first_answer(api: Api) -> None:
    case_id = register_and_assign(api, "I-1")
    url = f"/v1/cases/{case_id}/contacts"
    first = api.post(url, contact_body(), "handler_fin", **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.text
    at, head = version(api, case_id), api.head()
    again = api.post(url, contact_body(), "handler_fin", **{"Idempotency-Key": "k-1"})
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert version(api, case_id) == at
    assert api.head() == head


def test_idempotency_replays_the_ids_a_command_answered(api: Api) -> None:
    first = api.post("/v1/cases", case_body("I-2"), "office", **{"Idempotency-Key": "reg"})
    again = api.post("/v1/cases", case_body("I-2"), "office", **{"Idempotency-Key": "reg"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    case_id = first.json()["case_id"]
    body = {"lead_unit": "FIN", "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    reply = {
        "unit": "FIN",
        "classification": "A",
        "consultation_form_ref": "征询表-001",
        "summary": "答复",
        "occurred_on": "2025-04-01",
    }
    url = f"/v1/cases/{case_id}/replies"
    first = api.post(url, reply, "handler_fin", **{"Idempotency-Key": "reply"})
    again = api.post(url, reply, "handler_fin", **{"Idempotency-Key": "reply"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again.json()["reply_id"] == first.json()["reply_id"]
    assert len(api.case(case_id)["replies"]) == 1


def test_idempotency_replay_after_the_case_moved_on_answers_the_first_answer(api: Api) -> None:
    case_id = register_and_assign(api, "I-4")
    url = f"/v1/cases/{case_id}/contacts"
    first = api.post(url, contact_body(), "handler_fin", **{"Idempotency-Key": "first"})
    assert first.status_code == 201, first.text
    later = api.post(url, contact_body(on="2025-02-11"), "handler_fin")
    assert later.status_code == 201, later.text
    at, head = version(api, case_id), api.head()
    again = api.post(url, contact_body(), "handler_fin", **{"Idempotency-Key": "first"})
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert (version(api, case_id), api.head()) == (at, head)


def test_idempotency_key_belongs_to_its_user(api: Api) -> None:
    """Two users may pick the same key: each gets its own first answer."""
    first = api.post("/v1/cases", case_body("I-5"), "office", **{"Idempotency-Key": "same"})
    assert first.status_code == 201, first.text
    case_id = first.json()["case_id"]
    body = {"lead_unit": "FIN", "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    url = f"/v1/cases/{case_id}/contacts"
    other = api.post(url, contact_body(), "handler_fin", **{"Idempotency-Key": "same"})
    assert other.status_code == 201, other.text
    assert other.json()["events"][0]["type"] == "ContactRecorded"


def test_idempotency_same_key_same_body_replays_a_set_up_post(api: Api) -> None:
    body = {"code": "AGR", "name": "农业农村厅"}
    first = api.post("/v1/units", body, "boot", **{"Idempotency-Key": "unit-agr"})
    assert first.status_code == 201, first.text
    again = api.post("/v1/units", body, "boot", **{"Idempotency-Key": "unit-agr"})
    assert again.status_code == 200, again.text
    assert again.json() == first.json()


def test_idempotency_same_key_different_body_is_409_and_writes_nothing(api: Api) -> None:
    case_id = register_and_assign(api, "I-3")
    url = f"/v1/cases/{case_id}/contacts"
    first = api.post(url, contact_body(), "handler_fin", **{"Idempotency-Key": "k"})
    assert first.status_code == 201, first.text
    at, head = version(api, case_id), api.head()
    changed = {**contact_body(), "summary": "另一次沟通"}
    assert_problem(api.post(url, changed, "handler_fin", **{"Idempotency-Key": "k"}), 409, None)
    assert version(api, case_id) == at
    assert api.head() == head


# ---------------------------------------------------------------------- If-Match


def test_if_match_with_a_stale_version_is_409_and_writes_nothing(api: Api) -> None:
    case_id = register_and_assign(api, "V-1")
    at, head = version(api, case_id), api.head()
    url = f"/v1/cases/{case_id}/contacts"
    stale = api.post(url, contact_body(), "handler_fin", **{"If-Match": str(at - 1)})
    assert_problem(stale, 409, None)
    assert version(api, case_id) == at
    assert api.head() == head
    current = api.post(url, contact_body(), "handler_fin", **{"If-Match": str(at)})
    assert current.status_code == 201, current.text
    assert current.json()["version"] == at + 1


def test_if_match_that_is_not_a_version_is_422(api: Api) -> None:
    case_id = register_and_assign(api, "V-2")
    url = f"/v1/cases/{case_id}/contacts"
    response = api.post(url, contact_body(), "handler_fin", **{"If-Match": "yesterday"})
    assert_problem(response, 422, None)


def test_if_match_too_long_to_be_a_version_is_not_500(api: Api) -> None:
    case_id = register_and_assign(api, "V-3")
    url = f"/v1/cases/{case_id}/contacts"
    response = api.post(url, contact_body(), "handler_fin", **{"If-Match": "9" * 5000})
    assert response.status_code in (409, 422), response.text


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


def test_fifty_parallel_contacts_without_if_match_are_all_recorded(backend_api: Api) -> None:
    """API.md v1.1: a command without If-Match that meets a concurrent change is retried on the
    fresh state; 50 independent contacts at once gave 21 x 409 before."""
    from concurrent.futures import ThreadPoolExecutor

    api = backend_api
    case_id = register_and_assign(api, "RACE-1")
    url = f"/v1/cases/{case_id}/contacts"
    bodies = [{**contact_body(), "summary": f"第{i}次联系"} for i in range(50)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda b: api.post(url, b, "handler_fin"), bodies))
    assert sorted(a.status_code for a in answers) == [201] * 50, [a.text for a in answers][:3]
    assert version(api, case_id) == 2 + 50
    summaries = {
        e["data"]["summary"]
        for e in api.get(f"/v1/cases/{case_id}/history", "office").json()["events"]
        if e["type"] == "ContactRecorded"
    }
    assert summaries == {b["summary"] for b in bodies}


def test_with_if_match_a_concurrent_change_is_409_at_once(api: Api) -> None:
    case_id = register_and_assign(api, "RACE-2")
    url = f"/v1/cases/{case_id}/contacts"
    assert api.post(url, contact_body(), "handler_fin", **{"If-Match": "2"}).status_code == 201
    head = api.head()
    stale = api.post(url, contact_body(), "handler_fin", **{"If-Match": "2"})
    assert_problem(stale, 409, None)
    assert api.head() == head


def test_two_workers_racing_on_one_case_without_if_match_both_succeed(backend_api: Api) -> None:
    """Two API processes (two service instances on one store): their per-case turn-taking does
    not reach across, so the store settles each race and the loser runs again on fresh state."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.api.conftest import start

    api = backend_api
    settings = api.services.settings
    other_client, other_services = start(
        settings.data_dir,
        database_url=settings.database_url,
        database_schema=settings.database_schema,
    )
    try:
        other = Api(other_client, other_services, api.tokens)
        case_id = register_and_assign(api, "RACE-3")
        url = f"/v1/cases/{case_id}/contacts"
        jobs = [
            (worker, {**contact_body(), "summary": f"{i}"})
            for i in range(40)
            for worker in (api, other)
        ][:40]
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda job: job[0].post(url, job[1], "handler_fin"), jobs))
        assert sorted(a.status_code for a in answers) == [201] * 40, [a.text for a in answers]
        assert version(api, case_id) == 2 + 40
    finally:
        other_services.close()

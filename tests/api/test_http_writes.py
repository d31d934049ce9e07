"""API.md § Conventions for writes: an Idempotency-Key replays the first answer, If-Match
refuses a stale version, and concurrent commands without If-Match are all recorded (v1.1)."""

from __future__ import annotations

from tests.api.conftest import (
    Api,
    assert_problem,
    case_body,
    contact_body,
    register_and_assign,
    version,
)

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


# ---------------------------------------------------------------------- concurrent writes


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

"""Verify in the background (docs/decisions.md § Anchoring): at 10⁶ events a verify takes
minutes, which outlasts a request. A run is started, reports its stage as it goes, keeps its
answer for any worker to read, runs one at a time, and says so when it failed or its process
stopped."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api import queries
from infra import verify_runs
from infra.verify_runs import VerifyRuns
from tests.api.accounts_support import PASSWORD, browser
from tests.api.conftest import Api, register_and_assign
from tests.api.test_pages import csrf_of, logged_in, page_login


@pytest.fixture(autouse=True)
def quick_beat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_runs, "BEAT", 0.02)


def finished(api: Api, location: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run: dict[str, Any] = api.get(location, "auditor").json()
        if run["status"] != "running":
            return run
        assert time.monotonic() < deadline, f"the run did not finish: {run}"
        time.sleep(0.02)


def test_a_run_gives_the_answer_verify_gives_and_keeps_it(backend_api: Api) -> None:
    api = backend_api
    register_and_assign(api, "V-1")
    assert api.get("/v1/audit/verify/runs/latest", "auditor").status_code == 404
    started = api.post("/v1/audit/verify/runs", {}, "auditor")
    assert started.status_code == 202, started.text
    location = started.headers["location"]
    assert location == f"/v1/audit/verify/runs/{started.json()['run_id']}"
    run = finished(api, location)
    assert run["status"] == "done" and run["error"] is None
    assert run["started_by"] == api.get("/v1/me", "auditor").json()["username"]
    assert run["finished_at"] >= run["started_at"]
    asked = api.get("/v1/audit/verify", "auditor").json()
    assert run["result"] == asked
    assert run["result"]["ok"] is True and run["result"]["events_checked"] == api.head()
    assert api.get("/v1/audit/verify/runs/latest", "admin").json() == run
    assert api.get("/v1/audit/verify/runs/latest", "office").status_code == 403
    assert api.get("/v1/audit/verify/runs/no-such-run", "auditor").status_code == 404


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The verification reports a stage, then waits until the test lets it go."""
    release = threading.Event()
    real = queries.verification

    def verification(svc: Any, progress: Any = None) -> Any:
        progress("trail", 1200, 5000)
        assert release.wait(30)
        return real(svc, progress)

    monkeypatch.setattr(queries, "verification", verification)
    yield release
    release.set()


def test_a_run_under_way_shows_its_stage_and_is_the_only_one(
    backend_api: Api, held: threading.Event
) -> None:
    api = backend_api
    started = api.post("/v1/audit/verify/runs", {}, "auditor")
    assert started.status_code == 202
    location = started.headers["location"]
    deadline = time.monotonic() + 10
    while (run := api.get(location, "auditor").json())["stage"] != "trail":
        assert time.monotonic() < deadline, run
        time.sleep(0.02)
    assert (run["status"], run["done"], run["total"], run["result"]) == (
        "running",
        1200,
        5000,
        None,
    )
    again = api.post("/v1/audit/verify/runs", {}, "admin")  # a second auditor's button
    assert again.status_code == 200 and again.json()["run_id"] == run["run_id"]
    held.set()
    assert finished(api, location)["status"] == "done"
    after = api.post("/v1/audit/verify/runs", {}, "admin")
    assert after.status_code == 202 and after.json()["run_id"] != run["run_id"]
    finished(api, after.headers["location"])


def test_a_failed_run_says_why(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def verification(svc: Any, progress: Any = None) -> Any:
        raise RuntimeError("the chain view could not be read")

    monkeypatch.setattr(queries, "verification", verification)
    started = api.post("/v1/audit/verify/runs", {}, "auditor")
    run = finished(api, started.headers["location"])
    assert run["status"] == "failed" and run["result"] is None
    assert run["error"] == "RuntimeError: the chain view could not be read"


def test_a_run_whose_process_stopped_reads_as_abandoned_and_another_may_start(
    backend_api: Api, held: threading.Event
) -> None:
    """Its row stays running without a heartbeat: the next run must not wait for it forever."""
    api = backend_api
    index = api.services.app.index
    now = [datetime.now(UTC)]
    elsewhere = VerifyRuns(index, lambda: now[0])  # another worker, soon stopped
    stopped, _ = elsewhere.start("auditor-1", lambda report: {})
    elsewhere.wait()
    index.execute(
        "UPDATE banli_verify_runs SET status = 'running' WHERE run_id = ?", (stopped.run_id,)
    )
    assert api.post("/v1/audit/verify/runs", {}, "auditor").status_code == 200  # still fresh
    now[0] += verify_runs.STALE + timedelta(seconds=1)
    assert elsewhere.get(stopped.run_id).status == "abandoned"  # type: ignore[union-attr]
    later = VerifyRuns(index, lambda: now[0])
    run, started = later.start("auditor-2", lambda report: {"ok": True})
    assert started and run.run_id != stopped.run_id
    later.wait()
    assert later.get(stopped.run_id).status == "abandoned"  # type: ignore[union-attr]


def test_verify_reports_each_check_as_it_goes(api: Api) -> None:
    """What a run shows: the chain by position up to the head, then the documents, the audit
    trail by position, the case views' recomputation by aggregate and their comparison by
    table."""
    register_and_assign(api, "V-2")
    reports: list[tuple[str, int, int]] = []
    answer = queries.verification(api.services, lambda *report: reports.append(report))
    assert answer.ok and answer.views_checked_at == api.head()
    stages = list(dict.fromkeys(stage for stage, _, _ in reports))
    assert stages == ["chain", "documents", "trail", "views", "compare"]
    head = api.head()
    chain = [(done, total) for stage, done, total in reports if stage == "chain"]
    assert chain[0] == (0, head) and chain[-1] == (head, head)
    assert all(done <= total for _, done, total in reports)


def test_the_verify_tab_follows_a_run_under_way(api: Api, held: threading.Event) -> None:
    client = logged_in(api, "shen_ji", role="auditor")
    client.post("/audit/verify", data={"_csrf": csrf_of(client, "/audit?tab=verify")})
    deadline = time.monotonic() + 10
    while "审计日志（按日志位置），1,200 / 5,000" not in (
        page := client.get("/audit?tab=verify").text
    ):
        assert time.monotonic() < deadline, page
        time.sleep(0.02)
    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress id="verify-progress" max="5000" value="1200">' in page
    assert 'id="verify-start"' not in page  # one run at a time
    held.set()
    deadline = time.monotonic() + 30
    while 'id="verify-result">完整' not in (page := client.get("/audit?tab=verify").text):
        assert time.monotonic() < deadline, page
        time.sleep(0.02)
    assert "http-equiv" not in page


def test_the_runs_are_kept_newest_first_as_a_record_of_the_checks(api: Api) -> None:
    register_and_assign(api, "V-3")
    auditor = {"username": "shen_ji", "display_name": "沈计", "role": "auditor"}
    assert api.post("/v1/users", {**auditor, "password": PASSWORD}, "boot").status_code == 201
    client = browser(api)
    assert page_login(client, "shen_ji").status_code == 303
    form = {"_csrf": csrf_of(client, "/audit?tab=verify")}
    first = api.post("/v1/audit/verify/runs", {}, "auditor").headers["location"]
    finished(api, first)
    register_and_assign(api, "V-4")
    client.post("/audit/verify", data=form)
    latest = finished(api, "/v1/audit/verify/runs/latest")
    runs = api.get("/v1/audit/verify/runs", "auditor").json()["items"]
    assert [r["run_id"] for r in runs] == [latest["run_id"], first.rsplit("/", 1)[1]]
    assert runs[0]["result"]["events_checked"] > runs[1]["result"]["events_checked"]
    assert len(api.get("/v1/audit/verify/runs", "auditor", limit=1).json()["items"]) == 1
    assert api.get("/v1/audit/verify/runs", "auditor", limit=0).status_code == 422
    page = client.get("/audit?tab=verify").text
    table = page.split('id="verify-runs"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]  # under the header
    assert len(rows) == 2
    # By name, as the header names them (the page's "people" are its events' recorders).
    assert "<td>沈计</td>" in rows[0] and "<td>完整</td>" in rows[0]  # the page's own run
    assert 'id="verify-when">沈计于 ' in page
    assert f'<td class="num">{runs[1]["result"]["events_checked"]:,}</td>' in rows[1]


def test_a_run_kept_in_an_older_shape_is_listed_without_its_answer(api: Api) -> None:
    """A run's answer is kept as JSON; a field the answer gains later must not make every
    list of runs fail on the rows written before it."""
    runs = VerifyRuns(api.services.app.index, lambda: datetime.now(UTC))
    runs.start("auditor-1", lambda report: {"ok": True, "events_checked": 7})
    runs.wait()
    answer = api.get("/v1/audit/verify/runs/latest", "auditor")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["result"]) == ("done", None)
    assert api.get("/v1/audit/verify/runs", "auditor").status_code == 200
    page = logged_in(api, "shen_ji", role="auditor").get("/audit?tab=verify")
    assert page.status_code == 200 and "已校验 7 个事件" in page.text

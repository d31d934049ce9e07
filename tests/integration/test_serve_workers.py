"""``banli serve --workers 2``: real worker processes behind one port, the views kept by one
process beside them. A read that follows a ``201`` reflects it whichever worker answers each
(API.md § Running), and the views keep up when the process keeping them dies (a worker takes
over: ``infra/leadership.py``)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import case_body
from tests.e2e.conftest import free_port
from tests.integration.supervised import Supervised, banli_env, supervising, wait_for
from tests.notice_receivers import Hook, webhook

BOOT = "boot"


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except FileNotFoundError:
        return ""


@pytest.fixture
def hook() -> Iterator[tuple[Hook, str]]:
    with webhook() as received:
        yield received


@pytest.fixture
def server(tmp_path: Path, hook: tuple[Hook, str]) -> Iterator[tuple[Supervised, str]]:
    _, webhook_url = hook
    port = free_port()
    args = ["serve", "--data-dir", str(tmp_path / "data"), "--host", "127.0.0.1"]
    args += ["--port", str(port), "--workers", "2"]
    env = banli_env(bootstrap_admin_token=BOOT, reminder_webhook=webhook_url)
    process = Supervised("server", args, env, tmp_path / "banli.log")
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    with supervising(process):
        wait_for(healthy, "the workers to answer /health", [process])
        yield process, base


def call(base: str, method: str, path: str, token: str, body: object = None) -> httpx.Response:
    """Each call on a new connection, so the kernel may hand it to either worker."""
    headers = {"Authorization": f"Bearer {token}", "Connection": "close"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        return client.request(method, path, json=body)


def office_token(base: str) -> str:
    body = {"username": "office", "display_name": "办公室", "role": "office"}
    answer = call(base, "POST", "/v1/users", BOOT, body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["token"])


def register(base: str, token: str, number: str) -> None:
    answer = call(base, "POST", "/v1/cases", token, case_body(number))
    assert answer.status_code == 201, answer.text


def ledger_numbers(base: str, token: str) -> set[str]:
    answer = call(base, "GET", "/v1/ledger?year=2025", token)
    assert answer.status_code == 200, answer.text
    return {item["number"] for item in answer.json()["items"]}


def workers(pid: int) -> list[int]:
    """The API worker processes of a ``banli serve`` (uvicorn spawns them with
    multiprocessing; its other children are the follower and multiprocessing's tracker)."""
    return [p for p in children(pid) if "spawn_main" in cmdline(p)]


def test_reads_after_writes_reflect_them_on_every_worker(server: tuple[Supervised, str]) -> None:
    process, base = server
    token = office_token(base)
    for n in range(12):
        register(base, token, f"W-{n}")
        # Read at once, on another connection: read-your-writes holds across the workers.
        assert f"W-{n}" in ledger_numbers(base, token)
    assert process.proc is not None and len(workers(process.proc.pid)) == 2


def test_a_worker_takes_over_the_views_when_their_keeper_dies(
    server: tuple[Supervised, str],
) -> None:
    process, base = server
    assert process.proc is not None
    token = office_token(base)
    register(base, token, "BEFORE-1")
    assert "BEFORE-1" in ledger_numbers(base, token)
    followers = [p for p in children(process.proc.pid) if "projections follow" in cmdline(p)]
    assert len(followers) == 1  # the views are kept by one process of their own
    os.kill(followers[0], signal.SIGKILL)
    register(base, token, "AFTER-1")
    wait_for(lambda: "AFTER-1" in ledger_numbers(base, token), "a worker to keep the views")


def test_nothing_serve_started_outlives_it_when_it_is_killed(
    server: tuple[Supervised, str],
) -> None:
    """SIGKILL (the OOM killer, ``docker kill``) gives serve no chance to stop its children:
    the follower notices it was handed to init and stops, the workers see their pipe close.
    An orphan follower would keep the views' lock from the next serve's follower."""
    process, _ = server
    assert process.proc is not None
    started = children(process.proc.pid)
    assert any("projections follow" in cmdline(p) for p in started)
    assert len([p for p in started if "spawn_main" in cmdline(p)]) == 2
    os.kill(process.proc.pid, signal.SIGKILL)
    process.proc.wait(timeout=30)
    wait_for(lambda: not any(cmdline(p) for p in started), "serve's children to stop", seconds=30)


def test_R_S3_the_views_keeper_delivers_the_notices_not_an_api_worker(
    server: tuple[Supervised, str], hook: tuple[Hook, str]
) -> None:
    """The notices' rounds go with the views to their own process: an API worker serving
    requests under load paid for them in its interpreter lock (issue 13). Still one deliverer:
    each notice reaches the webhook once."""
    process, base = server
    token = office_token(base)
    answer = call(base, "POST", "/v1/units", BOOT, {"code": "FIN", "name": "财政厅"})
    assert answer.status_code == 201, answer.text
    case = call(base, "POST", "/v1/cases", token, case_body("N-1")).json()
    body = {"lead_unit": "FIN", "co_units": [], "assigned_on": "2025-02-01"}
    answer = call(base, "POST", f"/v1/cases/{case['case_id']}/assignment", token, body)
    assert answer.status_code == 201, answer.text

    received, _ = hook

    def overdue() -> list[str]:
        return [k for k in received.keys if k.endswith(":reply:FIN:2025-05-06:overdue")]

    wait_for(lambda: bool(overdue()), "the reply's overdue notice at the webhook")
    time.sleep(2.5)  # two more rounds: a second deliverer would have sent it again by now
    assert len(overdue()) == 1
    assert len(received.keys) == len(set(received.keys))  # the week's digest too
    log = process.log.read_text(encoding="utf-8")
    assert log.count("noticing and delivering reminders (R-S3) in this process") == 1

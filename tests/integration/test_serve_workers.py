"""``banli serve --workers 2``: real worker processes behind one port, the views kept by one
process beside them. A read that follows a ``201`` reflects it whichever worker answers each
(API.md § Running), and the views keep up when the process keeping them dies (a worker takes
over: ``infra/leadership.py``)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import case_body
from tests.e2e.conftest import free_port
from tests.integration.supervised import Supervised, banli_env, supervising, wait_for

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
def server(tmp_path: Path) -> Iterator[tuple[Supervised, str]]:
    port = free_port()
    args = ["serve", "--data-dir", str(tmp_path / "data"), "--host", "127.0.0.1"]
    args += ["--port", str(port), "--workers", "2"]
    process = Supervised(
        "server", args, banli_env(bootstrap_admin_token=BOOT), tmp_path / "banli.log"
    )
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

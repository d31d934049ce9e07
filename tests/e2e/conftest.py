"""End-to-end fixtures: the real ``banli serve`` process, driven over HTTP with httpx.

``server`` starts ``.venv/bin/banli serve`` once per session on the embedded default (SQLite in a
temporary data dir), on a free port, with ``BANLI_BOOTSTRAP_ADMIN_TOKEN`` set; it polls
``/health`` (bounded) until the process answers and terminates it at the end (killing it if it
does not exit). ``api`` then creates, over HTTP with the bootstrap admin token, the units and the
users every test acts as (office, leader, supervisor, auditor, one handler per unit) and answers
an :class:`Api` that sends requests as any of them by name.
"""

from __future__ import annotations

import itertools
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.05
START_ATTEMPTS = 3  # a free port may be taken between probing it and the server binding it

UNITS: dict[str, str] = {
    "FIN": "预算处",
    "EDU": "教科文处",
    "HLT": "社会保障处",
    "TRN": "经济建设处",
    "AGR": "农业农村处",
    "TAX": "税政处",
}
# Roles without a unit; every unit also gets a handler, named ``handler:<UNIT>``.
STAFF = ("office", "leader", "supervisor", "auditor")

Json = dict[str, Any]


@dataclass(frozen=True)
class Server:
    base_url: str
    admin_token: str
    data_dir: Path
    log_path: Path
    pid: int


def banli_executable() -> Path:
    """The venv's ``banli`` console script (the interpreter's own venv first)."""
    for candidate in (Path(sys.executable).with_name("banli"), REPO_ROOT / ".venv/bin/banli"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("no banli executable: run `make test` (or pip install -e .) first", pytrace=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(admin_token: str) -> dict[str, str]:
    """The caller's environment without any BANLI_* store setting: the embedded default."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANLI_")}
    env["BANLI_BOOTSTRAP_ADMIN_TOKEN"] = admin_token
    env["PYTHONUNBUFFERED"] = "1"
    return env


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


def wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> bool:
    """Polls ``/health`` until it answers 200 (True), the process exits (False) or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT_S
    with httpx.Client(base_url=base_url, timeout=1.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            try:
                if client.get("/health").status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(POLL_INTERVAL_S)  # readiness polling interval, not synchronisation
    stop(process)
    log = log_path.read_text(errors="replace")
    pytest.fail(f"banli serve did not answer /health within {START_TIMEOUT_S} s:\n{log}")


def start_server(data_dir: Path, admin_token: str) -> tuple[subprocess.Popen[bytes], Server]:
    banli = banli_executable()
    env = server_env(admin_token)
    log = ""
    for attempt in range(START_ATTEMPTS):
        port = free_port()
        log_path = data_dir.parent / f"server-{attempt}.log"
        with log_path.open("wb") as out:
            command = [str(banli), "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1"]
            process = subprocess.Popen(
                [*command, "--port", str(port), "--log-level", "warning"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=data_dir.parent,
            )
        base_url = f"http://127.0.0.1:{port}"
        if wait_until_healthy(process, base_url, log_path):
            return process, Server(base_url, admin_token, data_dir, log_path, process.pid)
        log = log_path.read_text(errors="replace")
    pytest.fail(f"banli serve exited before answering /health ({START_ATTEMPTS} tries):\n{log}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real server process on a fresh temporary data dir, for the whole session."""
    data_dir = tmp_path_factory.mktemp("banli-e2e") / "data"
    process, running = start_server(data_dir, secrets.token_urlsafe(24))
    try:
        yield running
    finally:
        stop(process)


class Api:
    """Sends requests as a named user: ``office``, ``leader``, ``supervisor``, ``auditor``,
    ``admin`` (the bootstrap token) or ``handler:<UNIT>``."""

    def __init__(self, client: httpx.Client, tokens: Mapping[str, str]) -> None:
        self.client = client
        self.tokens = dict(tokens)
        self._numbers = itertools.count(1)

    def headers(self, who: str | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return headers

    def post(
        self, who: str | None, path: str, body: Json, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        return self.client.post(path, json=body, headers=self.headers(who, headers))

    def get(self, who: str | None, path: str, **params: Any) -> httpx.Response:
        query = {k: v for k, v in params.items() if v is not None}
        return self.client.get(path, params=query, headers=self.headers(who))

    def ok(self, who: str, path: str, body: Json, headers: Mapping[str, str] | None = None) -> Json:
        """POSTs a command that must be accepted (201); answers its JSON."""
        response = self.post(who, path, body, headers)
        assert response.status_code == 201, f"POST {path} as {who}: {response.text}"
        answer: Json = response.json()
        return answer

    def refused(
        self, who: str, path: str, body: Json, status: int = 409, rule: str | None = None
    ) -> Json:
        """POSTs a command that must be refused with ``status`` naming ``rule`` (problem+json)."""
        response = self.post(who, path, body)
        assert response.status_code == status, f"POST {path} as {who}: {response.text}"
        assert response.headers["content-type"].startswith("application/problem+json")
        problem: Json = response.json()
        assert problem["status"] == status
        assert problem["rule"] == rule, problem
        return problem

    def read(self, who: str, path: str, **params: Any) -> Json:
        response = self.get(who, path, **params)
        assert response.status_code == 200, f"GET {path} as {who}: {response.text}"
        found: Json = response.json()
        return found

    def case(self, case_id: str, who: str = "office", **params: Any) -> Json:
        return self.read(who, f"/v1/cases/{case_id}", **params)

    def number(self, prefix: str = "E2E") -> str:
        """A case number not used before in this session (unique per kind and year)."""
        return f"{prefix}-{next(self._numbers):04d}"


def create_directory(client: httpx.Client, admin_token: str) -> dict[str, str]:
    """Units and users over HTTP (admin); answers every user's bearer token by name."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    for code, name in UNITS.items():
        response = client.post("/v1/units", json={"code": code, "name": name}, headers=admin)
        assert response.status_code == 201, response.text
    tokens = {"admin": admin_token}
    people: list[tuple[str, str, str | None]] = [(role, role, None) for role in STAFF]
    people += [(f"handler:{code}", "handler", code) for code in UNITS]
    for who, role, unit in people:
        body = {
            "username": f"e2e-{who.replace(':', '-').lower()}",
            "display_name": f"{who} (e2e)",
            "role": role,
            "unit_code": unit,
        }
        response = client.post("/v1/users", json=body, headers=admin)
        assert response.status_code == 201, response.text
        created = response.json()
        assert created["role"] == role and created["unit_code"] == unit
        tokens[who] = created["token"]
    return tokens


@pytest.fixture(scope="session")
def api(server: Server) -> Iterator[Api]:
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        yield Api(client, create_directory(client, server.admin_token))

"""In-process HTTP fixtures: a fresh SQLite store per test (or module), units, one user per role.

Helpers talk to the API only through HTTP, as an outside client would (API.md § Set-up).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.app import create_app
from banli.compose import build_services
from infra import passwords
from infra.clock import Clock, utc_now
from infra.services import Services
from infra.settings import Settings
from tests.postgres_fixture import database_url, pg_env, postgres_dsn  # noqa: F401  (fixtures)

BOOT = "boot"  # the bootstrap admin token of every test server
UNITS = ("FIN", "HOU", "EDU")
UNIT_NAMES = {code: f"{code}厅" for code in UNITS}
# Who → (role, unit): one user per role, and a handler in each of two units.
USERS: dict[str, tuple[str, str | None]] = {
    "office": ("office", None),
    "leader": ("leader", None),
    "supervisor": ("supervisor", None),
    "auditor": ("auditor", None),
    "admin": ("admin", None),
    "handler_fin": ("handler", "FIN"),
    "handler_hou": ("handler", "HOU"),
}
PROPOSERS = [
    {"name": "张三", "type": "deputy", "role": "lead"},
    {"name": "李四", "type": "deputy", "role": "co_signer"},
]


def bearer(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


@dataclass
class Api:
    """A test client on a fresh store, with the bearer token of each user in ``USERS``."""

    client: TestClient
    services: Services
    tokens: dict[str, str]

    def post(self, path: str, body: Any, who: str | None, **headers: str) -> httpx.Response:
        token = self.tokens.get(who, who) if who else None
        response: httpx.Response = self.client.post(
            path, json=body, headers={**bearer(token), **headers}
        )
        return response

    def get(self, path: str, who: str | None, **params: Any) -> httpx.Response:
        token = self.tokens.get(who, who) if who else None
        # No ``params`` at all when none are given: an empty dict would drop the path's query.
        response: httpx.Response = self.client.get(
            path, params=params or None, headers=bearer(token)
        )
        return response

    def case(self, case_id: str, who: str = "office", **params: Any) -> dict[str, Any]:
        response = self.get(f"/v1/cases/{case_id}", who, **params)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    def head(self) -> int:
        """How many events the store holds (``/health``): to prove nothing was written."""
        events: int = self.client.get("/health").json()["events"]
        return events


class FakeClock:
    """The services' clock for sessions, lockouts and token expiry: moved, never slept on."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def start(data_dir: Path, clock: Clock = utc_now, **settings: Any) -> tuple[TestClient, Services]:
    # Notices are noticed and delivered by the tests that are about them, on a day they name.
    settings = {"embedded_notices": False, **settings}
    config = Settings(data_dir=data_dir, bootstrap_admin_token=BOOT, **settings)
    services = build_services(config, clock=clock)
    client = TestClient(create_app(services), raise_server_exceptions=False)
    return client, services


def create_units_and_users(client: TestClient) -> dict[str, str]:
    """Units FIN, HOU, EDU and one user per entry of ``USERS``; answers {who: token}."""
    admin = bearer(BOOT)
    for code in UNITS:
        unit_body = {"code": code, "name": UNIT_NAMES[code]}
        response = client.post("/v1/units", json=unit_body, headers=admin)
        assert response.status_code == 201, response.text
    tokens = {"boot": BOOT}
    for who, (role, unit) in USERS.items():
        body = {"username": who, "display_name": who, "role": role, "unit_code": unit}
        response = client.post("/v1/users", json=body, headers=admin)
        assert response.status_code == 201, response.text
        tokens[who] = response.json()["token"]
    return tokens


def case_body(number: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": number,
        "kind": "suggestion",
        "level": "provincial",
        "year": 2025,
        "title": "关于加强农村公路养护的建议",
        "proposers": PROPOSERS,
        "received_on": "2025-01-20",
    }
    return {**body, **overrides}


def register_and_assign(
    api: Api, number: str, lead: str = "FIN", co: tuple[str, ...] = (), on: str = "2025-02-01"
) -> str:
    """Registers a 2025 suggestion and assigns it (as the office); answers its case id."""
    response = api.post("/v1/cases", case_body(number), "office")
    assert response.status_code == 201, response.text
    case_id: str = response.json()["case_id"]
    body = {"lead_unit": lead, "co_units": list(co), "assigned_on": on}
    response = api.post(f"/v1/cases/{case_id}/assignment", body, "office")
    assert response.status_code == 201, response.text
    return case_id


def contact_body(unit: str = "FIN", on: str = "2025-02-10") -> dict[str, Any]:
    return {
        "unit": unit,
        "phase": "before",
        "channel": "phone",
        "contacted_by": {"name": "王科长", "rank": "科长"},
        "person": "张三",
        "reached": True,
        "summary": "电话沟通办理思路",
        "occurred_on": on,
    }


def visit_body(unit: str = "FIN", organised_by: str = "FIN") -> dict[str, Any]:
    return {
        "unit": unit,
        "organised_by": organised_by,
        "visitors": [{"name": "赵处长", "rank": "处长"}],
        "persons": ["张三"],
        "summary": "面对面听取意见",
        "proposer_opinion": "认可",
        "occurred_on": "2025-02-15",
    }


def extension_body(
    requested_due_on: str, on: str, unit: str = "FIN", kind: str = "reply"
) -> dict[str, Any]:
    """``unit`` asks on ``on`` for its ``kind`` deadline to move to ``requested_due_on``."""
    return {
        "unit": unit,
        "deadline_kind": kind,
        "reason": "涉及多部门协调",
        "requested_due_on": requested_due_on,
        "occurred_on": on,
    }


def co_opinion_body(unit: str, on: str) -> dict[str, Any]:
    return {
        "unit": unit,
        "summary": "会办意见",
        "disclosure_opinion": "proactive",
        "occurred_on": on,
    }


def reply_body(unit: str = "FIN") -> dict[str, Any]:
    return {
        "unit": unit,
        "classification": "A",
        "disclosure": "proactive",
        "consultation_form_ref": "征询表-001",
        "summary": "答复正文摘要",
        "occurred_on": "2025-04-01",
    }


@pytest.fixture(autouse=True, scope="package")
def quick_password_hashing() -> Iterator[None]:
    """The same argon2id at its lowest cost: at production cost (tests/unit/test_passwords.py)
    each hash or login takes a good tenth of a second, and these tests make hundreds. Package
    scope: the production hasher is back for the tests after this folder's."""
    with pytest.MonkeyPatch.context() as patch:
        quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        patch.setattr(passwords, "HASHER", quick)
        yield


@pytest.fixture
def admin_token() -> str:
    return BOOT


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """A fresh server and store for one test, with its units and users."""
    client, services = start(tmp_path / "data")
    try:
        yield Api(client, services, create_units_and_users(client))
    finally:
        services.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timed_api(tmp_path: Path, clock: FakeClock) -> Iterator[Api]:
    """``api`` whose services tell the time by ``clock``."""
    client, services = start(tmp_path / "data", clock)
    try:
        yield Api(client, services, create_units_and_users(client))
    finally:
        services.close()


@pytest.fixture(scope="module")
def module_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One server and store shared by a module's tests (for large parametrized tables)."""
    client, services = start(tmp_path_factory.mktemp("data"))
    try:
        yield Api(client, services, create_units_and_users(client))
    finally:
        services.close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """A fresh server on each event-store backend: what one store refuses, none may accept."""
    settings: dict[str, Any] = {}
    if request.param == "postgres":
        env: dict[str, str] = request.getfixturevalue("pg_env")
        settings = {"database_url": database_url(env), "database_schema": env["POSTGRES_SCHEMA"]}
    client, services = start(tmp_path / "data", **settings)
    try:
        yield Api(client, services, create_units_and_users(client))
    finally:
        services.close()


@pytest.fixture
def client(api: Api) -> TestClient:
    return api.client


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

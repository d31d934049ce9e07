"""Helpers of the users-and-sessions tests (API.md v1.1 § Users and sessions)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Api

PASSWORD = "correct horse battery staple"


def new_user(
    api: Api,
    username: str,
    role: str = "office",
    unit: str | None = None,
    password: str | None = PASSWORD,
) -> str:
    """Creates a user (as the bootstrap admin); answers its first token."""
    body: dict[str, Any] = {"username": username, "display_name": username, "role": role}
    if unit is not None:
        body["unit_code"] = unit
    if password is not None:
        body["password"] = password
    response = api.post("/v1/users", body, "boot")
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


def works(api: Api, token: str) -> bool:
    """Whether the token authenticates now (401 otherwise; anything else is a test failure)."""
    status = api.get("/v1/me", token).status_code
    assert status in (200, 401), status
    return status == 200


def grant(api: Api, username: str, who: str = "admin", **body: Any) -> str:
    response = api.post(f"/v1/users/{username}/tokens", body, who)
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


def browser(api: Api, *, https: bool = False) -> TestClient:
    """A client of its own (its own cookie jar) on the same server."""
    base = "https://testserver" if https else "http://testserver"
    return TestClient(api.client.app, base_url=base, raise_server_exceptions=False)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    response: httpx.Response = client.post(
        "/v1/session", json={"username": username, "password": password}
    )
    return response


def audit_events(api: Api) -> list[dict[str, Any]]:
    """The whole global log, as the auditor reads it."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1000}
        if cursor is not None:
            params["cursor"] = cursor
        page = api.get("/v1/audit/events", "auditor", **params)
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def counted_reads(api: Api, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The ids of the aggregates the server reads from its repository from now on, in order."""
    reads: list[object] = []
    repository = api.services.app.repository
    real_get = repository.get

    def counted(aggregate_id: Any, *args: Any, **kwargs: Any) -> Any:
        reads.append(aggregate_id)
        return real_get(aggregate_id, *args, **kwargs)

    monkeypatch.setattr(repository, "get", counted)
    return reads

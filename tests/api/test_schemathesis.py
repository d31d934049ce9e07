"""Property-based: requests generated from /openapi.json never get a 5xx (API.md: "Never a
``500`` for bad input").

Each request carries the bearer token of a role that may call the operation, so it passes
authentication and the role check and reaches the handler; most generated path ids are swapped
for the ids of a real case, reply and reassignment request, so the domain sees the bodies.
Generation is derandomized and bounded, so the run is deterministic and quick.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from starlette.types import ASGIApp, Receive, Scope, Send

from api.app import create_app
from banli.compose import build_services
from infra.settings import Settings
from tests.api.conftest import (
    BOOT,
    Api,
    contact_body,
    create_units_and_users,
    register_and_assign,
    reply_body,
)

# The schema is read from an app at import time, in every test process, whether or not it runs
# this module. That app keeps no read models, so no thread of it runs from collection on (one
# inside SQLite at a fork wedges the parallel rebuild's children); the requests go to a live
# app that the module's fixture starts and closes.
SCHEMA_DIR = Path(tempfile.mkdtemp(prefix="banli-schemathesis-"))
atexit.register(partial(shutil.rmtree, SCHEMA_DIR, ignore_errors=True))
SCHEMA_APP = create_app(
    build_services(Settings(data_dir=SCHEMA_DIR, bootstrap_admin_token=BOOT), embedded=False)
)
LIVE: list[ASGIApp] = []  # the app the running module's fixture serves


async def without_lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    """The live app (the schema's before there is one) minus its lifespan: schemathesis ends an
    ASGI app's lifespan after every test item, and the app's shutdown stops its projections for
    good; the module's fixture closes them."""
    if scope["type"] != "lifespan":
        await (LIVE[-1] if LIVE else SCHEMA_APP)(scope, receive, send)
        return
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


schema = schemathesis.openapi.from_asgi("/openapi.json", without_lifespan)

# Who calls what (API.md "Who does what"): a role allowed to, so the request reaches the handler.
ROLE_BY_SUFFIX = {
    "/decision": "office",
    "/reassignment-requests": "handler_fin",
    "/ruling": "leader",
    "/approval": "leader",
    "/responsibilities": "handler_fin",
    "/contacts": "handler_fin",
    "/visits": "handler_fin",
    "/visit-declined": "handler_fin",
    "/on-site-handlings": "handler_fin",
    "/disclosure-preference": "handler_fin",
    "/co-opinions": "handler_hou",
    "/replies": "handler_fin",
    "/issue": "handler_fin",
    "/disclosure": "handler_fin",
    "/reminders": "supervisor",
    "/reassessments": "supervisor",
}


def who_calls(method: str, path: str) -> str:
    if path.startswith(("/v1/units", "/v1/users", "/v1/calendar")):
        return "boot"
    if path.startswith("/v1/audit"):
        return "auditor"
    if method == "POST":
        return next((r for s, r in ROLE_BY_SUFFIX.items() if path.endswith(s)), "office")
    return "office"


class Seeded:
    """A case (lead FIN, co HOU) with a contact, a submitted reply and a reassignment request."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.case_id = register_and_assign(api, "S-1", co=("HOU",))
        api.post(f"/v1/cases/{self.case_id}/contacts", contact_body(), "handler_fin")
        reply = api.post(f"/v1/cases/{self.case_id}/replies", reply_body(), "handler_fin")
        self.reply_id: str = reply.json()["reply_id"]
        request = api.post(
            f"/v1/cases/{self.case_id}/reassignment-requests",
            {"unit": "HOU", "reason": "不属本单位职能", "occurred_on": "2025-02-04"},
            "handler_hou",
        )
        self.request_id: str = request.json()["request_id"]

    def use_real_ids(self, case: schemathesis.Case[Any]) -> None:
        """Swaps three in four generated ids for real ones (chosen by the generated value)."""
        real = {"case_id": self.case_id, "reply_id": self.reply_id, "request_id": self.request_id}
        params = case.path_parameters or {}
        for name, value in list(params.items()):
            if name in real and zlib.crc32(str(value).encode()) % 4:
                params[name] = real[name]


@dataclass(frozen=True)
class Known5xx:
    """Bad input that once made a 500 (found by these tests, since fixed): each request must
    now be refused with a 4xx."""

    bug: str
    paths: tuple[str, ...]
    cause: type[Exception]
    messages: tuple[str, ...]  # the error's message contains one of these
    requests: tuple[str, ...]

    def matches(self, case: schemathesis.Case[Any], error: Exception) -> bool:
        return (
            case.path in self.paths
            and isinstance(error, self.cause)
            and any(m in str(error) for m in self.messages)
        )


INT64_OVER = "9223372036854775808"  # 2**63: one past SQLite's largest INTEGER
DIGITS_5000 = "1" * 5000  # past Python's 4300-digit limit for int(str)
KNOWN_5XX = (
    Known5xx(
        "BUG-1a: /v1/audit/events passes a digit `cursor` to SQLite unbounded",
        ("/v1/audit/events",),
        OverflowError,
        ("Python int too large to convert to SQLite INTEGER",),
        (f"/v1/audit/events?cursor={INT64_OVER}",),
    ),
    Known5xx(
        "BUG-1b: /v1/audit/events tests the `cursor` with str.isdigit(), which accepts "
        "digits int() refuses ('²') and more than 4300 digits",
        ("/v1/audit/events",),
        ValueError,
        ("invalid literal for int()", "Exceeds the limit (4300 digits)"),
        ("/v1/audit/events?cursor=%C2%B2", f"/v1/audit/events?cursor={DIGITS_5000}"),
    ),
    Known5xx(
        "BUG-2: a deeply nested JSON `cursor` raises RecursionError, which the ledger's "
        "cursor check (ValueError, TypeError, KeyError, OverflowError) lets through",
        ("/v1/ledger", "/v1/ledger/overdue"),
        RecursionError,
        ("maximum recursion depth exceeded",),
        ("/v1/ledger?cursor=" + "%5B" * 5000, "/v1/ledger/overdue?cursor=" + "%5B" * 5000),
    ),
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), bootstrap_admin_token=BOOT)
    services = build_services(settings)
    LIVE.append(create_app(services))
    client = TestClient(LIVE[-1], raise_server_exceptions=False)  # no lifespan: not a context
    try:
        yield Seeded(Api(client, services, create_units_and_users(client)))
    finally:
        LIVE.clear()
        services.close()


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_for_any_generated_request(
    case: schemathesis.Case[Any], seeded: Seeded
) -> None:
    seeded.use_real_ids(case)
    token = seeded.api.tokens[who_calls(case.method.upper(), case.path)]
    headers = {"Authorization": f"Bearer {token}"}
    try:
        response = case.call(headers=headers)
    except Exception as error:  # the app answered 500 and re-raised its unhandled error
        raise AssertionError(f"500 for {case.as_curl_command(headers)}: {error!r}") from error
    assert response.status_code < 500, (
        f"{response.status_code} for {case.as_curl_command(headers)}\n{response.text}"
    )


@pytest.mark.parametrize(
    ("known", "request_path"),
    [
        pytest.param(
            known,
            path,
            id=f"{known.bug.split(':')[0]}-{n}",
        )
        for known in KNOWN_5XX
        for n, path in enumerate(known.requests)
    ],
)
def test_bad_input_that_once_caused_a_500_is_refused_cleanly(
    seeded: Seeded, known: Known5xx, request_path: str
) -> None:
    response = seeded.api.get(request_path, who_calls("GET", request_path))
    assert response.status_code < 500, f"{known.bug}: GET {request_path} → {response.text}"

"""Real answers match the response schemas of ``/openapi.json``: what a client generated from
the document expects is what the server sends.

A small demo year (merges, withheld and published replies, re-handling, reassessments, key
cases, declined visits …) and one correction are read through every read route, as the office
and as a handler; schemathesis validates each answer against its operation's documented
response. Every object schema of the document is closed first (``additionalProperties:
false``), so a key that an answer carries and its response model does not declare fails here
as much as a missing or mistyped one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient

from demo import load_demo
from demo.accounts import create_demo_accounts, demo_token
from infra.services import Services
from tests.api.conftest import bearer, start

# Two routes answering to one operation id would make the document ambiguous for a client.
pytestmark = pytest.mark.filterwarnings("error:Duplicate Operation ID")
OFFICE, HANDLER = demo_token("office"), demo_token("handler", "FIN")
AS_OF = "2025-12-31"


class Demo:
    """A server on a demo year; ``checked`` validates a GET's answer and returns its body."""

    def __init__(self, client: TestClient, services: Services) -> None:
        self.client = client
        self.schema = schemathesis.openapi.from_dict(closed(client.get("/openapi.json").json()))
        self.services = services

    def answer(self, response: httpx.Response, path: str, method: str = "GET") -> Any:
        assert response.status_code in (200, 201), response.text
        self.schema[path][method].validate_response(response)
        return response.json()

    def checked(self, path: str, who: str | None = OFFICE, **params: Any) -> Any:
        url = path.format(**params)
        query = {k: v for k, v in params.items() if "{" + k + "}" not in path}
        response = self.client.get(url, params=query or None, headers=bearer(who))
        return self.answer(response, path)


def closed(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every object of its components closed to undeclared keys."""
    for schema in document["components"]["schemas"].values():
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
    return document


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    client, services = start(Path(tmp_path_factory.mktemp("demo")))
    try:
        load_demo(services.app, scale=0.1)
        create_demo_accounts(services.directory)
        yield Demo(client, services)
    finally:
        services.close()


def case_ids(demo: Demo, who: str) -> list[str]:
    ledger = demo.checked("/v1/ledger", who, as_of=AS_OF, limit=1000)
    return [item["case_id"] for item in ledger["items"]]


def test_case_documents_and_histories_match_their_schemas(demo: Demo) -> None:
    documents = [
        demo.checked("/v1/cases/{case_id}", OFFICE, case_id=case_id, as_of=AS_OF)
        for case_id in case_ids(demo, OFFICE)
    ]
    # The demo reaches every optional part of a case's shape.
    assert any(d["merge"] and d["merge"]["answered_by"] for d in documents)
    assert any(d["key_source"] for d in documents)
    assert any(s["status"] == "withheld" for d in documents for s in d["disclosures"].values())
    assert any(r["further"] for d in documents for r in d["replies"])
    assert any(dl["status"] == "missed" for d in documents for dl in d["deadlines"])
    for case_id in case_ids(demo, HANDLER)[:5]:
        demo.checked("/v1/cases/{case_id}", HANDLER, case_id=case_id)
        demo.checked("/v1/cases/{case_id}/history", HANDLER, case_id=case_id)


def test_a_correction_and_the_history_that_links_it_match_their_schemas(demo: Demo) -> None:
    events = demo.checked("/v1/audit/events", demo_token("auditor"), limit=1000)["items"]
    contact = next(e for e in events if e["type"] == "ContactRecorded")
    path = "/v1/cases/{case_id}/corrections"
    body = {"event_id": contact["id"], "reason": "摘要记录有误", "corrected": {"summary": "更正"}}
    response = demo.client.post(
        path.format(case_id=contact["case_id"]), json=body, headers=bearer(OFFICE)
    )
    demo.answer(response, path, "POST")
    history = demo.checked("/v1/cases/{case_id}/history", case_id=contact["case_id"])
    assert any(e["corrects"] for e in history["events"])
    assert any(e["corrected_by"] for e in history["events"])


@pytest.mark.parametrize("who", [OFFICE, HANDLER], ids=["office", "handler"])
def test_registers_and_measures_match_their_schemas(demo: Demo, who: str) -> None:
    ledger = demo.checked("/v1/ledger", who, as_of=AS_OF, limit=3)
    assert ledger["next_cursor"] is not None
    demo.checked("/v1/ledger", who, as_of=AS_OF, cursor=ledger["next_cursor"], overdue="true")
    demo.checked("/v1/ledger/overdue", who, as_of="2025-06-30")
    stats = demo.checked("/v1/stats/units", who, as_of=AS_OF, year=2025)
    assert (stats["total"] is None) == (who == HANDLER)
    demo.checked("/v1/stats/visit-compliance", who, year=2025)
    register = demo.checked("/v1/disclosures", who, as_of=AS_OF)
    assert {i["status"] for i in register["items"]} >= {"published", "withheld"}
    demo.checked("/v1/commitments", who, include_closed="true")
    demo.checked("/v1/me", who)
    found = demo.checked("/v1/cases", who, q="改造", limit=3)
    assert found["items"] and found["next_cursor"] is not None
    demo.checked("/v1/cases", who, q="改造", cursor=found["next_cursor"])
    demo.checked("/v1/cases", who, year=2025, kind="proposal", limit=2)


def test_audit_verification_and_health_match_their_schemas(demo: Demo) -> None:
    auditor = demo_token("auditor")
    page = demo.checked("/v1/audit/events", auditor, after=3, limit=2)
    assert page["next_cursor"] is not None
    verified = demo.checked("/v1/audit/verify", auditor)
    assert verified["ok"] is True
    assert demo.checked("/health", None).keys() == {"status", "events"}

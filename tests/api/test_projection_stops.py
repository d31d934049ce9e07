"""Over HTTP: a read model stopped by an event it cannot apply answers its readers 503 at once,
naming the view and the position, while /health says degraded, /metrics counts it, commands
and the other reads keep working (the trust issue's NUL wedge, in general)."""

from __future__ import annotations

import time

import pytest

from projections.ledger import LedgerView
from tests.api.conftest import Api, case_body, contact_body, register_and_assign
from tests.integration.test_projection_failures import REAL_ROWS, poisoned_rows


def test_a_stopped_view_is_loud_and_contained(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LedgerView, "rows", poisoned_rows)
    good = register_and_assign(api, "OK-1")
    assert api.post("/v1/cases", case_body("BAD-1"), "office").status_code == 201
    bad_position = api.head()

    started = time.monotonic()
    ledger = api.get("/v1/ledger", "office")
    assert ledger.status_code == 503, ledger.text
    assert time.monotonic() - started < 2, "the read waited instead of answering at once"
    detail = ledger.json()["detail"]
    assert "ledger" in detail and f"position {bad_position}" in detail
    assert api.get("/v1/stats/units", "office").status_code == 200
    assert api.get("/v1/audit/events", "auditor").status_code == 200
    contact = api.post(f"/v1/cases/{good}/contacts", contact_body(), "handler_fin")
    assert contact.status_code == 201  # writes keep working

    health = api.client.get("/health").json()
    assert health["status"] == "degraded"
    assert [(v["view"], v["position"]) for v in health["stopped_views"]] == [
        ("ledger", bad_position)
    ]
    # Verify still answers: the chain is intact; the case views are not compared, and it says so.
    verified = api.get("/v1/audit/verify", "auditor")
    assert verified.status_code == 200, verified.text
    assert (verified.json()["ok"], verified.json()["views_checked_at"]) == (True, None)
    metrics = api.client.get("/metrics").text
    assert 'banli_projection_stopped{generation="1",projection="ledger"} 1.0' in metrics
    assert 'banli_projection_stopped{generation="1",projection="audit_trail"} 0.0' in metrics

    monkeypatch.setattr(LedgerView, "rows", REAL_ROWS)  # fixed; the runner tries again
    projections = api.services.projections
    assert projections is not None and projections.runner is not None
    runner = projections.runner
    runner.retry_seconds = 0.0
    runner.stopped = {name: (failure, 0.0) for name, (failure, _) in runner.stopped.items()}
    projections.notify(0)
    deadline = time.monotonic() + 10
    while api.get("/v1/ledger", "office").status_code != 200:
        assert time.monotonic() < deadline, "the ledger did not resume"
        time.sleep(0.05)
    assert api.client.get("/health").json()["status"] == "ok"
    numbers = {i["number"] for i in api.get("/v1/ledger", "office").json()["items"]}
    assert numbers == {"OK-1", "BAD-1"}

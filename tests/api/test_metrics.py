"""``/metrics`` through ``prometheus_client``: requests by route template and status, commands
by type, outcome and refusing rule; each view's lag in its transport's unit; and the request
id that ties an answer, its log lines and the events it wrote together."""

from __future__ import annotations

import json
import logging

import pytest
from eventsourcing.persistence import Tracking, TrackingRecorder
from prometheus_client.parser import text_string_to_metric_families

from banli.compose import reminders
from infra import metrics as metrics_module
from infra.json_logs import JsonFormatter
from infra.metrics import StoreCollector
from infra.positions import NOTICE_VIEWS, kafka_offset_name, notices_log_name
from infra.settings import Settings
from infra.telemetry import request_id
from projections.registry import KAFKA_FED
from tests.api.conftest import Api, contact_body, register_and_assign, visit_body


def sample(api: Api, name: str, **labels: str) -> float:
    """The value of one sample of ``/metrics`` (0 when it is absent)."""
    text = api.client.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


def test_a_refused_command_is_counted_by_its_type_and_rule_R_V1(api: Api) -> None:
    case_id = register_and_assign(api, "M-1")
    refusals = {"command": "RecordVisit", "rule": "R-V1"}
    before = sample(api, "banli_command_refusals_total", **refusals)
    refused = sample(api, "banli_commands_total", command="RecordVisit", outcome="refused")
    body = visit_body("FIN", organised_by="FIN-COUNTY")
    assert api.post(f"/v1/cases/{case_id}/visits", body, "handler_fin").status_code == 409
    assert sample(api, "banli_command_refusals_total", **refusals) == before + 1
    after = sample(api, "banli_commands_total", command="RecordVisit", outcome="refused")
    assert after == refused + 1


def test_request_latency_is_observed_per_route_template_and_status(api: Api) -> None:
    case_id = register_and_assign(api, "M-2")
    labels = {"route": "/v1/cases/{case_id}", "method": "GET", "status": "200"}
    before = sample(api, "banli_http_request_duration_seconds_count", **labels)
    api.case(case_id)
    assert api.get("/v1/cases/no-such-case", "office").status_code == 404
    assert sample(api, "banli_http_request_duration_seconds_count", **labels) == before + 1
    missing = {**labels, "status": "404"}
    assert sample(api, "banli_http_request_duration_seconds_count", **missing) >= 1


def test_the_request_id_is_answered_and_stored_beside_the_events_it_wrote(api: Api) -> None:
    case_id = register_and_assign(api, "M-3")
    headers = {"X-Request-ID": "trace-42"}
    answer = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin", **headers)
    assert answer.status_code == 201, answer.text
    assert answer.headers["x-request-id"] == "trace-42"
    version = answer.json()["version"]
    assert api.services.app.index.requests_of(case_id)[version] == "trace-42"


def test_an_unfit_request_id_is_replaced_by_a_new_one(api: Api) -> None:
    answer = api.client.get("/health", headers={"X-Request-ID": "x" * 65})
    given = answer.headers["x-request-id"]
    assert given != "x" * 65 and len(given) == 32


def test_log_lines_are_json_with_the_request_id() -> None:
    record = logging.LogRecord("banli", logging.INFO, __file__, 1, "saved %s", ("件",), None)
    record.route = "/v1/cases"
    token = request_id.set("trace-7")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "saved 件" and line["level"] == "info"
    assert line["request_id"] == "trace-7" and line["route"] == "/v1/cases"


def test_kafka_fed_views_report_their_lag_in_offsets_and_events_behind_the_head(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Kafka shape once reported its views at position 0, a lag of the whole log forever."""
    register_and_assign(api, "M-4")
    services = api.services
    settings = Settings(
        data_dir=services.settings.data_dir,
        kafka_bootstrap="broker:9092",
        kafka_partitions=2,
        embedded_projections=False,
    )
    store = services.views
    assert isinstance(store, TrackingRecorder)  # where the consumers commit their offsets
    reminders(settings, services.app, store)  # the notices' tables, as `banli consume reminders`
    group, topic = settings.kafka_group, settings.kafka_topic
    store.insert_tracking(Tracking(kafka_offset_name(group, topic, 0), 3))
    store.insert_tracking(Tracking(kafka_offset_name(group, topic, 1), 1))
    monkeypatch.setattr(metrics_module, "_end_offsets", lambda _: {0: 5, 1: 2})
    head = services.app.recorder.max_notification_id() or 0

    found = {
        (s.name, s.labels.get("projection", ""), s.labels.get("unit", "")): s.value
        for family in StoreCollector(services.app, store, settings).collect()
        for s in family.samples
    }
    for view in KAFKA_FED:
        assert found[("banli_projection_lag", view, "offsets")] == 3  # (5-3) + (2-1)
        # Nothing relayed yet: the whole log is before the broker, then 3 messages.
        assert found[("banli_projection_events_behind_head", view, "")] == head + 3
        assert ("banli_projection_lag", view, "events") not in found
    assert found[("banli_projection_lag", "tamper_chain", "events")] >= 0
    # The notices are kept by the reminders group, which has read nothing: all 7 messages.
    for view in NOTICE_VIEWS:
        assert found[("banli_projection_lag", view, "offsets")] == 7
        assert found[("banli_projection_events_behind_head", view, "")] == head + 7
        assert ("banli_projection_lag", view, "events") not in found


def collected(api: Api) -> dict[tuple[str, str, str], float]:
    services = api.services
    return {
        (s.name, s.labels.get("projection", ""), s.labels.get("unit", "")): s.value
        for family in StoreCollector(services.app, services.views, services.settings).collect()
        for s in family.samples
    }


def test_the_notices_report_the_follower_s_position_not_a_whole_log_behind(api: Api) -> None:
    """The notices' tables are written by the notices follower, at a position of its own: their
    generations' positions stayed 0, so /metrics showed them a whole log behind for ever."""
    register_and_assign(api, "M-5")
    services = api.services
    store = services.views
    assert isinstance(store, TrackingRecorder)
    reminders(services.settings, services.app, store)  # the notices' tables, as the follower
    head = services.app.recorder.max_notification_id() or 0
    store.insert_tracking(Tracking(notices_log_name(), head - 1))  # the follower, one behind
    found = collected(api)
    for view in NOTICE_VIEWS:
        assert found[("banli_projection_position", view, "")] == head - 1
        assert found[("banli_projection_lag", view, "events")] == 1
        assert found[("banli_projection_events_behind_head", view, "")] == 1
    # Only the notices: another view's position is its own.
    assert found[("banli_projection_position", "ledger", "")] <= head

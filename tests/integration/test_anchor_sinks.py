"""Anchors on a real Kafka topic, the periodic anchor process, and ``GET /v1/audit/verify``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from kafka import KafkaProducer

from api.app import create_app
from banli.compose import build_services
from infra.anchor_sinks import KafkaSink, configured_sinks
from infra.anchoring import anchor_once
from infra.chain_audit import anchor_key
from infra.projection_runner import ProjectionRunner, rebuild
from projections import registry
from tests.support import Flow
from tests.tampering import Deployment, settings_for

BANLI = Path(sys.executable).with_name("banli")


def _history(d: Deployment, cases: int = 3) -> None:
    for i in range(cases):
        Flow(d.app, f"K-{i}").assign()
    ProjectionRunner(d.app, d.store).run()


def _anchor(d: Deployment) -> None:
    anchor_once(d.app, d.store, configured_sinks(d.settings), anchor_key(d.settings))


def test_anchors_on_a_kafka_topic_outlive_a_rewritten_store_R_X2(
    store_env: dict[str, str], tmp_path: Path, kafka_bootstrap: str, kafka_topic: str
) -> None:
    settings = settings_for(
        store_env, tmp_path, kafka_bootstrap=kafka_bootstrap, anchor_topic=kafka_topic
    )
    d = Deployment.of(settings)
    _history(d)
    _anchor(d)
    [line] = KafkaSink(settings).lines()
    assert '"position":6' in line.text and line.text == d.anchor_lines()[0]
    assert d.verify().verification.anchors_checked == 1  # the same anchor in both sinks: once

    # The file is gone (its host lost, or its owner colluding): the topic alone still speaks.
    assert settings.anchor_file is not None
    settings.anchor_file.unlink()
    d.edit_event(4, b'"lead_unit":"FIN"', b'"lead_unit":"EDU"')
    rebuild(d.app, d.store, registry.NAMES)  # a thorough insider
    found = d.verify()
    assert (found.ok, found.first_bad_position, found.verification.anchors_checked) == (
        False,
        6,
        1,
    )

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    forged = '{"anchored_at":"x","format":"banli-chain/2","head":"x","hmac":"00","position":6}'
    producer.send(kafka_topic, forged.encode()).get(timeout=30)
    producer.close()
    problems = d.verify().anchor_problems
    assert any(f"{kafka_topic} partition 0 offset 1: forged anchor" in p for p in problems)


def test_an_unreachable_anchor_sink_is_a_problem_not_a_pass(tmp_path: Path) -> None:
    sqlite = {"PERSISTENCE_MODULE": "eventsourcing.sqlite"}  # the sink is what is under test
    d = Deployment.of(settings_for(sqlite, tmp_path, kafka_bootstrap="127.0.0.1:9"))
    _history(d, cases=1)
    found = d.verify()
    assert not found.ok and "could not be read" in (found.reason or "")


def test_the_periodic_anchor_process_follows_the_log(
    store_env: dict[str, str], tmp_path: Path
) -> None:
    d = Deployment.of(settings_for(store_env, tmp_path))
    _history(d, cases=1)
    command = [str(BANLI), "audit", "anchor", "--follow", "--interval", "0.2"]
    process = subprocess.Popen(
        command,
        env={**os.environ, **d.environ()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_anchor(process, position=2)
        Flow(d.app, "K-9").assign()
        _wait_for_anchor(process, position=4)
        d.edit_event(1, b'"number":"K-0"', b'"number":"K-X"')
        # A rewritten store stops the anchoring process, loudly.
        assert process.wait(timeout=60) == 1
        assert process.stderr is not None
        assert "refusing to anchor: tampering at position 1" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()  # only the process this test started
            process.wait()
    assert [line.count('"position":') for line in d.anchor_lines()] == [1, 1]


def _wait_for_anchor(process: subprocess.Popen[str], position: int) -> None:
    """Reads the process's report line by line (one per round) until it anchored ``position``."""
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if line.startswith(f"anchored position {position}:"):
            return
        assert time.monotonic() < deadline, f"no anchor for position {position}"
    raise AssertionError(f"the anchor process ended: {process.wait()}")


def test_verify_over_http_reports_the_anchors_R_X2(
    store_env: dict[str, str], tmp_path: Path
) -> None:
    settings = settings_for(store_env, tmp_path, bootstrap_admin_token="boot")
    services = build_services(settings)
    try:
        d = Deployment(settings, services.app, services.views)
        for i in range(3):
            Flow(d.app, f"H-{i}").assign()
        client = TestClient(create_app(services))
        verify = {"Authorization": "Bearer boot"}
        intact = client.get("/v1/audit/verify", headers=verify).json()
        assert intact == {
            "ok": True,
            "events_checked": 6,
            "first_bad_position": None,
            "anchors_checked": 0,
            "anchored_position": None,
            "anchor_problems": [],
            "findings": [],
            "reason": None,
            "documents_checked": 0,
            "trail_rows_checked": 6,
            "view_rows_checked": 21,
            "views_checked_at": 6,
        }
        _anchor(d)
        d.move_recorded_at(4, "2099-01-01T00:00:00+00:00")
        rebuild(d.app, d.store, registry.NAMES)  # a thorough insider
        found = client.get("/v1/audit/verify", headers=verify).json()
        # It failed once in CI reading 4 (not reproduced in 20 runs under load): the findings
        # in the message say which check saw what, should it fail again.
        assert (found["ok"], found["first_bad_position"], found["anchors_checked"]) == (
            False,
            6,
            1,
        ), found["findings"]
        assert found["anchored_position"] == 6 and "anchor of position 6" in found["reason"]
    finally:
        services.close()

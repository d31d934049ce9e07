"""docker-compose.yml describes the production shape (no Docker engine here to run it): the
official PostgreSQL and Apache Kafka images, and every banli process wired by BANLI_* settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from banli.cli import build_parser
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_postgres_and_kafka_come_from_official_images_in_kraft_mode() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:4")
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert "healthcheck" in services["postgres"] and "healthcheck" in kafka


def test_every_banli_process_is_a_real_command_wired_to_both_services() -> None:
    services = compose()["services"]
    banli = {name: s for name, s in services.items() if name not in ("postgres", "kafka")}
    assert set(banli) == {"migrate", "api", "relay", "projections", "tamper-chain", "anchor"}
    parser = build_parser()
    for name, service in banli.items():
        args = parser.parse_args(service["command"])  # each command exists in `banli`
        assert callable(args.func), name
        env = service["environment"]
        settings = Settings(**{k.removeprefix("BANLI_").lower(): v for k, v in env.items()})
        assert settings.database_url and "@postgres:" in settings.database_url
        assert settings.kafka_bootstrap == "kafka:9092"
        assert settings.embedded_projections is False  # views come from the consumers
        if name != "migrate":
            assert set(service["depends_on"]) == {"postgres", "kafka", "migrate"}
    assert banli["api"]["ports"] == ["8000:8000"]


def test_every_process_starts_after_one_migrate_step() -> None:
    """Several processes creating the tables at once collide: compose runs ``banli migrate``
    once, to completion, before any of them (issue 13)."""
    services = compose()["services"]
    migrate = services["migrate"]
    args = build_parser().parse_args(migrate["command"])
    assert args.command == "migrate" and callable(args.func)
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name, service in services.items():
        if name not in ("postgres", "kafka", "migrate"):
            wait = service["depends_on"]["migrate"]
            assert wait == {"condition": "service_completed_successfully"}, name


def test_the_chain_head_is_anchored_periodically_outside_the_database() -> None:
    services = compose()["services"]
    anchor, api = services["anchor"], services["api"]
    args = build_parser().parse_args(anchor["command"])
    assert (args.command, args.action, args.follow) == ("audit", "anchor", True)
    for service in (anchor, api):  # the anchoring process, and the API that verifies
        settings = Settings(
            **{k.removeprefix("BANLI_").lower(): v for k, v in service["environment"].items()}
        )
        assert settings.anchor_key is not None and settings.anchor_file is not None
        assert settings.kafka_bootstrap and settings.anchor_topic == "banli.anchors"
        assert not settings.anchor_file.is_relative_to(settings.data_dir.resolve())
        [volume] = service["volumes"]
        assert volume.split(":")[:2] == ["anchors", str(settings.anchor_file.parent)]
    assert api["volumes"] == ["anchors:/anchors:ro"]  # the API only reads the anchors
    assert "BANLI_ANCHOR_KEY" not in services["relay"]["environment"]
    assert "anchors" not in str(services["postgres"].get("volumes"))

"""A stopped consumer leaves its group at once (production shape, real broker and PostgreSQL).

`docker stop` and systemd send SIGTERM. A `banli consume projections` that died on it without
closing its client stayed a member of its group for the broker's whole session timeout (45 s),
so its partitions waited that long for another instance; it now ends its batch, closes, and
the group is empty as soon as the process has exited."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient

from tests.banli_processes import banli_env, process, wait_until

# Well below kafka-python's default session timeout (45 s): an empty group this soon means the
# consumer left, not that the broker gave up on it.
LEAVE_WITHIN_S = 10.0


def group_state(admin: Any, group: str) -> tuple[str, int]:
    described = admin.describe_groups([group])[group]
    return str(described["group_state"]), len(described["members"])


def test_sigterm_makes_a_consumer_leave_its_group_at_once(
    pg_env: dict[str, str], kafka_bootstrap: str, kafka_topic: str, tmp_path: Path
) -> None:
    group = f"{kafka_topic}-stop"
    env = banli_env(pg_env, kafka_bootstrap, kafka_topic, group)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="banli-test-stop")
    try:
        with process(["consume", "projections"], env, tmp_path / "consumer.log") as consumer:
            wait_until(lambda: group_state(admin, group) == ("Stable", 1), "the consumer to join")
            consumer.send_signal(signal.SIGTERM)
            assert consumer.wait(timeout=60) == 0, (tmp_path / "consumer.log").read_text()
            exited = time.monotonic()
            wait_until(
                lambda: group_state(admin, group)[1] == 0, "the group to empty", LEAVE_WITHIN_S
            )
            assert time.monotonic() - exited < LEAVE_WITHIN_S
    finally:
        admin.close()

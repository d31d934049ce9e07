"""Differential test of the Kafka transport, on PostgreSQL and the shared test broker.

A random history with calendar loads (``tests.random_history``) goes through a real
``banli relay`` and two ``banli consume projections`` in one group (three partitions, a case
cache of one). The relay (idle, and part-way through a backlog) and one or both consumers are
SIGKILLed at random points of the stream and started again; calendar loads land while they
are down. Once the views hold the last version of every case and each partition's owner has
derived its cases with the newest calendar, every row of the Kafka-fed views must equal a
fresh rebuild from the store. The broker itself is never restarted: others use it meanwhile.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from kafka import KafkaAdminClient

from consumers.projection_consumer import KafkaProjections
from domain.deadlines.calendar_book import CALENDAR_BOOK_ID
from infra.application import BanliApplication
from infra.kafka_clients import ensure_topic
from infra.positions import kafka_calendar_name, relay_position
from infra.projection_runner import rebuild
from infra.read_models import build_view_store
from infra.recorders import cases_at
from infra.settings import Settings
from infra.single_instance import AlreadyRunning, single_instance
from infra.view_store import ViewStoreBase
from projections import ledger
from projections.registry import KAFKA_FED
from tests.integration.differential import (
    assert_history_exercised,
    assert_same_rows,
    history_seed,
    point_ahead,
    reproduce,
)
from tests.integration.supervised import (
    Supervised,
    banli_env,
    postgres_url,
    supervising,
    wait_for,
)
from tests.integration.test_kafka_faults import audit_rows
from tests.integration.test_kafka_pipeline import kafka_snapshot
from tests.random_history import RandomHistory

PARTITIONS = 3
# A killed consumer holds its partitions until its session times out (45 s, kafka-python's
# default), so a run kills consumers once: one of them, or both at the same moment.
CONSUMER_FAULTS = ["one consumer", "both consumers"]


class Pipeline:
    """The processes of the production shape over one store and topic, and where they stand."""

    def __init__(
        self,
        app: BanliApplication,
        store: ViewStoreBase,
        settings: Settings,
        admin: Any,  # a KafkaAdminClient
        log: Path,
    ) -> None:
        self.app = app
        self.store = store
        self.settings = settings
        self.admin = admin
        env = banli_env(
            database_url=settings.database_url or "",
            database_schema=settings.database_schema,
            kafka_bootstrap=settings.kafka_bootstrap or "",
            kafka_topic=settings.kafka_topic,
            kafka_partitions=str(settings.kafka_partitions),
            kafka_group=settings.kafka_group,
            projection_cache_size="1",
        )
        self.relay = Supervised("relay", ["relay", "--batch-size", "5"], env, log)
        self.consumers = [
            Supervised(f"consumer-{i}", ["consume", "projections"], env, log) for i in (1, 2)
        ]

    @property
    def processes(self) -> list[Supervised]:
        return [self.relay, *self.consumers]

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def relayed(self) -> int:
        return relay_position(self.store, self.settings.kafka_topic)

    def relay_lock_free(self) -> bool:
        name = f"relay:{self.settings.database_schema}:{self.settings.kafka_topic}"
        try:
            with single_instance(self.settings, name):
                return True
        except AlreadyRunning:
            return False

    def wait(self, what: str, condition: Callable[[], bool]) -> None:
        wait_for(condition, what, self.processes)

    def caught_up(self) -> bool:
        """Every event relayed and in the audit view, every case at its last version in the
        ledger, every partition derived with the newest calendar (R-D7)."""
        head = self.head()
        if self.relayed() < head or audit_rows(self.store) < head:
            return False
        if self.ledger_versions() != self.store_versions():
            return False
        book = self.app.stored_calendar.version_at(None)
        group, topic = self.settings.kafka_group, self.settings.kafka_topic
        derived = [
            self.store.max_tracking_id(kafka_calendar_name(group, topic, p)) or 0
            for p in range(PARTITIONS)
        ]
        return all(version >= book for version in derived)

    def ledger_versions(self) -> dict[str, int]:
        return ledger.case_versions(self.store)

    def store_versions(self) -> dict[str, int]:
        """Every case's last version in the store (the only other stream is the calendar)."""
        versions = cases_at(self.app.index, self.head())
        versions.pop(str(CALENDAR_BOOK_ID), None)
        return versions

    def restart_relay(self) -> None:
        """Starts the relay again once a killed one's lock is gone (its database session may
        outlive it for a moment, and a second relay refuses to start)."""
        self.wait("the killed relay's lock to go", self.relay_lock_free)
        self.relay.start()

    def kill_relay_past(self, target: int) -> None:
        self.wait(f"the relay to pass {target}", lambda: self.relayed() >= target)
        print(f"relay killed past position {self.relayed()} of {self.head()}")
        self.relay.kill()

    def group_settled(self) -> bool:
        """Both consumers are members of a stable group. A member killed while the group
        rebalances costs a second session timeout: its clock restarts when the rebalance it
        had joined completes."""
        group = self.settings.kafka_group
        found = self.admin.describe_groups([group])[group]
        return bool(found["group_state"] == "Stable" and len(found["members"]) == 2)

    def kill_consumers_past(self, target: int, victims: list[Supervised]) -> None:
        self.wait(f"the views to pass {target}", lambda: audit_rows(self.store) >= target)
        self.wait("the consumer group to settle", self.group_settled)
        names = [victim.name for victim in victims]
        print(f"{names} killed past {audit_rows(self.store)} events of {self.head()}")
        for victim in victims:
            victim.kill()


def test_kafka_consumers_and_relay_killed_at_random_equal_a_rebuild_R_D7_R_S1(
    pg_env: dict[str, str], kafka_bootstrap: str, kafka_topic: str, tmp_path: Path
) -> None:
    seed = history_seed()
    print(reproduce(seed))
    settings = Settings(
        database_url=postgres_url(pg_env),
        database_schema=pg_env["POSTGRES_SCHEMA"],
        kafka_bootstrap=kafka_bootstrap,
        kafka_topic=kafka_topic,
        kafka_partitions=PARTITIONS,
        kafka_group=f"diff-{uuid.uuid4().hex[:8]}",
    )
    app = BanliApplication(env=pg_env)
    store = build_view_store(settings, env=pg_env)
    ensure_topic(settings)
    # Two consumers creating the views' very first generation at once collide (a new
    # database's first start only, not what this test is about): it exists before they start.
    KafkaProjections(app, store, settings.kafka_group, kafka_topic)
    history = RandomHistory(app, seed)
    faults = random.Random(f"faults:{seed}")
    history.run(100)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="banli-test-differential")
    pipeline = Pipeline(app, store, settings, admin, tmp_path / "banli.log")
    with closing(admin), supervising(*pipeline.processes):
        plan = ["relay", "relay", faults.choice(CONSUMER_FAULTS)]
        for fault in faults.sample(plan, len(plan)):
            history.run(faults.randint(40, 60))
            if fault == "relay":
                # Down while a backlog builds, then killed again part-way through it: what it
                # had sent but not yet recorded as sent is published twice.
                pipeline.relay.kill()
                history.run(faults.randint(10, 20))
                history.load_calendar()
                pipeline.restart_relay()
                pipeline.kill_relay_past(point_ahead(faults, pipeline.relayed(), pipeline.head()))
                pipeline.restart_relay()
                continue
            victims = (
                pipeline.consumers
                if fault == "both consumers"
                else [faults.choice(pipeline.consumers)]
            )
            pipeline.kill_consumers_past(
                point_ahead(faults, audit_rows(store), pipeline.head()), victims
            )
            history.run(faults.randint(10, 20))
            history.load_calendar()  # lands while they are down
            for victim in victims:
                victim.start()
        pipeline.wait("the views to catch up", pipeline.caught_up)
        kept = kafka_snapshot(store)
    rebuild(app, store, list(KAFKA_FED))
    rebuilt = kafka_snapshot(store)
    assert_history_exercised(rebuilt, seed)
    assert_same_rows(kept, rebuilt, seed)

"""Notifications from the reminders consumer (the Kafka shape), as from the embedded runner
(tests/api/test_notifications.py): a proposer is told of a reply issued through their link
(R-F4) by e-mail, once, with the offsets of the events that caused it."""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack
from datetime import date, timedelta

from consumers.kafka_loop import PartitionedConsumer
from consumers.reminders import Reminders
from domain import commands as c
from infra.application import BanliApplication
from infra.kafka_clients import ensure_topic, make_consumer
from infra.mail import smtp_sender
from infra.proposer_links import new_link
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections.notifications import NOTIFICATIONS
from tests.integration.test_kafka_pipeline import kafka_settings, relay_all
from tests.notice_receivers import smtp_server
from tests.support import TODAY, Flow

Stores = tuple[BanliApplication, ViewStoreBase]


def test_the_reminders_consumer_tells_the_proposer_of_a_reply_by_mail_R_F4(
    stores: Stores, kafka_bootstrap: str, kafka_topic: str, kafka_clients: ExitStack
) -> None:
    app, store = stores
    flow = Flow(app, "K-N-1")
    flow.assign()
    flow.replied()
    made = new_link()
    expires = TODAY + timedelta(days=30)
    flow.run(
        c.CreateProposerLink(
            case_id=flow.id,
            link_id=made.link_id,
            proposer_name="张三",
            expires_on=expires,
            hashed=made.hashed,
            prefix=made.prefix,
            email="zs@example.com",
        )
    )
    settings = kafka_settings(kafka_bootstrap, kafka_topic)
    ensure_topic(settings)
    relay_all(app, store, settings)
    group = f"n-{uuid.uuid4().hex[:8]}"
    with smtp_server() as (mailbox, port):
        mail = smtp_sender(Settings(smtp_host="127.0.0.1", smtp_port=port))
        reminders = Reminders(app, store, group, kafka_topic, lambda: date(2025, 4, 22), None, mail)
        consumer = PartitionedConsumer(reminders, make_consumer(settings, group), kafka_topic)
        kafka_clients.callback(consumer.consumer.close, autocommit=False)
        table = store.table(NOTIFICATIONS, reminders.messages)
        deadline = time.monotonic() + 60  # bounded; a fresh group's assignment may be slow
        while time.monotonic() < deadline:
            consumer.poll_once(timeout_ms=200)
            if store.fetch(f"SELECT * FROM {table} WHERE topic = 'reply_issued'", ()):
                break
        assert reminders.deliver() == 1
        assert reminders.deliver() == 0
        assert [m["To"] for m in mailbox.messages] == ["zs@example.com"]

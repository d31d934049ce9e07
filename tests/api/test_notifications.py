"""Notifications (issue 12) from the embedded runner, on SQLite and PostgreSQL: a proposer told
through their link of a reply issued (R-F4), a unit of a deadline due soon (R-S1, R-S3), the
office's weekly digest; by e-mail to a local SMTP server and by the webhook, each notice once,
retried until accepted, and visible on the case's timeline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from banli.compose import notices_follower
from consumers.notices_follower import NoticesFollower
from infra.mail import message_id
from tests.api.conftest import (
    Api,
    case_body,
    create_units_and_users,
    extension_body,
    register_and_assign,
    start,
)
from tests.api.proposer_support import issued, link, ok
from tests.notice_receivers import Hook, Mailbox, smtp_server, webhook
from tests.postgres_fixture import database_url

TODAY = date(2025, 4, 22)  # the reply was issued on 04-10: its disclosure is due 04-25
EMAILS = {"FIN": "fin@example.gov.cn", "office": "office@example.gov.cn"}


class Notified:
    def __init__(self, api: Api, mailbox: Mailbox, hook: Hook) -> None:
        self.api = api
        self.mailbox = mailbox
        self.hook = hook
        self.day = TODAY
        svc = api.services
        self.follower: NoticesFollower = notices_follower(
            svc.settings, svc.app, svc.views, lambda: self.day
        )

    def round(self) -> int:
        # Waits for the service's own runner: catching up from this thread as well raced it,
        # and views stopped on a duplicate tracking row (logged, then retried).
        svc = self.api.services
        assert svc.projections is not None
        assert svc.projections.wait_for(svc.app.recorder.max_notification_id() or 0)
        return self.follower.round()


@contextmanager
def notifying(data_dir: Path, **settings: Any) -> Iterator[tuple[Api, Mailbox, Hook]]:
    """A server that notifies by e-mail to a local SMTP server and by a local webhook."""
    with smtp_server() as (mailbox, port), webhook() as (hook, url):
        client, services = start(
            data_dir,
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_from="banli@example.gov.cn",
            notify_emails=EMAILS,
            reminder_webhook=url,
            reminder_sweep_seconds=0,
            **settings,
        )
        try:
            yield Api(client, services, create_units_and_users(client)), mailbox, hook
        finally:
            services.close()


@pytest.fixture(params=["sqlite", "postgres"])
def notified(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Notified]:
    settings: dict[str, Any] = {}
    if request.param == "postgres":
        env: dict[str, str] = request.getfixturevalue("pg_env")
        settings = {"database_url": database_url(env), "database_schema": env["POSTGRES_SCHEMA"]}
    with notifying(tmp_path / "data", **settings) as (api, mailbox, hook):
        yield Notified(api, mailbox, hook)


def test_reply_deadline_and_digest_notices_each_once_by_mail_and_webhook_R_F4_R_S3(
    notified: Notified,
) -> None:
    api, mailbox, hook = notified.api, notified.mailbox, notified.hook
    case_id, _ = issued(api, "N-1")
    link(api, case_id, "张三", email="zhangsan@example.com")
    link(api, case_id, "李四")  # no address: told by the webhook only

    assert notified.round() > 0
    by_address = sorted((m["To"], m["Subject"]) for m in mailbox.messages)
    assert [to for to, _ in by_address] == [
        "fin@example.gov.cn",  # the disclosure deadline, due soon, to the unit that owes it
        "office@example.gov.cn",  # the week's digest
        "zhangsan@example.com",  # the reply, to the proposer through their link
    ]
    subjects = mailbox.subjects()
    assert any("已答复" in s for s in subjects) and any("每周汇总" in s for s in subjects)
    letter = next(m for m in mailbox.messages if m["To"] == "zhangsan@example.com")
    assert "N-1" in letter.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "pl_" not in letter.as_string()  # a link's token is never mailed

    topics = sorted(body.get("topic", "deadline") for body in hook.received)
    # The deadline notice reaches the webhook as before; the rest as notifications.
    assert topics == ["deadline", "reply_issued", "reply_issued", "weekly_digest"]
    assert all(key == body["notice_id"] for key, body in zip(hook.keys, hook.received, strict=True))

    # Seen again, nothing is noticed or sent twice.
    notified.round()
    notified.round()
    assert len(mailbox.messages) == 3 and len(hook.received) == 4

    timeline = ok(api.get(f"/v1/cases/{case_id}/notices", "office"), 200)["items"]
    assert sorted(n["topic"] for n in timeline) == ["due_soon", "reply_issued", "reply_issued"]
    mailed = next(n for n in timeline if n["email"] == "zhangsan@example.com")
    assert sorted(d["channel"] for d in mailed["deliveries"]) == ["email", "webhook"]
    deadline = next(n for n in timeline if n["topic"] == "due_soon")
    assert sorted(d["channel"] for d in deadline["deliveries"]) == ["email", "webhook"]
    assert api.get(f"/v1/cases/{case_id}/notices", "handler_hou").status_code == 404


def test_a_refused_mail_is_retried_until_accepted_and_sent_once_after_R_S3(
    notified: Notified,
) -> None:
    api, mailbox = notified.api, notified.mailbox
    case_id, _ = issued(api, "N-2")
    link(api, case_id, "张三", email="zhangsan@example.com")
    mailbox.refuse = {"已答复"}
    notified.round()
    assert len(mailbox.refused) == 1
    assert not any("已答复" in s for s in mailbox.subjects())
    notified.round()
    notified.round()
    replies = [m for m in mailbox.messages if "zhangsan" in m["To"]]
    assert len(replies) == 1
    # Its Message-ID derives from the notice: a resend is recognisably the same message.
    notice = next(
        n
        for n in ok(api.get(f"/v1/cases/{case_id}/notices", "office"), 200)["items"]
        if n["topic"] == "reply_issued"
    )
    assert replies[0]["Message-ID"] == message_id(notice["notice_id"])


def test_time_alone_turns_due_soon_into_overdue_and_notices_it_again_R_S1(
    notified: Notified,
) -> None:
    api, mailbox = notified.api, notified.mailbox
    issued(api, "N-3")
    notified.round()
    notified.day = date(2025, 4, 30)  # the disclosure deadline of 04-25 has passed
    notified.round()
    fin = [
        s for m, s in zip(mailbox.messages, mailbox.subjects(), strict=True) if "fin@" in m["To"]
    ]
    assert len(fin) == 2 and "将于" in fin[0] and "已逾期" in fin[1]
    # A new week, a new digest; the same week, none.
    digests = [s for s in mailbox.subjects() if "每周汇总" in s]
    assert len(digests) == 2


def test_a_revoked_link_is_told_nothing_R_F4(notified: Notified) -> None:
    api, mailbox = notified.api, notified.mailbox
    case_id, _ = issued(api, "N-4")
    made = link(api, case_id, "张三", email="zhangsan@example.com")
    revoke = f"/v1/cases/{case_id}/proposer-links/{made['link_id']}/revoke"
    ok(api.post(revoke, {"reason": "号码有误"}, "office"))
    notified.round()
    assert not any(m["To"] == "zhangsan@example.com" for m in mailbox.messages)


def test_a_second_link_for_the_same_deputy_tells_them_of_a_reply_once_R_F4(
    notified: Notified,
) -> None:
    """A review made a second link for a deputy while the first still worked: the case page
    listed two identical 答复已印发 notices, where it says each notice is sent once. A link
    for another address of theirs is told: it may be the one they read."""
    api, mailbox = notified.api, notified.mailbox
    case_id, _ = issued(api, "N-5")
    first = link(api, case_id, "张三", email="zhangsan@example.com")
    notified.round()
    link(api, case_id, "张三", email="zhangsan@example.com")
    link(api, case_id, "张三")  # no address, both times: told by the webhook, once
    link(api, case_id, "张三")
    notified.round()
    notified.round()
    assert [m["To"] for m in mailbox.messages].count("zhangsan@example.com") == 1
    told = ok(api.get(f"/v1/cases/{case_id}/notices", "office"), 200)["items"]
    to_proposer = sorted(str(n["email"]) for n in told if n["topic"] == "reply_issued")
    assert to_proposer == ["None", "zhangsan@example.com"]

    revoke = f"/v1/cases/{case_id}/proposer-links/{first['link_id']}/revoke"
    ok(api.post(revoke, {"reason": "换发新链接"}, "office"))
    notified.round()  # the second link still works: nothing is told again
    assert [m["To"] for m in mailbox.messages].count("zhangsan@example.com") == 1
    link(api, case_id, "张三", email="zhang.san@example.com")  # another address
    notified.round()
    assert [m["To"] for m in mailbox.messages].count("zhang.san@example.com") == 1


def test_a_dissatisfied_verdict_tells_the_unit_at_once_R_F2(notified: Notified) -> None:
    """A review's proposer said 不满意: the case went to 进一步办理, and the unit owing the
    further reply was told nothing until its 30 days ran short."""
    api, mailbox = notified.api, notified.mailbox
    case_id, _ = issued(api, "N-9")
    notified.round()
    before = len(mailbox.messages)
    verdict = {"verdict": "dissatisfied", "comments": "未解决", "occurred_on": "2025-04-20"}
    ok(api.post(f"/v1/cases/{case_id}/feedback", verdict, "office"))
    notified.round()
    sent = list(zip(mailbox.messages, mailbox.subjects(), strict=True))[before:]
    told = [(m["To"], subject) for m, subject in sent if "进一步办理" in subject]
    due = next(d["due_on"] for d in api.case(case_id)["deadlines"] if d["kind"] == "rehandling")
    assert told == [
        ("fin@example.gov.cn", f"【进一步办理】第 N-9 号建议代表委员不满意，请于 {due} 前再次答复")
    ]
    # What the proposer said (R-F1), which the further reply answers.
    [letter] = [m for m, subject in sent if "进一步办理" in subject]
    body = letter.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "代表委员的意见：未解决。" in body
    notified.round()  # seen again: told once
    assert sum("进一步办理" in subject for subject in mailbox.subjects()) == 1
    timeline = ok(api.get(f"/v1/cases/{case_id}/notices", "office"), 200)["items"]
    assert [n["recipient"] for n in timeline if n["topic"] == "rehandling"] == ["FIN"]


def test_a_reminder_and_an_extension_decision_tell_the_unit_R_S3_R_E1(notified: Notified) -> None:
    """A review's supervisor sent a 催办 and the office decided two extension requests: the
    units heard of none of it unless they opened the case. Each is told once, by mail and the
    webhook, and listed with the case's notices."""
    api, mailbox, hook = notified.api, notified.mailbox, notified.hook
    case_id = register_and_assign(api, "N-10")
    notified.round()
    before = len(mailbox.messages)
    chase = {"means": "phone", "note": "请加快办理", "occurred_on": "2025-04-21"}
    ok(api.post(f"/v1/cases/{case_id}/reminders", chase, "supervisor"))
    ask = {**extension_body("2025-06-30", "2025-04-20")}
    request_id = ok(api.post(f"/v1/cases/{case_id}/extension-requests", ask, "handler_fin"))[
        "request_id"
    ]
    decision = {"approved": True, "note": "同意延期", "occurred_on": "2025-04-22"}
    path = f"/v1/cases/{case_id}/extension-requests/{request_id}/decision"
    ok(api.post(path, decision, "office"))
    notified.round()
    notified.round()  # seen again: told once
    sent = list(zip(mailbox.messages, mailbox.subjects(), strict=True))[before:]
    assert sorted((m["To"], subject) for m, subject in sent) == [
        ("fin@example.gov.cn", "【催办】第 N-10 号建议：请加快办理"),
        ("fin@example.gov.cn", "【延期决定】第 N-10 号建议答复期限：同意延期至 2025-06-30"),
    ]
    # A 参阅件's deadline names no unit, and it is still chased: its lead, FIN, is told.
    reference = ok(api.post("/v1/cases", case_body("N-12"), "office"))["case_id"]
    led = {"lead_unit": "FIN", "reference": True, "assigned_on": "2025-02-01"}
    ok(api.post(f"/v1/cases/{reference}/assignment", led, "office"))
    ok(api.post(f"/v1/cases/{reference}/reminders", chase, "supervisor"))
    notified.round()
    assert "【催办】第 N-12 号建议：请加快办理" in mailbox.subjects()
    # A reminder weeks old when these notices came (a store that had none) is not told.
    old = register_and_assign(api, "N-11")
    ok(api.post(f"/v1/cases/{old}/reminders", {**chase, "occurred_on": "2025-03-01"}, "office"))
    notified.round()
    assert not any("N-11" in subject for subject in mailbox.subjects() if "催办" in subject)
    timeline = ok(api.get(f"/v1/cases/{case_id}/notices", "office"), 200)["items"]
    topics = [(n["topic"], n["recipient"]) for n in timeline]
    assert ("reminded", "FIN") in topics and ("extension_decided", "FIN") in topics
    assert {"reminded", "extension_decided"} <= {b.get("topic") for b in hook.received}

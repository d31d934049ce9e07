"""Notifications (issue 12): who is told what, by e-mail and the webhook, and which channel has
accepted each. Beside the deadline notices of ``projections/notices.py``, and like them not a
read model: a delivery records what an SMTP server or a webhook accepted, a fact no event holds,
so the tables are never rebuilt (their first generation is kept; a new layout needs a migration).

Six kinds, each keyed so it is noticed once however often its cause is seen again:
- ``reply_issued`` to a proposer, through their link (R-F4): per issued reply and live link;
- ``due_soon`` / ``overdue`` to the unit that owes the deadline (R-S1, R-S3): the deadline
  notice's own id, so both tables tell of one notice;
- ``rehandling`` to the unit that owes a further reply, when dissatisfaction opens it (R-F2);
- ``reminded`` to the units a 催办 chases (R-S3), ``extension_decided`` to the unit that asked
  for more time (R-E1);
- ``weekly_digest`` to the office: per ISO week.

A notice's e-mail address is resolved when it is noticed (the link's, or the unit's or the
office's from ``BANLI_NOTIFY_EMAILS``); without one it goes by the webhook alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from domain.case import Case
from domain.deadlines.case_deadlines import Deadline
from domain.deadlines.status import OPEN_STATUSES
from domain.documents import reply_letter
from domain.records import ProposerLink
from projections import ledger
from projections.core import Row, Table, ViewReader
from projections.notices import NOTICES

NAME = "notifications"
NOTIFICATIONS = Table(
    view=NAME,
    name="notifications",
    columns={
        "notice_id": "TEXT",
        # reply_issued | due_soon | overdue | rehandling | reminded | extension_decided |
        # weekly_digest
        "topic": "TEXT",
        "audience": "TEXT",  # proposer | unit | office
        "recipient": "TEXT",  # the link id, the unit's code, or "office"
        "email": "TEXT",  # where the e-mail goes; NULL: by the webhook alone
        "case_id": "TEXT",
        "number": "TEXT",
        "subject": "TEXT",
        "body": "TEXT",
        "noticed_on": "TEXT",
    },
    insert_only=True,
    case_column="",
    key=("notice_id",),
    indexes=(("case_id",),),
)
DELIVERIES = Table(
    view=NAME,
    name="notice_deliveries",
    columns={"notice_id": "TEXT", "channel": "TEXT", "delivered_at": "TEXT"},
    insert_only=True,  # accepted once is accepted: a second acceptance changes nothing
    case_column="",
    key=("notice_id", "channel"),
)
TABLES = (NOTIFICATIONS, DELIVERIES)
KIND_WORDS = {"suggestion": "建议", "proposal": "提案"}
DEADLINE_WORDS = {
    "co_opinion": "会办意见",
    "reply": "答复",
    "disclosure": "答复公开",
    "rehandling": "进一步办理答复",
    "reference_contact": "参阅件沟通联系",
}
# The deadline notices that are the webhook's already (``projections/notices.py``).
DEADLINE_TOPICS = ("due_soon", "overdue")

UnitName = Callable[[str], str]


def _row(
    notice_id: str,
    topic: str,
    audience: str,
    recipient: str,
    email: str | None,
    case: Case | None,
    subject: str,
    body: str,
    today: date,
) -> Row:
    return {
        "notice_id": notice_id,
        "topic": topic,
        "audience": audience,
        "recipient": recipient,
        "email": email,
        "case_id": str(case.id) if case else None,
        "number": case.number if case else None,
        "subject": subject,
        "body": body,
        "noticed_on": today.isoformat(),
    }


def _to_unit(
    notice_id: str,
    topic: str,
    unit: str,
    emails: Mapping[str, str],
    case: Case,
    subject: str,
    body: str,
    today: date,
) -> Row:
    """A notice to ``unit``, by e-mail at the unit's address when it has one."""
    return _row(notice_id, topic, "unit", unit, emails.get(unit), case, subject, body, today)


def _told_through(case: Case, today: date) -> list[ProposerLink]:
    """The links a notice to the case's proposers goes through: one for each proposer and
    address that a live link has, the first link made for them (so its id, which names the
    notice, stays what it was). A second link for the same deputy, made while the first still
    worked, sent the same notice twice, though the case page says each is sent once."""
    first: dict[tuple[str, str | None], ProposerLink] = {}
    live: set[tuple[str, str | None]] = set()
    for link in case.proposer_links.values():  # in the order they were made
        reached = (link.proposer, link.email)
        first.setdefault(reached, link)
        if link.status(today) == "live":
            live.add(reached)
    return [link for reached, link in first.items() if reached in live]


def reply_notices(case: Case, today: date, unit_name: UnitName) -> list[Row]:
    """R-F4: each proposer with a live link is told of each reply issued to them, once."""
    issued = [
        (r.reply_id, r.unit, r.issued_on, r.document_number)
        for r in case.replies.values()
        if r.issued and r.issued_on
    ]
    answer = case.merge.answered_by if case.merge else None
    if answer is not None:
        issued.append((answer.reply_id, answer.unit, answer.issued_on, answer.document_number))
    kind = KIND_WORDS.get(case.kind, "建议")
    rows = []
    for link in _told_through(case, today):
        for reply_id, unit, issued_on, number in issued:
            letter = "，答复函可在链接页面查看" if reply_letter(case, reply_id) else ""
            body = (
                f"{link.proposer}：您好！您提出的第 {case.number} 号{kind}《{case.title}》，"
                f"{unit_name(unit)}已于 {issued_on} 答复（文号 {number or '—'}）{letter}。\n"
                "请打开办公室发给您的专属链接查看答复，并告诉我们您是否满意、是否同意公开。"
            )
            rows.append(
                _row(
                    f"{case.id}:reply_issued:{reply_id}:{link.link_id}",
                    "reply_issued",
                    "proposer",
                    link.link_id,
                    link.email,
                    case,
                    f"【建议提案办理】您的{kind}《{case.title}》已答复",
                    body,
                    today,
                )
            )
    return rows


def rehandling_notices(
    case: Case,
    deadlines: Sequence[Deadline],
    today: date,
    emails: Mapping[str, str],
    unit_name: UnitName,
) -> list[Row]:
    """R-F2, R-D3: the unit that owes a further reply is told when a proposer's dissatisfaction
    opens re-handling, not only as its 30 days run out (a review found the unit told nothing).
    One notice per re-handling period still open: a period met long ago is not told again."""
    kind = KIND_WORDS.get(case.kind, "建议")
    rows = []
    for d in deadlines:
        if d.kind != "rehandling" or d.unit is None or d.status not in OPEN_STATUSES:
            continue
        subject = (
            f"【进一步办理】第 {case.number} 号{kind}代表委员不满意，请于 {d.due_on} 前再次答复"
        )
        said = [
            f.comments
            for f in case.feedback
            if f.verdict == "dissatisfied" and f.occurred_on == d.opened_on and f.comments
        ]
        # What the proposer said (R-F1), which the further reply answers.
        opinion = f"代表委员的意见：{said[-1]}。" if said else ""
        body = (
            f"{unit_name(d.unit)}：第 {case.number} 号{kind}《{case.title}》的答复，代表委员于 "
            f"{d.opened_on} 表示不满意。{opinion}请与代表委员面对面沟通，进一步办理，并于 "
            f"{d.due_on} 前再次答复。"
        )
        notice_id = f"{case.id}:rehandling:{d.unit}:{d.opened_on.isoformat()}"
        rows.append(_to_unit(notice_id, "rehandling", d.unit, emails, case, subject, body, today))
    return rows


# What a unit is told as it happens, beside its deadlines: a 催办 (R-S3) and the office's
# decision on its extension request (R-E1). Acts of the last ``RECENT`` only: a store that
# had none of these notices is not told of every reminder it ever recorded the next time one
# of its cases moves.
RECENT = timedelta(days=14)
SUBJECT_NOTE = 40  # a reminder's note in its subject, at most (the body has it whole)


def reminder_notices(
    case: Case,
    deadlines: Sequence[Deadline],
    today: date,
    emails: Mapping[str, str],
    unit_name: UnitName,
) -> list[Row]:
    """R-S3: a reminder chases the units that owe the case an open deadline (none owing: its
    replying units or its lead); each is told (a review's 催办 showed only on the case's
    timeline, which the unit had to open)."""
    recent = [r for r in case.reminders if r.occurred_on >= today - RECENT]
    if not recent:  # most cases, every round: no deadline is looked at
        return []
    owing = sorted({d.unit for d in deadlines if d.unit and d.status in OPEN_STATUSES})
    # A case owing no open deadline (a 参阅件, a replied case) is still chased: its replying
    # units, or its lead (a review's 催办 on either told no one).
    lead = [case.lead_unit] if case.lead_unit else []
    owing = owing or sorted(case.replying_units) or lead
    kind = KIND_WORDS.get(case.kind, "建议")
    rows = []
    for reminder in recent:
        note = reminder.note.strip()
        short = note if len(note) <= SUBJECT_NOTE else note[:SUBJECT_NOTE] + "…"
        for unit in owing:
            body = (
                f"{unit_name(unit)}：第 {case.number} 号{kind}《{case.title}》于 "
                f"{reminder.occurred_on} 被催办：{note}\n请抓紧办理，按期答复。"
            )
            subject = f"【催办】第 {case.number} 号{kind}：{short}"
            notice_id = f"{case.id}:reminded:{reminder.version}:{unit}"
            rows.append(_to_unit(notice_id, "reminded", unit, emails, case, subject, body, today))
    return rows


def extension_notices(
    case: Case, today: date, emails: Mapping[str, str], unit_name: UnitName
) -> list[Row]:
    """R-E1: the unit that asked for more time is told the office's decision (a review's
    handlers saw it only in the case's 延期申请 table)."""
    kind = KIND_WORDS.get(case.kind, "建议")
    rows = []
    for request in case.extensions.values():
        decided = request.decided_on
        if decided is None or decided < today - RECENT:
            continue
        deadline = DEADLINE_WORDS.get(request.deadline_kind, request.deadline_kind)
        if request.status == "approved":
            said = f"同意延期至 {request.due_on}"
        else:
            said = "不同意延期" + (f"（{request.note}）" if request.note else "")
        body = (
            f"{unit_name(request.unit)}：第 {case.number} 号{kind}《{case.title}》的{deadline}"
            f"期限（原定 {request.original_due_on}），办公室于 {decided} 决定：{said}。"
        )
        subject = f"【延期决定】第 {case.number} 号{kind}{deadline}期限：{said}"
        notice_id = f"{case.id}:extension_decided:{request.request_id}"
        topic = "extension_decided"
        rows.append(_to_unit(notice_id, topic, request.unit, emails, case, subject, body, today))
    return rows


def deadline_messages(
    case: Case, notices: Sequence[Row], emails: Mapping[str, str], unit_name: UnitName
) -> list[Row]:
    """The e-mail of each deadline notice, to the unit that owes it (the office when none)."""
    kind = KIND_WORDS.get(case.kind, "建议")
    rows = []
    for notice in notices:
        unit = notice["unit"]
        what = DEADLINE_WORDS.get(notice["kind"], notice["kind"])
        if notice["status"] == "overdue":
            state = f"已逾期 {notice['days_overdue']} 天"
        else:
            state = f"将于 {notice['due_on']} 到期"
        subject = f"【催办提醒】第 {case.number} 号{kind}{what}{state}"
        body = (
            f"{unit_name(unit) if unit else '办公室'}：第 {case.number} 号{kind}《{case.title}》"
            f"的{what}期限为 {notice['due_on']}，{state}。请抓紧办理并在系统中登记。"
        )
        recipient = unit or "office"
        rows.append(
            _row(
                notice["notice_id"],
                notice["status"],
                "unit" if unit else "office",
                recipient,
                emails.get(recipient),
                case,
                subject,
                body,
                date.fromisoformat(notice["noticed_on"]),
            )
        )
    return rows


def weekly_digest(reader: ViewReader, today: date, emails: Mapping[str, str]) -> list[Row]:
    """The office's digest of the ISO week ``today`` is in, from the ledger (once a week)."""
    year, week, _ = today.isocalendar()
    late = ledger.overdue(reader, as_of=today, limit=1000)["items"]
    due = ledger.cases_due_by(reader, today + timedelta(days=7), unmet_on=today)
    soon = len(set(due) - {item["case_id"] for item in late})
    lines = [
        f"截至 {today}：逾期未办 {len(late)} 件，7 日内到期 {soon} 件。",
        *(
            f"- 第 {i['number']} 号《{i['title']}》 {i['lead_unit'] or '—'} "
            f"逾期 {i['days_overdue']} 天"
            for i in late[:30]
        ),
    ]
    subject = f"【每周汇总】{year} 年第 {week} 周：逾期 {len(late)} 件，即将到期 {soon} 件"
    notice_id = f"digest:office:{year}-W{week:02d}"
    return [
        _row(
            notice_id,
            "weekly_digest",
            "office",
            "office",
            emails.get("office"),
            None,
            subject,
            "\n".join(lines),
            today,
        )
    ]


class Marks(ViewReader, Protocol):
    def execute(self, sql: str, params: Sequence[Any]) -> None: ...


def undelivered(reader: ViewReader, generation: int, channel: str) -> list[Row]:
    """Notices ``channel`` has not accepted yet: e-mail those with an address, the webhook
    those that are not deadline notices (which it gets from ``projections/notices.py``)."""
    notices = reader.table(NOTIFICATIONS, generation)
    deliveries = reader.table(DELIVERIES, generation)
    which = "n.email IS NOT NULL" if channel == "email" else "n.topic NOT IN (?, ?)"
    params: list[Any] = [] if channel == "email" else list(DEADLINE_TOPICS)
    return reader.fetch(
        f"SELECT n.* FROM {notices} n WHERE {which} AND NOT EXISTS (SELECT 1 FROM "
        f"{deliveries} d WHERE d.notice_id = n.notice_id AND d.channel = ?) ORDER BY n.notice_id",
        [*params, channel],
    )


def mark_delivered(
    store: Marks, generation: int, notice_id: str, channel: str, at: datetime
) -> None:
    store.execute(
        f"INSERT INTO {store.table(DELIVERIES, generation)} VALUES (?, ?, ?) "
        "ON CONFLICT (notice_id, channel) DO NOTHING",
        [notice_id, channel, at.isoformat()],
    )


def case_notices(reader: ViewReader, case_id: str) -> list[dict[str, Any]]:
    """A case's notices with their deliveries, in the order noticed (the case timeline's)."""
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(NOTIFICATIONS)} WHERE case_id = ? "
        "ORDER BY noticed_on, notice_id",
        [case_id],
    )
    marks = reader.fetch(
        f"SELECT d.* FROM {reader.table(DELIVERIES)} d JOIN {reader.table(NOTIFICATIONS)} n "
        "ON n.notice_id = d.notice_id WHERE n.case_id = ? ORDER BY d.delivered_at",
        [case_id],
    )
    # The webhook's marks of deadline notices are kept where they always were.
    legacy = reader.fetch(
        f"SELECT notice_id, delivered_at FROM {reader.table(NOTICES)} "
        "WHERE case_id = ? AND delivered_at IS NOT NULL",
        [case_id],
    )
    marks += [{**row, "channel": "webhook"} for row in legacy]
    by_notice: dict[str, list[Row]] = {}
    for mark in marks:
        by_notice.setdefault(mark["notice_id"], []).append(
            {"channel": mark["channel"], "delivered_at": mark["delivered_at"]}
        )
    return [{**row, "deliveries": by_notice.get(row["notice_id"], [])} for row in rows]

"""Test helpers: an application on a temporary store and a fluent case lifecycle driver."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain import commands as c
from domain.case import Case
from domain.deadlines.case_deadlines import Deadline, case_deadlines
from domain.errors import RuleViolation
from domain.records import Actor, Person, Proposer
from infra.application import BanliApplication
from infra.command_context import CommandContext, CommandResult, parse_event_id
from projections import registry
from projections.core import Row, ViewReader

TODAY = date(2025, 12, 31)
OFFICE = Actor(user="office1", role="office", unit=None)
LEADER = Actor(user="leader1", role="leader", unit=None)
SUPERVISOR = Actor(user="sup1", role="supervisor", unit=None)
CLERK = Person(name="王科长", rank="科长")


def snapshot(store: ViewReader, names: Collection[str] | None = None) -> dict[str, list[Row]]:
    """Every row of every table of the read models in ``names`` (all when None), in key order,
    from the active generations."""
    tables: dict[str, list[Row]] = {}
    for view in registry.views(names).all():
        for table in view.tables:
            order = ", ".join(table.key)
            tables[table.name] = store.fetch(
                f"SELECT * FROM {store.table(table)} ORDER BY {order}", ()
            )
    return tables


def refused(rule: str, saying: str = "") -> pytest.RaisesExc[RuleViolation]:
    """Expect a refusal that names ``rule`` (and says ``saying`` in Chinese, when given)."""
    return pytest.raises(RuleViolation, check=lambda e: e.rule == rule and saying in e.zh)


def handler(unit: str) -> Actor:
    return Actor(user=f"h-{unit.lower()}", role="handler", unit=unit)


def sqlite_app(tmp_path: Path, **extra: str) -> BanliApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "e.db")}
    return BanliApplication(env={**env, **extra})


def ctx(actor: Actor = OFFICE, today: date = TODAY, **kw: Any) -> CommandContext:
    return CommandContext(actor=actor, today=today, **kw)


def deputies(*names: str) -> tuple[Proposer, ...]:
    return tuple(
        Proposer(name=n, type="deputy", role="lead" if i == 0 else "co_signer")
        for i, n in enumerate(names)
    )


def registration(
    number: str = "2025-001",
    kind: str = "suggestion",
    proposers: Sequence[Proposer] | None = None,
    received_on: date = date(2025, 1, 20),
    year: int = 2025,
) -> c.RegisterCase:
    return c.RegisterCase(
        number=number,
        kind=kind,
        level="provincial",
        year=year,
        title="关于加强农村公路养护的建议",
        proposers=tuple(proposers or deputies("张三", "李四")),
        received_on=received_on,
    )


class Flow:
    """Drives one case through the commands a test needs, with sensible defaults.

    Each method returns the command's result so tests can assert on it; rules are never
    bypassed — a default that a rule refuses makes the test fail loudly.
    """

    def __init__(
        self,
        app: BanliApplication,
        number: str = "2025-001",
        kind: str = "suggestion",
        proposers: Sequence[Proposer] | None = None,
        received_on: date = date(2025, 1, 20),
        year: int = 2025,
    ) -> None:
        self.app = app
        self.kind = kind
        command = registration(number, kind, proposers, received_on, year)
        self.id = app.register(ctx(), command).case_id

    @classmethod
    def of(cls, app: BanliApplication, case_id: str) -> Flow:
        """A flow on a case registered some other way."""
        flow = cls.__new__(cls)
        flow.app, flow.kind, flow.id = app, app.get_case(case_id).kind, case_id
        return flow

    def run(
        self, command: c.CaseCommand, actor: Actor = OFFICE, today: date = TODAY
    ) -> CommandResult:
        return self.app.execute(ctx(actor, today), command)

    def assign(
        self,
        lead: str | None = "FIN",
        co: list[str] | None = None,
        on: date = date(2025, 2, 1),
        **kw: Any,
    ) -> CommandResult:
        return self.run(
            c.Assign(
                case_id=self.id, assigned_on=on, lead_unit=lead, co_units=tuple(co or ()), **kw
            )
        )

    def contact(
        self, unit: str = "FIN", on: date = date(2025, 2, 10), reached: bool = True, **kw: Any
    ) -> CommandResult:
        fields: dict[str, Any] = {
            "unit": unit,
            "phase": "before",
            "channel": "phone",
            "contacted_by": CLERK,
            "person": "张三",
            "reached": reached,
            "summary": "电话沟通办理思路",
            "occurred_on": on,
        }
        fields.update(kw)
        return self.run(c.RecordContact(case_id=self.id, **fields), handler(unit))

    def visit(self, unit: str = "FIN", on: date = date(2025, 2, 15), **kw: Any) -> CommandResult:
        fields: dict[str, Any] = {
            "unit": unit,
            "organised_by": unit,
            "visitors": (Person(name="赵处长", rank="处长"),),
            "persons": ("张三",),
            "summary": "面对面听取意见",
            "proposer_opinion": "认可",
            "occurred_on": on,
        }
        fields.update(kw)
        return self.run(c.RecordVisit(case_id=self.id, **fields), handler(unit))

    def co_opinion(
        self, unit: str, on: date = date(2025, 3, 1), disclosure_opinion: str = "proactive"
    ) -> CommandResult:
        command = c.RecordCoOpinion(
            case_id=self.id,
            unit=unit,
            summary="会办意见",
            disclosure_opinion=disclosure_opinion,
            occurred_on=on,
        )
        return self.run(command, handler(unit))

    def submit(
        self, unit: str = "FIN", cls: str = "A", on: date = date(2025, 4, 1), **kw: Any
    ) -> str:
        fields: dict[str, Any] = {
            "unit": unit,
            "classification": cls,
            "consultation_form_ref": "征询表-001",
            "summary": "答复正文摘要",
            "occurred_on": on,
        }
        fields.update(kw)
        reply_id: str = self.run(c.SubmitReply(case_id=self.id, **fields), handler(unit)).extra[
            "reply_id"
        ]
        return reply_id

    def approve(
        self, reply_id: str, on: date = date(2025, 4, 3), approved: bool = True
    ) -> CommandResult:
        note = "同意" if approved else "退回"
        return self.run(
            c.DecideReply(
                case_id=self.id,
                reply_id=reply_id,
                approved=approved,
                leader="钱厅长",
                note=note,
                occurred_on=on,
            ),
            LEADER,
        )

    def issue(
        self, reply_id: str, unit: str = "FIN", on: date = date(2025, 4, 5), **kw: Any
    ) -> CommandResult:
        # A number of its own: two replies of a case share none (``check_document_number``).
        number = f"财建函〔2025〕{list(self.case.replies).index(reply_id) + 1}号"
        fields: dict[str, Any] = {"document_number": number, **kw}
        command = c.IssueReply(case_id=self.id, reply_id=reply_id, occurred_on=on, **fields)
        # R-R2: the office records an override; the unit issues otherwise.
        return self.run(command, OFFICE if kw.get("override_reason") else handler(unit))

    def replied(self, cls: str = "A", on: date = date(2025, 4, 5), unit: str = "FIN") -> str:
        """Contact → submit → approve → issue, for tests that need a replied case."""
        self.contact(unit)
        reply_id = self.submit(unit, cls, on=on)
        self.approve(reply_id, on=on)
        self.issue(reply_id, unit, on=on)
        return reply_id

    def review(self, reply_id: str, on: date = date(2025, 4, 8), **kw: Any) -> CommandResult:
        """R-P3: the office's approving review, before the reply is published."""
        return self.run(
            c.ReviewDisclosure(
                case_id=self.id,
                reply_id=reply_id,
                approved=True,
                note="同意公开",
                occurred_on=on,
                **kw,
            )
        )

    def feedback(self, verdict: str, on: date = date(2025, 5, 1)) -> CommandResult:
        # R-F1: a dissatisfied verdict says why.
        said = "措施不够具体" if verdict == "dissatisfied" else ""
        return self.run(
            c.RecordFeedback(case_id=self.id, verdict=verdict, comments=said, occurred_on=on)
        )

    @property
    def case(self) -> Case:
        return self.app.get_case(self.id)

    def case_deadlines(self, as_of: date = TODAY) -> list[Deadline]:
        """The case's deadlines as the domain computes them, with the stored calendar."""
        return case_deadlines(self.case, self.app.calendar(), as_of)


def correct(
    app: BanliApplication,
    context: CommandContext,
    case_id: str,
    *,
    event_id: str,
    reason: str,
    corrected: dict[str, Any],
) -> CommandResult:
    """R-X2 as the API does it: the public event id names the corrected event's version."""
    target, version = parse_event_id(event_id)
    assert str(target) == case_id, "the corrected event is on another case"
    return app.execute(
        context, c.Correct(case_id=case_id, version=version, reason=reason, corrected=corrected)
    )


def merge(app: BanliApplication, *case_ids: str, on: date) -> CommandResult:
    return app.merge(ctx(), c.MergeCases(case_ids=tuple(case_ids), occurred_on=on))


def undo_merge(
    app: BanliApplication, case_id: str, on: date, reason: str = "误并案，内容不同"
) -> CommandResult:
    return app.undo_merge(ctx(), c.UndoMerge(case_id=case_id, reason=reason, occurred_on=on))

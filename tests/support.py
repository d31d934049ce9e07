"""Test helpers: an application on a temporary store and a fluent case lifecycle driver."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.case import Actor
from domain.deadlines import Deadline, case_deadlines
from domain.errors import RuleViolation
from infra.application import BanliApplication, CommandContext, CommandResult

TODAY = date(2025, 12, 31)
OFFICE: Actor = {"user": "office1", "role": "office", "unit": None}
LEADER: Actor = {"user": "leader1", "role": "leader", "unit": None}
SUPERVISOR: Actor = {"user": "sup1", "role": "supervisor", "unit": None}


def refused(rule: str) -> pytest.RaisesExc[RuleViolation]:
    """Expect a refusal that names ``rule``."""
    return pytest.raises(RuleViolation, check=lambda e: e.rule == rule)


def handler(unit: str) -> Actor:
    return {"user": f"h-{unit.lower()}", "role": "handler", "unit": unit}


def sqlite_app(tmp_path: Path, **extra: str) -> BanliApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "e.db")}
    return BanliApplication(env={**env, **extra})


def ctx(actor: Actor = OFFICE, today: date = TODAY, **kw: Any) -> CommandContext:
    return CommandContext(actor=actor, today=today, **kw)


def deputies(*names: str) -> list[dict[str, str]]:
    return [
        {"name": n, "type": "deputy", "role": "lead" if i == 0 else "co_signer"}
        for i, n in enumerate(names)
    ]


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
        proposers: list[dict[str, str]] | None = None,
        received_on: date = date(2025, 1, 20),
        year: int = 2025,
    ) -> None:
        self.app = app
        self.kind = kind
        result = app.register_case(
            ctx(),
            number=number,
            kind=kind,
            level="provincial",
            year=year,
            title="关于加强农村公路养护的建议",
            proposers=proposers or deputies("张三", "李四"),
            received_on=received_on,
        )
        self.id = result.case_id

    def do(self, method: str, actor: Actor = OFFICE, **fields: Any) -> CommandResult:
        return self.app.command(ctx(actor), self.id, method, **fields)

    def assign(
        self,
        lead: str | None = "FIN",
        co: list[str] | None = None,
        on: date = date(2025, 2, 1),
        **kw: Any,
    ) -> CommandResult:
        return self.do("assign", lead_unit=lead, co_units=co or [], assigned_on=on, **kw)

    def contact(
        self, unit: str = "FIN", on: date = date(2025, 2, 10), reached: bool = True, **kw: Any
    ) -> CommandResult:
        fields: dict[str, Any] = {
            "unit": unit,
            "phase": "before",
            "channel": "phone",
            "contacted_by": {"name": "王科长", "rank": "科长"},
            "person": "张三",
            "reached": reached,
            "summary": "电话沟通办理思路",
            "occurred_on": on,
        }
        fields.update(kw)
        return self.do("record_contact", handler(unit), **fields)

    def visit(self, unit: str = "FIN", on: date = date(2025, 2, 15), **kw: Any) -> CommandResult:
        fields: dict[str, Any] = {
            "unit": unit,
            "organised_by": unit,
            "visitors": [{"name": "赵处长", "rank": "处长"}],
            "persons": ["张三"],
            "summary": "面对面听取意见",
            "proposer_opinion": "认可",
            "occurred_on": on,
        }
        fields.update(kw)
        return self.do("record_visit", handler(unit), **fields)

    def co_opinion(
        self, unit: str, on: date = date(2025, 3, 1), disclosure_opinion: str = "proactive"
    ) -> CommandResult:
        return self.do(
            "record_co_opinion",
            handler(unit),
            unit=unit,
            summary="会办意见",
            disclosure_opinion=disclosure_opinion,
            occurred_on=on,
        )

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
        reply_id: str = self.do("submit_reply", handler(unit), **fields).extra["reply_id"]
        return reply_id

    def approve(
        self, reply_id: str, on: date = date(2025, 4, 3), approved: bool = True
    ) -> CommandResult:
        return self.do(
            "decide_reply",
            LEADER,
            reply_id=reply_id,
            approved=approved,
            leader="钱厅长",
            note="同意" if approved else "退回",
            occurred_on=on,
        )

    def issue(
        self, reply_id: str, unit: str = "FIN", on: date = date(2025, 4, 5), **kw: Any
    ) -> CommandResult:
        return self.do(
            "issue_reply",
            handler(unit),
            reply_id=reply_id,
            document_number="财建函〔2025〕1号",
            occurred_on=on,
            **kw,
        )

    def replied(self, cls: str = "A", on: date = date(2025, 4, 5), unit: str = "FIN") -> str:
        """Contact → submit → approve → issue, for tests that need a replied case."""
        self.contact(unit)
        reply_id = self.submit(unit, cls, on=on)
        self.approve(reply_id, on=on)
        self.issue(reply_id, unit, on=on)
        return reply_id

    def feedback(self, verdict: str, on: date = date(2025, 5, 1)) -> CommandResult:
        return self.do("record_feedback", verdict=verdict, comments="", occurred_on=on)

    @property
    def case(self) -> Any:
        return self.app.get_case(self.id)

    def case_deadlines(self, as_of: date = TODAY) -> list[Deadline]:
        """The case's deadlines as the domain computes them, with the stored calendar."""
        return case_deadlines(self.case, self.app.calendar(), as_of)

"""The benchmarks' one workload: a typical case lifecycle, one event per command.

Every bench times exactly these commands: as domain commands in memory (the raw side), through
the application service, or as their HTTP requests (each body is the command's JSON form).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import MISSING, Field, asdict, dataclass, fields
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate

from domain import commands as c
from domain import handlers
from domain.commands import Acting
from domain.records import Actor, Person, Proposer
from infra.application import BanliApplication
from infra.command_context import CommandContext, CommandResult

TODAY = date(2025, 6, 30)
YEAR = 2025
LEAD_UNIT = "U-LEAD"
CO_UNIT = "U-CO"
# Who acts, by the bench's names for them; HTTP benches create users recorded as exactly these.
ACTORS: dict[str, Actor] = {
    "office": Actor(user="bench-office", role="office", unit=None),
    "leader": Actor(user="bench-leader", role="leader", unit=None),
    "lead": Actor(user="bench-lead-handler", role="handler", unit=LEAD_UNIT),
    "co": Actor(user="bench-co-handler", role="handler", unit=CO_UNIT),
}
OFFICE = ACTORS["office"]

Events = Sequence[CanMutateAggregate[UUID]]


def case_number(prefix: str, i: int) -> str:
    return f"{prefix}{i:06d}"


def case_numbers(prefix: str) -> Iterator[str]:
    """Case numbers without end: ``<prefix>000000``, ``<prefix>000001``, …"""
    return (case_number(prefix, i) for i in itertools.count())


def registration(number: str) -> c.RegisterCase:
    return c.RegisterCase(
        number=number,
        kind="suggestion",
        level="provincial",
        year=YEAR,
        title="关于加强城乡社区养老服务设施建设的建议 (bench)",
        proposers=(
            Proposer(name="王代表", type="deputy", role="lead"),
            Proposer(name="李代表", type="deputy", role="co_signer"),
            Proposer(name="张代表", type="deputy", role="co_signer"),
        ),
        received_on=date(2025, 3, 1),
    )


@dataclass(frozen=True)
class Step:
    who: str  # a key of ACTORS
    path: str  # under /v1/cases/{case_id}; "{reply}" stands for the reply's id
    command: Callable[[str, str], c.CaseCommand]  # (case id, reply id) → the command


# After registration: one command, one event each.
LIFECYCLE = [
    Step(
        "office",
        "assignment",
        lambda case, _: c.Assign(
            case_id=case, assigned_on=date(2025, 3, 5), lead_unit=LEAD_UNIT, co_units=(CO_UNIT,)
        ),
    ),
    Step(
        "lead",
        "contacts",
        lambda case, _: c.RecordContact(
            case_id=case,
            unit=LEAD_UNIT,
            phase="before",
            channel="phone",
            contacted_by=Person(name="赵处长", rank="处长"),
            person="王代表",
            reached=True,
            summary="电话沟通办理思路，代表表示认可。",
            occurred_on=date(2025, 3, 20),
        ),
    ),
    Step(
        "co",
        "co-opinions",
        lambda case, _: c.RecordCoOpinion(
            case_id=case,
            unit=CO_UNIT,
            summary="会办意见：同意主办单位办理方案，资金由本单位统筹。",
            disclosure_opinion="proactive",
            occurred_on=date(2025, 4, 1),
        ),
    ),
    Step(
        "lead",
        "replies",
        lambda case, _: c.SubmitReply(
            case_id=case,
            unit=LEAD_UNIT,
            classification="B",
            consultation_form_ref="ZX-2025-0001",
            summary="已列入年度计划，正在推进。",
            occurred_on=date(2025, 4, 10),
        ),
    ),
    Step(
        "leader",
        "replies/{reply}/approval",
        lambda case, reply: c.DecideReply(
            case_id=case,
            reply_id=reply,
            approved=True,
            leader="钱厅长",
            note="同意印发。",
            occurred_on=date(2025, 4, 15),
        ),
    ),
    Step(
        "lead",
        "replies/{reply}/issue",
        lambda case, reply: c.IssueReply(
            case_id=case,
            reply_id=reply,
            document_number="建复〔2025〕1号",
            occurred_on=date(2025, 4, 20),
        ),
    ),
    Step(
        "office",
        "feedback",
        lambda case, _: c.RecordFeedback(
            case_id=case, verdict="satisfied", comments="满意。", occurred_on=date(2025, 5, 10)
        ),
    ),
]
EVENTS_PER_CASE = 1 + len(LIFECYCLE)


def jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def http_body(command: Any) -> dict[str, Any]:
    """A command as its HTTP request body: ids travel in the path, the rest as JSON. A field the
    command leaves at its default is left out, so the API applies its own: an assignment's
    policy, None in the command, is ``hebei-2022`` there (and ``null`` is refused), and a field
    the API does not take (a registration's ``text``) is not sent."""
    in_path = ("case_id", "reply_id", "request_id")
    values = asdict(command)
    body: dict[str, Any] = {
        f.name: jsonable(values[f.name])
        for f in fields(command)
        if f.name not in in_path and values[f.name] != _default(f)
    }
    return body


def _default(field: Field[Any]) -> Any:
    if field.default_factory is not MISSING:
        return field.default_factory()
    return field.default  # MISSING for a required field: never equal to a value


def build_raw_case(number: str, actors: Mapping[str, Actor] = ACTORS) -> list[Events]:
    """The case in memory, by the domain's handlers: each command step's pending events."""
    case = handlers.register(registration(number), Acting(actors["office"], TODAY))
    steps: list[Events] = [case.collect_events()]
    case_id, reply_id = str(case.id), ""
    for step in LIFECYCLE:
        command = step.command(case_id, reply_id)
        answer = handlers.handler_for(command)(case, command, Acting(actors[step.who], TODAY))
        if isinstance(command, c.SubmitReply):
            reply_id = str(answer)
        steps.append(case.collect_events())
    return steps


class CaseStream:
    """Lifecycles through the application service, one command (one event) a call: a case's
    registration, its seven steps, then the next number's registration."""

    def __init__(self, app: BanliApplication, numbers: Iterable[str]) -> None:
        self.app = app
        self.numbers = iter(numbers)
        self.step = 0
        self.case_id = ""
        self.reply_id = ""

    def next_command(self) -> CommandResult:
        if self.step == 0:
            ctx = CommandContext(actor=OFFICE, today=TODAY)
            result = self.app.register(ctx, registration(next(self.numbers)))
            self.case_id, self.reply_id = result.case_id, ""
        else:
            step = LIFECYCLE[self.step - 1]
            ctx = CommandContext(actor=ACTORS[step.who], today=TODAY)
            command = step.command(self.case_id, self.reply_id)
            result = self.app.execute(ctx, command)
            if isinstance(command, c.SubmitReply):
                self.reply_id = str(result.extra["reply_id"])
        self.step = (self.step + 1) % EVENTS_PER_CASE
        return result


def run_domain_case(app: BanliApplication, number: str) -> tuple[int, int]:
    """The full command path for one case; returns (events written, transactions)."""
    stream = CaseStream(app, [number])
    results = [stream.next_command() for _ in range(EVENTS_PER_CASE)]
    return sum(len(result.events) for result in results), len(results)

"""What a command runs with and answers: its context (who, when, idempotency, expected
version, provenance), its result, and the ids and answers shared by every door to the
application service (the API, the pages, the import, the demo)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from domain.case import Case
from domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from domain.records import Actor
from domain.vocabulary import MIGRATION_SOURCES
from infra.telemetry import COMMANDS, REFUSALS


class ConcurrentWrite(Conflict):
    """The store refused the events: another write took the version first (or the number)."""


def event_id(case_id: UUID | str, version: int) -> str:
    """Public event id: the case and the event's version in it, stable and human-readable."""
    return f"{case_id}:{version}"


def parse_event_id(value: str) -> tuple[UUID, int]:
    """``<case id>:<version>`` as ``event_id`` writes it; the version in ASCII digits only
    (``int`` alone also reads "+3", " 3" and other scripts' digits)."""
    case_part, _, version_part = value.rpartition(":")
    try:
        if not (version_part.isascii() and version_part.isdigit()):
            raise ValueError(version_part)
        return UUID(case_part), int(version_part)
    except ValueError:
        raise InvalidInput("事件编号无效", f"malformed event id {value!r}") from None


def case_not_found(case_id: UUID | str) -> NotFound:
    """The one answer for a case that is not there, or not there for the asker (404 either way)."""
    return NotFound("该件不存在", f"no case {case_id}")


def count_refusal(command: str, error: Exception) -> None:
    """A refused command in ``/metrics``: by outcome, and by the rule that refused it."""
    if isinstance(error, RuleViolation):
        COMMANDS.labels(command, "refused").inc()
        REFUSALS.labels(command, error.rule or "").inc()
        return
    outcomes = ((Conflict, "conflict"), (InvalidInput, "invalid"), (NotFound, "not_found"))
    outcome = next((name for kind, name in outcomes if isinstance(error, kind)), "error")
    COMMANDS.labels(command, outcome).inc()


def request_fingerprint(*parts: Any) -> str:
    """A stable hash of a request, to tell a replay from a reuse of the same idempotency key."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    # A lone surrogate (in a value only the domain checks, as a correction's) is hashed as it
    # came, not refused here with a 500: the check that refuses it names its field.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class CommandContext:
    actor: Actor
    today: date
    idempotency_key: str | None = None
    request_hash: str = ""
    expected_version: int | None = None
    # Checked on the loaded case before the command runs (e.g. the API's handler scope), so a
    # caller needs no second load of its own to authorise.
    guard: Callable[[Case], None] | None = None
    # Where the facts come from when they were not keyed in as they happened: an import of a
    # file, or the demo's seeded year (``migration``). Stamped on every event written
    # as its ``provenance`` (not ``source``: a key designation has a field of that name).
    provenance: Mapping[str, Any] | None = None


def migration(kind: str, **facts: Any) -> dict[str, Any]:
    """The ``provenance`` of events brought in at once (``kind`` in ``MIGRATION_SOURCES``)."""
    if kind not in MIGRATION_SOURCES:
        raise ValueError(f"unknown migration source {kind!r}")
    return {"kind": kind, **facts}


def stamp_provenance(events: Sequence[Any], provenance: Mapping[str, Any] | None) -> None:
    """Records ``provenance`` on each event, stored with it. The library keeps an event's extra
    attributes (it stores ``vars(event)``) and hands an event body only the arguments it
    names, so old and new events decode alike and no body sees it."""
    if provenance is None:
        return
    for event in events:
        object.__setattr__(event, "provenance", dict(provenance))


@dataclass
class CommandResult:
    case_id: str
    version: int
    events: list[dict[str, Any]]
    replayed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "version": self.version,
            "events": self.events,
            **self.extra,
        }

"""The dependencies routes declare, as ``Annotated`` aliases: who may call (a ``Principal`` by
role), the services, and the query parameters several reads share.

A route states ``who: Office`` and FastAPI answers 401 without a valid token and 403 for another
role before the body is judged; ``as_of: AsOf`` is the day asked for, today by default.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any, Literal, TypeVar, get_type_hints

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator, BeforeValidator

from api.auth import READERS, principal, require, services
from api.fields import Day, WholeNumber, digits, storable
from api.problems import ApiProblem
from domain.business_day import CHINA
from domain.checks import MAX_CODE, MAX_NAME
from domain.vocabulary import Kind, Level, Stage
from infra.clock import today
from infra.directory import Principal
from infra.services import Services as ServiceGraph

# FastAPI hands a plain function (or a class) it depends on to its thread pool and awaits a
# coroutine in its event loop. Each hop is a wake-up of a worker thread and of the loop, and
# under a load a wait for the GIL on both sides; what only reads the request or its query is
# a coroutine, and the pool is left to what waits on the database (the caller's check).


async def app_services(request: Request) -> ServiceGraph:
    """``services`` as a dependency, called in the event loop (it only reads the app's state)."""
    return services(request)


T = TypeVar("T")


def in_event_loop(cls: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """``cls`` (a class FastAPI fills from the query) as a dependency called in the event
    loop: the same parameters, so the same query and the same OpenAPI document."""

    async def made(**fields: Any) -> T:
        return cls(**fields)

    hints = get_type_hints(cls, include_extras=True)
    parameters = [
        p.replace(annotation=hints[p.name]) for p in inspect.signature(cls).parameters.values()
    ]
    made.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    made.__name__ = made.__qualname__ = getattr(cls, "__name__", "made")
    return made


Services = Annotated[ServiceGraph, Depends(app_services)]

# Who may call, by role (API.md "Who does what").
Caller = Annotated[Principal, Depends(principal)]  # any authenticated user
Reader = Annotated[Principal, Depends(require(*READERS))]
Admin = Annotated[Principal, Depends(require("admin"))]
Office = Annotated[Principal, Depends(require("office"))]
Leader = Annotated[Principal, Depends(require("leader"))]
Handler = Annotated[Principal, Depends(require("handler"))]
OfficeOrHandler = Annotated[Principal, Depends(require("office", "handler"))]
Reviewer = Annotated[Principal, Depends(require("office", "supervisor"))]
# R-X2: whoever recorded an event may correct it; the domain checks it was them (or the office).
Recorder = Annotated[
    Principal, Depends(require("office", "leader", "handler", "supervisor", "admin"))
]
Auditor = Annotated[Principal, Depends(require("auditor", "admin"))]

Username = Annotated[str, Path(min_length=1, max_length=100)]


def admin_or_self(username: Username, who: Caller) -> Principal:
    """An admin, or the user the path names (a dependency, so refused before the body is
    judged, as a role is)."""
    if who.role != "admin" and who.user != username:
        raise ApiProblem(403, f"only an admin or {username} itself may do this")
    return who


AdminOrSelf = Annotated[Principal, Depends(admin_or_self)]


async def as_of_day(as_of: Day | None = None) -> date:
    return as_of or today()


# The day a read is asked "as of" (API.md § Conventions): today unless the caller names one.
AsOf = Annotated[date, Depends(as_of_day)]


# The moment a case's history is asked "as of" (R-X3): an instant, not a day.
def bare_day_end(text: str) -> datetime | None:
    """A bare day (``2026-12-05``) as the end of that day in Beijing, as the workbench shows
    times: "as of 5 December" holds what was recorded that day (read as midnight UTC, it held
    nothing of the Beijing day, and a case registered that morning "did not exist"). None for
    anything else."""
    if len(text) == 10 and text[4] == text[7] == "-":
        try:
            return datetime.combine(date.fromisoformat(text), time.max, tzinfo=CHINA)
        except ValueError:
            return None
    return None


def _day_ends(value: object) -> object:
    """The moment a history is asked as of: a bare day ends in Beijing (``bare_day_end``);
    anything else goes on to pydantic, which says what is wrong with it."""
    if isinstance(value, str):
        return bare_day_end(value) or value
    return value


AsOfMoment = Annotated[
    datetime | None,
    BeforeValidator(_day_ends),
    Query(
        description="ISO 8601; UTC when it names no zone; a bare date is the end of that day "
        "in Beijing time; now by default"
    ),
]
# The bounds come before the digits-only validator (``fields.digits``): behind it, FastAPI would
# document them as unknown "ge"/"le" keys instead of minimum and maximum (they hold either way).
MAX_LIMIT = 1000  # the most rows a page of any list holds
MAX_CURSOR = 500
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT), BeforeValidator(digits)]
After = Annotated[int, Query(ge=0, le=2**62), BeforeValidator(digits)]  # an event position
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR)]
YearFilter = Annotated[WholeNumber | None, Query(ge=1949, le=2200)]
UnitFilter = Annotated[str | None, Query(max_length=MAX_CODE)]


# Words searched for (``GET /v1/cases?q=``): text every store can hold, as any other text.
def _searchable(words: str | None) -> str | None:
    return None if words is None else storable(words)


SearchWords = Annotated[str | None, Query(max_length=MAX_NAME), AfterValidator(_searchable)]
# A leader in charge the 台账 is narrowed to (R-S2): a name, as the designation took it.
LeaderFilter = Annotated[
    str | None, Query(min_length=1, max_length=MAX_NAME), AfterValidator(_searchable)
]
# A username a list is narrowed to (the audit log's ``user``), held to the same text.
MAX_USER_FILTER = 100
# An event type the audit log is narrowed to (``type``): a name as the domain spells its events
# (``UserDisabled``); one no event has lists nothing, as an unknown ``user`` does.
EVENT_TYPE_NAME = r"^[A-Za-z]{1,80}$"
EventTypeFilter = Annotated[str | None, Query(alias="type", pattern=EVENT_TYPE_NAME)]
UserFilter = Annotated[
    str | None, Query(min_length=1, max_length=MAX_USER_FILTER), AfterValidator(_searchable)
]


@dataclass(frozen=True)
class Paging:
    """``?limit=&cursor=`` of a list (API.md § Conventions): a page, and where the next starts."""

    limit: Limit = 50
    cursor: Cursor = None


LedgerSort = Literal["number", "title", "lead_unit", "stage", "year", "due", "overdue"]
UnitRole = Literal["lead", "co", "split", "reference"]
# Decisions a case may wait on: a reply on a leader's approval (R-R2), an extension (R-E1) or a
# reassignment (R-A3) on the office's; or a unit's own reply on the unit (R-R2): approved, to
# be issued (``issue``), or returned, to be submitted again (``redo``); or a deadline of the
# unit still running (``owes``: what it has left to do); the filtered unit's (a handler's own)
# when there is one.
Awaiting = Literal[
    "approval", "extension", "reassignment", "ruling", "repeat", "issue", "redo", "owes"
]


@dataclass(frozen=True)
class LedgerFilter:
    """The ledger's filters (API.md § Reads), all optional, all applied together; ``level``,
    ``key`` and the order (``sort``, ``descending``) are additions the workbench's 台账 uses."""

    year: YearFilter = None
    unit: UnitFilter = None
    kind: Kind | None = None
    stage: Stage | None = None
    overdue: bool | None = None
    level: Level | None = None
    key: bool | None = None
    # Put back under supervision (挂账督办) by a 回头看 (R-Rv1) or by R-F2's re-handling.
    under_supervision: bool | None = None
    # Waiting on a decision (``Awaiting``).
    awaiting: Awaiting | None = None
    # The unit's part in the case (with ``unit``; alone: any unit's): the 总览's 主办/会办/分办
    # counts open the cases behind them.
    unit_role: UnitRole | None = None
    # R-S2: cases a proposer declared 不满意 (by ``as_of``), also those satisfied since.
    dissatisfied: bool | None = None
    # R-S2: the cases one leader took charge of (包案), by the name the designation gave.
    leader_in_charge: LeaderFilter = None
    sort: LedgerSort = "number"
    descending: bool = False

    def selection(self) -> dict[str, Any]:
        """The filters as the ledger's query takes them (without the order)."""
        return {
            "year": self.year,
            "unit": self.unit,
            "kind": self.kind,
            "stage": self.stage,
            "overdue": self.overdue,
            "level": self.level,
            "key": self.key,
            "under_supervision": self.under_supervision,
            "awaiting": self.awaiting,
            "unit_role": self.unit_role,
            "dissatisfied": self.dissatisfied,
            "leader_in_charge": self.leader_in_charge,
        }


Page = Annotated[Paging, Depends(in_event_loop(Paging))]
LedgerQuery = Annotated[LedgerFilter, Depends(in_event_loop(LedgerFilter))]

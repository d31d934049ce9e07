"""What every read of the API does first: wait for the read models it needs (read-your-writes,
API.md § Running), keep a handler to its own unit's rows (docs/decisions.md § HTTP API), turn a
cursor it cannot follow into a 422, and remember aggregate answers by log position.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from api.problems import INVALID_CURSOR, ApiProblem
from infra.directory import Principal
from infra.embedded import ViewStopped
from infra.services import Services


class UnitRow(Protocol):
    @property
    def unit(self) -> str | None: ...


Row = TypeVar("Row", bound=UnitRow)
T = TypeVar("T")


def views_current(svc: Services, *views: str, head: int | None = None) -> None:
    """Read-your-writes: a read after a 201 reflects it (``head``: the log's head as this
    request already read it). A read model that stopped at an event it cannot apply answers
    503 at once, naming the view and the position."""
    try:
        current = svc.views_current(views, head=head)
    except ViewStopped as stopped:
        raise ApiProblem(503, str(stopped)) from None
    if not current:
        raise ApiProblem(503, "read models are catching up; retry shortly")


def own_rows(who: Principal, rows: Sequence[Row]) -> list[Row]:
    """A handler's lists keep only its own unit's rows."""
    return [r for r in rows if who.role != "handler" or r.unit == who.unit]


def own_unit(who: Principal, unit: str | None) -> str | None:
    """A handler sees only its own unit's rows, whatever it asks for."""
    if who.role != "handler":
        return unit
    if unit is not None and unit != who.unit:
        raise ApiProblem(
            403,
            # English first, as every refusal's detail: a page shows the part after " / ".
            f"a handler of {who.unit} reads only its own unit / "
            # The unit unnamed: a page read it by its code (COM), the handler's own anyway.
            "承办人只能查看本单位的件",
        )
    return who.unit


def overdue_of(who: Principal, unit: str | None = None) -> str | None:
    """Whose deadlines make a case overdue for ``who``: a handler's own unit's (another unit
    late on a case it co-handles is not its lateness); for anyone else the ``unit`` chosen, if
    any (a supervisor reading one unit's 台账 chases that unit: it had read 13 cases where the
    lead unit was late and the chosen one in time), else any unit's."""
    return who.unit if who.role == "handler" else unit


def paged(read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A page read with the caller's cursor; a cursor the read cannot follow is a 422."""
    try:
        return read()
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
        raise ApiProblem(422, INVALID_CURSOR) from None


# Answers of the aggregate reads (measures over every case of a year), remembered by the log
# position they were read at: read models change only by applying events, so the same
# position and parameters give the same answer. A bound, not a policy.
_AT_HEAD: OrderedDict[tuple[Any, ...], tuple[Services, Any]] = OrderedDict()
AT_HEAD_ENTRIES = 64
_AT_HEAD_LOCK = threading.Lock()


def waited_head(svc: Services, view: str) -> int:
    """The log's head, with ``view`` waited for up to it (read-your-writes): an answer read
    now reflects that position at least, so it may be remembered under it."""
    head = svc.app.recorder.max_notification_id() or 0
    views_current(svc, view, head=head)
    return head


def at_head(svc: Services, view: str, key: tuple[Any, ...], read: Callable[[], T]) -> T:
    """``read()`` once per log position: the head is taken before the wait for the view, so
    the answer remembered under it reflects that position at least (never an older one)."""
    return remembered(svc, view, waited_head(svc, view), key, read)


def remembered(
    svc: Services, view: str, head: int, key: tuple[Any, ...], read: Callable[[], T]
) -> T:
    """``read()`` once per log position, for a caller that took ``head`` before it waited for
    ``view`` (as ``at_head`` does)."""
    full = (id(svc), view, head, *key)
    with _AT_HEAD_LOCK:
        hit = _AT_HEAD.get(full)
    if hit is not None and hit[0] is svc:  # the same services, not another at the same id
        found: T = hit[1]
        return found
    answer = read()
    with _AT_HEAD_LOCK:
        _AT_HEAD[full] = (svc, answer)
        while len(_AT_HEAD) > AT_HEAD_ENTRIES:
            _AT_HEAD.popitem(last=False)
    return answer

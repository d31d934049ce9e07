"""The order a case event's fields are read in: the order its event declares them.

The audit trail stores an event's data with its keys sorted (its JSON is compared byte for
byte), so a timeline read in stored order put 会办单位 before 主办单位 and a 责任分解's
承办人 before its 单位. The event classes declare their fields in the order the domain
names them (a registration: 编号, 类别, 级别, 年度, 标题, 提出人, 收到日期), which is also
the order of the forms that record them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from domain.case import Case


@cache
def _declared(event_type: str) -> Mapping[str, int]:
    """Each field's place in the event class of ``event_type`` (none for a type no longer
    declared: its fields keep their stored order)."""
    found = getattr(Case, event_type, None)
    declared = isinstance(found, type) and issubclass(found, Case.Event)
    if not (declared and dataclasses.is_dataclass(found)):
        return {}
    return {f.name: place for place, f in enumerate(dataclasses.fields(found))}


def in_reading_order(event_type: str, data: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    """``data``'s items, the fields ``event_type`` declares first and in its order, then any
    other (a field an older version of the event had) as stored."""
    places = _declared(event_type)
    last = len(places)
    return sorted(data.items(), key=lambda item: places.get(item[0], last))

"""A unit's request the office has yet to decide: a reassignment (R-A3) or an extension (R-E1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar

from domain.errors import NotFound, RuleViolation


class _Decidable(Protocol):
    @property
    def status(self) -> str: ...


_Request = TypeVar("_Request", bound=_Decidable)


def undecided(
    requests: Mapping[str, _Request], request_id: str, rule: str, name_zh: str, name_en: str
) -> _Request:
    """The open request ``request_id``: a decision is made once, so a decided one is refused."""
    request = requests.get(request_id)
    if request is None:
        raise NotFound(f"{name_zh}不存在", f"no {name_en} {request_id}")
    if request.status != "open":
        raise RuleViolation(rule, f"该{name_zh}已处理", f"the {name_en} was already decided")
    return request

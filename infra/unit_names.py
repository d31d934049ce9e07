"""Units by name: proposers and notices speak of 财政厅, not of ``FIN``."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.directory import Unit
from infra.application import BanliApplication


def unit_name(app: BanliApplication, code: str) -> str:
    """The unit's name (its code when there is no such unit: never a reason to fail)."""
    try:
        unit: Any = app.repository.get(Unit.create_id(code))
    except (AggregateNotFoundError, ValueError):
        return code
    return str(getattr(unit, "name", code))

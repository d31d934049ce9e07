"""Units by name: proposers and notices speak of 财政厅, not of ``FIN``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.directory import Unit
from infra.application import BanliApplication


def every_unit(app: BanliApplication) -> list[Unit]:
    """Every unit there is, as it stands (a few dozen: the store's index lists each stream
    that begins with ``UnitCreated``)."""
    ids = app.index.first_of_type("UnitCreated")
    found: list[Any] = [app.repository.get(UUID(i)) for i in ids]
    return [unit for unit in found if isinstance(unit, Unit)]


def unit_name(app: BanliApplication, code: str) -> str:
    """The unit's name (its code when there is no such unit: never a reason to fail)."""
    try:
        unit: Any = app.repository.get(Unit.create_id(code))
    except (AggregateNotFoundError, ValueError):
        return code
    return str(getattr(unit, "name", code))


class UnitNames:
    """Each unit's name, read once per code: a spreadsheet names the same few units in
    thousands of rows."""

    def __init__(self, app: BanliApplication) -> None:
        self.app = app
        self.known: dict[str, str] = {}

    def __call__(self, code: str | None) -> str | None:
        return self.name(code) if code else code

    def name(self, code: str) -> str:
        if code not in self.known:
            self.known[code] = unit_name(self.app, code)
        return self.known[code]

    def each(self, codes: Iterable[str]) -> str:
        """Several units' names, joined as the office writes them (、)."""
        return "、".join(self(code) or "" for code in codes)

"""The case plan: what will happen to one case, fixed before any command is issued."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from demo.units import UNIT_BY_CODE


@dataclass
class CasePlan:
    """What will happen to one case; the exact figures are fixed here, the details at run time."""

    unit: str | None  # the final lead unit, or a reference case's unit; None for split cases
    kind: str
    level: str
    subject: str
    proposers: list[dict[str, str]]
    place: str
    received_on: date
    assigned_on: date
    number: str = ""
    co: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    reference: bool = False
    classification: str = "B"
    key_source: str | None = None
    visit: str = "none"  # visited | declined | none
    outcome: str = "on_time"  # on_time | late | open | recent
    verdict: str | None = "satisfied"  # None: no feedback received
    returned: bool = False  # submitted before any contact reached the proposer (R-C1)
    missing_co: str | None = None  # co unit whose opinion is missing at issue (R-R2 override)
    missing_co_arrives: bool = False  # … and arrives after the reply after all
    late_further: bool = False  # the further reply misses its 30 days (R-D3)
    reassignment: str | None = None  # approved | approved_restart | rejected | ruled
    earlier_units: list[str] = field(default_factory=list)  # who held it before ``unit``
    merge_group: int | None = None

    @property
    def title(self) -> str:
        return f"关于{self.subject}的{'建议' if self.kind == 'suggestion' else '提案'}"

    @property
    def proposer(self) -> str:
        return self.proposers[0]["name"]

    @property
    def exemplary(self) -> bool:
        return self.unit is not None and UNIT_BY_CODE[self.unit].exemplary

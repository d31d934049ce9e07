"""Each unit's contact with the proposers at a glance (R-C1, R-V2): the case page's 沟通联系
section. A review's handler could tell whether a reply might be approved (R-C1: the proposer
reached first) only by reading the timeline event by event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.case import Case


@dataclass(frozen=True)
class UnitContacts:
    """One unit's contacts (and how many reached the proposer, first when), visits (the
    latest when), visits the proposer declined, and on-site handlings."""

    unit: str
    contacts: int
    reached: int
    first_reached: date | None
    visits: int
    last_visit: date | None
    declined: int
    on_site: int


def contact_summary(case: Case) -> list[UnitContacts]:
    """The units on the case in their order, then any unit no longer on it with a record (a
    lead replaced by 改办 keeps what it did)."""
    recorded = [
        *(c.unit for c in case.contacts),
        *(v.unit for v in case.visits),
        *(d.unit for d in case.declined_visits),
        *(o.unit for o in case.on_site_handlings),
    ]
    units = list(dict.fromkeys([*case.units, *recorded]))
    found = []
    for unit in units:
        contacts = [c for c in case.contacts if c.unit == unit]
        reached = sorted(c.occurred_on for c in contacts if c.reached)
        visits = sorted(v.occurred_on for v in case.visits if v.unit == unit)
        found.append(
            UnitContacts(
                unit=unit,
                contacts=len(contacts),
                reached=len(reached),
                first_reached=reached[0] if reached else None,
                visits=len(visits),
                last_visit=visits[-1] if visits else None,
                declined=sum(1 for d in case.declined_visits if d.unit == unit),
                on_site=sum(1 for o in case.on_site_handlings if o.unit == unit),
            )
        )
    return found

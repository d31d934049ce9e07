"""Who acts in the demo: the office, the leader, each unit's handler and its named staff."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.people import GIVEN_NAMES, SURNAMES
from demo.units import UNITS
from domain.records import Actor, Person

OFFICE = Actor(user="office.chen", role="office", unit=None)
LEADER = Actor(user="leader.zhou", role="leader", unit=None)


def handler(unit: str) -> Actor:
    return Actor(user=f"handler.{unit.lower()}", role="handler", unit=unit)


def proposer_actor(name: str) -> Actor:
    """A proposer speaking through their personal link (R-F4)."""
    return Actor(user=f"proposer:{name}", role="proposer", unit=None)


@dataclass(frozen=True)
class Staff:
    leader: Person  # the unit's leader in charge (分管厅领导)
    head: Person  # head of the handling division
    clerk: Person

    @property
    def leader_title(self) -> str:
        """The leader in charge as commands name them: 张建国副厅长."""
        return f"{self.leader.name}{self.leader.rank}"


def draw_staff(rng: random.Random) -> dict[str, Staff]:
    """Every unit's leader, division head and clerk, drawn in the order of the unit table."""

    def person(rank: str) -> Person:
        return Person(name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES), rank=rank)

    return {u.code: Staff(person("副厅长"), person("处长"), person("一级主任科员")) for u in UNITS}

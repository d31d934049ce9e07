"""The planner: lays out the whole year as case plans, grouped in order of assignment."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from demo import storylines
from demo.dates import between
from demo.people import CITIES, People
from demo.plan import CasePlan
from demo.scale import scaled, scaled_share
from demo.units import UNIT_BY_CODE, UNITS, UnitProfile
from domain.key_quota import UNIT_KEY_CASES_PER_YEAR

FIN_CO_CASES = 297  # 002: 373 items handled, 76 of them lead
HOU_CO_CASES = 46  # 002: 97 items, 51 lead, 46 co
# R-A1/R-R3: split cases, each of whose units answers for its part. R-V2 counts them among a
# unit's lead cases: they go to units whose visit verdict they leave as it is, so the units
# on either side of a step (9, 10, 11, 49, 50) stay there on the 总览.
SPLITS = (("HRS", "CIV"), ("HRS", "CIV", "IND"), ("IND", "HRS"))
REFERENCE_CASES = 4


class Planner:
    """Lays out the year: every case's units, class, visit, outcome and special story."""

    def __init__(self, rng: random.Random, scale: float) -> None:
        self.rng = rng
        self.scale = scale
        self.people = People(rng)
        self.own_keys: Counter[str] = Counter()  # R-S2: a unit's own key cases so far

    def plan(self) -> list[list[CasePlan]]:
        rng, scale = self.rng, self.scale
        plans = [p for unit in UNITS for p in self._unit_cases(unit)]
        self._add_co_units(plans)
        storylines.merge(rng, scale, plans)
        storylines.reassign(rng, plans)
        storylines.make_recent(rng, scale, plans)
        storylines.missing_co_opinions(rng, plans)
        storylines.late_further_reply(rng, plans)
        plans += self._splits() + self._references()
        self._number(plans)
        return self._groups(plans)

    # -- cases of one lead unit

    def _unit_cases(self, unit: UnitProfile) -> list[CasePlan]:
        lead = scaled(unit.lead, self.scale)
        plans = [self._new_case(unit.code, c) for c in self._classes(unit, lead)]
        keys, visited, declined = self._meeting_counts(unit, lead)
        order = self.rng.sample(range(lead), lead)
        for i in order[:keys]:
            plans[i].key_source = self._key_source(plans[i].kind, unit)
        for i in order[:visited]:
            plans[i].visit = "visited"
        for i in order[visited : visited + declined]:
            plans[i].visit = "declined"
        for p in plans:
            self._outcome(p, unit)
        return plans

    def _classes(self, unit: UnitProfile, lead: int) -> list[str]:
        if unit.classes is None:
            return self.rng.choices("ABC", weights=(45, 35, 20), k=lead)
        total = sum(unit.classes)
        a = round(lead * unit.classes[0] / total)
        c = min(lead - a, round(lead * unit.classes[2] / total))
        classes = ["A"] * a + ["B"] * (lead - a - c) + ["C"] * c
        self.rng.shuffle(classes)
        return classes

    def _meeting_counts(self, unit: UnitProfile, lead: int) -> tuple[int, int, int]:
        ratio = lead / unit.lead
        visited = min(lead, round(unit.visited * ratio))
        declined = min(lead - visited, round(unit.declined * ratio))
        keys = min(visited, scaled(unit.key, self.scale)) if visited else 0
        return keys, visited, declined

    def _key_source(self, kind: str, unit: UnitProfile) -> str:
        # 002: HOU's 12 key cases were led by the department's leaders; R-S2 lets a unit name
        # only two of its own a year, so the others are the government's or congress's.
        own = self.own_keys[unit.code] < UNIT_KEY_CASES_PER_YEAR
        if own and (unit.code == "HOU" or self.rng.random() < 0.5):
            self.own_keys[unit.code] += 1
            return "unit"
        return self.rng.choice(["congress" if kind == "suggestion" else "cppcc", "government"])

    def _new_case(self, unit: str, classification: str, kind: str | None = None) -> CasePlan:
        rng = self.rng
        kind = kind or ("suggestion" if rng.random() < 0.6 else "proposal")
        level = "national" if rng.random() < 0.12 else "provincial"
        received, assigned = self._intake(level)
        return CasePlan(
            unit=unit,
            kind=kind,
            level=level,
            subject=rng.choice(UNIT_BY_CODE[unit].subjects),
            proposers=self.people.proposers(kind),
            place=rng.choice(CITIES),
            received_on=received,
            assigned_on=assigned,
            classification=classification,
        )

    def _intake(self, level: str) -> tuple[date, date]:
        """Session items are assigned at the February 交办会; national ones in late April."""
        rng = self.rng
        if level == "national":
            received = between(rng, date(2025, 3, 25), date(2025, 4, 10))
            return received, between(rng, date(2025, 4, 18), date(2025, 4, 30))
        if rng.random() < 0.08:  # raised between sessions (闭会期间)
            received = between(rng, date(2025, 5, 6), date(2025, 9, 30))
            return received, received + timedelta(days=rng.randint(10, 25))
        received = between(rng, date(2025, 1, 14), date(2025, 1, 20))
        return received, between(rng, date(2025, 2, 12), date(2025, 2, 28))

    def _outcome(self, plan: CasePlan, unit: UnitProfile) -> None:
        rng = self.rng
        roll = rng.random()
        if not unit.exemplary:
            plan.outcome = "open" if roll < 0.04 else "late" if roll < 0.12 else "on_time"
        plan.returned = plan.visit != "visited" and rng.random() < 0.05
        if plan.outcome == "open":
            plan.verdict = None
            return
        verdicts = ("satisfied", "basically_satisfied", "dissatisfied", None)
        weights = (80, 20, 0, 0) if unit.exemplary else (62, 30, 5, 3)
        plan.verdict = rng.choices(verdicts, weights=weights)[0]

    # -- co-handling units (R-A1)

    def _add_co_units(self, plans: list[CasePlan]) -> None:
        for code, count in (("FIN", FIN_CO_CASES), ("HOU", HOU_CO_CASES)):
            others = [p for p in plans if p.unit != code]
            for p in self.rng.sample(others, min(scaled(count, self.scale), len(others))):
                p.co.append(code)
        extra = [u.code for u in UNITS if u.code not in ("FIN", "HOU")]
        for p in plans:
            if self.rng.random() < 0.15:
                choices = [c for c in extra if c != p.unit and c not in p.co]
                p.co.append(self.rng.choice(choices))

    # -- cases no single lead unit answers

    def _splits(self) -> list[CasePlan]:
        """R-A1/R-R3: split cases, each unit replying separately."""
        plans = []
        for units in scaled_share(SPLITS, self.scale):
            plan = self._new_case(units[0], self.rng.choice("AB"), kind="suggestion")
            plan.unit, plan.split, plan.verdict = None, list(units), "satisfied"
            plans.append(plan)
        return plans

    def _references(self) -> list[CasePlan]:
        """R-R3/R-D5: reference cases (参阅件) sent to a unit: no reply, contact by 31 October.

        The first one is never contacted, so the ledger shows an overdue R-D5 deadline.
        """
        plans = []
        for i in range(scaled(REFERENCE_CASES, self.scale)):
            plan = self._new_case(self.rng.choice(UNITS).code, "B")
            plan.reference, plan.verdict = True, None
            plan.outcome = "open" if i == 0 else "on_time"
            plans.append(plan)
        return plans

    # -- numbers and running order

    def _number(self, plans: list[CasePlan]) -> None:
        """Numbers per kind and level, in order of receipt: JY-0001, QG-TA-0001 …"""
        series: Counter[str] = Counter()
        for p in sorted(plans, key=lambda p: (p.received_on, p.kind, p.level)):
            prefix = ("QG-" if p.level == "national" else "") + (
                "JY" if p.kind == "suggestion" else "TA"
            )
            series[prefix] += 1
            p.number = f"{prefix}-{series[prefix]:04d}"

    def _groups(self, plans: list[CasePlan]) -> list[list[CasePlan]]:
        """Single cases and merge groups (primary first), in order of assignment."""
        groups: dict[object, list[CasePlan]] = {}
        for p in sorted(plans, key=lambda p: (p.assigned_on, p.number)):
            key = ("merge", p.merge_group) if p.merge_group is not None else p.number
            groups.setdefault(key, []).append(p)
        return list(groups.values())

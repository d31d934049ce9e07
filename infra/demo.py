"""The demo year (演示数据): a seeded provincial handling year 2025, built from the seeds' figures.

``load_demo`` drives the real application — every fact is a domain command the rules accept, so
a refusal here is a bug in the generator and is left to raise — through one year modelled on:

- seed 002 (Hunan 2018): the finance department's 76 lead cases, replies A 41 / C 18 / rest B,
  373 items in all with its 297 co-handled ones, every lead case contacted, its key cases met,
  replies on time and feedback satisfied ("five 100 %"); the housing department's 51 lead and 46
  co cases, 12 key cases, 4 proposers who declined a meeting and follow-up calls on every reply;
- seed 003 (Hebei 2022): units on both sides of the visit-rate steps (9, 10, 11, 49, 50 lead
  cases, R-V2), some meeting the required rate and some short of it; the 2- and 3-month
  deadlines, disclosure within 15 days and 30-day re-handling, all exercised on time and late.

Everything else (channels, dates, verdicts, findings) is drawn from ``random.Random(seed)``, so a
seed always produces the same commands. Business dates run from January 2025 to ``DEMO_TODAY``.
``scale`` shrinks every count (at least one per bucket) for fast tests.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.case import Actor, Case
from domain.deadlines import case_deadlines
from domain.visit_rate import visit_compliance
from infra.application import BanliApplication, CommandContext, CommandResult

DEMO_YEAR = 2025
DEMO_TODAY = date(2026, 6, 30)  # the demo's "today": no business date lies after it
REASSESSMENT_FROM = date(2025, 11, 10)  # 回头看 starts in the fourth quarter
FOLLOW_UP_FROM = date(2026, 3, 1)  # second 回头看 round, next spring

OFFICE: Actor = {"user": "office.chen", "role": "office", "unit": None}
LEADER: Actor = {"user": "leader.zhou", "role": "leader", "unit": None}


def handler(unit: str) -> Actor:
    return {"user": f"handler.{unit.lower()}", "role": "handler", "unit": unit}


# ---------------------------------------------------------------------- units


@dataclass(frozen=True)
class UnitProfile:
    code: str
    name: str
    doc_prefix: str  # reply document numbers: 财函〔2025〕12号
    lead: int  # lead cases in the year at scale 1 (the R-V2 bucket)
    visited: int  # lead cases with a face-to-face visit
    declined: int  # lead cases whose proposer declined a meeting (R-V3)
    key: int  # key cases (重点建议提案), visited first
    classes: tuple[int, int, int] | None = None  # exact A/B/C of the lead replies (seed 002)
    exemplary: bool = False  # on time, no dissatisfied verdict (seed 002's "five 100 %")

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(SUBJECTS[self.code].split("、"))


# R-V2 steps: ≤10 lead cases → 100 % visited; 11–49 → 50 %; ≥50 → 30 % (ceil, exact).
UNITS: tuple[UnitProfile, ...] = (
    UnitProfile("FIN", "财政厅", "财函", 76, 40, 0, 4, classes=(41, 17, 18), exemplary=True),
    UnitProfile("HOU", "住房城乡建设厅", "建函", 51, 47, 4, 12, exemplary=True),
    UnitProfile("EDU", "教育厅", "教函", 50, 15, 1, 2),  # 15 of 50 meets 30 % exactly
    UnitProfile("HEA", "卫生健康委", "卫函", 49, 24, 2, 2),  # 24 of 49: one short of 50 %
    UnitProfile("HRS", "人力资源社会保障厅", "人社函", 36, 20, 1, 2),
    UnitProfile("ENV", "生态环境厅", "环函", 30, 12, 1, 1),  # three short of 50 %
    UnitProfile("IND", "工业和信息化厅", "工信函", 26, 13, 0, 1),
    UnitProfile("COM", "商务厅", "商函", 22, 11, 0, 1),
    UnitProfile("CIV", "民政厅", "民函", 18, 10, 1, 1),
    UnitProfile("NRC", "自然资源厅", "自然资源函", 12, 6, 0, 1),
    UnitProfile("TRA", "交通运输厅", "交函", 11, 6, 0, 1),  # ceil(5.5) = 6 meets 50 %
    UnitProfile("AGR", "农业农村厅", "农函", 10, 10, 0, 1),  # every one visited
    UnitProfile("WAT", "水利厅", "水函", 9, 8, 1, 1),  # one declined: raw rate short (R-V3)
    UnitProfile("CUL", "文化和旅游厅", "文旅函", 6, 6, 0, 1),
)
SUBJECTS: dict[str, str] = {
    "FIN": "加大对县级财政转移支付力度、完善乡村振兴衔接资金管理、支持政府性融资担保体系建设、"
    "提高城乡居民医保财政补助标准、加强地方政府债务风险防控、落实中小企业税费优惠政策",
    "HOU": "推进城镇老旧小区改造、支持既有住宅加装电梯、加强农村危房改造、规范住房租赁市场、"
    "加快城市地下管网更新改造、促进房地产市场平稳健康发展",
    "EDU": "加强乡村教师队伍建设、推进义务教育优质均衡发展、扩大普惠性学前教育资源、"
    "深化产教融合发展职业教育、加强中小学生心理健康教育",
    "HEA": "加强基层医疗卫生服务能力建设、推进紧密型县域医共体建设、完善婴幼儿照护服务体系、"
    "加强精神卫生服务、推动中医药传承创新发展",
    "HRS": "促进高校毕业生就业、保障新就业形态劳动者权益、完善灵活就业人员社保政策、"
    "根治拖欠农民工工资、加强高技能人才培养",
    "ENV": "加强长江流域生态环境保护、推进农村生活污水治理、加强大气污染联防联控、"
    "推进固体废物综合利用",
    "IND": "推动制造业数字化转型、支持专精特新中小企业发展、加快5G网络建设、促进新能源汽车产业发展",
    "COM": "促进县域商业体系建设、扩大跨境电商发展、提振大宗消费、支持外贸企业稳订单拓市场",
    "CIV": "加快发展农村养老服务、完善困难群众救助保障、加强社区治理能力建设、规范殡葬服务管理",
    "NRC": "保障乡村振兴用地需求、推进全域土地综合整治、加强地质灾害防治、盘活存量建设用地",
    "TRA": "加强农村公路养护、完善城乡客运一体化、加快高速公路网建设、推进内河航运发展",
    "AGR": "稳定粮食生产扶持政策、发展特色农业产业、加强高标准农田建设、培育新型农业经营主体",
    "WAT": "加强中小河流治理、推进农村供水保障工程、加强山洪灾害防御、推进水库除险加固",
    "CUL": "推动文旅深度融合发展、加强非物质文化遗产保护、发展乡村旅游、完善公共文化服务体系",
}
UNIT_BY_CODE = {u.code: u for u in UNITS}

FIN_CO_CASES = 297  # 002: 373 items handled, 76 of them lead
HOU_CO_CASES = 46  # 002: 97 items, 51 lead, 46 co
MERGE_GROUPS = (("EDU", 3), ("HEA", 2), ("HRS", 2), ("ENV", 2))
REASSIGNMENTS = (("approved_restart", "IND"), ("approved", "COM"), ("rejected", "CIV"))
RULING = ("ruled", "NRC")
SPLITS = (("ENV", "WAT"), ("AGR", "NRC", "WAT"), ("CUL", "EDU"))
REFERENCE_CASES = 4
RECENT_UNITS = ("HRS", "CIV", "COM")  # national items forwarded late, not yet due

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高邓谭曾彭唐蒋"
GIVEN_NAMES = (
    "建国", "丽华", "志强", "海燕", "国平", "晓东", "春梅", "卫东", "红霞", "永红", "明亮",
    "淑芬", "德胜", "秀英", "文斌", "小平", "立新", "桂兰", "振华", "玉梅", "湘军", "岳林",
)  # fmt: skip
PARTIES = (
    "民革省委会", "民盟省委会", "民建省委会", "民进省委会", "农工党省委会", "致公党省委会",
    "九三学社省委会", "省工商联",
)  # fmt: skip
CITIES = (
    "长沙", "株洲", "湘潭", "衡阳", "邵阳", "岳阳", "常德", "张家界", "益阳", "郴州", "永州",
    "怀化", "娄底", "湘西州",
)  # fmt: skip


def _scaled(count: int, scale: float) -> int:
    """A bucket's size at ``scale``: proportional, at least one; exact at scale 1."""
    return max(1, round(count * scale))


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


# ---------------------------------------------------------------------- the plan


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


class _People:
    """Deputies and members, drawn once so that some of them raise several cases."""

    def __init__(self, rng: random.Random) -> None:
        names = list(dict.fromkeys(s + g for s in SURNAMES for g in GIVEN_NAMES))
        rng.shuffle(names)
        self.deputies = names[:180]
        self.members = names[180:300]
        self.rng = rng

    def proposers(self, kind: str) -> list[dict[str, str]]:
        rng = self.rng
        if kind == "proposal" and rng.random() < 0.15:
            return [{"name": rng.choice(PARTIES), "type": "unit", "role": "lead"}]
        pool, kind_type = (
            (self.deputies, "deputy") if kind == "suggestion" else (self.members, "member")
        )
        joint = rng.random() < (0.3 if kind == "suggestion" else 0.15)
        names = rng.sample(pool, 1 + (rng.randint(1, 4) if joint else 0))
        return [
            {"name": n, "type": kind_type, "role": "lead" if i == 0 else "co_signer"}
            for i, n in enumerate(names)
        ]


class _Planner:
    """Lays out the year: every case's units, class, visit, outcome and special story."""

    def __init__(self, rng: random.Random, scale: float) -> None:
        self.rng = rng
        self.scale = scale
        self.people = _People(rng)

    def plan(self) -> list[list[CasePlan]]:
        plans = [p for unit in UNITS for p in self._unit_cases(unit)]
        self._add_co_units(plans)
        self._merge(plans)
        self._reassign(plans)
        self._make_recent(plans)
        self._missing_co_opinions(plans)
        self._late_further_reply(plans)
        plans += self._splits() + self._references()
        self._number(plans)
        return self._groups(plans)

    # -- cases of one lead unit

    def _unit_cases(self, unit: UnitProfile) -> list[CasePlan]:
        lead = _scaled(unit.lead, self.scale)
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
        keys = min(visited, _scaled(unit.key, self.scale)) if visited else 0
        return keys, visited, declined

    def _key_source(self, kind: str, unit: UnitProfile) -> str:
        if unit.code == "HOU" or self.rng.random() < 0.5:
            return "unit"  # 002: 厅重点建议, led by the department's leaders
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
            received = _between(rng, date(2025, 3, 25), date(2025, 4, 10))
            return received, _between(rng, date(2025, 4, 18), date(2025, 4, 30))
        if rng.random() < 0.08:  # raised between sessions (闭会期间)
            received = _between(rng, date(2025, 5, 6), date(2025, 9, 30))
            return received, received + timedelta(days=rng.randint(10, 25))
        received = _between(rng, date(2025, 1, 14), date(2025, 1, 20))
        return received, _between(rng, date(2025, 2, 12), date(2025, 2, 28))

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
            for p in self.rng.sample(others, min(_scaled(count, self.scale), len(others))):
                p.co.append(code)
        extra = [u.code for u in UNITS if u.code not in ("FIN", "HOU")]
        for p in plans:
            if self.rng.random() < 0.15:
                choices = [c for c in extra if c != p.unit and c not in p.co]
                p.co.append(self.rng.choice(choices))

    # -- special stories

    def _eligible(self, plans: list[CasePlan], unit: str) -> list[CasePlan]:
        return [
            p
            for p in plans
            if p.unit == unit
            and p.outcome == "on_time"
            and p.merge_group is None
            and p.reassignment is None
        ]

    def _merge(self, plans: list[CasePlan]) -> None:
        """R-M1: similar cases of the same kind and unit, answered by one reply."""
        for group, (unit, size) in enumerate(
            MERGE_GROUPS[: _scaled(len(MERGE_GROUPS), self.scale)]
        ):
            candidates = [
                p
                for p in self._eligible(plans, unit)
                if p.kind == "suggestion" and p.assigned_on.month == 2  # one session batch
            ]
            if len(candidates) < size:
                continue
            members = self.rng.sample(candidates, size)
            for p in members:
                p.merge_group = group
                p.returned = False  # keeps the merged reply within its three months
                p.subject = members[0].subject
                if p.verdict == "dissatisfied":
                    p.verdict = "basically_satisfied"

    def _reassign(self, plans: list[CasePlan]) -> None:
        """R-A2/R-A3: two approved requests, one rejected, one ruling after two rounds."""
        for story, unit in (*REASSIGNMENTS, RULING):
            candidates = self._eligible(plans, unit)
            if not candidates:
                continue
            plan = self.rng.choice(candidates)
            plan.reassignment = story
            others = [u.code for u in UNITS if u.code != unit and u.code not in plan.co]
            earlier = {"rejected": 0, "ruled": 2}.get(story, 1)
            plan.earlier_units = self.rng.sample(others, earlier)

    def _missing_co_opinions(self, plans: list[CasePlan]) -> None:
        """R-R2: two replies issued on an override; one missing opinion arrives afterwards."""
        candidates = [
            p
            for p in plans
            if p.outcome == "on_time" and p.merge_group is None and set(p.co) - {"FIN"}
        ]
        chosen = self.rng.sample(candidates, min(2, len(candidates)))
        for plan, arrives in zip(chosen, (True, False), strict=False):
            plan.missing_co = self.rng.choice([u for u in plan.co if u != "FIN"])
            plan.missing_co_arrives = arrives

    def _late_further_reply(self, plans: list[CasePlan]) -> None:
        dissatisfied = [p for p in plans if p.verdict == "dissatisfied"]
        if dissatisfied:
            self.rng.choice(dissatisfied).late_further = True

    def _make_recent(self, plans: list[CasePlan]) -> None:
        """National items forwarded between sessions and assigned lately: not yet due."""
        for unit in RECENT_UNITS[: _scaled(len(RECENT_UNITS), self.scale)]:
            candidates = self._eligible(plans, unit)
            if not candidates:
                continue
            plan = self.rng.choice(candidates)
            plan.level, plan.outcome, plan.verdict = "national", "recent", None
            plan.received_on = _between(self.rng, date(2026, 4, 1), date(2026, 4, 15))
            plan.assigned_on = _between(self.rng, date(2026, 4, 20), date(2026, 5, 15))

    def _splits(self) -> list[CasePlan]:
        """R-A1/R-R3: split cases, each unit replying separately."""
        plans = []
        for units in SPLITS[: _scaled(len(SPLITS), self.scale)]:
            plan = self._new_case(units[0], self.rng.choice("AB"), kind="suggestion")
            plan.unit, plan.split, plan.verdict = None, list(units), "satisfied"
            plans.append(plan)
        return plans

    def _references(self) -> list[CasePlan]:
        """R-R3/R-D5: reference cases (参阅件) sent to a unit: no reply, contact by 31 October.

        The first one is never contacted, so the ledger shows an overdue R-D5 deadline.
        """
        plans = []
        for i in range(_scaled(REFERENCE_CASES, self.scale)):
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


# ---------------------------------------------------------------------- running the plan


@dataclass(frozen=True)
class Staff:
    leader: dict[str, str]  # the unit's leader in charge (分管厅领导)
    head: dict[str, str]  # head of the handling division
    clerk: dict[str, str]


def _staff(rng: random.Random) -> dict[str, Staff]:
    def person(rank: str) -> dict[str, str]:
        return {"name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES), "rank": rank}

    return {u.code: Staff(person("副厅长"), person("处长"), person("一级主任科员")) for u in UNITS}


class _Demo:
    """The load in progress: application, generator, staff, document counters and tallies."""

    def __init__(self, app: BanliApplication, rng: random.Random) -> None:
        self.app = app
        self.rng = rng
        self.staff = _staff(rng)
        self.events = 0
        self.documents: Counter[str] = Counter()
        self.replies: dict[str, Counter[str]] = {}

    @staticmethod
    def ctx(actor: Actor) -> CommandContext:
        return CommandContext(actor=actor, today=DEMO_TODAY)

    def command(self, actor: Actor, case_id: str, method: str, **fields: Any) -> CommandResult:
        return self.count(self.app.command(self.ctx(actor), case_id, method, **fields))

    def count(self, result: CommandResult) -> CommandResult:
        self.events += len(result.events)
        return result

    def document_number(self, unit: str, on: date) -> str:
        self.documents[unit] += 1
        return f"{UNIT_BY_CODE[unit].doc_prefix}〔{on.year}〕{self.documents[unit]}号"

    def tally_reply(self, unit: str, classification: str) -> None:
        self.replies.setdefault(unit, Counter())[classification] += 1


class _Story:
    """One case's commands in business-date order; ``self.on`` is the case's own clock."""

    def __init__(self, demo: _Demo, plan: CasePlan) -> None:
        self.demo = demo
        self.plan = plan
        self.rng = demo.rng
        self.case_id = ""
        self.on = plan.received_on
        self.consent: tuple[bool, bool] | None = None  # (reply, original text) R-P2/R-P4
        self.classification = plan.classification
        self.co_objects = False  # a co unit advised against disclosure (R-P3)
        self.issued_on: date | None = None

    # -- clock and plumbing

    def later(self, low: int, high: int) -> date:
        self.on = min(self.on + timedelta(days=self.rng.randint(low, high)), DEMO_TODAY)
        return self.on

    def at_least(self, day: date) -> date:
        self.on = min(max(self.on, day), DEMO_TODAY)
        return self.on

    def since_assignment(self, low: int, high: int) -> date:
        """No earlier than ``low``..``high`` days after assignment."""
        return self.at_least(self.plan.assigned_on + timedelta(days=self.rng.randint(low, high)))

    def do(self, actor: Actor, method: str, **fields: Any) -> CommandResult:
        return self.demo.command(actor, self.case_id, method, **fields)

    @property
    def replying_units(self) -> list[str]:
        if self.plan.reference:
            return []
        return self.plan.split or ([self.plan.unit] if self.plan.unit else [])

    def staff(self, unit: str) -> Staff:
        return self.demo.staff[unit]

    # -- whole stories

    def run(self) -> None:
        self.open()
        self.finish()

    def open(self) -> None:
        """Registration to the eve of the reply: assignment, contacts, visits, co opinions."""
        self.register()
        self.assign()
        if self.plan.reference:
            self.reference_contact()
            return
        self.reassign()
        self.designate_key()
        for unit in self.replying_units:
            self.first_contact(unit)
        self.disclosure_preference()
        self.meet()
        self.on_site()
        self.co_opinions()

    def finish(self) -> None:
        outcome = self.plan.outcome
        if self.plan.reference or outcome == "recent":
            return
        if outcome == "open":
            self.chase(overdue=True)
            return
        if outcome == "late":
            self.chase(overdue=False)
            self.since_assignment(93, 110)
        for unit in self.replying_units:
            self.reply(unit)
        self.after_reply()

    # -- registration and assignment

    def register(self) -> None:
        p = self.plan
        result = self.demo.app.register_case(
            self.demo.ctx(OFFICE),
            number=p.number,
            kind=p.kind,
            level=p.level,
            year=DEMO_YEAR,
            title=p.title,
            proposers=p.proposers,
            received_on=p.received_on,
        )
        self.case_id = self.demo.count(result).case_id

    def assign(self) -> None:
        p = self.plan
        self.on = p.assigned_on
        shape: dict[str, Any]
        if p.reference:
            shape = {"reference": True, "lead_unit": p.unit}
        elif p.split:
            shape = {"split_units": p.split}
        else:
            shape = {"lead_unit": p.earlier_units[0] if p.earlier_units else p.unit}
            shape["co_units"] = p.co
        self.do(OFFICE, "assign", assigned_on=self.on, **shape)

    def designate_key(self) -> None:
        p = self.plan
        if p.key_source is None or p.unit is None:
            return
        actor = handler(p.unit) if p.key_source == "unit" else OFFICE
        leader = self.staff(p.unit).leader
        self.do(
            actor,
            "designate_key",
            source=p.key_source,
            leader_in_charge=f"{leader['name']}{leader['rank']}",
            occurred_on=self.later(0, 3),
        )

    def reassign(self) -> None:
        p = self.plan
        if p.reassignment is None or p.unit is None:
            return
        if p.reassignment == "rejected":
            request = self.request_reassignment(p.unit, "该件涉及多个部门职责，建议改由他单位主办")
            self.decide_reassignment(request, None, "经研究，该件主要涉及贵单位职责，请继续主办")
            return
        first = p.earlier_units[0]
        second = p.earlier_units[1] if p.reassignment == "ruled" else p.unit
        request = self.request_reassignment(first, f"该件主要涉及{UNIT_BY_CODE[second].name}职责")
        restart = p.reassignment == "approved_restart"  # R-A4: only when the office says so
        self.decide_reassignment(request, second, "同意改办", restart=restart)
        if p.reassignment == "ruled":  # R-A2: a third round only by the leader's ruling
            self.request_reassignment(second, f"该件应由{UNIT_BY_CODE[p.unit].name}主办")
            leader = self.staff(p.unit).leader
            self.do(
                LEADER,
                "rule_on_assignment",
                leader=f"{leader['name']}{leader['rank']}",
                lead_unit=p.unit,
                co_units=p.co,
                note="已两次批分，经办公室建议报分管厅领导裁定",
                occurred_on=self.later(1, 3),
            )

    def request_reassignment(self, unit: str, reason: str) -> str:
        result = self.do(
            handler(unit),
            "request_reassignment",
            unit=unit,
            reason=reason,
            occurred_on=self.later(1, 4),
        )
        request_id: str = result.extra["request_id"]
        return request_id

    def decide_reassignment(
        self, request_id: str, lead: str | None, note: str, *, restart: bool = False
    ) -> None:
        fields: dict[str, Any] = {"lead_unit": lead, "co_units": self.plan.co} if lead else {}
        self.do(
            OFFICE,
            "decide_reassignment",
            request_id=request_id,
            approved=lead is not None,
            note=note,
            restart_deadlines=restart,
            occurred_on=self.later(1, 3),
            **fields,
        )

    # -- communication, visits, opinions

    def contact(self, unit: str, *, reached: bool, phase: str, channel: str | None = None) -> None:
        p = self.plan
        if channel is None:
            channel = self.rng.choice(("phone", "phone", "wechat", "email", "video", "meeting"))
        summary = (
            f"就{p.subject}与{p.proposer}沟通办理思路，听取意见建议"
            if reached
            else "电话未接通，已发短信说明来意并约定再次联系"
        )
        staff = self.staff(unit)
        self.do(
            handler(unit),
            "record_contact",
            unit=unit,
            phase=phase,
            channel=channel,
            contacted_by=staff.head if reached else staff.clerk,
            person=p.proposer,
            reached=reached,
            summary=summary,
            occurred_on=self.later(1, 4),
        )

    def first_contact(self, unit: str) -> None:
        """R-C1/R-C2: failed attempts are kept; a returned case has only a failed one."""
        if self.plan.returned or self.rng.random() < 0.15:
            self.contact(unit, reached=False, phase="before", channel="phone")
        if not self.plan.returned:
            self.contact(unit, reached=True, phase="before")

    def reference_contact(self) -> None:
        """R-D5: a reference case gets no reply, but its unit contacts the proposer in time."""
        self.remind("circular", "参阅件须于10月31日前与代表委员沟通联系并登记（R-D5）")
        if self.plan.outcome == "open" or self.plan.unit is None:
            return
        self.since_assignment(20, 60)
        self.first_contact(self.plan.unit)

    def disclosure_preference(self) -> None:
        if self.rng.random() >= 0.3:
            return
        consent_reply = self.rng.random() >= 0.2
        consent_original = consent_reply and self.rng.random() < 0.5
        self.consent = (consent_reply, consent_original)
        self.do(
            handler(self.replying_units[0]),
            "record_disclosure_preference",
            consent_reply=consent_reply,
            consent_original=consent_original,
            occurred_on=self.later(0, 3),
        )

    def meet(self) -> None:
        """R-V1/R-V4: visits organised by the lead unit itself; R-V3 declined meetings."""
        p = self.plan
        if p.unit is None or p.visit == "none":
            return
        if p.visit == "declined":
            self.do(
                handler(p.unit),
                "record_visit_declined",
                unit=p.unit,
                note=f"{p.proposer}表示情况已电话沟通清楚，主动提出无需见面",
                occurred_on=self.later(2, 8),
            )
            return
        staff = self.staff(p.unit)
        visitors = [staff.leader, staff.head] if p.key_source else [staff.head, staff.clerk]
        self.do(
            handler(p.unit),
            "record_visit",
            unit=p.unit,
            organised_by=p.unit,
            visitors=visitors,
            persons=[q["name"] for q in p.proposers],
            summary=f"赴{p.place}走访{p.proposer}，面商{p.subject}有关问题",
            proposer_opinion=self.rng.choice(
                ("认可办理思路，希望加快推进", "对走访表示感谢", "建议进一步加大支持力度")
            ),
            occurred_on=self.later(2, 8),
        )

    def on_site(self) -> None:
        p = self.plan
        if p.unit is None or not (p.key_source or self.rng.random() < 0.1):
            return
        self.do(
            handler(p.unit),
            "record_on_site_handling",
            unit=p.unit,
            proposer_present=bool(p.key_source) or p.exemplary or self.rng.random() < 0.8,
            summary=f"在{p.place}开门办案，实地查看{p.subject}有关情况",
            occurred_on=self.later(2, 6),
        )

    def co_opinions(self) -> None:
        """R-D1: mostly within two months, a few late, two missing (the lead then overrides)."""
        p = self.plan
        # A late opinion still leaves time for an on-time reply, unless returns or a merge
        # stretch the case; exemplary units' cases stay clean.
        may_be_late = p.outcome != "on_time" or not (
            p.returned or p.merge_group is not None or p.exemplary
        )
        for unit in p.co:
            if unit == p.missing_co:
                continue
            late = may_be_late and unit != "FIN" and self.rng.random() < 0.05
            on = self.since_assignment(62, 70) if late else self.later(1, 5)
            self.co_opinion(unit, on)

    def co_opinion(self, unit: str, on: date) -> None:
        roll = self.rng.random()
        opinion = "withheld" if roll < 0.05 else "on_request" if roll < 0.1 else "proactive"
        self.co_objects |= opinion == "withheld"
        self.do(
            handler(unit),
            "record_co_opinion",
            unit=unit,
            summary=f"{UNIT_BY_CODE[unit].name}会办意见：结合职责提出{self.plan.subject}的支持措施",
            disclosure_opinion=opinion,
            occurred_on=on,
        )

    def remind(self, means: str, note: str) -> None:
        self.do(OFFICE, "remind", means=means, note=note, occurred_on=self.later(1, 5))

    def chase(self, *, overdue: bool) -> None:
        """R-S3: the office reminds slow units, before and after the reply falls due."""
        self.since_assignment(75, 85)
        self.remind("phone", "答复期限临近，请抓紧办理")
        if overdue:
            self.since_assignment(95, 110)
            self.remind("circular", "已超过三个月答复期限，予以通报督办")

    # -- replies R-R1..R-R4, disclosure R-P1..R-P5

    def reply(self, unit: str, *, further: bool = False) -> None:
        option, reason = self.disclosure_option()
        reply_id = self.submit(unit, option, reason)
        if self.plan.returned and not further:
            self.decide(unit, reply_id, approved=False, note="未与代表委员沟通联系到，退回重办")
            self.contact(unit, reached=True, phase="during", channel="phone")
            reply_id = self.submit(unit, option, reason)
        self.decide(unit, reply_id, approved=True, note="同意印发")
        self.issue(unit, reply_id)
        self.disclose(reply_id, option, reason)

    def disclosure_option(self) -> tuple[str, str | None]:
        if self.consent is not None and not self.consent[0]:
            return "withheld", "proposer_refused"
        roll = self.rng.random()
        if roll < 0.05:
            return "withheld", "confidential"
        return ("on_request", None) if roll < 0.15 else ("proactive", None)

    def submit(self, unit: str, option: str, reason: str | None) -> str:
        result = self.do(
            handler(unit),
            "submit_reply",
            unit=unit,
            classification=self.classification,
            disclosure=option,
            withheld_reason=reason,
            consultation_form_ref=f"征询意见表-{self.plan.number}",
            summary=f"关于{self.plan.subject}的答复（{self.classification}类）",
            occurred_on=self.later(2, 6),
        )
        reply_id: str = result.extra["reply_id"]
        return reply_id

    def decide(self, unit: str, reply_id: str, *, approved: bool, note: str) -> None:
        leader = self.staff(unit).leader
        self.do(
            LEADER,
            "decide_reply",
            reply_id=reply_id,
            approved=approved,
            leader=f"{leader['name']}{leader['rank']}",
            note=note,
            occurred_on=self.later(1, 3),
        )

    def issue(self, unit: str, reply_id: str) -> None:
        missing = self.plan.missing_co
        override = None
        if missing is not None and unit == self.plan.unit:
            override = f"{UNIT_BY_CODE[missing].name}逾期未送会办意见，经办公室同意先行答复"
        on = self.later(1, 3)
        self.do(
            handler(unit),
            "issue_reply",
            reply_id=reply_id,
            document_number=self.demo.document_number(unit, on),
            override_reason=override,
            occurred_on=on,
        )
        self.demo.tally_reply(unit, self.classification)
        self.issued_on = on

    def disclose(self, reply_id: str, option: str, reason: str | None) -> None:
        """R-D4: published within 15 days (a few late), or withheld with a reason (R-P5)."""
        if option == "on_request":
            return
        if option == "withheld" or self.rng.random() < 0.04:  # the office's review says no
            if reason is None:
                reason = "confidential" if self.co_objects else "other: 涉及尚在研究的政策措施"
            self.do(
                OFFICE,
                "withhold_reply",
                reply_id=reply_id,
                withheld_reason=reason,
                occurred_on=self.later(1, 8),
            )
            return
        late = not self.plan.exemplary and self.rng.random() < 0.05
        self.do(
            OFFICE,
            "publish_reply",
            reply_id=reply_id,
            published_on=self.later(16, 25) if late else self.later(2, 12),
            url=f"https://www.example.gov.cn/jyta/{DEMO_YEAR}/{self.plan.number}.html",
            include_original=self.consent is not None and self.consent[1],
            secrecy_review_ref=f"保密审查-{self.plan.number}" if self.co_objects else None,
        )

    # -- after the reply: feedback R-F1..R-F3, reassessment R-Rv1/R-Rv2

    def after_reply(self) -> None:
        if self.plan.missing_co is not None and self.plan.missing_co_arrives:
            self.co_opinion(self.plan.missing_co, self.later(3, 20))
        verdict = self.plan.verdict
        if verdict is not None:
            self.feedback(verdict)
        if verdict == "dissatisfied":
            self.rehandle()
            self.feedback("basically_satisfied")
        self.follow_up()
        self.reassess()

    def feedback(self, verdict: str) -> None:
        comments = {
            "satisfied": "对办理结果满意",
            "basically_satisfied": "基本满意，希望持续跟进落实",
            "dissatisfied": "答复较为原则，具体措施不够明确",
        }[verdict]
        self.do(
            handler(self.replying_units[0]),
            "record_feedback",
            verdict=verdict,
            comments=comments,
            occurred_on=self.later(5, 30),
        )

    def rehandle(self) -> None:
        """R-F2/R-D3: face-to-face contact, then a further reply within 30 days (a few late)."""
        unit = self.replying_units[0]
        opened = self.on
        self.remind("phone", "代表不满意，挂账督办，请于30日内再次答复")
        self.contact(unit, reached=True, phase="after", channel="meeting")
        if self.plan.late_further:
            self.at_least(opened + timedelta(days=self.rng.randint(30, 34)))
        self.classification = "A" if self.classification == "A" else self.rng.choice("AB")
        self.reply(unit, further=True)

    def follow_up(self) -> None:
        p = self.plan
        if p.unit == "HOU":  # 002: the department's office called back on every lead case
            actor = handler("HOU")
        elif self.rng.random() < 0.2:
            actor = OFFICE
        else:
            return
        self.do(
            actor,
            "record_follow_up_call",
            summary=f"电话回访{p.proposer}，了解对答复及落实情况的意见",
            occurred_on=self.later(3, 20),
        )

    def reassess(self) -> None:
        if self.classification == "A" and self.rng.random() < 0.5:
            finding = "implemented" if self.rng.random() < 0.85 else "not_implemented"
            self.review(REASSESSMENT_FROM, finding)
        elif self.classification == "B" and self.rng.random() < 0.8:
            finding = self.rng.choices(("advancing", "stalled", "fulfilled"), (55, 15, 30))[0]
            self.review(REASSESSMENT_FROM, finding)
            if finding == "advancing" and self.rng.random() < 0.5:
                self.review(FOLLOW_UP_FROM, "fulfilled")

    def review(self, start: date, finding: str) -> None:
        notes = {
            "implemented": "答复承诺事项已落实",
            "not_implemented": "答复承诺事项尚未落实",
            "advancing": "按计划推进中",
            "stalled": "推进缓慢，列入督办",
            "fulfilled": "承诺事项已全部兑现",
        }
        self.at_least(start)
        self.do(
            OFFICE, "reassess", finding=finding, note=notes[finding], occurred_on=self.later(5, 40)
        )
        if finding in ("not_implemented", "stalled"):
            self.remind("on_site", "回头看发现承诺事项未落实，现场督办")
        elif finding == "fulfilled":
            self.do(
                OFFICE,
                "close_out",
                note="B类承诺事项已兑现，予以销号",
                occurred_on=self.later(3, 15),
            )

    # -- merged cases (R-M1)

    def after_merged_reply(self, issued_on: date) -> None:
        self.on = max(self.on, issued_on)
        if self.plan.verdict is not None:
            self.feedback(self.plan.verdict)
        self.follow_up()


def _run_group(demo: _Demo, plans: Sequence[CasePlan]) -> None:
    if len(plans) == 1:
        _Story(demo, plans[0]).run()
        return
    stories = [_Story(demo, p) for p in plans]
    for story in stories:
        story.open()
    primary, partners = stories[0], stories[1:]
    merged_on = max(s.on for s in stories) + timedelta(days=demo.rng.randint(1, 3))
    demo.count(demo.app.merge(demo.ctx(OFFICE), [s.case_id for s in stories], merged_on))
    primary.on = merged_on
    primary.finish()
    assert primary.issued_on is not None, "merge groups are planned on time"
    for story in partners:
        story.after_merged_reply(primary.issued_on)


# ---------------------------------------------------------------------- entry points


@dataclass(frozen=True)
class DemoSummary:
    cases: int
    events: int
    lead_cases: dict[str, int]  # unit → lead cases (R-V2 bucket)
    co_cases: dict[str, int]  # unit → co-handled cases
    replies_by_class: dict[str, int]  # A/B/C → issued replies, further replies included
    unit_replies: dict[str, dict[str, int]]  # unit → A/B/C → issued replies


def load_demo(app: BanliApplication, *, seed: int = 2018, scale: float = 1.0) -> DemoSummary:
    """Loads the seeded demo year into ``app``; the same seed and scale give the same events."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = random.Random(seed)
    groups = _Planner(rng, scale).plan()
    demo = _Demo(app, rng)
    for group in groups:
        _run_group(demo, group)
    plans = [p for g in groups for p in g]
    return _summary(demo, plans)


def _summary(demo: _Demo, plans: Sequence[CasePlan]) -> DemoSummary:
    lead = Counter(p.unit for p in plans if p.unit is not None and not p.reference)
    co = Counter(u for p in plans for u in p.co)
    by_class: Counter[str] = Counter()
    for counts in demo.replies.values():
        by_class.update(counts)
    return DemoSummary(
        cases=len(plans),
        events=demo.events,
        lead_cases={u.code: lead[u.code] for u in UNITS},
        co_cases={u.code: co[u.code] for u in UNITS},
        replies_by_class={c: by_class[c] for c in "ABC"},
        unit_replies={
            u: {c: counts[c] for c in "ABC"} for u, counts in sorted(demo.replies.items())
        },
    )


# ---------------------------------------------------------------------- reading it back

CASE_TOPIC_PREFIX = f"{Case.__module__}:{Case.__qualname__}."
_PAGE = 1000


def _scan(app: BanliApplication) -> tuple[int, list[str]]:
    """(number of stored events, case ids in order of registration) from the notification log."""
    events, start = 0, 1
    case_ids: dict[str, None] = {}
    while True:
        page = app.recorder.select_notifications(start=start, limit=_PAGE)
        if not page:
            return events, list(case_ids)
        events += len(page)
        for n in page:
            if n.topic.startswith(CASE_TOPIC_PREFIX):
                case_ids.setdefault(str(n.originator_id))
        start = page[-1].id + 1


@dataclass
class _UnitLine:
    lead: int = 0
    co: int = 0
    visited: int = 0
    declined: int = 0  # lead cases whose proposer declined a meeting and were not visited
    classes: Counter[str] = field(default_factory=Counter)

    @property
    def shortfall(self) -> int:
        """R-V2/R-V3: visits still needed to meet the required rate (judged on the raw rate)."""
        return visit_compliance(self.lead, self.visited, self.declined).shortfall


def _unit_lines(cases: Sequence[Case]) -> dict[str, _UnitLine]:
    lines: dict[str, _UnitLine] = {}
    for case in cases:
        if case.lead_unit and not case.reference:  # a reference case is no lead case
            line = lines.setdefault(case.lead_unit, _UnitLine())
            visited = any(v["unit"] == case.lead_unit for v in case.visits)
            declined = any(d["unit"] == case.lead_unit for d in case.declined_visits)
            line.lead += 1
            line.visited += visited
            line.declined += declined and not visited
        for unit in case.co_units:
            lines.setdefault(unit, _UnitLine()).co += 1
        for reply in case.replies.values():
            if reply["status"] == "issued":
                lines.setdefault(reply["unit"], _UnitLine()).classes[reply["classification"]] += 1
    return lines


def _overdue_kinds(cases: Sequence[Case], app: BanliApplication, as_of: date) -> Counter[str]:
    """Deadline kind → cases with that deadline overdue (R-S1); '*' counts cases with any."""
    calendar = app.calendar()
    found: Counter[str] = Counter()
    for case in cases:
        kinds = {d.kind for d in case_deadlines(case, calendar, as_of) if d.status == "overdue"}
        found.update(kinds)
        found["*"] += bool(kinds)
    return found


_COLUMNS = (("lead", 5), ("co", 5), ("visited", 8), ("declined", 9), ("short", 6))


def _rows(lines: dict[str, _UnitLine]) -> Iterator[str]:
    """One row per unit: lead/co cases, visits (R-V2/R-V3) and issued replies by class."""
    titles = [f"{t:>{w}}" for t, w in _COLUMNS] + [f"{c:>5}" for c in "ABC"]
    yield f"{'unit':<5}{'单位':\u3000<10}" + "".join(titles)
    known = [u.code for u in UNITS if u.code in lines]
    for code in known + sorted(set(lines) - set(known)):
        line = lines[code]
        name = UNIT_BY_CODE[code].name if code in UNIT_BY_CODE else ""
        values = (line.lead, line.co, line.visited, line.declined, line.shortfall)
        cells = [f"{v:>{w}}" for v, (_, w) in zip(values, _COLUMNS, strict=True)]
        cells += [f"{line.classes[c]:>5}" for c in "ABC"]
        yield f"{code:<5}{name:\u3000<10}" + "".join(cells)  # full-width padding for CJK


def summarise(app: BanliApplication, as_of: date = DEMO_TODAY) -> str:
    """A short human summary read back from the store: totals, stages, overdue, per unit."""
    events, case_ids = _scan(app)
    cases = [app.get_case(i) for i in case_ids]
    kinds = Counter(c.kind for c in cases)
    levels = Counter(c.level for c in cases)
    stages = Counter(c.stage for c in cases)
    lines = _unit_lines(cases)
    classes: Counter[str] = Counter()
    for line in lines.values():
        classes.update(line.classes)
    overdue = _overdue_kinds(cases, app, as_of)
    open_cases = sum(c.stage in ("registered", "handling", "rehandling") for c in cases)
    return "\n".join(
        [
            f"办理台账 summary as of {as_of}: {len(cases)} cases, {events} events",
            f"  建议 suggestions {kinds['suggestion']} · 提案 proposals {kinds['proposal']}"
            f" · 全国 national {levels['national']} · 省 provincial {levels['provincial']}"
            f" · 参阅件 reference {sum(c.reference for c in cases)}",
            "  stages: " + " · ".join(f"{s} {n}" for s, n in sorted(stages.items())),
            f"  open {open_cases} · with an overdue deadline {overdue.pop('*', 0)}"
            + "".join(f" · {k} {n}" for k, n in sorted(overdue.items())),
            "  replies issued: " + " · ".join(f"{c} {classes[c]}" for c in "ABC"),
            *(f"  {row}" for row in _rows(lines)),
        ]
    )

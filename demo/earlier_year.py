"""The year before the demo year, as far as repeats need it (R-S4): cases registered in 2024 whose
subjects the demo year raises again, reworded (deliberate repeats), and cases on neighbouring
subjects that are not repeats (near misses, sharing words with a demo subject but asking for
something else). Each is registered as a suggestion and as a proposal, since a repeat is sought
among cases of its own kind. What a registration of the demo year flags can then be checked
against ``repeats``: the precision of repeat detection on known data (tests/integration).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from demo.actors import OFFICE
from demo.context import Demo
from demo.dates import DEMO_YEAR
from demo.people import GIVEN_NAMES, SURNAMES
from domain import commands as c
from domain.records import Proposer

EARLIER_YEAR = DEMO_YEAR - 1
RECEIVED_ON = date(EARLIER_YEAR, 1, 22)


@dataclass(frozen=True)
class EarlierCase:
    wording: str  # the title without 关于 … 的建议/的提案
    text: str
    # The demo year's subject it raises again (demo/units.py); None for a near miss.
    repeats: str | None


EARLIER_CASES: tuple[EarlierCase, ...] = (
    # Deliberate repeats: the same ask, worded as a proposer words it again a year later.
    EarlierCase(
        "加快推进城镇老旧小区改造提质",
        "老旧小区基础设施老化，改造资金缺口大。",
        "推进城镇老旧小区改造",
    ),
    EarlierCase(
        "支持老旧住宅加装电梯", "老年居民上下楼困难，加装电梯审批和资金难。", "支持既有住宅加装电梯"
    ),
    EarlierCase(
        "加大乡村教师队伍建设力度", "乡村学校教师流失严重，待遇保障不足。", "加强乡村教师队伍建设"
    ),
    EarlierCase("促进高校毕业生高质量就业", "毕业生就业结构性矛盾突出。", "促进高校毕业生就业"),
    EarlierCase("根治拖欠农民工工资问题", "工程建设领域欠薪时有发生。", "根治拖欠农民工工资"),
    EarlierCase(
        "推进农村生活污水治理", "农村生活污水直排，治理设施运维不足。", "推进农村生活污水治理"
    ),
    EarlierCase("加强农村公路日常养护", "农村公路重建轻养，养护资金不足。", "加强农村公路养护"),
    EarlierCase("加快发展农村养老服务", "农村老年人照护服务供给不足。", "加快发展农村养老服务"),
    EarlierCase("加强地质灾害防治工作", "山区地质灾害隐患点多面广。", "加强地质灾害防治"),
    EarlierCase("推进水库除险加固工程", "小型水库病险问题突出。", "推进水库除险加固"),
    EarlierCase(
        "加强非物质文化遗产保护传承", "非遗传承人老龄化，传承断代。", "加强非物质文化遗产保护"
    ),
    EarlierCase("加强高标准农田建设", "已建农田设施损毁，管护机制缺失。", "加强高标准农田建设"),
    EarlierCase(
        "支持专精特新中小企业发展壮大", "中小企业融资难、人才缺。", "支持专精特新中小企业发展"
    ),
    EarlierCase(
        "提高城乡居民医保财政补助标准", "居民医保个人缴费负担加重。", "提高城乡居民医保财政补助标准"
    ),
    # Near misses: words in common with a demo subject, another ask.
    EarlierCase("加强高校教师队伍建设", "高校青年教师科研条件和待遇有待改善。", None),
    EarlierCase("加强城市道路养护", "城市道路破损修补不及时。", None),
    EarlierCase("推进城市生活垃圾分类", "垃圾分类设施不足，居民参与度低。", None),
    EarlierCase("加强农村饮水安全", "部分农村水源水质不稳定。", None),
    EarlierCase("促进农民工返乡创业", "返乡创业缺资金、缺场地。", None),
    EarlierCase("加强城市养老服务设施建设", "城市社区养老设施配建不足。", None),
    EarlierCase("支持中小企业数字化转型", "中小企业数字化改造成本高。", None),
    EarlierCase("加强文物保护利用", "基层文物保护力量薄弱。", None),
)

KINDS = (("suggestion", "JY", "建议", "deputy"), ("proposal", "TA", "提案", "member"))


def earlier_cases() -> list[tuple[str, str, str, EarlierCase]]:
    """(number, kind, title, case) of every case the earlier year registers."""
    return [
        (f"{prefix}-{EARLIER_YEAR}-{i:04d}", kind, f"关于{case.wording}的{ending}", case)
        for kind, prefix, ending, _ in KINDS
        for i, case in enumerate(EARLIER_CASES, start=1)
    ]


def repeated_subjects() -> dict[str, str | None]:
    """Each earlier case's number → the demo year's subject it repeats (None: a near miss)."""
    return {number: case.repeats for number, _, _, case in earlier_cases()}


def earlier_name(i: int) -> str:
    """The ``i``-th earlier case's proposer: a name like the demo year's, drawn without its
    random source, so the demo year itself is the same as ever (the page showed 往年JY-…)."""
    return SURNAMES[i * 7 % len(SURNAMES)] + GIVEN_NAMES[i * 5 % len(GIVEN_NAMES)]


def load_earlier_year(demo: Demo) -> None:
    """Registers the earlier year's cases, before the demo year's."""
    proposer_types = {kind: proposer_type for kind, _, _, proposer_type in KINDS}
    for i, (number, kind, title, case) in enumerate(earlier_cases()):
        command = c.RegisterCase(
            number=number,
            kind=kind,
            level="provincial",
            year=EARLIER_YEAR,
            title=title,
            proposers=(Proposer(name=earlier_name(i), type=proposer_types[kind], role="lead"),),
            received_on=RECEIVED_ON,
            text=case.text,
        )
        demo.app.register(demo.ctx(OFFICE), command)

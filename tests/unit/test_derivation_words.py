"""api.derivation_words: every shape of derivation the domain writes, rendered by the domain
itself and put into Chinese for the pages' hover text, with nothing English left over but the
names it quotes (a rule id, a request id): the policy by its document, the calendar data by
its version and years."""

from __future__ import annotations

import re
from datetime import date

from api.derivation_words import derivation_words
from domain.deadlines.calendar import WorkdayCalendar, YearSchedule
from domain.deadlines.case_deadlines import case_deadlines
from domain.deadlines.periods import days_after, months_after, working_days_after
from infra.application import BanliApplication
from tests.support import Flow
from tests.unit.test_rules_extensions import ask, grant

CAL = WorkdayCalendar()
# What a translated derivation may still hold in Latin letters: names, not words.
NAMES = re.compile(r"R-[A-Z]+\d+|(?<=申请 )[^）]+")


def _english_left(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", NAMES.sub("", text))


def test_each_period_shape_reads_in_chinese_R_D6_R_D7() -> None:
    spring_2027 = YearSchedule(2027, frozenset({date(2027, 2, 8)}), frozenset())
    shapes = {
        # 2025-09-30 + 1 day = 10-01, National Day: rolled to the first working day.
        "rolled": days_after(date(2025, 9, 30), 1, CAL),
        "not rolled": days_after(date(2025, 9, 30), 1, CAL, roll_to_workday=False),
        "months": months_after(date(2025, 3, 3), 2, CAL),
        "working days": working_days_after(date(2025, 3, 3), 15, CAL),
        "provisional": months_after(date(2027, 1, 4), 1, CAL),
        "loaded year": months_after(date(2027, 1, 4), 1, CAL.with_year(spring_2027)),
    }
    words = {name: derivation_words(p.derivation) for name, p in shapes.items()}
    for name, text in words.items():
        assert _english_left(text) == [], (name, shapes[name].derivation, text)
    assert words["rolled"].startswith("2025-09-30 起 1 日 = 2025-10-01（R-D6）；")
    assert "顺延至第一个工作日 2025-10-09" in words["rolled"]
    assert "按规定不顺延" in words["not rolled"]
    assert "2025-03-03 起 2 个月 = 2025-05-03（R-D6）" in words["months"]
    assert "个工作日（次日起算）" in words["working days"]
    assert (
        "；暂定：以下年度放假调休安排尚未载入：2027，按周一至周五计算（R-D7）"
        in words["provisional"]
    )
    assert "，另载入年度 2027" in words["loaded year"]
    assert re.search(r"；日历：法定节假日数据 [\d.]+ 版（收录 \d{4}–\d{4} 年）", words["months"])


def test_a_case_deadline_with_its_rule_policy_and_extension_reads_in_chinese_R_E1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign(on=date(2025, 2, 1), reference=True)
    reference = [d for d in case_deadlines(flow.case, app.calendar(), date(2025, 3, 1))]
    flow = Flow(app, "P-2")
    flow.assign(on=date(2025, 2, 1))
    grant(flow, ask(flow, "FIN", "reply", date(2025, 6, 30), date(2025, 4, 20)), date(2025, 4, 25))
    extended = [d for d in case_deadlines(flow.case, app.calendar(), date(2025, 5, 20))]
    for d in [*reference, *extended]:
        text = derivation_words(d.derivation)
        assert _english_left(text) == [], (d.derivation, text)
        assert re.match(r"R-[A-Z]+\d+［[^］]+］：", text), text
        assert "［河北省 2022 年办理要求］：" in text
    reply = next(d for d in extended if d.kind == "reply")
    assert "；2025-04-25 批准延期至 2025-06-30（R-E1，申请 " in derivation_words(reply.derivation)
    fixed = next(d for d in reference if d.kind == "reference_contact")
    assert "固定日期" in derivation_words(fixed.derivation)

"""api.pages_markup: a deadline's badge and a unit's name as the pages draw them (UI.md § Deadline
status), every value escaped as autoescape would."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from api.pages_markup import deadline, unit_name

NAMES = {"FIN": "财政厅 <综合处> & 预算处"}


@dataclass(frozen=True)
class Shown:
    kind: str = "reply"
    unit: str | None = "FIN"
    due_on: date = date(2025, 7, 1)
    original_due_on: date | None = None
    status: str = "overdue"
    days_overdue: int = 3
    calendar_provisional: bool = False
    derivation: str = "交办之日 2025-04-01 起 3 个月 <R-D2>"


def test_a_badge_shows_kind_unit_date_and_status_word_with_its_derivation() -> None:
    html = str(deadline(Shown(), NAMES))
    assert '<span class="dl-kind">答复·财政厅 &lt;综合处&gt; &amp; 预算处</span>' in html
    assert '<time datetime="2025-07-01" title="交办之日 2025-04-01 起 3 个月 &lt;R-D2&gt;">' in html
    assert '<span class="status s-overdue" title="交办之日' in html
    assert ">已逾期 3 天</span>" in html  # the word, never the colour alone
    assert "<R-D2>" not in html and "<综合处>" not in html


def test_a_brief_badge_leaves_out_the_kind_and_unit() -> None:
    html = str(deadline(Shown(), NAMES, brief=True))
    assert "dl-kind" not in html and "财政厅" not in html
    assert ">已逾期 3 天</span>" in html


def test_an_extended_deadline_strikes_its_original_date_R_E1() -> None:
    html = str(deadline(replace(Shown(), original_due_on=date(2025, 6, 1), status="extended")))
    assert '<s class="dl-was" title="原定期限">2025-06-01</s>' in html
    assert ">已延期</span>" in html
    assert "dl-was" not in str(deadline(Shown()))


def test_a_provisional_calendar_carries_a_warning_with_its_reason_R_D7() -> None:
    html = str(deadline(replace(Shown(), calendar_provisional=True)))
    assert 'aria-label="日历暂定">⚠</span>' in html
    assert 'title="该年度放假调休安排尚未载入，暂按周一至周五计算：交办之日' in html
    assert "⚠" not in str(deadline(Shown()))


def test_a_unit_name_has_its_code_on_hover_and_nothing_for_no_unit() -> None:
    assert str(unit_name("FIN", NAMES)) == (
        '<span title="FIN">财政厅 &lt;综合处&gt; &amp; 预算处</span>'
    )
    assert str(unit_name("EDU", NAMES)) == '<span title="EDU">EDU</span>'
    assert str(unit_name(None, NAMES)) == ""
    # A code is escaped like a name, in the attribute as in the text.
    assert str(unit_name('A"<B', {})) == '<span title="A&#34;&lt;B">A&#34;&lt;B</span>'


def test_a_missed_deadline_says_how_late_and_one_missed_in_time_does_not_say_late_R_D8() -> None:
    assert ">逾期未办 4 天</span>" in str(
        deadline(replace(Shown(), status="missed", days_overdue=4))
    )
    in_time = str(deadline(replace(Shown(), status="missed", days_overdue=0)))
    assert ">期内终止未办</span>" in in_time and "逾期" not in in_time


def test_a_badge_hovers_the_derivation_in_chinese_R_D6() -> None:
    english = "R-D2 [hebei-2022]: 2025-04-01 + 3 months = 2025-07-01 (R-D6); calendar c <1>"
    html = str(deadline(replace(Shown(), derivation=english)))
    expected = (
        "R-D2［河北省 2022 年办理要求］："
        "2025-04-01 起 3 个月 = 2025-07-01（R-D6）；日历 c &lt;1&gt;"
    )
    assert f'<time datetime="2025-07-01" title="{expected}">' in html
    assert "months" not in html

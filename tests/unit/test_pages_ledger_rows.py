"""api.pages_ledger_rows: the ledger table's rows (办理台账, 督办, 统计明细), every value from a
row escaped as autoescape would, tags and forms as markup (UI.md § Tables; R-S1 … R-S3)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from markupsafe import Markup

from api.pages_ledger_rows import ledger_rows
from api.pages_markup import escaped
from api.schemas_ledger import LedgerItem

NAMES = {"FIN": "财政厅 <综合处>", "EDU": "教育厅", "AGR": "农业农村厅"}


def item(**changes: Any) -> LedgerItem:
    fields: dict[str, Any] = {
        "case_id": "c-1",
        "number": "JY-0001",
        "title": "关于<script>alert(1)</script>的建议 & 其他",
        "kind": "suggestion",
        "level": "provincial",
        "year": 2025,
        "stage": "handling",
        "reference": False,
        "lead_unit": "FIN",
        "co_units": ["EDU", "AGR"],
        "split_units": [],
        "key": False,
        "key_source": None,
        "leader_in_charge": None,
        "under_supervision": False,
        "next_deadline": None,
        "overdue_deadlines": [],
        "days_overdue": 0,
        "deadlines": [],
        "reminders": 0,
        "last_reminded_on": None,
        "merged_with": [],
        "open_extensions": [],
        "submitted_replies": [],
        "open_reassignments": [],
        "unit_steps": [],
    }
    return LedgerItem.model_validate({**fields, **changes})


def cells(html: str) -> list[str]:
    return [c.split("</td>")[0] for c in html.split("<td")[1:]]


def test_a_row_escapes_its_title_and_names_its_units_R_S1() -> None:
    html = str(ledger_rows([item()], NAMES, "?from=/ledger%3Fa%3D1&b"))
    assert '<a href="/cases/c-1?from=/ledger%3Fa%3D1&amp;b">JY-0001</a>' in html
    assert "关于&lt;script&gt;alert(1)&lt;/script&gt;的建议 &amp; 其他" in html
    assert "<script>" not in html
    lead, co = cells(html)[4], cells(html)[5]
    assert lead == ' data-label="主办/分办"><span title="FIN">财政厅 &lt;综合处&gt;</span>'
    assert co == (
        ' data-label="会办"><span title="EDU">教育厅</span>、<span title="AGR">农业农村厅</span>'
    )
    # No days overdue: an empty cell, not 0 (on a phone's card, no line at all).
    assert cells(html)[7] == ' class="num" data-label="逾期天数">'


def test_a_key_supervised_reference_case_carries_its_tags_and_split_units_R_S3() -> None:
    row = item(
        key=True,
        leader_in_charge='王"副厅长"',
        under_supervision=True,
        reference=True,
        lead_unit=None,
        split_units=["EDU", "AGR"],
        days_overdue=12,
        reminders=3,
        last_reminded_on=date(2025, 6, 3),
    )
    html = str(ledger_rows([row], NAMES, ""))
    # R-S1: the leader in charge is on the ledger, not only on hover (nor lost on paper).
    assert (
        ' <span class="tag key" title="包案领导 王&#34;副厅长&#34;">重点</span>'
        ' <span class="leader">包案 王&#34;副厅长&#34;</span>'
    ) in html
    assert ' <span class="tag bad">挂账督办</span>' in html
    assert ' <span class="tag" title="最近一次 2025-06-03">已催办 3 次</span>' in html
    assert cells(html)[4] == (
        ' data-label="主办/分办"><span class="tag">参阅件</span> <span class="tag">分办</span> '
        '<span title="EDU">教育厅</span>、<span title="AGR">农业农村厅</span>'
    )
    assert cells(html)[7] == ' class="num" data-label="逾期天数">12'
    assert '<a href="/cases/c-1">' in html  # no list to come back to: no ``from``


def test_a_split_case_says_so_beside_its_units_R_R3() -> None:
    """Two unit names alone read as a lead and another (a review): a split case is tagged, as
    a 参阅件 is."""
    split = cells(str(ledger_rows([item(lead_unit=None, split_units=["EDU", "AGR"])], NAMES, "")))
    led = cells(str(ledger_rows([item(lead_unit="EDU")], NAMES, "")))
    assert split[4].startswith(' data-label="主办/分办"><span class="tag">分办</span> ')
    assert '<span class="tag">分办</span>' not in led[4]


def test_each_deadline_is_a_badge_of_its_own() -> None:
    deadline = {
        "kind": "reply",
        "unit": "FIN",
        "due_on": date(2025, 7, 1),
        "missed_on": None,
        "status": "overdue",
        "days_overdue": 3,
        "calendar_provisional": False,
        "derivation": "R-D2",
        "original_due_on": None,
        "extended_by": None,
    }
    html = str(ledger_rows([item(deadlines=[deadline, {**deadline, "unit": "EDU"}])], NAMES, ""))
    badges = cells(html)[6].split("<div>")[1:]
    assert len(badges) == 2
    assert "答复·财政厅 &lt;综合处&gt;" in badges[0] and "答复·教育厅" in badges[1]
    assert all(">已逾期 3 天</span>" in b for b in badges)


def test_supervision_rows_offer_a_reminder_only_while_the_case_is_open_R_S2() -> None:
    rows = [
        item(case_id="open"),
        item(case_id="done", stage="closed"),
        item(case_id="back", stage="closed", under_supervision=True),  # 挂账督办 (R-Rv1)
    ]
    csrf = Markup('<input type="hidden" name="_csrf" value="t">')
    html = str(ledger_rows(rows, NAMES, "", True, csrf, Markup("<option>x</option>"), "/s", None))
    first, second, third = html.split("</tr>")[:3]
    assert 'action="/cases/back/forms/reminder"' in third
    assert 'action="/cases/open/forms/reminder"' in first and 'id="means-1"' in first
    assert csrf in first and "无需催办" not in first
    assert "<form" not in second
    assert '<span class="muted" title="已办结，无需催办">无需催办</span>' in second
    # The column keeps its button and words on one line (banli.css: td.remind).
    assert all('<td class="no-print remind">' in row for row in (first, second, third))
    assert "<form" not in str(ledger_rows(rows, NAMES, ""))  # no 催办 column elsewhere


def test_escaped_text_is_what_markupsafe_writes() -> None:
    assert escaped('<a href="x">&\'') == "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"
    assert type(escaped("纯文本")) is str


def test_a_units_further_reply_is_published_under_its_own_name_R_F2_R_D4() -> None:
    """A unit's first and further replies each have a 公开 deadline: two badges both called
    公开 could not be told apart."""
    disclosure = {
        "kind": "disclosure",
        "unit": "FIN",
        "due_on": date(2025, 6, 1),
        "missed_on": None,
        "status": "met",
        "days_overdue": 0,
        "calendar_provisional": False,
        "derivation": "R-D4",
        "original_due_on": None,
        "extended_by": None,
    }
    later = {**disclosure, "due_on": date(2025, 9, 1), "status": "pending"}
    other = {**disclosure, "unit": "EDU"}  # a split unit's own first 公开
    html = str(ledger_rows([item(deadlines=[disclosure, other, later])], NAMES, ""))
    kinds = re.findall(r'<span class="dl-kind">([^<·]+)', html)
    assert kinds == ["公开", "公开", "进一步答复公开"]


def test_a_units_rounds_of_re_handling_are_numbered_R_F2_R_D3() -> None:
    """A co-signer dissatisfied after the first round, the same day, opened a second: two rows
    进一步办理 · 水利厅 with the same dates, one met and one running (a review)."""
    first = {
        "kind": "rehandling",
        "unit": "FIN",
        "due_on": date(2027, 1, 6),
        "missed_on": None,
        "status": "met",
        "days_overdue": 0,
        "calendar_provisional": False,
        "derivation": "R-D3",
        "original_due_on": None,
        "extended_by": None,
    }
    second = {**first, "status": "pending"}
    alone = {**first, "unit": "EDU"}  # a unit's only round keeps the plain word
    html = str(ledger_rows([item(deadlines=[first, alone, second])], NAMES, ""))
    kinds = re.findall(r'<span class="dl-kind">([^<·]+)', html)
    assert kinds == ["进一步办理（第1次）", "进一步办理", "进一步办理（第2次）"]


def test_an_open_extension_request_says_what_it_asks_R_E1() -> None:
    """The office decides from 延期待决定: the row says whose deadline, from when to when."""
    asked = {
        "unit": "FIN",
        "deadline_kind": "reply",
        "original_due_on": date(2025, 5, 13),
        "requested_due_on": date(2025, 6, 30),
    }
    html = str(ledger_rows([item(open_extensions=[asked])], NAMES, ""))
    assert (
        '<div class="asked">申请延期：答复·<span title="FIN">财政厅 &lt;综合处&gt;</span> '
        "2025-05-13 → 2025-06-30</div>"
    ) in html


def test_a_reply_awaiting_approval_says_whose_of_which_class_since_when_R_R2() -> None:
    """Leaders approve from 待审批: the row says whose reply waits, its class, since when, and
    a further reply (R-F2) as one."""
    first = {"unit": "FIN", "classification": "A", "further": False, "submitted_on": "2025-04-01"}
    further = {**first, "unit": "EDU", "classification": "B", "further": True}
    html = str(ledger_rows([item(submitted_replies=[first, further])], NAMES, ""))
    assert (
        '<div class="asked">待审批：答复·<span title="FIN">财政厅 &lt;综合处&gt;</span> '
        "A 类，2025-04-01 提交</div>"
    ) in html
    assert '待审批：进一步答复·<span title="EDU">教育厅</span> B 类，2025-04-01 提交' in html


def test_a_reply_waiting_on_its_unit_says_what_to_do_since_when_R_R2() -> None:
    """A handler works from its 待办: the row says which reply to issue or submit again, of
    which class, since the leader's decision of which day."""
    issue = {"unit": "FIN", "step": "issue", "classification": "B", "further": False}
    redo = {"unit": "EDU", "step": "redo", "classification": "C", "further": True}
    steps = [{**issue, "decided_on": "2025-04-02"}, {**redo, "decided_on": "2025-04-03"}]
    html = str(ledger_rows([item(unit_steps=steps)], NAMES, ""))
    assert (
        '<div class="asked">待印发：答复·<span title="FIN">财政厅 &lt;综合处&gt;</span> '
        "B 类，2025-04-02 批准</div>"
    ) in html
    assert '退回待重报：进一步答复·<span title="EDU">教育厅</span> C 类，2025-04-03 退回' in html

"""The rows of the ledger's table (办理台账, 督办, 统计明细), drawn in Python.

A 台账 page of 50 rows made about 1,100 escapes and as many output calls through Jinja: the
table's rows were over a quarter of a page's CPU holding the GIL (py-spy `--gil`, a quiet
台账 at 100k cases), the template's escapes and ``Markup`` objects alone a tenth. Here each row
is one f-string of escaped parts; the HTML is the template's, character for character. Every
value from a row is escaped (``markupsafe.escape``), as autoescape would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from markupsafe import Markup, escape

from api.pages_labels import label
from api.pages_markup import deadline_html, escaped, kind_words, reminder_form, unit_html
from api.schemas_ledger import (
    AskedExtension,
    AskedReassignment,
    LedgerItem,
    RecommendedRuling,
    SubmittedReply,
    SuggestedRepeat,
    UnitStep,
)
from projections.ledger import REPEAT_SOURCE

# A closed case is not chased: said in the column's width (已办结，无需催办 ran past the
# table's edge); its stage is beside it.
CLOSED = '<span class="muted" title="已办结，无需催办">无需催办</span>'
REPEAT_HINT = "多年多次提出（R-S4）：与往年件相似，办公室已确认"
NOTHING = Markup("")


def _names(codes: Iterable[str | None], names: Mapping[str, str]) -> str:
    return "、".join([unit_html(code, names) for code in codes])


# The stages a case is chased in (R-S3) whatever else holds: every one but closed.
CHASED = frozenset({"registered", "handling", "replied", "rehandling"})


def is_remindable(stage: str, under_supervision: bool) -> bool:
    """R-S3: a case is chased while open, and once closed while a 回头看 has put it back under
    supervision (R-Rv1: 挂账督办); the 督办 rows and the case page's 催办 form ask this."""
    return stage in CHASED or under_supervision


def _asked(x: AskedExtension, names: Mapping[str, str]) -> str:
    """R-E1: an open extension request under the deadlines, what it asks: the office decides
    from the 延期待决定 list without opening every case."""
    kind = escaped(label("deadline", x.deadline_kind))
    return (
        f'<div class="asked">申请延期：{kind}·{unit_html(x.unit, names)} '
        f"{x.original_due_on} → {x.requested_due_on}</div>"
    )


# The characters of a request's reason a row shows (the rest on hover): a line about as wide as
# a deadline's, which the column is sized by.
REASON_SHOWN = 16


def _reassigning(x: AskedReassignment, names: Mapping[str, str]) -> str:
    """R-A3: an open reassignment (改办) request, whose and why: the office decides from the
    改办待决定 list. A long reason is cut, whole on hover."""
    reason = x.reason if len(x.reason) <= REASON_SHOWN else x.reason[: REASON_SHOWN - 1] + "…"
    return (
        f'<div class="asked" title="{escape(x.reason)}">申请改办：{unit_html(x.unit, names)}'
        f"，{x.requested_on}<br>理由：{escape(reason)}</div>"
    )


def _ruling(x: RecommendedRuling, names: Mapping[str, str]) -> str:
    """R-A2: the office's recommendation a leader is to rule on, from the 待裁定 list."""
    co = "，会办 " + "、".join(unit_html(u, names) for u in x.co_units) if x.co_units else ""
    anew = "，重新计算办理期限" if x.restart_deadlines else ""
    return (
        f'<div class="asked">待裁定：办公室建议主办 {unit_html(x.lead_unit, names)}{co}{anew}'
        f"，{x.recommended_on}</div>"
    )


def _repeat(x: SuggestedRepeat, case_id: str) -> str:
    """R-S4: an earlier year's case found alike, for the office to confirm or dismiss in the
    case page's 往年相似件, which it links to (多年多次待确认)."""
    return (
        f'<div class="asked"><a href="/cases/{escape(case_id)}#repeats">疑似多年多次</a>：'
        f"{escape(x.number)}（{x.year:d} 年·{x.score:.0%}）</div>"
    )


def _submitted(x: SubmittedReply, names: Mapping[str, str]) -> str:
    """R-R2: a reply awaiting a leader's approval, under the deadlines: a leader sees from the
    待审批 list whose reply of which class has waited since when."""
    kind = "进一步答复" if x.further else "答复"
    # What 批准 would be refused for (R-C1, R-F2), said where the leader picks what to approve.
    refused = (
        f'<br><span class="obstacle">{escape(x.obstacle)}：现在只能退回重办</span>'
        if x.obstacle
        else ""
    )
    return (
        f'<div class="asked">待审批：{kind}·{unit_html(x.unit, names)} '
        f"{x.classification} 类，{x.submitted_on} 提交{refused}</div>"
    )


# A unit's step (``UnitStep.step``): what the row says, and what the leader's day was.
STEP_WORDS = {"issue": ("待印发", "批准"), "redo": ("退回待重报", "退回")}


def _step(x: UnitStep, names: Mapping[str, str]) -> str:
    """R-R2: a reply waiting on its own unit, under the deadlines: a handler sees from its
    待办 which reply of which class to issue, or to submit again, since the leader's day."""
    kind = "进一步答复" if x.further else "答复"
    words, decided = STEP_WORDS[x.step]
    # R-R2: what it still waits for (a review's handler read 待印发 and found it could not be).
    awaiting = (
        f'<br><span class="obstacle">待会办意见：{_names(x.awaiting_co_opinions, names)}'
        "，到齐后方可印发</span>"
        if x.awaiting_co_opinions
        else ""
    )
    return (
        f'<div class="asked">{words}：{kind}·{unit_html(x.unit, names)} '
        f"{x.classification} 类，{x.decided_on} {decided}{awaiting}</div>"
    )


def ledger_rows(
    rows: Iterable[LedgerItem],
    names: Mapping[str, str],
    from_q: str,
    remind: bool = False,
    csrf_input: Markup = NOTHING,
    means_options: Markup = NOTHING,
    back: str = "",
    as_of: date | None = None,
) -> Markup:
    """Each row: number (a link to the case that comes back with ``from_q``), title with its
    tags, class, stage, lead or split units, co-handling units, deadlines, days overdue; with
    ``remind`` (督办) a reminder form for each case that is chased (``is_remindable``)."""
    link_tail = escape(from_q)
    out: list[str] = []
    for n, r in enumerate(rows, start=1):
        # Plain ``str`` throughout: ``Markup + str`` would escape the tags added to it.
        title = str(escape(r.title))
        if r.key_source == REPEAT_SOURCE:
            # On the key ledger as a repeat (R-S4): no designation, no leader in charge, and
            # not in the key-case measures; it wore 重点 with an empty hover.
            title += f' <span class="tag repeat" title="{REPEAT_HINT}">多年多次</span>'
        elif r.key:
            title += ' <span class="tag key"'
            if r.leader_in_charge:
                # R-S1 lists the leader in charge among the ledger's contents: written out, as
                # the case page's tag had it on hover only (and paper has no hover).
                leader = escape(r.leader_in_charge)
                title += f' title="包案领导 {leader}">重点</span>'
                title += f' <span class="leader">包案 {leader}</span>'
            else:
                title += ">重点</span>"
        if r.under_supervision:
            title += ' <span class="tag bad">挂账督办</span>'
        if r.merged_with:
            # R-M1: answered by one reply; the primary named, the others on hover.
            primary = r.merged_with[0]
            word = "并案主件" if primary == r.number else f"并案·由 {escaped(primary)} 答复"
            title += f' <span class="tag" title="{escaped("、".join(r.merged_with))}">{word}</span>'
        if r.reminders:
            # R-S3: the supervision office sees who was already chased, and when last.
            title += (
                f' <span class="tag" title="最近一次 {r.last_reminded_on}">'
                f"已催办 {r.reminders} 次</span>"
            )
        lead = '<span class="tag">参阅件</span> ' if r.reference else ""
        # A split case's units each reply (R-R3): said, as a 参阅件 is (two names alone read as
        # a lead and another).
        lead += '<span class="tag">分办</span> ' if r.split_units else ""
        lead += unit_html(r.lead_unit, names) + _names(r.split_units, names)
        shown = zip(r.deadlines, kind_words(r.deadlines), strict=True)
        deadlines = "".join(
            [f"<div>{deadline_html(d, names, kind_word=k)}</div>" for d, k in shown]
        )
        deadlines += "".join([_submitted(x, names) for x in r.submitted_replies])
        deadlines += "".join([_asked(x, names) for x in r.open_extensions])
        deadlines += "".join([_reassigning(x, names) for x in r.open_reassignments])
        deadlines += "".join([_ruling(x, names) for x in r.ruling_recommended])
        deadlines += "".join([_repeat(x, r.case_id) for x in r.suggested_repeats])
        deadlines += "".join([_step(x, names) for x in r.unit_steps])
        out.append(
            "    <tr>\n"
            f'      <td class="nowrap"><a href="/cases/{escape(r.case_id)}{link_tail}">'
            f"{escape(r.number)}</a></td>\n"
            f'      <td class="title">{title}</td>\n'
            f'      <td class="nowrap" data-label="类别">{escaped(label("kind", r.kind))}·'
            f"{escaped(label('level', r.level))}·{r.year:d}</td>\n"
            f'      <td class="nowrap" data-label="阶段">{escaped(label("stage", r.stage))}</td>\n'
            f'      <td data-label="主办/分办">{lead}</td>\n'
            f'      <td data-label="会办">{_names(r.co_units, names)}</td>\n'
            f'      <td data-label="办理期限">{deadlines}</td>\n'
            f'      <td class="num" data-label="逾期天数">{r.days_overdue or ""}</td>\n'
        )
        if remind:
            form = (
                reminder_form(r.case_id, n, csrf_input, means_options, back, as_of)
                if is_remindable(r.stage, r.under_supervision)
                else CLOSED
            )
            # Forms are not printed: nor is their column (an empty one on paper).
            out.append(f'      <td class="no-print remind">\n{form}      </td>\n')
        out.append("    </tr>\n")
    return Markup("".join(out))

"""The 年度承办工作总结's figures (seed 003 §八, due 15 November) as a Word document: counts by
kind and level, A/B/C, every measure of DOMAIN.md §4 with its numerator and denominator, visit
compliance, disclosure, re-handling, the key cases, and the "five 100 %" line when it holds
(seed 002). Computed as of a log position like every export (``frozen_views``), and saying so.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentType

from domain.checks import legible
from infra import paper_labels as words
from infra.application import BanliApplication
from infra.docx_page import set_up
from infra.frozen_views import Basis, figures_at
from infra.paper_exports import MEASURES, SATISFACTION, ExportQuery, unit_roles
from infra.unit_names import UnitNames
from infra.view_store import ViewStoreBase
from projections.case_papers import NAME as PAPERS
from projections.case_papers import case_rows
from projections.core import Row, ViewReader
from projections.unit_facts import NAME as FACTS
from projections.unit_facts import unit_stats, visit_compliance_report

# Seed 002's "five 100 %": the first five measures of DOMAIN.md §4.
FIVE = (
    "communication_rate",
    "key_meeting_rate",
    "on_site_participation_rate",
    "on_time_reply_rate",
    "satisfaction_rate",
)
# A measure with nothing to count: no rate, not 0 %.
NO_RATE: dict[str, Any] = {"numerator": 0, "denominator": 0, "rate": None}


VISIT_COLUMNS = [
    "单位", "主办件数（含分办）", "要求走访率", "已走访", "无需见面", "实际走访率", "剔除无需见面",
    "达标", "尚差",
]  # fmt: skip


def rate_text(measure: dict[str, Any]) -> str:
    return words.percent(measure["rate"])


def five_hundred_percent(measures: dict[str, Any]) -> bool:
    return all(measures[k]["denominator"] > 0 and measures[k]["rate"] == 1 for k in FIVE)


def _table(doc: DocumentType, header: list[str], rows: list[list[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            # ``legible``: a document is XML, and a character it cannot hold (recorded before
            # text refused it) failed the whole report.
            cell.text = "" if value is None else legible(str(value))


def _write(reader: ViewReader, q: ExportQuery, basis: Basis, path: Path, names: UnitNames) -> None:
    stats = unit_stats(reader, as_of=q.as_of, year=q.year)
    if q.unit is None:
        figures = stats["total"]
    else:
        figures = next((u for u in stats["items"] if u["unit"] == q.unit), None)
        figures = figures or {**stats["total"], **_empty(stats["total"])}
    cases = list(case_rows(reader, year=q.year, unit=q.unit))
    visits = [
        v
        for v in visit_compliance_report(reader, year=q.year)["items"]
        if q.unit is None or v["unit"] == q.unit
    ]
    doc = Document()
    who = legible(names(q.unit) or "全部承办单位")
    title = f"{q.year}年度建议提案承办工作总结（数据）——{who}"
    set_up(doc, title)
    doc.add_heading(title, level=1)
    # The day first; where the figures come from, for whoever checks them, at the end (a
    # 64-character hash opened the report a leader reads).
    doc.add_paragraph(f"统计日期 {basis.as_of.isoformat()}。")
    if not cases:  # said first, not left to a page of zeros (a review asked for 2031)
        doc.add_paragraph(f"截至统计日期，{who}在{q.year}年度没有承办建议提案，以下各项均为 0。")
    if left_out := basis.left_out_words():
        doc.add_paragraph(left_out)

    doc.add_heading("一、承办总体情况", level=2)
    counts = Counter((c["kind"], c["level"]) for c in cases)
    rows = [
        [f"{words.LEVEL[level]}{words.KIND[kind]}", counts[(kind, level)]]
        for kind in words.KIND
        for level in words.LEVEL
    ]
    _table(doc, ["类别", "件数"], [*rows, ["合计", len(cases)]])
    # A case has several units: for all units together the roles are counted per unit and
    # add up to more than the cases ("其中" would say they were part of them).
    whose = "本单位" if q.unit else "各承办单位合计"
    # Cases registered and not assigned yet are in the table above and no unit's (a review's
    # 2024 report read 主办 0 件 under 44 cases).
    waiting = sum(1 for c in cases if c["assigned_on"] is None)
    doc.add_paragraph(
        f"{whose}：主办 {figures['lead_cases']} 件，会办 {figures['co_cases']} 件，"
        f"分办 {figures['split_cases']} 件，参阅 {figures['reference_cases']} 件。"
        + (f"另有 {waiting} 件已登记、尚未交办，不计入各单位件数。" if waiting else "")
    )

    doc.add_heading("二、答复类别", level=2)
    by_class, shares = figures["replies_by_class"], figures["class_shares"]
    _table(
        doc,
        ["类别", "件数", "占比"],
        [
            *([f"{c}类", by_class[c], rate_text(shares[c])] for c in "ABC"),
            # The total's share written as the rows' are (it read 100 % under 42.9 %).
            [
                "合计",
                sum(by_class[c] for c in "ABC"),
                words.percent(1.0 if any(by_class.values()) else None),
            ],
        ],
    )

    doc.add_heading("三、办理指标", level=2)
    measures = figures["measures"]
    _table(
        doc,
        ["指标", "分子", "分母", "比率"],
        [
            [label, measures[k]["numerator"], measures[k]["denominator"], rate_text(measures[k])]
            for k, label in MEASURES.items()
        ],
    )
    doc.add_paragraph(_satisfaction_by_source(measures))
    doc.add_paragraph(_latest_verdicts(measures))
    if q.unit is None:
        doc.add_paragraph(words.PER_UNIT_COUNT)
    if five_hundred_percent(measures):
        doc.add_paragraph(
            "实现“五个100%”：沟通率、重点建议见面率、现场办理代表参与率、按时答复办结率、"
            "满意率均为 100 %。"
        )

    doc.add_heading("四、面对面走访", level=2)
    # §一 and 办理指标 count 主办 and 分办 apart; R-V2 holds a unit to the rate of all the
    # cases it answers, split ones included: the two 主办 figures differed unexplained.
    doc.add_paragraph(
        "本表主办件数含分办件：分办单位各自答复代表委员，与主办件一样计入走访率要求（R-V2），"
        "故可能多于第一部分所列主办件数。"
    )
    _table(
        doc,
        VISIT_COLUMNS,
        [
            [
                names(v["unit"]),
                v["lead_cases"],
                f"{v['required_rate'] * 100:.0f} %",
                v["visited_cases"],
                v["declined_cases"],  # R-V3: reported beside the rate, and the rate without them
                words.percent(v["actual_rate"]),
                words.percent(v["actual_rate_excluding_declined"]),
                words.YES_NO[v["compliant"]],
                v["shortfall"],
            ]
            for v in visits
        ],
    )

    doc.add_heading("五、公开与进一步办理", level=2)
    for key in ("disclosure_on_time_rate", "rehandling_on_time_rate"):
        m = measures[key]
        doc.add_paragraph(
            f"{MEASURES[key]}：{m['numerator']} / {m['denominator']}（{rate_text(m)}）。"
            + WITHHELD_NOT_PUBLISHED * (key == "disclosure_on_time_rate")
        )

    doc.add_heading("六、重点建议提案", level=2)
    key_cases = [c for c in cases if c["key_source"]]
    if key_cases:
        _key_cases(doc, q, key_cases, names)
    else:  # a table of headers alone read as a table left unfilled
        doc.add_paragraph("本年度没有确定重点建议提案。")
    doc.add_heading("七、数据来源", level=2)
    doc.add_paragraph(
        f"本报告据办理日志第 {basis.position} 条及以前的记录生成，防篡改链头 "
        f"{basis.chain_head or '（尚未生成）'}。以相同位置重新生成，数字不变。"
    )
    doc.save(str(path))


def _key_cases(doc: DocumentType, q: ExportQuery, key_cases: list[Row], names: UnitNames) -> None:
    # A unit's report lists the key cases it has any part in, each with that part: the key
    # meeting rate above counts only those it leads (R-V2), which a list without the part
    # seemed to contradict.
    header = ["编号", "标题", "确定方", "包案领导", "主办单位"]
    _table(
        doc,
        header + (["本单位承办方式"] if q.unit else []),
        [
            [
                c["number"],
                c["title"],
                words.label(words.KEY_SOURCE, c["key_source"]),
                c["leader_in_charge"],
                names(c["lead_unit"]) or "—",
                # ``case_rows`` of a unit holds the cases it has a part in.
                *([words.UNIT_ROLE[dict(unit_roles(c))[q.unit]]] if q.unit else []),
            ]
            for c in key_cases
        ],
    )
    if q.unit:
        doc.add_paragraph("重点建议见面率按本单位主办的重点件计。")


def _satisfaction_by_source(measures: dict[str, Any]) -> str:
    """R-F4: satisfaction reported by source; a rate the handling side keyed in for itself
    proves little, so the report says how much of it the proposers gave themselves."""
    parts = []
    for source, word in words.FEEDBACK_SOURCE.items():
        split = [measures[k].get("by_source", {}).get(source, NO_RATE) for k in SATISFACTION]
        texts = (f"{m['numerator']} / {m['denominator']}（{rate_text(m)}）" for m in split)
        parts.append(f"{word}反馈的满意率 {next(texts)}，仅满意 {next(texts)}")
    return "满意率按反馈来源：" + "；".join(parts) + "。"


# What 按时公开率 counts (DOMAIN.md §4: published by the deadline ÷ replies marked proactive),
# said where it is read, as on the workbench's figure page.
WITHHELD_NOT_PUBLISHED = "标为主动公开、后经说明理由不予公开的答复计入分母、不计入分子。"


def _latest_verdicts(measures: dict[str, Any]) -> str:
    """What the satisfaction rate counts, said where it is read: a reader seeing 100 % beside
    proposers known to have been dissatisfied took the figure for a wrong one (a review)."""
    rehandled = measures["rehandling_on_time_rate"]["denominator"]
    return (
        "满意率按每件最后一次反馈计算：表示不满意的件经进一步办理后，以进一步答复后的反馈为准"
        f"（本年度因不满意进一步办理 {rehandled} 次，见“五、公开与进一步办理”）。"
    )


def _empty(total: dict[str, Any]) -> dict[str, Any]:
    """A unit with no cases in the year: zero counts, every measure without a denominator."""
    none: dict[str, Any] = {**NO_RATE, "cases": [], "of_cases": []}
    return {
        "lead_cases": 0,
        "co_cases": 0,
        "split_cases": 0,
        "reference_cases": 0,
        "replies_by_class": dict.fromkeys("ABC", 0),
        "class_shares": dict.fromkeys("ABC", none),
        "measures": dict.fromkeys(total["measures"], none),
    }


def annual_report(
    app: BanliApplication,
    views: ViewStoreBase,
    query: ExportQuery,
    path: Path,
    *,
    live: bool = True,
) -> Basis:
    """Writes the year's summary (of ``query.unit``, or the whole organisation) to ``path``."""
    _, basis = figures_at(
        app,
        views,
        (FACTS, PAPERS),
        lambda reader, basis: _write(reader, query, basis, path, UnitNames(app)),
        as_of=query.as_of,
        position=query.position,
        live=live,
    )
    return basis

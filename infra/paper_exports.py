"""The office's spreadsheets (API.md v1.1 "Excel in and out"), each read from the read models by
their own queries and written by ``xlsx_export``: 办理台账, 沟通联络总台账, B类滚动台账, visit
compliance, measures with a drill-down sheet, and the Hebei 责任分解表 and 复查表 (seed 003
attachments 1 and 7, in their columns' order as docs/decisions.md records it).

``export`` computes one of them as of a log position (``frozen_views``) into a file and answers
what it was computed from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from infra import paper_labels as words
from infra.application import BanliApplication
from infra.clock import today
from infra.frozen_views import Basis, figures_at
from infra.unit_names import UnitNames
from infra.view_store import ViewStoreBase
from infra.xlsx_export import Column, SheetSpec, write_workbook
from projections.case_papers import NAME as PAPERS
from projections.case_papers import case_rows, cases_by_id, contact_rows
from projections.commitments import NAME as COMMITMENTS
from projections.commitments import open_commitments
from projections.core import Row, ViewReader
from projections.ledger import NAME as LEDGER
from projections.ledger import SHOWN_REVERSED, ledger
from projections.unit_facts import NAME as FACTS
from projections.unit_facts import unit_stats, visit_compliance_report

MEASURES = words.MEASURE


@dataclass(frozen=True)
class ExportQuery:
    as_of: date  # the day deadlines and rates are judged on
    year: int | None = None
    unit: str | None = None  # a handler's own unit, whatever it asked
    kind: str | None = None
    position: int | None = None
    # The 办理台账's other filters, as /v1/ledger takes them (the ledger export only): what the
    # workbench's 台账 shows is what its 导出 Excel writes.
    stage: str | None = None
    overdue: bool | None = None
    level: str | None = None
    key: bool | None = None
    under_supervision: bool | None = None
    overdue_of: str | None = None  # the unit whose overdue deadlines count (``unit``'s)
    awaiting: str | None = None  # a decision pending: a key of ``paper_labels.AWAITING``
    unit_role: str | None = None  # lead | co | split | reference: the unit's part
    dissatisfied: bool | None = None  # R-S2: declared 不满意 by as_of
    leader_in_charge: str | None = None  # R-S2: the leader who took charge (包案)
    # The 台账's order (``projections.ledger.SORTS``), as the page that asked was sorted.
    sort: str = "number"
    descending: bool = False


# A sheet's rows name units by name (``UnitNames``): the office reads 财政厅, not FIN, and the
# assignment import takes a name as well as a code.
Sheets = Callable[[ViewReader, ExportQuery, UnitNames], list[SheetSpec]]


# A 台账 as of another day judges its deadlines and reminders for that day; its stage, units,
# leader and merges are the case's today (as the page says under its count, R-X3): a review's
# export as of 2025-06-01 read 已办结 beside 已逾期 20 天 with nothing saying why.
PAST_DAY_STAGE = "阶段（今日）"
PAST_DAY_READING = (
    "阶段、承办单位、交办日期、包案领导、答复、反馈意见和并案为导出当天所见；"
    "期限状态、逾期天数和催办按统计日期计算；"
    "统计日期之后登记的件也在列。某件在那天的全貌请在件页“查看某一时刻的状态”"
)


def past_day(q: ExportQuery) -> bool:
    return q.as_of != today()


def _ledger(reader: ViewReader, q: ExportQuery, names: UnitNames) -> list[SheetSpec]:
    stage = PAST_DAY_STAGE if past_day(q) else "阶段"
    columns = [
        Column("编号", 14), Column("标题", 40), Column("提出人", 14), Column("级别", 6),
        Column("年度", 6, "number"), Column(stage, 10), Column("主办单位", 18),
        Column("会办单位", 24), Column("分办单位", 24), Column("交办日期", 12, "date"),
        Column("参阅件", 6), Column("重点", 6), Column("包案领导", 10), Column(REPLY_CLASS, 10),
        Column("答复文号", 18), Column("答复日期", 12, "date"), Column("反馈意见", 10),
        Column("下一时限", 10), Column("时限单位", 18), Column("到期日", 12, "date"),
        Column("状态", 10), Column("逾期天数", 8, "number"), Column("催办次数", 8, "number"),
        Column("最近催办", 12, "date"), Column("并案（主件在前）", 24),
    ]  # fmt: skip
    kinds = [q.kind] if q.kind else list(words.KIND)

    def items(kind: str) -> Iterator[tuple[dict[str, Any], Row | None]]:
        """The ledger's rows, each with its case's paper row (who raised it, its reply and
        verdict: a clerk's 台账 names them, and the export had none of them)."""
        for page in pages(kind):
            papers = cases_by_id(reader, [item["case_id"] for item in page])
            for item in page:
                yield item, papers.get(item["case_id"])

    def pages(kind: str) -> Iterator[list[dict[str, Any]]]:
        cursor: str | None = None
        while True:
            found = ledger(
                reader, as_of=q.as_of, year=q.year, unit=q.unit, kind=kind, stage=q.stage,
                overdue=q.overdue, level=q.level, key=q.key,
                under_supervision=q.under_supervision, overdue_of=q.overdue_of,
                awaiting=q.awaiting, unit_role=q.unit_role, dissatisfied=q.dissatisfied,
                leader_in_charge=q.leader_in_charge,
                sort=q.sort, descending=q.descending, limit=1000, cursor=cursor,
            )  # fmt: skip
            yield found["items"]
            cursor = found["next_cursor"]
            if cursor is None:
                return

    def rows(kind: str) -> Iterator[list[Any]]:
        for item, paper in items(kind):
            following = item["next_deadline"] or {}
            paper = paper or {}
            yield [
                item["number"], item["title"], paper.get("proposers"),
                words.label(words.LEVEL, item["level"]), item["year"],
                words.label(words.STAGE, item["stage"]), names(item["lead_unit"]),
                names.each(item["co_units"]), names.each(item["split_units"]),
                paper.get("assigned_on"), words.YES_NO[item["reference"]],
                words.YES_NO[item["key"]], item["leader_in_charge"],
                *_replies(paper, names), _verdict(paper),
                words.label(words.DEADLINE_KIND, following.get("kind")),
                names(following.get("unit")), following.get("due_on"),
                words.label(words.DEADLINE_STATUS, following.get("status")),
                item["days_overdue"], item["reminders"], item["last_reminded_on"],
                "、".join(item["merged_with"]),
            ]  # fmt: skip

    def deadline_rows(kind: str) -> Iterator[list[Any]]:
        for page in pages(kind):
            yield from _deadline_rows(page, names)

    # The case sheets first, where they always were.
    cases = [SheetSpec(f"{words.KIND[k]}办理台账", columns, rows(k)) for k in kinds]
    times = [
        SheetSpec(f"{words.KIND[k]}办理时限", DEADLINE_COLUMNS, deadline_rows(k)) for k in kinds
    ]
    return cases + times


def _replies(paper: Mapping[str, Any], names: UnitNames) -> list[Any]:
    """The 台账's 答复类别, 答复文号 and 答复日期: each replying unit's latest issued reply (a
    split case's units each reply, R-R3: each is named before its own), the latest day."""
    replies = json.loads(paper.get("unit_replies") or "[]")
    if not replies:
        return [None, None, None]
    if len(replies) == 1:
        [only] = replies
        return [f"{only['classification']}类", only["document_number"], only["issued_on"]]
    return [
        "；".join(f"{names(r['unit'])} {r['classification']}类" for r in replies),
        "；".join(f"{names(r['unit'])} {r['document_number']}" for r in replies),
        max(r["issued_on"] for r in replies),
    ]


def _verdict(paper: Mapping[str, Any]) -> str | None:
    """The latest verdict, and whether the office keyed it in (R-F4: the case page and 审计
    tell the proposers' own verdicts from the office's; the export said 满意 alike)."""
    said = words.label(words.VERDICT, paper.get("verdict"))
    return f"{said}（办公室代录）" if said and paper.get("verdict_source") == "office" else said


def _deadline_rows(page: list[dict[str, Any]], names: UnitNames) -> Iterator[list[Any]]:
    """R-S1: every deadline of every case with its status, a row each, beside the case rows
    (which name the next one only)."""
    for item in page:
        deadlines = item["deadlines"]
        again = words.further_disclosures((d["kind"], d["unit"]) for d in deadlines)
        for d, further in zip(deadlines, again, strict=True):
            said = words.label(words.DEADLINE_KIND, d["kind"])
            yield [
                item["number"], item["title"], words.FURTHER_DISCLOSURE if further else said,
                names(d["unit"]), d["due_on"], d["original_due_on"],
                words.deadline_status(d["status"], d["days_overdue"]), d["days_overdue"],
                words.YES_NO[d["calendar_provisional"]],
            ]  # fmt: skip


DEADLINE_COLUMNS = [
    Column("编号", 14), Column("标题", 40), Column("时限", 10), Column("时限单位", 18),
    Column("到期日", 12, "date"), Column("延期前到期日", 12, "date"), Column("状态", 12),
    Column("逾期天数", 8, "number"), Column("日历暂定", 8),
]  # fmt: skip


def _contacts(reader: ViewReader, q: ExportQuery, names: UnitNames) -> list[SheetSpec]:
    records = {"contact": "沟通联系", "visit": "面对面走访", "visit_declined": "无需见面"}
    columns = [
        Column("编号", 14), Column("标题", 36), Column("类别", 6), Column("承办单位", 18),
        Column("记录", 10), Column("阶段", 6), Column("方式", 8), Column("日期", 12, "date"),
        Column("联系人/走访人", 20), Column("代表委员", 14), Column("联系上", 6),
        Column("内容摘要", 40), Column("代表委员意见", 30),
    ]  # fmt: skip
    rows = (
        [
            r["number"],
            r["title"],
            words.label(words.KIND, r["kind"]),
            names(r["unit"]),
            records.get(r["record"], r["record"]),
            words.label(words.PHASE, r["phase"]),
            words.label(words.CHANNEL, r["channel"]),
            r["occurred_on"],
            r["by"],
            r["person"],
            words.YES_NO[bool(r["reached"])],
            r["summary"],
            r["proposer_opinion"],
        ]
        for r in contact_rows(reader, year=q.year, unit=q.unit)
        if q.kind is None or r["kind"] == q.kind
    )
    return [SheetSpec("沟通联络总台账", columns, rows)]


def _commitments(reader: ViewReader, q: ExportQuery, names: UnitNames) -> list[SheetSpec]:
    columns = [
        Column("编号", 14), Column("标题", 36), Column("年度", 6, "number"), Column("类别", 6),
        Column("答复单位", 18), Column("答复文号", 18), Column("答复日期", 12, "date"),
        Column("承诺事项", 48), Column("最新复查结论", 12), Column("复查日期", 12, "date"),
        Column("督办中", 6), Column("销号日期", 12, "date"),
    ]  # fmt: skip
    items = open_commitments(reader, include_closed=True)["items"]
    rows = (
        [
            r["number"],
            r["title"],
            r["year"],
            words.label(words.KIND, r["kind"]),
            names(r["unit"]),
            r["document_number"],
            r["issued_on"],
            r["commitment"],
            words.label(words.FINDING, r["latest_finding"]),
            r["reassessed_on"],
            words.YES_NO[bool(r["under_supervision"])],
            r["closed_out_on"],
        ]
        for r in items
        if (q.unit is None or r["unit"] == q.unit)
        and (q.year is None or r["year"] == q.year)
        and (q.kind is None or r["kind"] == q.kind)
    )
    return [SheetSpec("B类滚动台账", columns, rows)]


def _visits(reader: ViewReader, q: ExportQuery, names: UnitNames) -> list[SheetSpec]:
    columns = [
        Column("单位", 18), Column("主办件数（含分办）", 12, "number"),
        Column("要求走访率", 10, "rate"),
        Column("已走访件数", 10, "number"), Column("无需见面件数", 12, "number"),
        Column("实际走访率", 10, "rate"), Column("剔除无需见面后走访率", 18, "rate"),
        Column("是否达标", 8), Column("尚差走访件数", 12, "number"),
    ]  # fmt: skip
    items = visit_compliance_report(reader, year=q.year)["items"]
    rows = (
        [
            names(r["unit"]),
            r["lead_cases"],
            r["required_rate"],
            r["visited_cases"],
            r["declined_cases"],
            r["actual_rate"],
            r["actual_rate_excluding_declined"],
            words.YES_NO[r["compliant"]],
            r["shortfall"],
        ]
        for r in items
        if q.unit is None or r["unit"] == q.unit
    )
    return [SheetSpec("走访率", columns, rows)]


def _measures(reader: ViewReader, q: ExportQuery, names: UnitNames) -> list[SheetSpec]:
    stats = unit_stats(reader, as_of=q.as_of, year=q.year, kind=q.kind)
    units = [u for u in stats["items"] if q.unit is None or u["unit"] == q.unit]
    every = units if q.unit is not None else [*units, {**stats["total"], "unit": "合计"}]
    columns = [
        Column("单位", 18), Column("主办", 6, "number"), Column("会办", 6, "number"),
        Column("分办", 6, "number"), Column("参阅", 6, "number"), Column("A类", 6, "number"),
        Column("B类", 6, "number"), Column("C类", 6, "number"), Column("A类占比", 8, "rate"),
        Column("B类占比", 8, "rate"), Column("C类占比", 8, "rate"),
    ]  # fmt: skip
    for label in MEASURES.values():
        columns += [Column(f"{label}分子", 8, "number"), Column(f"{label}分母", 8, "number")]
        columns.append(Column(label, 10, "rate"))

    def row(u: dict[str, Any]) -> list[Any]:
        by_class = u["replies_by_class"]
        values = [names(u["unit"]), u["lead_cases"], u["co_cases"], u["split_cases"]]
        values.append(u["reference_cases"])
        values += [by_class["A"], by_class["B"], by_class["C"]]
        values += [u["class_shares"][c]["rate"] for c in "ABC"]
        for key in MEASURES:
            m = u["measures"][key]
            values += [m["numerator"], m["denominator"], m["rate"]]
        return values

    drill = [
        Column("单位", 18), Column("指标", 18), Column("编号", 14), Column("计入分子", 8),
        Column("反馈来源", 12),
    ]  # fmt: skip

    def details() -> Iterator[list[Any]]:
        for u in units:
            # The A/B/C shares too (each unit's first replies): every rate of the table has
            # the cases behind it here (a review found the shares alone without).
            shares = [(f"{c}类占比", u["class_shares"][c]) for c in "ABC"]
            for label, measure in [*((MEASURES[k], u["measures"][k]) for k in MEASURES), *shares]:
                counted, source = set(measure["cases"]), _sources(measure)
                for number in measure["of_cases"]:
                    counts = words.YES_NO[number in counted]
                    yield [names(u["unit"]), label, number, counts, source.get(number, "")]

    return [
        SheetSpec("办理指标", columns, (row(u) for u in every)),
        SheetSpec("满意率按反馈来源", BY_SOURCE_COLUMNS, _by_source_rows(every, names)),
        SheetSpec("指标明细", drill, details()),
    ]


# R-F4: satisfaction reported by source, each unit's verdicts from the proposers themselves
# apart from those the office keyed in.
SATISFACTION = ("satisfaction_rate", "strict_satisfaction_rate")
BY_SOURCE_COLUMNS = [
    Column("单位", 18),
    Column("反馈来源", 14),
    *(
        Column(f"{MEASURES[key]}{part}", 10 if part else 12, kind)
        for key in SATISFACTION
        for part, kind in (("分子", "number"), ("分母", "number"), ("", "rate"))
    ),
]


def _by_source_rows(units: list[dict[str, Any]], names: UnitNames) -> Iterator[list[Any]]:
    for u in units:
        for source, word in words.FEEDBACK_SOURCE.items():
            values: list[Any] = [names(u["unit"]), word]
            for key in SATISFACTION:
                m = u["measures"][key]["by_source"][source]
                values += [m["numerator"], m["denominator"], m["rate"]]
            yield values


def _sources(measure: Mapping[str, Any]) -> dict[str, str]:
    """Each case's feedback source, for a measure reported by source (R-F4); none otherwise."""
    split = measure.get("by_source", {})
    return {n: words.FEEDBACK_SOURCE[s] for s, m in split.items() for n in m["of_cases"]}


def _responsibilities(reader: ViewReader, q: ExportQuery, names: UnitNames) -> list[SheetSpec]:
    """Seed 003 attachment 1, 代表建议政协提案办理责任分解表: a row per case and unit."""
    columns = [
        Column("序号", 6, "number"), Column("建议提案号", 14), Column("建议提案标题", 40),
        Column("代表委员", 18), Column("承办单位", 18), Column("主办/会办/分办", 10),
        Column("分管负责同志", 12), Column("承办人", 10), Column("联系电话", 24),
        Column("交办日期", 12, "date"), Column("答复时限", 12, "date"), Column("备注", 16),
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        seq = 0
        for r in case_rows(reader, year=q.year, kind=q.kind, unit=q.unit):
            dues = json.loads(r["unit_dues"] or "{}")
            people = json.loads(r["unit_people"] or "{}")
            for unit, role in unit_roles(r):
                if unit is None or (q.unit is not None and unit != q.unit):
                    continue
                seq += 1
                # As the unit recorded them, empty until it has: a key case's 包案领导 there
                # read as every unrecorded unit's own leader on a sheet sent to the deputies.
                own = people.get(unit, {})
                yield [
                    seq, r["number"], r["title"], r["proposers"], names(unit),
                    words.UNIT_ROLE[role], own.get("unit_leader"),
                    own.get("handler"), own.get("phone"),
                    r["assigned_on"], dues.get(unit), None,
                ]  # fmt: skip

    return [SheetSpec("办理责任分解表", columns, rows())]


# The 复查表 checks what each unit last promised: its latest issued reply, a further reply
# (R-F2) included, where the A/B/C shares count each unit's first (a review found 198 A类 rows
# against the 办理指标's 196 and no word of why).
# A split case's units each reply (R-R3): one day stands for them all.
SPLIT_REPLY_DAY_READING = "分办件各单位分别答复，此处为其中最晚的印发日期；各单位的日期见复查表"
REPLY_CLASS = "答复类别"
LATEST_REPLY_READING = (
    "各承办单位最近一次印发的答复（含进一步答复）的类别、文号和日期；"
    "办理指标和年度报告的 A/B/C 类占比按各单位首次答复计，两者可能不同"
)


def _reviews(reader: ViewReader, q: ExportQuery, names: UnitNames) -> list[SheetSpec]:
    """Seed 003 attachment 7, 省代表建议政协提案办理情况复查表: A- and B-class replies (C made
    no commitment, R-Rv1) with their latest 回头看 finding."""
    columns = [
        Column("序号", 6, "number"), Column("年度", 6, "number"), Column("建议提案号", 14),
        Column("建议提案标题", 40), Column("代表委员", 18), Column("承办单位", 18),
        Column("答复类别", 8), Column("答复文号", 16), Column("答复日期", 12, "date"),
        Column("落实情况", 10), Column("复查日期", 12, "date"), Column("复查说明", 30),
        Column("备注", 12),
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        seq = 0
        for r in case_rows(reader, year=q.year, kind=q.kind):
            # A row per unit's latest reply: a split case's units each reply (R-R3).
            for reply in json.loads(r["unit_replies"] or "[]"):
                if reply["classification"] not in ("A", "B"):
                    continue
                if q.unit is not None and reply["unit"] != q.unit:
                    continue
                seq += 1
                yield [
                    seq, r["year"], r["number"], r["title"], r["proposers"], names(reply["unit"]),
                    f"{reply['classification']}类", reply["document_number"], reply["issued_on"],
                    words.label(words.FINDING, r["finding"]) or "未复查", r["reassessed_on"],
                    r["reassessment_note"], "已销号" if r["closed_out_on"] else None,
                ]  # fmt: skip

    return [SheetSpec("办理情况复查表", columns, rows())]


def unit_roles(case: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """A ``case_rows`` row's units with their parts: the lead (or a reference case's unit; None
    before assignment), then the co and the split units."""
    roles: list[tuple[str | None, str]] = [
        (case["lead_unit"], "reference" if case["reference"] else "lead")
    ]
    roles += [(u, "co") for u in _split(case["co_units"])]
    roles += [(u, "split") for u in _split(case["split_units"])]
    return roles


def _split(text: str | None) -> list[str]:
    return [u for u in (text or "").split("、") if u]


@dataclass(frozen=True)
class Export:
    title: str
    views: Sequence[str]
    sheets: Sheets
    # Whether its rows are chosen by 类别: visit compliance is not (R-V2 counts a unit's lead
    # cases of every kind, national and provincial together).
    by_kind: bool = True
    # How a column is read where another paper counts the same thing otherwise (口径), for
    # the 说明 sheet: (column, how).
    reading: tuple[tuple[str, str], ...] = ()
    # The same, said only of a file as of another day than today (``past_day``).
    past_day_reading: tuple[tuple[str, str], ...] = ()


EXPORTS: dict[str, Export] = {
    "ledger": Export(
        "办理台账",
        (LEDGER, PAPERS),
        _ledger,
        reading=((REPLY_CLASS, LATEST_REPLY_READING), ("答复日期", SPLIT_REPLY_DAY_READING)),
        past_day_reading=((PAST_DAY_STAGE, PAST_DAY_READING),),
    ),
    "contacts": Export("沟通联络总台账", (PAPERS,), _contacts),
    "commitments": Export("B类滚动台账", (COMMITMENTS,), _commitments),
    "visit-compliance": Export("走访率达标情况", (FACTS,), _visits, by_kind=False),
    "measures": Export("办理指标", (FACTS,), _measures),
    "responsibilities": Export("代表建议政协提案办理责任分解表", (PAPERS,), _responsibilities),
    "reviews": Export(
        "代表建议政协提案办理情况复查表",
        (PAPERS,),
        _reviews,
        reading=((REPLY_CLASS, LATEST_REPLY_READING),),
    ),
}


# What the 说明 sheet says of 类别 for an export that does not choose by it, whatever was asked
# (a review's 提案 file said 筛选：类别 提案 above every kind's figures).
EVERY_KIND_BY_RULE = "全部（R-V2：走访率按单位全年全部主办件计，不分类别）"


def scope(q: ExportQuery, names: UnitNames, *, by_kind: bool = True) -> list[tuple[str, str]]:
    """What the rows were chosen by, in words, for the file's 说明 sheet: the year, kind and
    unit always (全部 when not narrowed; a handler's file is its unit's), the 台账's other
    filters when given."""
    every = "全部"
    kind = (words.KIND.get(q.kind, q.kind) if q.kind else every) if by_kind else EVERY_KIND_BY_RULE
    found = [
        ("年度", str(q.year) if q.year is not None else every),
        ("类别", kind),
        ("承办单位", names.name(q.unit) if q.unit else every),
    ]
    if q.stage is not None:
        found.append(("阶段", words.STAGE.get(q.stage, q.stage)))
    if q.overdue is not None:
        # The 承办单位 above: a handler's own, or the one a supervisor chose.
        whose = "（该单位的期限）" if q.overdue_of else ""
        found.append((f"有逾期期限{whose}", words.YES_NO[q.overdue]))
    if q.level is not None:
        found.append(("级别", words.LEVEL.get(q.level, q.level)))
    if q.key is not None:
        found.append(("重点件", words.YES_NO[q.key]))
    if q.under_supervision is not None:
        found.append(("挂账督办", words.YES_NO[q.under_supervision]))
    if q.awaiting is not None:
        found.append(("待办", words.AWAITING[q.awaiting]))
    if q.dissatisfied is not None:
        found.append(("曾不满意", words.YES_NO[q.dissatisfied]))
    if q.leader_in_charge is not None:
        found.append(("包案领导", q.leader_in_charge))
    if q.unit_role is not None:
        found.append(("承办方式", words.UNIT_ROLE.get(q.unit_role, q.unit_role)))
    return found


def order(q: ExportQuery) -> str | None:
    """How the rows are ordered, in words, where not by number (a 台账 sorted on the page)."""
    if q.sort == "number" and not q.descending:
        return None
    shown_descending = q.descending != (q.sort in SHOWN_REVERSED)
    return words.LEDGER_SORT.get(q.sort, q.sort) + ("（降序）" if shown_descending else "（升序）")


def export(
    app: BanliApplication,
    views: ViewStoreBase,
    name: str,
    query: ExportQuery,
    path: Path,
    *,
    live: bool = True,
) -> Basis:
    """Writes export ``name`` to ``path`` as of ``query.position`` (the newest when None)."""
    chosen = EXPORTS[name]

    def write(reader: ViewReader, basis: Basis) -> None:
        names = UnitNames(app)
        sheets = chosen.sheets(reader, query, names)
        said = scope(query, names, by_kind=chosen.by_kind)
        reading = chosen.reading + chosen.past_day_reading * past_day(query)
        write_workbook(path, sheets, basis, chosen.title, said, reading, order(query))

    _, basis = figures_at(
        app, views, chosen.views, write, as_of=query.as_of, position=query.position, live=live
    )
    return basis

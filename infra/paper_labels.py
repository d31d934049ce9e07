"""The Chinese words of the office's paperwork for the vocabularies' values (DOMAIN.md §1, UI.md):
what an imported 交办清单 says and what an exported 台账 or report prints, stated once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Final

from domain.vocabulary import DEADLINE_KIND_WORDS, FINDING_WORDS

KIND: Final = {"suggestion": "建议", "proposal": "提案"}
LEVEL: Final = {"national": "全国", "provincial": "省"}
PROPOSER_TYPE: Final = {"deputy": "代表", "member": "委员", "unit": "单位"}
STAGE: Final = {
    "registered": "已登记",
    "handling": "办理中",
    "replied": "已答复",
    "rehandling": "进一步办理",
    "closed": "已办结",
}
UNIT_ROLE: Final = {"lead": "主办", "co": "会办", "split": "分办", "reference": "参阅"}
ROLE: Final = {
    "admin": "管理员",
    "office": "办公室",
    "leader": "厅领导",
    "handler": "承办人",
    "supervisor": "督查",
    "auditor": "审计",
    "proposer": "代表委员",
}
DEADLINE_KIND: Final = DEADLINE_KIND_WORDS
# UI.md: one word per deadline status, everywhere (printed pages carry no colour).
DEADLINE_STATUS: Final = {
    "pending": "办理中",
    "due_soon": "即将到期",
    "overdue": "已逾期",
    "met": "按期办结",
    "met_late": "逾期办结",
    "missed": "逾期未办",
    "extended": "已延期",
}
# R-D8: a deadline that could no longer be met before it fell due (the case closed early, the
# lead reply issued while a co-opinion was still in time) was missed but never overdue:
# 逾期未办 would say it ran late.
MISSED_IN_TIME: Final = "期内终止未办"


def deadline_status(status: str, days_overdue: int) -> str:
    """A deadline's status word (UI.md) without its days, which a page adds and a sheet
    gives a column of their own."""
    if status == "missed" and not days_overdue:
        return MISSED_IN_TIME
    return DEADLINE_STATUS.get(status, status)


CHANNEL: Final = {
    "phone": "电话",
    "wechat": "微信",
    "email": "邮件",
    "video": "视频",
    "letter": "信函",
    "meeting": "座谈",
    "visit": "走访",
    "site": "现场视察",
}
# The deadline policies (domain/deadlines/policies.py) by the documents they follow (seeds 003
# and 000).
POLICY: Final = {
    "hebei-2022": "河北省 2022 年办理要求",
    "guangxi-2018": "广西财政厅服务代表委员工作规则",
}
PHASE: Final = {"before": "办前", "during": "办中", "after": "办后"}
VERDICT: Final = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
FINDING: Final = FINDING_WORDS
KEY_SOURCE: Final = {"congress": "人大", "cppcc": "政协", "government": "政府", "unit": "本单位"}
YES_NO: Final = {True: "是", False: "否"}
# The decisions a case may wait on (``awaiting``), as an export's 说明 names the filter.
# The 台账's orders (``projections.ledger.SORTS``), as its column headers name them.
LEDGER_SORT: Final = {
    "number": "编号",
    "title": "标题",
    "lead_unit": "主办单位",
    "stage": "阶段",
    "year": "年度",
    "due": "办理期限",
    "overdue": "逾期天数",
}
AWAITING: Final = {
    "approval": "答复待审批",
    "extension": "延期待决定",
    "reassignment": "改办待决定",
    "ruling": "待裁定",  # R-A2: the office's recommendation, for a leader to rule on
    "repeat": "多年多次待确认",  # R-S4: a repeat found, for the office to confirm or dismiss
    "issue": "答复待印发",
    "redo": "答复退回待重报",
    "owes": "尚有期限未办结",  # a deadline of the unit's (a handler's own) still running
}
# The measures (DOMAIN.md § Measures) as the pages, the spreadsheets and the report name them:
# the 总览 and the exports once called the strict rate 满意率（严格） and 满意率（仅满意）.
MEASURE: Final = {
    "communication_rate": "主办建议沟通率",
    "key_meeting_rate": "重点建议见面率",
    "on_site_participation_rate": "现场办理代表参与率",
    "on_time_reply_rate": "按时答复办结率",
    "satisfaction_rate": "满意率（含基本满意）",
    "strict_satisfaction_rate": "满意率（仅满意）",
    "disclosure_on_time_rate": "按时公开率",
    "rehandling_on_time_rate": "进一步办理按时率",
}
# R-F4: who keyed a verdict in, as the satisfaction figures are reported apart.
FEEDBACK_SOURCE: Final = {"proposer": "代表委员本人", "office": "办公室代录"}
# What a figure of all units together counts (``unit_facts.unit_stats``' total): a split case
# is answered by each of its units, so it is counted once per unit; a verdict is the case's,
# counted once. Said beside the total on the 总览 and in the annual report, where it exceeded
# the cases with no reason.
PER_UNIT_COUNT: Final = (
    "全厅合计按件次计：会办、分办件在每个承办单位各计一次（分办件的答复类别等指标也按各分办"
    "单位分别计），故合计可多于件数；满意率除外，按件计，一件的反馈在合计中只计一次。"
)


def label(words: Mapping[str, str], value: str | None) -> str:
    """The Chinese word for ``value`` (the value itself when it has none; empty for None)."""
    if value is None:
        return ""
    return words.get(value, value)


def reverse(words: Mapping[str, str], *synonyms: tuple[str, str]) -> dict[str, str]:
    """Word → value, for reading a sheet; ``synonyms`` add other common spellings."""
    return {**{word: value for value, word in words.items()}, **dict(synonyms)}


def percent(rate: float | None) -> str:
    """A rate as UI.md writes one, ``53.9 %``; a dash when the denominator is 0 (no rate, not
    0 %). The pages, the sheets' text and the annual report say it alike."""
    return "—" if rate is None else f"{rate * 100:.1f} %"


# A unit's second or later 公开 is that of a further reply (R-F2): named so on pages and
# papers alike, where two rows both called 公开 could not be told apart.
FURTHER_DISCLOSURE: Final = "进一步答复公开"


def further_disclosures(deadlines: Iterable[tuple[str, str | None]]) -> list[bool]:
    """For each deadline's (kind, unit), in order: whether it is a unit's second or later 公开,
    that of a further reply (R-F2). Two rows both called 公开 could not be told apart."""
    seen: Counter[str | None] = Counter()
    found = []
    for kind, unit in deadlines:
        seen[unit] += kind == "disclosure"
        found.append(kind == "disclosure" and seen[unit] > 1)
    return found

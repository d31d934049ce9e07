"""The workbench's Chinese labels (DOMAIN.md §1 glossary, UI.md's deadline words), one table
per closed vocabulary of ``domain.vocabulary``, and the formats of dates and rates. The words a
spreadsheet also prints or an import reads (kinds, stages, deadline words, channels, …) are
``infra.paper_labels``' own tables: a page and the 台账 never name one value two ways.

A value missing from its table is shown as it is stored: a new vocabulary value is visible
(in English) rather than hidden until someone names it here.
"""

from __future__ import annotations

import re
from typing import Final

from infra import paper_labels as words
from infra.file_types import FORMAT_WORDS

LABELS: Final[dict[str, dict[str, str]]] = {
    "kind": dict(words.KIND),
    "level": dict(words.LEVEL),
    "stage": dict(words.STAGE),
    "awaiting": dict(words.AWAITING),
    "role": dict(words.ROLE),
    "unit_role": dict(words.UNIT_ROLE),
    "deadline": dict(words.DEADLINE_KIND),
    "status": dict(words.DEADLINE_STATUS),
    "measure": dict(words.MEASURE),
    "phase": dict(words.PHASE),
    "policy": dict(words.POLICY),
    # R-P5: a withheld reply's reason, one of these or the office's own words ("other: …").
    "withheld_reason": {
        "proposer_refused": "代表委员不同意公开",
        "confidential": "涉密",
        "other": "其他",
    },
    "channel": dict(words.CHANNEL),
    "verdict": dict(words.VERDICT),
    "means": {
        "phone": "电话督办",
        "meeting": "会议督办",
        "on_site": "实地督办",
        "circular": "通报",
    },
    "finding": dict(words.FINDING),
    "key_source": dict(words.KEY_SOURCE),
    "disclosure": {"proactive": "主动公开", "on_request": "依申请公开", "withheld": "不予公开"},
    "disclosure_status": {
        "due": "待公开",
        "overdue": "逾期未公开",
        "published": "已公开",
        "published_late": "逾期公开",
        "withheld": "不予公开",
    },
    "content_type": FORMAT_WORDS,
    "reply_status": {
        "submitted": "待审批",
        "returned": "已退回重办",
        "approved": "已批准",
        "issued": "已答复",
        "superseded": "改办后作废",
    },
    "proposer_type": dict(words.PROPOSER_TYPE),
    "proposer_role": {"lead": "领衔", "co_signer": "联名"},
    "source": {"proposer": "代表委员本人", "office": "办公室代录"},
    "document_kind": {
        "reply_letter": "答复函",
        "visit_card": "走访卡",
        "consultation_form": "征询意见表",
        "original_text": "建议提案原文",
        "other": "其他",
    },
    "link_status": {"live": "有效", "expired": "已过期", "revoked": "已撤销"},
    "extension_status": {"open": "待决定", "approved": "已批准", "refused": "未批准"},
    "request_status": {
        "open": "待决定",
        "approved": "已同意改办",
        "rejected": "未同意",
        "superseded_by_ruling": "已由领导裁定",
    },
    "repeat_status": {"suggested": "待确认", "confirmed": "已确认重复", "dismissed": "已排除"},
    "notice_topic": {
        "reply_issued": "答复已印发",
        "due_soon": "期限将到",
        "overdue": "已逾期",
        "rehandling": "不满意·请进一步办理",
        "reminded": "催办",
        "extension_decided": "延期决定",
        "weekly_digest": "每周汇总",
    },
    "notice_audience": {"proposer": "代表委员", "unit": "承办单位", "office": "办公室"},
    "notice_channel": {"email": "电子邮件", "webhook": "接口推送"},
    "event": {
        "Registered": "登记",
        "Assigned": "交办",
        "ReassignmentRequested": "申请改办",
        "ReassignmentDecided": "改办决定",
        "RulingRecommended": "办公室建议裁定",
        "AssignmentRuled": "领导裁定",
        "KeyDesignated": "确定为重点",
        "Reminded": "催办",
        "PossibleRepeatsFound": "发现疑似重复",
        "RepeatReviewed": "重复件审核",
        "ContactRecorded": "沟通联系",
        "VisitRecorded": "面对面走访",
        "VisitDeclined": "无需见面",
        "OnSiteHandled": "现场办理",
        "ResponsibilityRecorded": "责任分解",
        "DisclosurePreferenceRecorded": "公开意愿",
        "CoOpinionDelivered": "会办意见",
        "ExtensionRequested": "申请延期",
        "ExtensionDecided": "延期决定",
        "ReplySubmitted": "答复送审",
        "ReplyDecided": "答复审批",
        "ReplyIssued": "答复印发",
        "MergedReplyIssued": "并案答复",
        "DisclosureReviewed": "公开前审查",
        "ReplyPublished": "答复公开",
        "ReplyWithheld": "不予公开",
        "ReplyTakenDown": "登记撤下",
        "FeedbackRecorded": "反馈意见",
        "FollowUpCalled": "电话回访",
        "Reassessed": "回头看",
        "ClosedOut": "销号",
        "Merged": "并案",
        "MergeUndone": "撤销并案",
        "Corrected": "更正",
        "UnitCreated": "新建单位",
        "NameClaimed": "登记名称（唯一）",
        "UserCreated": "新建用户",
        "UserDisabled": "停用用户",
        "UserEnabled": "启用用户",
        "UserReassigned": "调整角色或单位",
        "TokenIssued": "发放令牌",
        "TokenGranted": "令牌登记",
        "ProposerLinkGranted": "专属链接登记",
        "TokensRevoked": "吊销令牌",
        "PasswordChanged": "设置密码",  # a user's first one too: "修改" misnamed it
        "SessionStarted": "登录",
        "SessionEnded": "退出",
        "YearScheduleLoaded": "载入年度日历",
        "KeyCaseCounted": "重点件计数",
        "DocumentAttached": "上传文件",
        "ProposerLinkCreated": "生成代表委员专属链接",
        "ProposerLinkRevoked": "撤销代表委员专属链接",
    },
}


def label(vocabulary: str, value: object) -> str:
    """The Chinese word for ``value``; the value itself when the table has none."""
    if value is None:
        return ""
    return LABELS.get(vocabulary, {}).get(str(value), str(value))


# R-R1's words for a reply's class (seed 003 §五); A's names the case's kind.
CLASS_WORDS: Final = {
    "A": "所提问题已经解决或基本解决、{kind}已采纳",
    "B": "已列入计划，逐步解决",
    "C": "因条件限制，暂时难以解决",
}


def class_words(classification: str, kind: str | None = None) -> str:
    """R-R1: what a reply's class means, "A 类：…", in the words of the case's kind (a
    proposal's A reads 提案已采纳); without a kind, of both (a list holding either)."""
    meaning = CLASS_WORDS.get(classification)
    if meaning is None:
        return f"{classification} 类"
    kind_word = label("kind", kind) if kind else "建议或提案"
    return f"{classification} 类：{meaning.format(kind=kind_word)}"


def reason_words(reason: str | None) -> str:
    """R-P5: a withheld reply's reason in words: its kind (代表委员不同意公开, 涉密, 其他) and
    the detail written beside it (``confidential: 含工作秘密`` reads 涉密：含工作秘密); words
    of no kind as they were written."""
    if not reason:
        return ""
    kind, _, detail = reason.partition(":")
    words_of_kind = LABELS["withheld_reason"].get(kind.strip())
    if words_of_kind is None:
        return reason
    return f"{words_of_kind}：{detail.strip()}" if detail.strip() else words_of_kind


def status_word(status: str, days_overdue: int = 0) -> str:
    """UI.md: 已逾期 N 天 and 逾期未办 N 天 carry their days; the other words stand alone."""
    word = words.deadline_status(status, days_overdue)
    if status in ("overdue", "missed") and days_overdue:
        return f"{word} {days_overdue} 天"
    return word


percent = words.percent


def file_size(size: int) -> str:
    """A file's size as the pages give it: bytes under 1 KB (a 76-byte file read 1 KB), else
    whole KB rounded up."""
    return f"{size} 字节" if size < 1024 else f"{-(-size // 1024)} KB"


def chinese_part(text: str) -> str:
    """A name stored with its English after it ("政府办公厅 government office", R-R4's copies
    of early events) as a Chinese page shows it; a name without one as it is."""
    return re.split(r"\s+(?=[A-Za-z])", text, maxsplit=1)[0]

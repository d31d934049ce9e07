"""The case page's forms from the reply on: 答复, 审签, 印发, disclosure, feedback, follow-up,
repeats, reminders, 回头看, close-out and corrections (R-R…, R-P…, R-F…, R-Rv…, R-X2)."""

from __future__ import annotations

from api import schemas_handling as sh
from api import schemas_review as sr
from api.pages_form_fields import (
    CORRECTION_CHOICES,
    DAY,
    NOTE,
    OWN_UNIT,
    PICK,
    REPLY,
    ROLES_RECORDING,
    SUMMARY,
)
from api.pages_forms import (
    ANY,
    CaseForm,
    Field,
    awaits_feedback,
    closable_out,
    co_opinion_outstanding,
    mergeable,
    options,
    owes_a_reply,
    published_up,
    reassessable,
    remindable,
    replied,
    returned_draft,
    undoable_merge,
)
from api.pages_labels import LABELS

# A reply is published or withheld once issued, whatever the case's stage: a split unit's
# reply goes out while the other split unit's is still awaited and the case is 办理中, and its
# 15 days (R-D4) run from then (these forms list only issued, undecided replies).
ISSUED_ANY_STAGE = frozenset({"handling", "replied", "rehandling", "closed"})

# R-P3: the office's review before publishing, chosen as every decision is (``PICK``).
PICK_PUBLISHING = (PICK, ("true", "同意公开"), ("false", "不同意"))

# R-P5's reasons to withhold a reply, chosen (the ``reason`` field kind); 其他 asks for its
# words.
WITHHELD_REASONS = tuple(
    (code, words + "（请写明）" * (code == "other"))
    for code, words in LABELS["withheld_reason"].items()
)

# What approving would be refused for now (R-C1, R-F2): shown to who submits or decides a
# reply (``api/pages_case.py``, ``approval_obstacles``), not sent.
APPROVAL_OBSTACLES = Field("obstacles", "批准前须补齐", "shown_obstacles", required=False)

# R-P3: named on the review or when publishing, and needed only where a co unit advised
# against disclosure (a review read 选填 and met the refusal at 公开).
SECRECY_REVIEW = Field(
    "secrecy_review_ref",
    "保密审查编号",
    required=False,
    needed_when="会办单位意见不予公开时必填（审查或公开时填写）",
)

REPLY_FORMS: tuple[CaseForm, ...] = (
    CaseForm(
        "reply",
        "答复送审",
        frozenset({"handler"}),
        sh.Reply,
        (
            OWN_UNIT,
            APPROVAL_OBSTACLES,
            Field(
                "classification",
                "答复类别",
                "select",
                (PICK, ("A", "A 类"), ("B", "B 类"), ("C", "C 类")),
            ),
            Field("disclosure", "公开选项", "select", options("disclosure")),
            # R-P5: a reason only when the reply is not to be published.
            Field(
                "withheld_reason",
                "不予公开理由",
                "reason",
                WITHHELD_REASONS,
                required=False,
                needed_when="选不予公开时必填",
            ),
            Field("consultation_form_ref", "征询意见表编号"),
            SUMMARY,
            DAY,
        ),
        stages=frozenset({"handling", "rehandling"}),
        handler_part="reply",
        due=owes_a_reply,
        presets=returned_draft,
        rule_fields={
            "R-C1": "summary",
            "R-C3": "consultation_form_ref",
            "R-P1": "disclosure",
            "R-P2": "disclosure",
            "R-P5": "withheld_reason",
        },
    ),
    CaseForm(
        "approval",
        "审批答复",
        frozenset({"leader"}),
        sh.Approval,
        (
            APPROVAL_OBSTACLES,
            REPLY,
            Field(
                "approved",
                "审批意见",
                "bool",
                (PICK, ("true", "批准"), ("false", "退回重办")),
            ),
            Field("leader", "审批领导", "leader"),
            NOTE,
            DAY,
        ),
        stages=frozenset({"handling", "rehandling"}),
        ids=("reply_id",),
        reply_statuses=frozenset({"submitted"}),
        rule_fields={"R-C1": "approved", "R-R2": "approved"},
    ),
    # R-R2: what is issued is what a leader approved; an approved reply's class is no longer
    # corrected, so the leader takes the approval back while it is not issued.
    CaseForm(
        "approval-return",
        "退回已批准的答复",
        frozenset({"leader"}),
        sh.Approval,
        (
            REPLY,
            Field("approved", "审批意见", "bool", (PICK, ("false", "退回重办"))),
            Field("leader", "审批领导", "leader"),
            NOTE,
            DAY,
        ),
        stages=frozenset({"handling", "rehandling"}),
        ids=("reply_id",),
        reply_statuses=frozenset({"approved"}),
        rule_fields={"R-R2": "approved"},
    ),
    CaseForm(
        "issue",
        "印发答复",
        frozenset({"handler"}),
        sh.Issue,
        (
            Field("obstacles", "印发前须补齐", "shown_obstacles", required=False),
            REPLY,
            Field("document_number", "文号"),
            DAY,
        ),
        stages=frozenset({"handling", "rehandling"}),
        ids=("reply_id",),
        reply_statuses=frozenset({"approved"}),
        rule_fields={"R-R2": "reply_id", "R-C4": "document_number"},
    ),
    # R-R2: going ahead without a co-opinion is the office's decision, recorded with its reason.
    CaseForm(
        "issue-override",
        "会办意见未到齐先行印发",
        frozenset({"office"}),
        sh.Issue,
        (
            REPLY,
            Field("document_number", "文号"),
            DAY,
            Field("override_reason", "先行印发的理由", "textarea"),
        ),
        stages=frozenset({"handling", "rehandling"}),
        ids=("reply_id",),
        reply_statuses=frozenset({"approved"}),
        rule_fields={"R-R2": "override_reason", "R-C4": "document_number"},
        due=co_opinion_outstanding,
    ),
    CaseForm(
        "disclosure-review",
        "公开前审查",
        frozenset({"office"}),
        sh.DisclosureReview,
        (
            REPLY,
            Field("approved", "审查结论", "bool", PICK_PUBLISHING),
            SECRECY_REVIEW,
            NOTE,
            DAY,
        ),
        stages=ISSUED_ANY_STAGE,
        reply_statuses=frozenset({"issued"}),
        undecided_disclosure=True,
        rule_fields={"R-P3": "secrecy_review_ref"},
    ),
    CaseForm(
        "publish",
        "公开答复",
        frozenset({"office", "handler"}),
        sh.DisclosureDecision,
        (
            REPLY,
            Field("published_on", "公开日期", "date"),
            Field("url", "网址"),
            Field("include_original", "同时公开建议原文", "check", required=False),
            SECRECY_REVIEW,
        ),
        stages=ISSUED_ANY_STAGE,
        reply_statuses=frozenset({"issued"}),
        undecided_disclosure=True,
        reviewed_disclosure=True,
        rule_fields={"R-P2": "reply_id", "R-P3": "secrecy_review_ref", "R-P4": "include_original"},
    ),
    CaseForm(
        "withhold",
        "不予公开",
        frozenset({"office", "handler"}),
        sh.DisclosureDecision,
        (REPLY, Field("withheld_reason", "理由", "reason", WITHHELD_REASONS), DAY),
        stages=ISSUED_ANY_STAGE,
        reply_statuses=frozenset({"issued"}),
        undecided_disclosure=True,
        rule_fields={"R-P5": "withheld_reason"},
    ),
    CaseForm(
        # R-P2 after publishing: offered while a published reply's proposers have refused
        # since and its take-down is not recorded (``pages_case``: the partners of a merge
        # are read there).
        "take-down",
        "登记撤下",
        frozenset({"office", "handler"}),
        sh.TakeDown,
        (REPLY, Field("taken_down_from", "撤下位置（网站、栏目；多处用、分隔）"), DAY),
        stages=ISSUED_ANY_STAGE,
        reply_statuses=frozenset({"issued"}),
        reply_if=published_up,
        rule_fields={"R-P2": "reply_id"},
    ),
    CaseForm(
        "feedback",
        "记录反馈意见（办公室代录）",
        frozenset({"office"}),
        sr.Feedback,
        (
            Field("verdict", "意见", "select", (PICK, *options("verdict"))),
            Field("comments", "具体意见", "textarea", required=False, needed_when="不满意时必填"),
            DAY,
        ),
        stages=frozenset({"replied", "closed"}),
        due=awaits_feedback,
        # R-F1's refusal here is a 不满意 without comments (the form needs an issued reply).
        rule_fields={"R-F1": "comments", "R-F2": "verdict"},
    ),
    CaseForm(
        "follow-up-call",
        "电话回访",
        frozenset({"office"}),
        sr.FollowUpCall,
        (SUMMARY, DAY),
        stages=frozenset({"replied", "rehandling", "closed"}),
        rule_fields={"R-F3": "summary"},
        due=replied,
    ),
    CaseForm(
        "repeat-review",
        "多年多次提出：确认或排除",
        frozenset({"office"}),
        sr.RepeatReview,
        (
            Field("of_case_id", "往年相似件", "repeat"),
            Field(
                "confirmed",
                "结论",
                "bool",
                (PICK, ("true", "确认重复（列入重点台账）"), ("false", "不是重复，排除")),
            ),
            NOTE,
            DAY,
        ),
        stages=ANY,
        rule_fields={"R-S4": "of_case_id"},
    ),
    CaseForm(
        "reminder",
        "催办",
        frozenset({"office", "supervisor"}),
        sr.Reminder,
        (
            Field("means", "方式", "select", options("means")),
            Field("note", "催办内容", "textarea"),  # as the 督办 list's 催办 form says
            DAY,
        ),
        stages=ANY,
        rule_fields={"R-S3": "means"},
        due=remindable,
    ),
    CaseForm(
        "reassessment",
        "回头看",
        frozenset({"office", "supervisor"}),
        sr.Reassessment,
        # R-Rv1: the findings the latest issued reply's class allows; no form without any.
        (Field("finding", "结论", "finding"), NOTE, DAY),
        stages=frozenset({"replied", "rehandling", "closed"}),
        rule_fields={"R-Rv1": "finding"},
        due=reassessable,
    ),
    CaseForm(
        "close-out",
        "销号",
        frozenset({"office"}),
        sr.CloseOut,
        (NOTE, DAY),
        stages=frozenset({"closed"}),
        rule_fields={"R-Rv2": "note"},
        due=closable_out,
    ),
    CaseForm(
        "merge",
        "并案办理（本件为主件）",
        frozenset({"office"}),
        sr.MergeWith,
        (
            Field("with_numbers", "与本件并案的件（编号，多个以顿号分隔）", "text"),
            DAY,
        ),
        stages=frozenset({"handling"}),
        # R-M1: a refusal (another kind, merged or replied already) names the cases it is about;
        # R-A1 here is about one of them (this one is assigned: the form is offered in 办理中).
        rule_fields={"R-M1": "with_numbers", "R-A1": "with_numbers"},
        due=mergeable,
    ),
    CaseForm(
        "unmerge",
        "撤销并案（各件恢复各自答复）",
        frozenset({"office"}),
        sr.UndoMerge,
        (Field("reason", "撤销理由", "textarea"), DAY),
        stages=frozenset({"handling"}),
        rule_fields={"R-M1": "reason"},
        due=undoable_merge,
    ),
    CaseForm(
        "correction",
        "更正已记录的事件",
        ROLES_RECORDING,
        sr.Correction,
        (
            Field("event_id", "被更正的事件", "event"),
            Field("field", "更正的字段", "select", tuple(CORRECTION_CHOICES.items())),
            Field("value", "更正后的内容", "textarea"),
            Field("reason", "更正理由", "textarea"),
        ),
        stages=ANY,
        rule_fields={"R-X2": "field"},
    ),
)

"""The case page's forms from assignment to the co-handling opinions: 交办, 改办, 重点, contacts,
visits, the proposer's disclosure wishes, extensions (R-A…, R-C…, R-V…, R-E1)."""

from __future__ import annotations

from api import schemas_assignment as sa
from api import schemas_deadlines as sd
from api import schemas_handling as sh
from api import schemas_review as sr
from api.pages_form_fields import (
    DAY,
    NOTE,
    OWN_UNIT,
    PICK,
    SUMMARY,
)
from api.pages_forms import (
    CaseForm,
    Field,
    current_co_units,
    not_ruled,
    options,
    owes_a_reply,
    recommended_units,
    recorded_people,
    ruling_due,
)
from api.pages_labels import label
from domain.deadlines.policies import POLICIES
from domain.errors import RuleViolation

PICK_CONSENT = (PICK, ("true", "同意"), ("false", "不同意"))

# R-A4: deadlines run from the first assignment unless the office (or a ruling) says so; a
# unit the change brings in then owes from that day (a review's leader made one 148 days
# overdue at once, unwarned).
RESTART = Field(
    "restart_deadlines",
    "重新计算办理期限",
    "check",
    required=False,
    needed_when="不勾选则仍从原交办日起算，新加入的单位可能即已逾期",
)

# The open 改办 requests a third assignment answers (R-A2): shown to who decides it, not sent.
REQUESTS_SHOWN = Field("requests", "待裁定的改办申请", "shown_requests", required=False)

# R-C1 counts a unit as having reached the proposer from the first such contact, and no
# correction takes that back (a later contact cannot un-reach one): a mis-tick on a phone
# counted for 沟通率 for good, unwarned (a review).
REACHED_WORDS = "已联系到本人（记录后不能更正，请核实后勾选）"


def reference_names_its_unit(body: sa.Assignment) -> None:
    """R-D5: a 参阅件 owes a registered contact by 31 October, which only the unit it is sent
    to can record. The API takes one sent to no unit (R-A1: "or marks it a reference case");
    from the workbench such a case sat overdue with nobody able to meet its deadline, and a
    reference case is never reassigned (R-A3)."""
    # With 会办 or 分办 units beside it the domain's own R-A1 refusal speaks first (a 参阅件
    # takes neither); this one would hide it until 主办单位 was chosen.
    if body.reference and not (body.lead_unit or body.co_units or body.split_units):
        raise RuleViolation(
            "R-D5",
            "参阅件须在“主办单位”中选定负责联系代表委员的单位：只有该单位能登记联系",
            "a reference case names the unit that contacts the proposer",
        )


# R-A1: who answers for a unit's part (its 责任分解表 row), recorded from assignment on: a
# handler who changes years later is still the one a 回头看 calls (R-Rv1).
PEOPLE = (
    Field("unit_leader", "分管负责同志"),
    Field("handler", "承办人"),
    Field("phone", "联系电话"),
)
ASSIGNED = frozenset({"handling", "replied", "rehandling", "closed"})

HANDLING_FORMS: tuple[CaseForm, ...] = (
    CaseForm(
        "assignment",
        "交办",
        frozenset({"office"}),
        sa.Assignment,
        (
            Field("lead_unit", "主办单位", "unit", required=False),
            Field("co_units", "会办单位", "units", required=False),
            Field("split_units", "分办单位（各自答复）", "units", required=False),
            Field(
                "reference",
                "参阅件",
                "check",
                required=False,
                # R-D5's fixed day, which a late assignment has already passed (overdue from
                # its first day): said where the clerk decides, not only on the case after.
                needed_when="在“主办单位”中选定联系代表委员的单位；须于当年 10 月 31 日前登记联系",
            ),
            Field("assigned_on", "交办日期", "date"),
            Field("policy", "办理依据", "select", tuple((p, label("policy", p)) for p in POLICIES)),
        ),
        stages=frozenset({"registered"}),
        rule_fields={"R-A1": "lead_unit", "R-D5": "lead_unit"},
        page_check=reference_names_its_unit,
    ),
    CaseForm(
        "reassignment-request",
        "申请改办",
        frozenset({"handler"}),
        sa.ReassignmentRequest,
        (OWN_UNIT, Field("reason", "理由", "textarea"), DAY),
        stages=frozenset({"handling"}),
        handler_part="reassign",
        due=not_ruled,
        rule_fields={"R-A3": "reason", "R-A2": "reason"},
    ),
    CaseForm(
        "reassignment-decision",
        "改办决定",
        frozenset({"office"}),
        sa.ReassignmentDecision,
        (
            # R-A2: with both rounds used only a refusal is taken; said before it is chosen.
            Field("obstacles", "同意前须知", "shown_obstacles", required=False),
            Field("request_id", "改办申请", "request"),
            Field("approved", "决定", "bool", (PICK, ("true", "同意改办"), ("false", "不同意"))),
            # R-A1: a grant names the units anew; a refusal names none.
            Field("lead_unit", "新主办单位", "unit", required=False, needed_when="同意改办时必填"),
            Field("co_units", "会办单位", "units", required=False),
            NOTE,
            RESTART,
            DAY,
        ),
        stages=frozenset({"handling"}),
        ids=("request_id",),
        # The co-units the case has: a grant naming a new lead had dropped them unasked.
        presets=current_co_units,
        rule_fields={"R-A2": "request_id", "R-A4": "restart_deadlines"},
    ),
    CaseForm(
        "ruling-recommendation",
        "建议领导裁定",
        frozenset({"office"}),
        sa.RulingRecommendation,
        (
            REQUESTS_SHOWN,
            Field("lead_unit", "建议主办单位", "unit"),
            Field("co_units", "建议会办单位", "units", required=False),
            NOTE,
            RESTART,
            DAY,
        ),
        stages=frozenset({"handling"}),
        due=ruling_due,
        rule_fields={"R-A2": "lead_unit", "R-A1": "lead_unit", "R-A4": "restart_deadlines"},
    ),
    CaseForm(
        "ruling",
        "领导裁定交办",
        frozenset({"leader"}),
        sa.Ruling,
        (
            # What the ruling answers (R-A2): shown, not sent.
            REQUESTS_SHOWN,
            Field("recommendation", "办公室建议", "shown_recommendation", required=False),
            Field("leader", "裁定领导", "leader"),
            Field("lead_unit", "主办单位", "unit"),
            Field("co_units", "会办单位", "units", required=False),
            NOTE,
            RESTART,
            DAY,
        ),
        stages=frozenset({"handling"}),
        due=ruling_due,
        presets=recommended_units,
        rule_fields={"R-A2": "lead_unit", "R-A1": "lead_unit", "R-A4": "restart_deadlines"},
    ),
    CaseForm(
        "key",
        "确定为重点建议提案",
        frozenset({"office"}),
        sr.KeyDesignation,
        (
            Field("source", "确定方", "select", options("key_source")),
            Field("leader_in_charge", "包案领导", required=False),
            DAY,
        ),
        stages=frozenset({"registered", "handling"}),
        rule_fields={"R-S2": "source"},
    ),
    CaseForm(
        "responsibility",
        "责任分解（分管负责同志、承办人、联系电话）",
        frozenset({"handler"}),
        sh.Responsibility,
        (OWN_UNIT, *PEOPLE, DAY),
        stages=ASSIGNED,
        presets=recorded_people,
    ),
    # What a unit reported on paper, keyed in by the office for it.
    CaseForm(
        "responsibility-office",
        "责任分解（代承办单位登记）",
        frozenset({"office"}),
        sh.Responsibility,
        (Field("unit", "承办单位", "case_unit"), *PEOPLE, DAY),
        # While the case is in hand: on a closed case the unit's own handler records a change,
        # and the office's list there leads with 电话回访 and 回头看.
        stages=frozenset({"handling", "replied", "rehandling"}),
    ),
    CaseForm(
        "contact",
        "记录沟通联系",
        frozenset({"handler"}),
        sh.Contact,
        (
            OWN_UNIT,
            Field("phase", "阶段", "select", options("phase")),
            Field("channel", "方式", "select", options("channel")),
            Field("contacted_by", "联系人（姓名、职务）", "person"),
            Field("person", "联系对象", "proposer"),
            Field(
                "reached", "已联系到本人（记录后不能更正，请核实后勾选）", "check", required=False
            ),
            SUMMARY,
            DAY,
        ),
        rule_fields={"R-C2": "summary"},
    ),
    CaseForm(
        "visit",
        "记录面对面走访",
        frozenset({"handler"}),
        sh.Visit,
        (
            OWN_UNIT,
            Field("organised_by", "组织单位", "unit_code"),
            Field("visitors", "走访人员（每行：姓名 职务）", "people"),
            Field("persons", "走访对象（每行一人）", "names"),
            SUMMARY,
            Field("proposer_opinion", "代表委员意见", "textarea"),
            DAY,
        ),
        rule_fields={"R-V1": "organised_by", "R-V4": "visitors"},
    ),
    CaseForm(
        "visit-declined",
        "代表委员表示无需见面",
        frozenset({"handler"}),
        sh.VisitDeclined,
        (OWN_UNIT, NOTE, DAY),
        rule_fields={"R-V3": "note"},
    ),
    CaseForm(
        "on-site",
        "记录现场办理",
        frozenset({"handler"}),
        sh.OnSiteHandling,
        (
            OWN_UNIT,
            Field("proposer_present", "代表委员参加", "check", required=False),
            SUMMARY,
            DAY,
        ),
    ),
    CaseForm(
        "disclosure-preference",
        "记录公开意愿",
        frozenset({"handler"}),
        sh.DisclosurePreference,
        (
            # An explicit answer each (R-P1: unmarked means proactive; R-P2 counts only an
            # explicit refusal): two unticked boxes recorded a refusal of both by default.
            Field("consent_reply", "是否同意公开答复", "bool", PICK_CONSENT),
            Field("consent_original", "是否同意公开建议原文", "bool", PICK_CONSENT),
            DAY,
        ),
        rule_fields={"R-P2": "consent_reply", "R-P4": "consent_original"},
    ),
    CaseForm(
        "extension-request",
        "申请延期",
        frozenset({"handler"}),
        sd.ExtensionRequest,
        (
            OWN_UNIT,
            Field("deadline_kind", "延期的期限", "extendable"),
            Field("requested_due_on", "申请延至", "date", starts_today=False),
            Field("reason", "理由", "textarea"),
            DAY,
        ),
        stages=frozenset({"handling", "rehandling"}),
        due=owes_a_reply,
        # R-E1 refuses a kind with no open deadline of the unit or a second request (said at
        # the kind), a request dated after the deadline passed (at its 日期: a review read it
        # under 申请延至), and a date too far: said here, where the domain names no field.
        rule_fields={"R-E1": "requested_due_on", "R-X1": "occurred_on"},
    ),
    CaseForm(
        "extension-decision",
        "延期决定",
        frozenset({"office"}),
        sd.ExtensionDecision,
        (
            Field("request_id", "延期申请", "extension"),
            Field("approved", "决定", "bool", (PICK, ("true", "同意延期"), ("false", "不同意"))),
            Field("due_on", "延至（不填即按申请的日期）", "date", required=False),
            NOTE,
            DAY,
        ),
        stages=frozenset({"handling", "rehandling"}),
        ids=("request_id",),
        rule_fields={"R-E1": "due_on", "R-X1": "occurred_on"},
    ),
    CaseForm(
        "co-opinion",
        "提交会办意见",
        frozenset({"handler"}),
        sh.CoOpinion,
        (
            OWN_UNIT,
            SUMMARY,
            # R-P3: the co unit states its opinion; starting on 主动公开 recorded one unstated.
            Field("disclosure_opinion", "公开意见", "select", (PICK, *options("disclosure"))),
            DAY,
        ),
        stages=frozenset({"handling"}),
        handler_part="co",
        rule_fields={"R-D1": "summary", "R-P3": "disclosure_opinion"},
    ),
)

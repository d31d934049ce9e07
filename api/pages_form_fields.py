"""The fields several case-page forms share (a day, a note, a summary, the acting unit, a
reply), what a correction may amend (R-X2), and who may record on a case."""

from __future__ import annotations

from api.pages_forms import Field
from infra import paper_labels as words

DAY = Field("occurred_on", "日期", "date")
NOTE = Field("note", "说明", "textarea")
SUMMARY = Field("summary", "内容摘要", "textarea")
OWN_UNIT = Field("unit", "单位", "own_unit")
REPLY = Field("reply_id", "答复", "reply")
# A decision's choice starts here: a submit without a look is refused beside it (请选择),
# where starting on the first choice recorded the most favourable one, which nobody made.
PICK = ("", "请选择")
# R-X2: the descriptive fields a correction may amend that are written as plain text.
CORRECTABLE_TEXT = {
    "title": "标题",
    "summary": "内容摘要",
    "note": "说明",
    "comments": "具体意见",
    "person": "联系对象",
    "proposer_opinion": "代表委员意见",
    "consultation_form_ref": "征询意见表编号",
    "occurred_on": "发生日期（YYYY-MM-DD）",
    "phase": f"联系阶段（{'/'.join(words.PHASE.values())}）",
    "classification": "答复类别（A/B/C，领导批准前）",
    "document_number": "文号",
    "url": "网址（http:// 或 https://）",
}
# The corrected fields that are not plain text (a person, a list of people, yes or no): the
# API takes them, and a refusal of one names it by the word its own form uses.
CORRECTABLE_PARTS = {
    "contacted_by": "联系人",
    "visitors": "走访人员",
    "persons": "走访对象",
    "proposer_present": "代表委员参加",
}
# The correction form's choice of field: the text ones, then those typed as their own forms
# take them (``pages_forms.corrected_value`` reads them so). A review could not correct a
# contact's 联系人 or a visit's people from the page, though the domain takes them (R-X2).
CORRECTION_CHOICES = {
    **CORRECTABLE_TEXT,
    "contacted_by": "联系人（姓名 职务）",
    "visitors": "走访人员（每行：姓名 职务）",
    "persons": "走访对象（每行一人，或以、分隔）",
    "proposer_present": "代表委员参加（是/否）",
}
ROLES_RECORDING = frozenset({"office", "leader", "handler", "supervisor", "admin"})

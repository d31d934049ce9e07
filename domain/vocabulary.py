"""The closed vocabularies of DOMAIN.md §1 and API.md, stated once.

Each is a ``Literal`` type (so mypy, pydantic and the OpenAPI document know the values) with
the same values as a frozen set for the domain's run-time checks (``values_of``).
"""

from __future__ import annotations

from typing import Any, Final, Literal, get_args


def values_of(vocabulary: Any) -> frozenset[str]:
    """The values of a ``Literal`` vocabulary, for checks at run time."""
    return frozenset(get_args(vocabulary))


Kind = Literal["suggestion", "proposal"]
KINDS: Final = values_of(Kind)
Level = Literal["national", "provincial"]
LEVELS: Final = values_of(Level)
ProposerType = Literal["deputy", "member", "unit"]
PROPOSER_TYPES: Final = values_of(ProposerType)
ProposerRole = Literal["lead", "co_signer"]
PROPOSER_ROLES: Final = values_of(ProposerRole)
KeySource = Literal["congress", "cppcc", "government", "unit"]
KEY_SOURCES: Final = values_of(KeySource)
ContactPhase = Literal["before", "during", "after"]
CONTACT_PHASES: Final = values_of(ContactPhase)
ContactChannel = Literal["phone", "wechat", "email", "video", "letter", "meeting", "visit", "site"]
CONTACT_CHANNELS: Final = values_of(ContactChannel)
Classification = Literal["A", "B", "C"]
CLASSIFICATIONS: Final = values_of(Classification)
DisclosureOption = Literal["proactive", "on_request", "withheld"]
DISCLOSURE_OPTIONS: Final = values_of(DisclosureOption)
Verdict = Literal["satisfied", "basically_satisfied", "dissatisfied"]
VERDICTS: Final = values_of(Verdict)
ReminderMeans = Literal["phone", "meeting", "on_site", "circular"]
REMINDER_MEANS: Final = values_of(ReminderMeans)
Finding = Literal["implemented", "not_implemented", "advancing", "stalled", "fulfilled"]
Stage = Literal["registered", "handling", "replied", "rehandling", "closed"]
Role = Literal["admin", "office", "leader", "handler", "supervisor", "auditor"]
ROLES: Final = values_of(Role)
PolicyName = Literal["hebei-2022", "guangxi-2018"]
# "superseded": waiting still when its unit stopped owing the reply (R-A3, a reassignment).
ReplyStatus = Literal["submitted", "returned", "approved", "issued", "superseded"]
RequestStatus = Literal["open", "approved", "rejected", "superseded_by_ruling"]
DeadlineKind = Literal["co_opinion", "reply", "disclosure", "rehandling", "reference_contact"]
# A reply on the disclosure register, as of a day (R-D4, R-P1 … R-P5).
DisclosureStatus = Literal["due", "overdue", "published", "published_late", "withheld"]
# Documents on a case (API.md v1.1 "Documents").
DocumentKind = Literal["reply_letter", "visit_card", "consultation_form", "original_text", "other"]
DOCUMENT_KINDS: Final = values_of(DocumentKind)
# A proposer's personal link (R-F4), as of a day: it works, its date passed, or it was revoked.
LinkStatus = Literal["live", "expired", "revoked"]
# Who a feedback verdict came from (R-F4).
FeedbackSource = Literal["proposer", "office"]


# Channels that put the unit face to face with the proposer (R-F2 re-handling needs one).
FACE_TO_FACE_CHANNELS: Final = frozenset({"meeting", "visit", "site"})
# R-P5: a withheld reply names one of these, or "other" with its own text.
WITHHELD_REASONS: Final = frozenset({"proposer_refused", "confidential", "other"})
FINDINGS_BY_CLASS: Final = {
    "A": frozenset({"implemented", "not_implemented"}),
    "B": frozenset({"advancing", "stalled", "fulfilled"}),
}
# The findings' and the deadline kinds' words, as refusals and the paperwork say them.
FINDING_WORDS: Final = {
    "implemented": "已落实",
    "not_implemented": "未落实",
    "advancing": "推进中",
    "stalled": "进展不力",
    "fulfilled": "已兑现",
}
DEADLINE_KIND_WORDS: Final = {
    "co_opinion": "会办意见",
    "reply": "答复",
    "disclosure": "公开",
    "rehandling": "进一步办理",
    "reference_contact": "参阅件联系",
}
# Findings that put a case back under supervision (R-Rv1).
SUPERVISION_FINDINGS: Final = frozenset({"not_implemented", "stalled"})

# R-R4: who receives a copy of an issued reply.
COPIES_BY_KIND: Final = {
    "suggestion": (
        "人大常委会代表工作委员会 congress deputy affairs committee",
        "政府办公厅 government office",
    ),
    "proposal": ("政府办公厅 government office", "政协提案委员会 CPPCC proposals committee"),
}

# R-X1: events brought in at once (an import of the office's file, the demo's seeded year)
# record earlier facts on the day they arrive; their recording is a migration, not lateness.
MIGRATION_SOURCES: Final = frozenset({"import", "demo"})

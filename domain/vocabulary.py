"""The closed vocabularies of DOMAIN.md §1 and API.md, stated once.

Each is a ``Literal`` type (so mypy, pydantic and the OpenAPI document know the values) with
the same values as a frozen set for the domain's run-time checks (``values_of``).
"""

from __future__ import annotations

from typing import Any, Final, Literal, get_args

Kind = Literal["suggestion", "proposal"]
Level = Literal["national", "provincial"]
ProposerType = Literal["deputy", "member", "unit"]
ProposerRole = Literal["lead", "co_signer"]
KeySource = Literal["congress", "cppcc", "government", "unit"]
ContactPhase = Literal["before", "during", "after"]
ContactChannel = Literal["phone", "wechat", "email", "video", "letter", "meeting", "visit", "site"]
Classification = Literal["A", "B", "C"]
DisclosureOption = Literal["proactive", "on_request", "withheld"]
Verdict = Literal["satisfied", "basically_satisfied", "dissatisfied"]
ReminderMeans = Literal["phone", "meeting", "on_site", "circular"]
Finding = Literal["implemented", "not_implemented", "advancing", "stalled", "fulfilled"]
Stage = Literal["registered", "handling", "replied", "rehandling", "closed"]
Role = Literal["admin", "office", "leader", "handler", "supervisor", "auditor"]
PolicyName = Literal["hebei-2022", "guangxi-2018"]
ReplyStatus = Literal["submitted", "returned", "approved", "issued"]
RequestStatus = Literal["open", "approved", "rejected", "superseded_by_ruling"]
DeadlineKind = Literal["co_opinion", "reply", "disclosure", "rehandling", "reference_contact"]
# A reply on the disclosure register, as of a day (R-D4, R-P1 … R-P5).
DisclosureStatus = Literal["due", "overdue", "published", "published_late", "withheld"]
# Documents on a case (API.md v1.1 "Documents").
DocumentKind = Literal["reply_letter", "visit_card", "consultation_form", "original_text", "other"]
# A proposer's personal link (R-F4), as of a day: it works, its date passed, or it was revoked.
LinkStatus = Literal["live", "expired", "revoked"]
# Who a feedback verdict came from (R-F4).
FeedbackSource = Literal["proposer", "office"]


def values_of(vocabulary: Any) -> frozenset[str]:
    """The values of a ``Literal`` vocabulary, for checks at run time."""
    return frozenset(get_args(vocabulary))


KINDS: Final = values_of(Kind)
LEVELS: Final = values_of(Level)
PROPOSER_TYPES: Final = values_of(ProposerType)
PROPOSER_ROLES: Final = values_of(ProposerRole)
KEY_SOURCES: Final = values_of(KeySource)
CONTACT_PHASES: Final = values_of(ContactPhase)
CONTACT_CHANNELS: Final = values_of(ContactChannel)
CLASSIFICATIONS: Final = values_of(Classification)
DISCLOSURE_OPTIONS: Final = values_of(DisclosureOption)
VERDICTS: Final = values_of(Verdict)
REMINDER_MEANS: Final = values_of(ReminderMeans)
ROLES: Final = values_of(Role)
DOCUMENT_KINDS: Final = values_of(DocumentKind)

# Channels that put the unit face to face with the proposer (R-F2 re-handling needs one).
FACE_TO_FACE_CHANNELS: Final = frozenset({"meeting", "visit", "site"})
# R-P5: a withheld reply names one of these, or "other" with its own text.
WITHHELD_REASONS: Final = frozenset({"proposer_refused", "confidential", "other"})
FINDINGS_BY_CLASS: Final = {
    "A": frozenset({"implemented", "not_implemented"}),
    "B": frozenset({"advancing", "stalled", "fulfilled"}),
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

"""The closed vocabularies of DOMAIN.md §1 and API.md, as the values events carry."""

from __future__ import annotations

from typing import Final

KINDS: Final = frozenset({"suggestion", "proposal"})
LEVELS: Final = frozenset({"national", "provincial"})
PROPOSER_TYPES: Final = frozenset({"deputy", "member", "unit"})
PROPOSER_ROLES: Final = frozenset({"lead", "co_signer"})
KEY_SOURCES: Final = frozenset({"congress", "cppcc", "government", "unit"})
CONTACT_PHASES: Final = frozenset({"before", "during", "after"})
CONTACT_CHANNELS: Final = frozenset(
    {"phone", "wechat", "email", "video", "letter", "meeting", "visit", "site"}
)
# Channels that put the unit face to face with the proposer (R-F2 re-handling needs one).
FACE_TO_FACE_CHANNELS: Final = frozenset({"meeting", "visit", "site"})
CLASSIFICATIONS: Final = frozenset({"A", "B", "C"})
DISCLOSURE_OPTIONS: Final = frozenset({"proactive", "on_request", "withheld"})
# R-P5: a withheld reply names one of these, or "other" with its own text.
WITHHELD_REASONS: Final = frozenset({"proposer_refused", "confidential", "other"})
VERDICTS: Final = frozenset({"satisfied", "basically_satisfied", "dissatisfied"})
REMINDER_MEANS: Final = frozenset({"phone", "meeting", "on_site", "circular"})
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

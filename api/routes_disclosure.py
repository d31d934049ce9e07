"""Disclosure 公开 (API.md § Case commands; DOMAIN.md R-P1 … R-P5): what the proposer said
about publishing the reply and the original, the office's review that publishing waits for
(R-P3), and publishing or withholding an issued reply (the office, or the handler of the
reply's unit), and taking down a published reply its proposers came to refuse (R-P2)."""

from __future__ import annotations

from api import schemas_handling as s
from api.commands import CaseCommands
from api.deps import Handler, Office, OfficeOrHandler

router = CaseCommands(tag="disclosure")
router.command("/disclosure-preference", s.DisclosurePreference, Handler, "disclosure_preference")
router.command("/disclosure-review", s.DisclosureReview, Office, "review_disclosure")
router.command("/disclosure", s.DisclosureDecision, OfficeOrHandler, "disclose")
router.command("/disclosure-take-down", s.TakeDown, OfficeOrHandler, "record_take_down")

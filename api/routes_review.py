"""Supervision 督办 and review 回头看 (API.md § Case commands; DOMAIN.md R-S2, R-S3, R-Rv1,
R-Rv2): key-case designation, reminders, reassessment of a replied case, close-out of a B-class
commitment, and the office's verdict on a possible repeat (R-S4)."""

from __future__ import annotations

from api import schemas_review as s
from api.commands import CaseCommands
from api.deps import Office, Reviewer

router = CaseCommands(tag="supervision and review")
router.command("/key", s.KeyDesignation, Office, "designate_key")
router.command("/reminders", s.Reminder, Reviewer, "remind")
router.command("/reassessments", s.Reassessment, Reviewer, "reassess")
router.command("/close-out", s.CloseOut, Office, "close_out")
router.command("/repeat-review", s.RepeatReview, Office, "review_repeat")

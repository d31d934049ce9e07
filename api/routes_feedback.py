"""Feedback 反馈 (API.md § Case commands; DOMAIN.md R-F1 … R-F3), recorded by the office: the
proposer's verdict (dissatisfied opens re-handling, any other closes the case) and follow-up
calls."""

from __future__ import annotations

from api import schemas_review as s
from api.commands import CaseCommands
from api.deps import Office

router = CaseCommands(tag="feedback")
router.command("/feedback", s.Feedback, Office, "feedback")
router.command("/follow-up-calls", s.FollowUpCall, Office, "follow_up_call")

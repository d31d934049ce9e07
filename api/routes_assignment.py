"""Assignment 交办 (API.md § Case commands; DOMAIN.md R-A1 … R-A4): the first assignment, a
unit's request to be relieved of its part (answers the ``request_id``), the office's decision on
it, and after two rounds the office's recommendation and a leader's ruling (R-A2)."""

from __future__ import annotations

from api import schemas_assignment as s
from api.commands import CaseCommands
from api.deps import Handler, Leader, Office

router = CaseCommands(tag="assignment")
router.command("/assignment", s.Assignment, Office, "assign")
router.command("/reassignment-requests", s.ReassignmentRequest, Handler, "request_reassignment")
router.command(
    "/reassignment-requests/{request_id}/decision",
    s.ReassignmentDecision,
    Office,
    "decide_reassignment",
)
router.command("/ruling-recommendation", s.RulingRecommendation, Office, "recommend_ruling")
router.command("/ruling", s.Ruling, Leader, "rule")

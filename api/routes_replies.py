"""Replies 答复 (API.md § Case commands; DOMAIN.md R-R1 … R-R4, R-C1, R-C3, R-D1): co units'
opinions to the lead, a reply submitted for approval (answers the ``reply_id``), a leader's
approval or return 退回重办, and its issue: by the unit, or by the office when it goes ahead
without a co-opinion (R-R2). A handler acts for its own unit's reply only."""

from __future__ import annotations

from api import schemas_handling as s
from api.commands import CaseCommands
from api.deps import Handler, Leader, OfficeOrHandler

router = CaseCommands(tag="replies")
router.command("/co-opinions", s.CoOpinion, Handler, "co_opinion")
router.command("/replies", s.Reply, Handler, "submit_reply")
router.command("/replies/{reply_id}/approval", s.Approval, Leader, "approve_reply")
router.command("/replies/{reply_id}/issue", s.Issue, OfficeOrHandler, "issue_reply")

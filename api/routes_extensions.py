"""Extensions 延期 (API.md v1.1; DOMAIN.md R-E1): the handler of a unit asks for more time on
its own deadline (reply, co opinion, re-handling); the office decides. A granted date moves the
deadline in the ledger, the overdue list, the measures and the case, the original kept beside it."""

from __future__ import annotations

from api import schemas_deadlines as s
from api.commands import CaseCommands
from api.deps import Handler, Office

router = CaseCommands(tag="extensions")
router.command("/extension-requests", s.ExtensionRequest, Handler, "request_extension")
router.command(
    "/extension-requests/{request_id}/decision", s.ExtensionDecision, Office, "decide_extension"
)

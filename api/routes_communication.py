"""Communication 沟通 and visits 走访 (API.md § Case commands): a handler records its own
unit's people who answer for its part (R-A1, the 责任分解表; the office may key them in too),
its contacts (R-C2), face-to-face visits (R-V1; the visitors' ranks decide whether one counts,
R-V4), a proposer's declining a visit (R-V3) and on-site handling."""

from __future__ import annotations

from api import schemas_handling as s
from api.commands import CaseCommands
from api.deps import Handler, OfficeOrHandler

router = CaseCommands(tag="communication and visits")
router.command("/responsibilities", s.Responsibility, OfficeOrHandler, "responsibility")
router.command("/contacts", s.Contact, Handler, "contact")
router.command("/visits", s.Visit, Handler, "visit")
router.command("/visit-declined", s.VisitDeclined, Handler, "visit_declined")
router.command("/on-site-handlings", s.OnSiteHandling, Handler, "on_site")

"""The proposer's own voice (DOMAIN.md R-F4) and documents on a case.

R-F4 a proposer speaks directly, through a personal link the office gives them: every deputy of
a joint suggestion has one, and of a proposal its lead member or unit, the people a reply goes
to (R-C4, unchanged). A link works until its last day unless revoked. A document is attached by
a unit on the case or the office; a reply letter belongs to one of the case's replies.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from domain.checks import check_one_of, check_storable, check_text
from domain.errors import Conflict, InvalidInput, NotFound, RuleViolation
from domain.records import ProposerLink
from domain.rules.communication import reply_recipients
from domain.rules.state import CaseState
from domain.vocabulary import DOCUMENT_KINDS

# A link is sent for the months a case is handled and answered; a longer one is a mistake.
LONGEST_LINK = timedelta(days=731)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_link_proposer(case: CaseState, name: object) -> str:
    """R-F4 (R-C4): a link goes to someone the case's replies go to."""
    proposer = check_text(name, "proposer_name")
    if proposer in reply_recipients(case):
        return proposer
    named = case.merge.proposers if case.merge else case.proposers
    if any(p.name == proposer for p in named):
        raise RuleViolation(
            "R-C4",
            "联名提案的答复只送领衔委员（单位），专属链接也只发给答复对象",
            "a joint proposal is answered to its lead only, so only the lead gets a link",
        )
    raise RuleViolation(
        "R-F4",
        f"{proposer} 不是该件的代表委员",
        f"{proposer!r} is not a proposer of this case",
    )


def check_link_expiry(expires_on: date, today: date) -> date:
    if expires_on < today:
        raise InvalidInput(
            "链接有效期不能早于今天", f"expires_on {expires_on} is before today", "expires_on"
        )
    if expires_on - today > LONGEST_LINK:
        raise InvalidInput(
            "链接有效期不能超过两年",
            f"expires_on {expires_on} is more than two years away",
            "expires_on",
        )
    return expires_on


def check_email(value: object) -> str | None:
    if value is None:
        return None
    email = check_storable(check_text(value, "email"), "email", 200)
    if not _EMAIL.fullmatch(email):
        raise InvalidInput("电子邮箱格式不正确", f"{email!r} is not an e-mail address", "email")
    return email


def live_link(case: CaseState, link_id: str) -> ProposerLink:
    """A link of the case not yet revoked (revoking twice is refused)."""
    link = case.proposer_links.get(link_id)
    if link is None:
        raise NotFound("该链接不存在", f"no proposer link {link_id} on this case")
    if link.revoked_on is not None:
        raise Conflict("该链接已撤销", f"proposer link {link_id} is already revoked")
    return link


def check_own_voice(case: CaseState, proposer: str | None) -> str:
    """R-F4: what comes through a link is said by a proposer of the case, in their own name."""
    names = {p.name for p in (case.merge.proposers if case.merge else case.proposers)}
    if proposer is None or proposer not in names:
        raise RuleViolation(
            "R-F4",
            "只有该件的代表委员本人可以通过专属链接表达意见",
            "only a proposer of this case speaks through their link",
        )
    return proposer


def check_document(
    case: CaseState, kind: object, reply_id: str | None, sha256: object, size: object
) -> str:
    """A known kind, a reply of this case if one is named (a reply letter names one), and the
    hash and size of stored bytes."""
    checked = check_one_of(kind, DOCUMENT_KINDS, "kind")
    if reply_id is not None and reply_id not in case.replies:
        raise NotFound("该答复不存在", f"no reply {reply_id} on this case")
    if checked == "reply_letter" and reply_id is None:
        raise InvalidInput(
            "答复函须注明所属答复", "a reply letter names its reply_id", field="reply_id"
        )
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise InvalidInput("文件摘要无效", "sha256 must be 64 lowercase hex digits")
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise InvalidInput("文件为空", "a document holds at least one byte")
    return checked

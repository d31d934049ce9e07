"""Feedback and re-handling 反馈 (DOMAIN.md R-F1 … R-F3).

R-F1 the proposer's verdict answers an issued reply. R-F2 dissatisfaction opens re-handling: a
face-to-face contact, then a further reply within 30 days; no new verdict meanwhile, and no
second reply without one. R-F3 the office may call back on any replied case. R-F4 the proposer
gives feedback directly (a personal link); the office may key it in, marked as such; a
handling unit never records its own satisfaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.errors import RuleViolation
from domain.records import Feedback, Reply, after_verdict
from domain.rules.accountability import check_not_before
from domain.rules.communication import reached_contacts
from domain.rules.proposer_side import check_own_voice
from domain.rules.replies import has_issued_reply, issue_dates, units_yet_to_reply
from domain.rules.state import CaseState


def check_feedback_allowed(case: CaseState, occurred_on: date) -> None:
    """R-F1 feedback answers an issued reply; during re-handling the further reply comes first."""
    if not has_issued_reply(case):
        raise RuleViolation("R-F1", "尚未答复，不能反馈", "feedback needs an issued reply")
    waiting = units_yet_to_reply(case)
    if waiting:
        # R-R3: split units each reply, and a verdict closes the case: taken after one of them,
        # it ended the others' reply deadlines as missed (R-D8) while they still had weeks.
        raise RuleViolation(
            "R-F1",
            f"分办单位 {'、'.join(waiting)} 尚未答复：各单位答复后再反馈",
            f"split unit(s) {', '.join(waiting)} have not replied yet: feedback follows "
            "every unit's reply",
        )
    if case.stage == "rehandling":
        raise RuleViolation(
            "R-F2",
            "正在进一步办理，待再次答复后反馈",
            "re-handling is open: feedback follows the further reply",
        )
    check_not_before(occurred_on, issue_dates(case)[-1], "答复日期 reply date")


def check_comments(verdict: str, comments: str) -> str:
    """R-F1: feedback comes with comments; a dissatisfied verdict cannot go without them, for
    they are what the further handling answers (R-F2). Other verdicts may say nothing more."""
    if verdict == "dissatisfied" and not comments.strip():
        raise RuleViolation(
            "R-F1",
            "不满意时请写明具体意见：进一步办理据此答复",
            "a dissatisfied verdict says why: the further handling answers it",
        )
    return comments


def feedback_source(case: CaseState, actor_role: str, proposer: str | None) -> str:
    """R-F4: ``proposer`` through their link (a proposer of the case), or ``office``."""
    if actor_role == "proposer":
        check_own_voice(case, proposer)
        return "proposer"
    if actor_role == "office":
        check_not_over_the_proposer(case)
        return "office"
    raise RuleViolation(
        "R-F4",
        "承办单位不得自行登记满意度",
        f"a {actor_role} cannot record feedback: the proposer gives it, or the office keys it in",
    )


def check_not_over_the_proposer(case: CaseState) -> None:
    """R-F4: once a proposer has given their own verdict on the latest reply, the office keys
    in none over it (the latest verdict is what satisfaction counts: the office's 满意 would
    stand for the deputy's 基本满意). A reply issued since opens a new round; the proposer may
    change their mind through their own link."""
    if since_latest_reply(case, [f for f in case.feedback if f.source == "proposer"]):
        raise RuleViolation(
            "R-F4",
            "代表委员已通过专属链接对本次答复反馈意见，办公室不能另行代录；"
            "代表委员如改变意见，可通过其专属链接再次反馈",
            "the proposer gave their own verdict on the latest reply: the office keys in none "
            "over it",
        )


def since_latest_reply(case: CaseState, verdicts: Sequence[Feedback]) -> list[Feedback]:
    """Of ``verdicts``, those recorded after the latest reply was issued: the verdicts on it
    (a merged partner's one reply is its primary's, recorded on no event of its own)."""
    issued = max((r.issued_version or 0 for r in case.replies.values() if r.issued), default=0)
    return [f for f in verdicts if f.version > issued]


def is_further_reply(case: CaseState, unit: str) -> bool:
    """A reply during re-handling is a further reply (R-F2); a second reply without a
    dissatisfied verdict is refused."""
    if case.stage == "rehandling":
        return True
    if any(r.unit == unit and r.issued for r in case.replies.values()):
        raise RuleViolation(
            "R-F2",
            "已答复；只有代表不满意后才进一步办理答复",
            "already replied; a further reply follows only a dissatisfied verdict",
        )
    return False


def check_after_verdict(case: CaseState, occurred_on: date) -> None:
    """R-F2: a further reply answers the dissatisfied verdict that opened re-handling, so it is
    not submitted before it (R-X1: a date before it could not be corrected afterwards)."""
    if case.stage == "rehandling" and case.rehandling_opened_on is not None:
        check_not_before(occurred_on, case.rehandling_opened_on, "不满意反馈日期 verdict date")


def check_face_to_face_since_verdict(case: CaseState, reply: Reply, approved_on: date) -> None:
    """R-F2: a further reply needs a face-to-face contact after the dissatisfied verdict: on a
    later day, or on its day recorded after it (a visit earlier that day, before the verdict,
    answered nothing of it); and by the day of the approval."""
    if not reply.further:
        return
    verdict = last_dissatisfied(case)
    reached = reached_contacts(case, reply.unit)
    if not any(
        face and on <= approved_on and (verdict is None or after_verdict(on, v, verdict))
        for on, face, v in reached
    ):
        raise RuleViolation(
            "R-F2",
            "不满意件须当面沟通（座谈、走访或现场视察，联系到代表委员）后再次答复；"
            "不满意反馈之前的沟通、电话或视频都不算",
            "a further reply needs a face-to-face contact (a meeting, a visit or a site visit) "
            "that reached the proposer after the dissatisfied verdict",
        )


def last_dissatisfied(case: CaseState) -> Feedback | None:
    """The dissatisfied verdict that opened the re-handling under way (none is taken during
    it: R-F2), or the latest one."""
    verdicts = [f for f in case.feedback if f.verdict == "dissatisfied"]
    return verdicts[-1] if verdicts else None


def check_follow_up_allowed(case: CaseState, occurred_on: date) -> None:
    """R-F3: a call back on a replied case, made after its first reply (R-X1)."""
    if not has_issued_reply(case):
        raise RuleViolation("R-F3", "回访须在答复之后", "a follow-up call needs a replied case")
    check_not_before(occurred_on, issue_dates(case)[0], "答复日期 reply date")

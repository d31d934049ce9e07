"""Disclosure 公开 (DOMAIN.md R-P1 … R-P5).

R-P1 every reply carries a disclosure option (unmarked is proactive); only an issued reply is
published or withheld. R-P2 a proposer's refusal forbids publishing, and marking proactive.
R-P3 a co unit's objection needs a secrecy review before publishing. R-P4 the original text is
published only with the proposer's consent. R-P5 withholding names a reason. R-P2 after the
fact: a published reply whose proposers have since refused comes down (登记撤下), once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from domain.checks import check_one_of, check_text
from domain.errors import RuleViolation
from domain.records import Disclosure, DisclosureReview, Reply
from domain.rules.accountability import check_not_before, refuse_recording_again
from domain.rules.state import CaseState
from domain.vocabulary import DISCLOSURE_OPTIONS, WITHHELD_REASONS


def disclosure_option(
    case: CaseState, option: str | None, withheld_reason: object
) -> tuple[str, str | None]:
    """R-P1 unmarked means proactive; R-P2 not against a refusal; R-P5 withheld names why."""
    chosen = check_one_of(
        "proactive" if option is None else option, DISCLOSURE_OPTIONS, "disclosure"
    )
    pref = case.disclosure_preference
    if chosen == "proactive" and pref is not None and not pref.consent_reply:
        raise RuleViolation(
            "R-P2",
            "代表委员明确不同意公开，答复不得标为主动公开",
            "the proposer refused disclosure; the reply cannot be marked proactive",
        )
    if chosen == "withheld":
        return chosen, check_withheld_reason(withheld_reason)
    return chosen, None


def check_withheld_reason(reason: object) -> str:
    """R-P5: proposer_refused, confidential, or other text (``other: …`` or any free text)."""
    if not isinstance(reason, str) or not reason.strip() or reason.strip() == "other":
        raise RuleViolation(
            "R-P5",
            "不予公开须说明理由（代表委员不同意、涉密或其他具体理由）",
            f"withholding needs a reason: one of {sorted(WITHHELD_REASONS - {'other'})} or text",
        )
    return check_text(reason, "withheld_reason")


def check_undecided(case: CaseState, reply: Reply) -> None:
    if not reply.issued:
        raise RuleViolation("R-P1", "答复印发后方可公开或不予公开", "disclose only an issued reply")
    if reply.reply_id in case.disclosures:
        refuse_recording_again("该答复的公开已处理", "disclosure already decided")


def check_publishable(case: CaseState, reply: Reply, include_original: bool) -> None:
    """R-P5 withheld stays unpublished; R-P2 proposer's refusal; R-P4 original needs consent."""
    check_undecided(case, reply)
    if reply.disclosure == "withheld":
        raise RuleViolation("R-P5", "该答复标为不予公开", "the reply is marked withheld")
    pref = case.disclosure_preference
    if refused_by_proposer(case):
        raise RuleViolation(
            "R-P2", "代表委员明确不同意公开", "the proposer explicitly refused disclosure"
        )
    if include_original and not (pref is not None and pref.consent_original):
        raise RuleViolation(
            "R-P4",
            "公开建议提案原文须征得代表委员同意",
            "publishing the original text needs the proposer's recorded consent",
        )


def refused_by_proposer(case: CaseState) -> bool:
    """R-P2: the proposers' recorded preference refuses publishing the reply."""
    pref = case.disclosure_preference
    return pref is not None and not pref.consent_reply


def refusing_partners(reply: Reply, partners: Sequence[CaseState]) -> list[str]:
    """R-P2 for a merge's reply (R-M1): it answers every merged case, so a refusal recorded on
    any of them stands against it; a further reply answers the primary's proposer only (R-F2).
    The numbers of the cases whose proposers refused."""
    if reply.further:
        return []
    return [p.number for p in partners if refused_by_proposer(p)]


def check_partners_consent(reply: Reply, partners: Sequence[CaseState], approving: bool) -> None:
    """R-P2: neither an approving review nor publishing a merge's reply against a refusal."""
    refusing = refusing_partners(reply, partners)
    if approving and refusing:
        raise RuleViolation(
            "R-P2",
            f"并案件 {'、'.join(refusing)} 的代表委员明确不同意公开，并案答复不得公开；"
            "请登记不予公开（理由：代表委员不同意公开）",
            f"the proposers of merged case(s) {', '.join(refusing)} refused disclosure: the "
            "merge's reply is withheld",
        )


def answers_merge(case: CaseState, reply: Reply) -> bool:
    """R-M1: the reply is a merge primary's first reply, which answers every merged case (a
    further reply answers the primary's own proposer only, R-F2)."""
    merge = case.merge
    return merge is not None and merge.primary_case_id == str(case.id) and not reply.further


def check_take_down(case: CaseState, reply: Reply) -> Disclosure:
    """R-P2 after publishing: only a published reply is taken down, and its take-down is
    recorded once (R-X2). The publication recorded."""
    published = case.disclosures.get(reply.reply_id)
    if published is None or published.status != "published" or published.published_on is None:
        raise RuleViolation(
            "R-P2", "只有已公开的答复才能登记撤下", "only a published reply is taken down"
        )
    if published.taken_down_on is not None:
        refuse_recording_again("该答复已登记撤下", "the reply's take-down is already recorded")
    return published


def check_refused_since(
    case: CaseState, reply: Reply, partners: Sequence[CaseState], taken_down_on: date
) -> None:
    """R-P2: a published reply comes down because its proposers refused publication: the
    case's own, or for a merge's reply (R-M1) any merged case's (``partners``). R-X1: not
    before the first refusal that stands (a review recorded a take-down 18 months before the
    deputy refused)."""
    refusing = refusing_partners(reply, partners)
    cases = [case, *(p for p in partners if p.number in refusing)]
    refused_on = [day for c in cases if (day := refusal_day(c)) is not None]
    if not refused_on:
        raise RuleViolation(
            "R-P2",
            "代表委员未表示不同意公开，已公开的答复无须撤下",
            "the proposers have not refused disclosure: the published reply stays up",
        )
    check_not_before(
        taken_down_on,
        min(refused_on),
        "代表委员表示不同意公开的日期 proposers' refusal date",
        "撤下日期 taken-down date",
    )


def refusal_day(case: CaseState) -> date | None:
    """R-P2: the day of the earliest refusal that stands among the proposers' latest words
    (None: they do not refuse)."""
    if not refused_by_proposer(case):
        return None
    said = case.disclosure_preferences.values()
    return min((v.occurred_on for v in said if not v.consent_reply), default=None)


def check_review_verdict(case: CaseState, approved: bool) -> None:
    """R-P2: the office's review cannot approve publishing what the proposer refused: the
    reply is withheld instead (R-P5, 代表委员不同意), which ends its 公开 deadline (R-D4)."""
    if approved and refused_by_proposer(case):
        raise RuleViolation(
            "R-P2",
            "代表委员明确不同意公开，不能同意公开；请登记不予公开（理由：代表委员不同意公开）",
            "the proposer refused disclosure: the review cannot approve it; withhold the reply",
        )


class Review(Protocol):
    """An office's review of a reply as the domain or a reader holds it (R-P3)."""

    @property
    def approved(self) -> bool: ...


def approves_publishing(review: Review | None) -> bool:
    """R-P3: the latest review of a reply (None: none yet) lets it be published. The case
    page's publish form offers the replies this holds for, as ``check_reviewed`` refuses the
    others."""
    return review is not None and review.approved


def check_reviewed(case: CaseState, reply: Reply, published_on: date) -> DisclosureReview:
    """R-P3: the office reviews a reply before it is published; its latest review approves,
    no later than the publishing (one dated 05-05 let a publication of 05-01 count on time)."""
    review = case.disclosure_reviews.get(reply.reply_id)
    if review is None or not approves_publishing(review):
        raise RuleViolation(
            "R-P3",
            "答复公开前须经办公室审核同意",
            "the office reviews (and approves) a reply before it is published",
        )
    if published_on < review.occurred_on:
        raise RuleViolation(
            "R-P3",
            f"公开日期 {published_on} 早于公开前审查日期 {review.occurred_on}",
            f"published_on {published_on} is before the office's review ({review.occurred_on})",
        )
    return review


def check_secrecy_review(case: CaseState, secrecy_review_ref: str | None) -> str | None:
    """R-P3: if a co unit opposed disclosure, publishing needs a secrecy review (保密审查), named
    on the office's review or when publishing."""
    objecting = [u for u, o in case.co_opinions.items() if o.disclosure_opinion == "withheld"]
    if not objecting:
        return None if secrecy_review_ref is None else check_text(secrecy_review_ref, "review")
    if not isinstance(secrecy_review_ref, str) or not secrecy_review_ref.strip():
        raise RuleViolation(
            "R-P3",
            f"会办单位 {'、'.join(objecting)} 意见不予公开，公开前须经保密审查（填写保密审查编号）",
            f"co units {', '.join(objecting)} advised against disclosure; a secrecy review is "
            "required",
        )
    return check_text(secrecy_review_ref, "secrecy_review_ref")

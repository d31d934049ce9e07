"""What the case page shows beside the case document: the earlier cases a registration found
alike (R-S4), by title, and the case's notices with where each stands per channel.

Neither is a new read: the titles come from the earlier cases themselves, the notices from
``queries.notices`` (``GET /v1/cases/{id}/notices``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from api import queries
from api.auth import check_handler_case
from api.pages_forms import decided_disclosures
from api.pages_web import Svc
from api.problems import ApiProblem
from api.schemas_case import CasePublic
from api.schemas_proposer import NoticePublic
from domain.case import Case
from domain.errors import NotFound
from domain.rules.disclosure import refused_by_proposer, refusing_partners
from infra.directory import Principal


def repeat_titles(svc: Svc, who: Principal, case: CasePublic) -> dict[str, str]:
    """The titles of the earlier cases the reader may read, by case id. A handler's scope is
    its unit's cases: an earlier case of another unit keeps its number and year (the case
    document gives those to every reader) but not its title nor a link, which would 404."""
    return _readable_titles(svc, who, [repeat.case_id for repeat in case.possible_repeats])


@dataclass
class MergedCases:
    """The other cases merged with this one (R-M1), each loaded once for the whole page: its
    titles and what it says of disclosure both ask for them (a replay each)."""

    svc: Svc
    case: CasePublic
    at: datetime | None = None  # R-X3: the others as they stood then, for a past moment's page

    @functools.cached_property
    def others(self) -> list[Case]:
        merge = self.case.merge
        ids = [i for i in merge.case_ids if i != self.case.case_id] if merge else []
        return [self.svc.app.get_case(i, as_of=self.at) for i in ids]

    def partners(self) -> list[Case]:
        """The others when this case is the merge's primary, whose reply answers them all."""
        merge = self.case.merge
        return self.others if merge and merge.primary_case_id == self.case.case_id else []


def merged_titles(who: Principal, merged: MergedCases) -> dict[str, str]:
    """The titles of the other merged cases the reader may open, by case id (R-M1): a handler
    of a partner sees the primary's number, not a link that would 404 (its reply is named on
    the partner's own page)."""
    return {str(c.id): c.title for c in merged.others if _readable(who, c)}


def disclosure_refused(case: CasePublic, found: Case, merged: MergedCases) -> bool:
    """R-P2: a reply issued, neither published nor withheld yet, whose proposers refused its
    publication; a merge's reply (R-M1) is refused by any merged case's proposers."""
    decided = decided_disclosures(case)
    undecided = [
        r.reply_id for r in case.replies if r.status == "issued" and r.reply_id not in decided
    ]
    if not undecided:
        return False
    if refused_by_proposer(found):
        return True
    return any(refusing_partners(found.replies[r], merged.partners()) for r in undecided)


def withdrawn_from_register(
    case: CasePublic, found: Case, merged: MergedCases
) -> dict[str, list[str]]:
    """R-P2 after the fact: the published replies whose proposers have since refused their
    publication, each with the merged cases whose proposers refused (R-M1; none: the case's
    own). The public register no longer lists them (``public_register`` reads the same
    preferences); what the office put on other sites it must take down itself, and the case
    page says so."""
    published = [
        r.reply_id
        for r in case.replies
        if (d := case.disclosures.get(r.reply_id)) is not None and d.status == "published"
    ]
    if not published:
        return {}
    if refused_by_proposer(found):
        return {r: [] for r in published}
    refusing = {r: refusing_partners(found.replies[r], merged.partners()) for r in published}
    return {r: numbers for r, numbers in refusing.items() if numbers}


def _readable_titles(svc: Svc, who: Principal, case_ids: list[str]) -> dict[str, str]:
    titles = {}
    for case_id in case_ids:
        try:
            found = svc.app.get_case(case_id)
        except NotFound:
            continue
        if _readable(who, found):
            titles[case_id] = found.title
    return titles


def _readable(who: Principal, case: Case) -> bool:
    try:
        check_handler_case(who, case)
    except (NotFound, ApiProblem):  # out of a handler's scope: answered as not found
        return False
    return True


@dataclass(frozen=True)
class Delivery:
    channel: str
    accepted_at: str | None  # None: not accepted yet, sent again on every round


@dataclass(frozen=True)
class NoticeLine:
    notice: NoticePublic
    deliveries: list[Delivery]


def notice_lines(svc: Svc, who: Principal, case_id: str) -> list[NoticeLine]:
    """Each notice of the case once, with every channel that takes it: accepted (when) or
    still being retried. A channel counts when it is configured here (e-mail only for a notice
    with an address) or has accepted the notice (a channel since removed keeps its record)."""
    settings = svc.settings
    lines = []
    for notice in queries.notices(svc, who, case_id).items:
        accepted = {d.channel: d.delivered_at for d in notice.deliveries}
        channels = [
            channel
            for channel, configured in (
                ("email", bool(settings.smtp_host and notice.email)),
                ("webhook", bool(settings.reminder_webhook)),
            )
            if configured or channel in accepted
        ]
        lines.append(NoticeLine(notice, [Delivery(c, accepted.get(c)) for c in channels]))
    return lines

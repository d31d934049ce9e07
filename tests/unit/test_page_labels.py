"""Every value of a vocabulary the pages show has its Chinese word (api/pages_labels.py): a
value added to the domain without one would reach a clerk as its code."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from api.deps import Awaiting
from api.pages_labels import LABELS
from api.pages_paperwork import export_links
from domain import vocabulary as v
from domain.deadlines.policies import POLICIES
from domain.deadlines.status import DeadlineStatus
from infra.directory import Principal

SHOWN: dict[str, Any] = {
    "kind": v.Kind,
    "level": v.Level,
    "stage": v.Stage,
    "role": v.Role,
    "deadline": v.DeadlineKind,
    "status": DeadlineStatus,
    "phase": v.ContactPhase,
    "policy": v.PolicyName,
    "channel": v.ContactChannel,
    "verdict": v.Verdict,
    "means": v.ReminderMeans,
    "finding": v.Finding,
    "key_source": v.KeySource,
    "disclosure": v.DisclosureOption,
    "disclosure_status": v.DisclosureStatus,
    "reply_status": v.ReplyStatus,
    "proposer_type": v.ProposerType,
    "proposer_role": v.ProposerRole,
    "source": v.FeedbackSource,
    "document_kind": v.DocumentKind,
    "link_status": v.LinkStatus,
    # The 台账's 待办 filter: 待裁定 had none, and its export answered 500 (KeyError).
    "awaiting": Awaiting,
}


@pytest.mark.parametrize("vocabulary", sorted(SHOWN))
def test_every_value_a_page_shows_has_its_word(vocabulary: str) -> None:
    missing = set(get_args(SHOWN[vocabulary])) - set(LABELS[vocabulary])
    assert not missing, f"{vocabulary}: no word for {sorted(missing)}"


def test_every_deadline_policy_is_named_by_its_document_R_D1() -> None:
    assert set(POLICIES) == set(get_args(v.PolicyName)) <= set(LABELS["policy"])


def test_every_withheld_reason_code_has_its_word_R_P5() -> None:
    assert set(LABELS["withheld_reason"]) >= v.WITHHELD_REASONS


def test_the_annual_report_link_says_it_covers_both_kinds_when_one_is_chosen() -> None:
    """The year's summary has no 类别: with 提案 chosen, a review took its link for the
    proposals' alone."""
    office = Principal(user="o", role="office", unit=None)
    titles = {link["name"]: link["title"] for link in export_links(office, 2025, "proposal")}
    assert titles["annual"] == "2025年度承办工作总结（Word，建议和提案合计，不分类别）"
    plain = {link["name"]: link["title"] for link in export_links(office, 2025, None)}
    assert plain["annual"] == "2025年度承办工作总结（Word）"

"""Every value of a vocabulary the pages show has its Chinese word (api/pages_labels.py): a
value added to the domain without one would reach a clerk as its code."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from api.deps import Awaiting
from api.pages_labels import LABELS
from domain import vocabulary as v
from domain.deadlines.policies import POLICIES
from domain.deadlines.status import DeadlineStatus

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

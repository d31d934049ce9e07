"""Cases raised many years running (R-S4): found by their words, not declared; the office
confirms (they join the key ledger) or dismisses each match."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain import commands as cmd
from domain.commands import Acting
from domain.handlers import register
from domain.records import PossibleRepeat
from domain.rules.supervision import tracked_as_repeat
from domain.similarity import REPEAT_THRESHOLD, bigrams, similarity
from infra.application import BanliApplication
from tests.support import OFFICE, TODAY, Flow, refused, registration

EARLIER = "关于加强农村公路养护管理的建议"


def test_alike_titles_score_high_and_unrelated_ones_low_R_S4() -> None:
    same_subject = similarity(bigrams(EARLIER), bigrams("关于进一步加强农村公路日常养护的建议"))
    other_subject = similarity(bigrams(EARLIER), bigrams("关于支持中小学校园足球发展的提案"))
    assert same_subject >= REPEAT_THRESHOLD > other_subject
    # What every title says (关于…的建议) and punctuation do not make cases alike.
    assert similarity(bigrams("关于，的建议。"), bigrams("关于的提案")) == 0.0


def test_registration_flags_earlier_years_alike_cases_only_R_S4() -> None:
    found = [
        PossibleRepeat("c-2023", "2023-031", 2023, 0.72),
        PossibleRepeat("c-2024", "2024-007", 2024, 0.81),
        PossibleRepeat("c-2025", "2025-002", 2025, 0.95),  # the same year: not "many years"
        PossibleRepeat("c-weak", "2022-100", 2022, REPEAT_THRESHOLD - 0.01),
    ]
    case = register(registration("2025-050"), Acting(OFFICE, TODAY), found)
    assert [(r.number, r.status) for r in case.possible_repeats.values()] == [
        ("2024-007", "suggested"),
        ("2023-031", "suggested"),
    ]
    assert [type(e).__name__ for e in case.collect_events()] == [
        "Registered",
        "PossibleRepeatsFound",
    ]


def test_the_office_confirms_or_dismisses_and_a_confirmed_repeat_is_tracked_R_S4(
    app: BanliApplication,
) -> None:
    found = [PossibleRepeat("c-2024", "2024-007", 2024, 0.8)]
    created = register(
        replace(registration("2025-060"), text="养护资金不足"), Acting(OFFICE, TODAY), found
    )
    app.save(created)
    flow = Flow.__new__(Flow)
    flow.app, flow.kind, flow.id = app, "suggestion", str(created.id)
    assert flow.case.text == "养护资金不足"
    assert not tracked_as_repeat(flow.case)
    with refused("R-S4"):
        flow.run(
            cmd.ReviewRepeat(
                case_id=flow.id,
                of_case_id="c-unknown",
                confirmed=True,
                note="确认",
                occurred_on=date(2025, 2, 1),
            )
        )
    flow.run(
        cmd.ReviewRepeat(
            case_id=flow.id,
            of_case_id="c-2024",
            confirmed=False,
            note="诉求不同",
            occurred_on=date(2025, 2, 1),
        )
    )
    assert not tracked_as_repeat(flow.case)
    flow.run(
        cmd.ReviewRepeat(
            case_id=flow.id,
            of_case_id="c-2024",
            confirmed=True,
            note="连续两年提出",
            occurred_on=date(2025, 2, 3),
        )
    )
    repeat = flow.case.possible_repeats["c-2024"]
    assert (repeat.status, repeat.note) == ("confirmed", "连续两年提出")
    assert tracked_as_repeat(flow.case)

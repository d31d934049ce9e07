"""The proposer's own voice in the domain (R-F4, with R-C4 and R-P2 unchanged) and documents."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from domain import commands as c
from domain.errors import Conflict, InvalidInput
from domain.records import Actor
from infra.application import BanliApplication
from infra.proposer_links import new_link
from tests.support import TODAY, Flow, deputies, handler, refused, sqlite_app

ZHANG = Actor(user="proposer-link:a", role="proposer", unit=None)


@pytest.fixture
def app(tmp_path: Path) -> BanliApplication:
    return sqlite_app(tmp_path)


def make_link(flow: Flow, name: str = "张三") -> str:
    made = new_link()
    expires = TODAY + timedelta(days=30)
    flow.run(
        c.CreateProposerLink(
            case_id=flow.id,
            link_id=made.link_id,
            proposer_name=name,
            expires_on=expires,
            hashed=made.hashed,
            prefix=made.prefix,
        )
    )
    return made.link_id


def consent(flow: Flow, actor: Actor, reply: bool, proposer: str | None = None) -> None:
    command = c.RecordDisclosurePreference(
        case_id=flow.id,
        consent_reply=reply,
        consent_original=reply,
        occurred_on=date(2025, 4, 12),
        proposer=proposer,
    )
    flow.run(command, actor)


def test_one_co_signer_s_refusal_stands_against_another_s_consent_R_P2_R_F4(
    app: BanliApplication,
) -> None:
    flow = Flow(app, "V-1")
    flow.assign()
    consent(flow, ZHANG, True, "张三")
    consent(flow, Actor(user="proposer-link:b", role="proposer", unit=None), False, "李四")
    assert flow.case.disclosure_preference is not None
    assert flow.case.disclosure_preference.consent_reply is False
    # Li changes their mind: now every voice consents.
    consent(flow, Actor(user="proposer-link:b", role="proposer", unit=None), True, "李四")
    assert flow.case.disclosure_preference.consent_reply is True


def test_a_unit_s_record_speaks_for_the_proposers_in_no_one_s_name_R_P2(
    app: BanliApplication,
) -> None:
    flow = Flow(app, "V-2")
    flow.assign()
    consent(flow, handler("FIN"), False, "张三")  # a name from a unit is not a voice
    assert set(flow.case.disclosure_preferences) == {""}


def test_only_a_proposer_of_the_case_speaks_through_a_link_R_F4(app: BanliApplication) -> None:
    flow = Flow(app, "V-3")
    flow.assign()
    with refused("R-F4"):
        consent(flow, ZHANG, True, "王五")
    with refused("R-F4"):
        consent(flow, ZHANG, True, None)


def test_links_go_to_whom_the_replies_go_R_C4(app: BanliApplication) -> None:
    flow = Flow(app, "V-4")
    make_link(flow, "张三")
    make_link(flow, "李四")
    with refused("R-F4"):
        make_link(flow, "王五")
    members = tuple(
        type(p)(name=p.name, type="member", role=p.role) for p in deputies("周委员", "吴委员")
    )
    proposal = Flow(app, "V-5", kind="proposal", proposers=members)
    make_link(proposal, "周委员")
    with refused("R-C4"):
        make_link(proposal, "吴委员")


def test_a_link_is_revoked_once(app: BanliApplication) -> None:
    flow = Flow(app, "V-6")
    link_id = make_link(flow)
    flow.run(c.RevokeProposerLink(case_id=flow.id, link_id=link_id, reason="更换"))
    assert flow.case.proposer_links[link_id].status(TODAY) == "revoked"
    with pytest.raises(Conflict):
        flow.run(c.RevokeProposerLink(case_id=flow.id, link_id=link_id, reason="再次"))


def test_a_reply_letter_names_a_reply_of_the_case(app: BanliApplication) -> None:
    flow = Flow(app, "V-7")
    flow.assign()
    sha = "a" * 64
    letter = c.AttachDocument(
        case_id=flow.id,
        kind="reply_letter",
        name="答复函.pdf",
        content_type="application/pdf",
        sha256=sha,
        size=10,
        occurred_on=date(2025, 4, 10),
    )
    with pytest.raises(InvalidInput):
        flow.run(letter, handler("FIN"))
    with refused("R-X1"):
        flow.run(
            c.AttachDocument(
                case_id=flow.id,
                kind="other",
                name="x.pdf",
                content_type="application/pdf",
                sha256=sha,
                size=10,
                occurred_on=TODAY + timedelta(days=1),
            )
        )

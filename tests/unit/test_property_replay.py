"""Property: any sequence of commands — accepted or refused — keeps store and state consistent.

For random command sequences on one case (valid and invalid arguments alike):
- an accepted command's events, replayed from the store, rebuild exactly the state the command
  produced in memory (round trip through transcoding, encryption off and on);
- a refused command raises a domain error, triggers nothing, and leaves the store unchanged.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from eventsourcing.cipher import AESCipher
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain import commands as cmd
from domain import handlers
from domain.case import Case
from domain.commands import Acting
from domain.errors import DomainError
from domain.records import Actor, Person
from infra.application import BanliApplication
from tests.support import LEADER, OFFICE, TODAY, handler, registration, sqlite_app

UNITS = ["FIN", "HOU", "EDU"]
LIBRARY_FIELDS = {"_created_on", "_modified_on", "_pending_events"}


def state(case: Case) -> dict[str, Any]:
    return {k: v for k, v in case.__dict__.items() if k not in LIBRARY_FIELDS}


def a_date(draw: st.DrawFn, clock: date) -> date:
    """Mostly moving forward from the last accepted act, sometimes back: both paths get tried."""
    return min(TODAY, clock + timedelta(days=draw(st.integers(-3, 12))))


def reply_ref(draw: st.DrawFn, case: Case) -> str:
    # Mostly the newest reply (the one a real user acts on), sometimes an older or unknown one.
    newest = list(case.replies)[-1:] * 4
    return draw(st.sampled_from([*newest, *case.replies, "no-such-reply"]))


@st.composite
def commands(draw: st.DrawFn, case: Case, clock: date) -> tuple[cmd.CaseCommand, Actor]:
    """One command and its actor, with arguments that are often, not always, valid."""
    unit = draw(st.sampled_from([case.lead_unit or "FIN", *UNITS]))
    on = a_date(draw, clock)
    who = handler(unit)
    cid = str(case.id)
    # Weighted towards the lifecycle (contact → reply → approval → issue → feedback).
    lifecycle = [0, 1, 1, 2, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 10, 11, 12, 13, 14]
    choice = (
        0
        if case.stage == "registered" and draw(st.booleans())
        else draw(st.sampled_from(lifecycle))
    )
    if choice == 0:
        co = draw(st.lists(st.sampled_from(UNITS), max_size=2, unique=True))
        return cmd.Assign(case_id=cid, assigned_on=on, lead_unit=unit, co_units=tuple(co)), OFFICE
    if choice == 1:
        contact = cmd.RecordContact(
            case_id=cid,
            unit=unit,
            phase=draw(st.sampled_from(["before", "during", "later"])),
            channel=draw(st.sampled_from(["phone", "visit", "telepathy"])),
            contacted_by=Person(name="王", rank="科长"),
            person="张三",
            reached=draw(st.booleans()),
            summary="s",
            occurred_on=on,
        )
        return contact, who
    if choice == 2:
        visit = cmd.RecordVisit(
            case_id=cid,
            unit=unit,
            organised_by=draw(st.sampled_from([unit, "COUNTY"])),
            visitors=(Person(name="赵", rank="处长"),),
            persons=("张三",),
            summary="s",
            proposer_opinion="ok",
            occurred_on=on,
        )
        return visit, who
    if choice == 3:
        opinion = draw(st.sampled_from(["proactive", "withheld"]))
        return cmd.RecordCoOpinion(
            case_id=cid, unit=unit, summary="s", disclosure_opinion=opinion, occurred_on=on
        ), who
    if choice == 4:
        reply = cmd.SubmitReply(
            case_id=cid,
            unit=unit,
            classification=draw(st.sampled_from(["A", "B", "C", "D"])),
            disclosure=draw(st.sampled_from([None, "proactive", "withheld"])),
            withheld_reason=draw(st.sampled_from([None, "confidential"])),
            consultation_form_ref=draw(st.sampled_from(["F-1", ""])),
            summary="s",
            occurred_on=on,
        )
        return reply, who
    if choice == 5:
        approved = draw(st.booleans())
        return cmd.DecideReply(
            case_id=cid,
            reply_id=reply_ref(draw, case),
            approved=approved,
            leader="钱",
            note="n",
            occurred_on=on,
        ), LEADER
    if choice == 6:
        override = draw(st.sampled_from([None, "urgent"]))
        return cmd.IssueReply(
            case_id=cid,
            reply_id=reply_ref(draw, case),
            document_number="财函1号",
            occurred_on=on,
            override_reason=override,
        ), who
    if choice == 7:
        verdict = draw(st.sampled_from(["satisfied", "dissatisfied", "meh"]))
        return cmd.RecordFeedback(
            case_id=cid, verdict=verdict, occurred_on=on, comments="c"
        ), OFFICE
    if choice == 8:
        original = draw(st.booleans())
        return cmd.PublishReply(
            case_id=cid,
            reply_id=reply_ref(draw, case),
            published_on=on,
            url="https://x/1",
            include_original=original,
        ), OFFICE
    if choice == 14:
        approved = draw(st.booleans())
        return cmd.ReviewDisclosure(
            case_id=cid,
            reply_id=reply_ref(draw, case),
            approved=approved,
            note="审核",
            occurred_on=on,
        ), OFFICE
    if choice == 9:
        to_reply, to_original = draw(st.booleans()), draw(st.booleans())
        return cmd.RecordDisclosurePreference(
            case_id=cid, consent_reply=to_reply, consent_original=to_original, occurred_on=on
        ), who
    if choice == 10:
        return cmd.RequestReassignment(case_id=cid, unit=unit, reason="r", occurred_on=on), who
    if choice == 11:
        request = draw(st.sampled_from([*case.requests, "no-such-request"]))
        approved = draw(st.booleans())
        return cmd.DecideReassignment(
            case_id=cid,
            request_id=request,
            approved=approved,
            note="n",
            occurred_on=on,
            lead_unit=unit,
        ), OFFICE
    if choice == 12:
        finding = draw(st.sampled_from(["implemented", "advancing", "fulfilled"]))
        return cmd.Reassess(case_id=cid, finding=finding, note="n", occurred_on=on), OFFICE
    return cmd.Remind(case_id=cid, means="phone", note="n", occurred_on=on), OFFICE


def run_sequence(app: BanliApplication, data: st.DataObject, steps: int) -> None:
    created = handlers.register(
        registration("P-1", received_on=date(2025, 1, 10)), Acting(OFFICE, TODAY)
    )
    app.save(created)
    clock = created.received_on
    for _ in range(steps):
        case: Any = app.repository.get(created.id)
        assert isinstance(case, Case)
        command, actor = data.draw(commands(case, clock))
        name = type(command).__name__
        before_state, position = state(case), app.recorder.max_notification_id()
        try:
            handlers.handler_for(command)(case, command, Acting(actor, TODAY))
        except DomainError:
            assert case.pending_events == []
            assert state(case) == before_state
            assert app.recorder.max_notification_id() == position
            event(f"refused {name}")
            continue
        event(f"accepted {name}")
        accepted: list[Any] = list(case.pending_events)
        clock = max(clock, *(e.occurred_on for e in accepted))
        app.save(case)
        replayed: Any = app.repository.get(created.id)
        assert isinstance(replayed, Case)
        assert state(replayed) == state(case), name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), steps=st.integers(10, 60))
def test_replayed_state_equals_command_state_and_refusals_write_nothing(
    data: st.DataObject, steps: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        run_sequence(sqlite_app(Path(folder)), data, steps)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), steps=st.integers(5, 25))
def test_replay_holds_with_encryption_at_rest(data: st.DataObject, steps: int) -> None:
    key = AESCipher.create_key(16)
    with tempfile.TemporaryDirectory() as folder:
        app = sqlite_app(
            Path(folder), CIPHER_TOPIC="eventsourcing.cipher:AESCipher", CIPHER_KEY=key
        )
        run_sequence(app, data, steps)

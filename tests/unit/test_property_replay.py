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

from domain.case import Case
from domain.errors import DomainError
from infra.application import BanliApplication
from tests.support import LEADER, OFFICE, TODAY, handler, sqlite_app

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
def commands(
    draw: st.DrawFn, case: Case, clock: date
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """One command (method, kwargs, actor) with arguments that are often, not always, valid."""
    unit = draw(st.sampled_from([case.lead_unit or "FIN", *UNITS]))
    on = a_date(draw, clock)
    who = handler(unit)
    # Weighted towards the lifecycle (contact → reply → approval → issue → feedback).
    lifecycle = [0, 1, 1, 2, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13]
    choice = (
        0
        if case.stage == "registered" and draw(st.booleans())
        else draw(st.sampled_from(lifecycle))
    )
    if choice == 0:
        fields: dict[str, Any] = {
            "lead_unit": unit,
            "co_units": draw(st.lists(st.sampled_from(UNITS), max_size=2, unique=True)),
            "assigned_on": on,
        }
        return "assign", fields, OFFICE
    if choice == 1:
        return (
            "record_contact",
            {
                "unit": unit,
                "phase": draw(st.sampled_from(["before", "during", "later"])),
                "channel": draw(st.sampled_from(["phone", "visit", "telepathy"])),
                "contacted_by": {"name": "王", "rank": "科长"},
                "person": "张三",
                "reached": draw(st.booleans()),
                "summary": "s",
                "occurred_on": on,
            },
            who,
        )
    if choice == 2:
        return (
            "record_visit",
            {
                "unit": unit,
                "organised_by": draw(st.sampled_from([unit, "COUNTY"])),
                "visitors": [{"name": "赵", "rank": "处长"}],
                "persons": ["张三"],
                "summary": "s",
                "proposer_opinion": "ok",
                "occurred_on": on,
            },
            who,
        )
    if choice == 3:
        return (
            "record_co_opinion",
            {
                "unit": unit,
                "summary": "s",
                "disclosure_opinion": draw(st.sampled_from(["proactive", "withheld"])),
                "occurred_on": on,
            },
            who,
        )
    if choice == 4:
        return (
            "submit_reply",
            {
                "unit": unit,
                "classification": draw(st.sampled_from(["A", "B", "C", "D"])),
                "disclosure": draw(st.sampled_from([None, "proactive", "withheld"])),
                "withheld_reason": draw(st.sampled_from([None, "confidential"])),
                "consultation_form_ref": draw(st.sampled_from(["F-1", ""])),
                "summary": "s",
                "occurred_on": on,
            },
            who,
        )
    if choice == 5:
        return (
            "decide_reply",
            {
                "reply_id": reply_ref(draw, case),
                "approved": draw(st.booleans()),
                "leader": "钱",
                "note": "n",
                "occurred_on": on,
            },
            LEADER,
        )
    if choice == 6:
        return (
            "issue_reply",
            {
                "reply_id": reply_ref(draw, case),
                "document_number": "财函1号",
                "occurred_on": on,
                "override_reason": draw(st.sampled_from([None, "urgent"])),
            },
            who,
        )
    if choice == 7:
        return (
            "record_feedback",
            {
                "verdict": draw(st.sampled_from(["satisfied", "dissatisfied", "meh"])),
                "comments": "c",
                "occurred_on": on,
            },
            OFFICE,
        )
    if choice == 8:
        return (
            "publish_reply",
            {
                "reply_id": reply_ref(draw, case),
                "published_on": on,
                "url": "https://x/1",
                "include_original": draw(st.booleans()),
            },
            OFFICE,
        )
    if choice == 9:
        return (
            "record_disclosure_preference",
            {
                "consent_reply": draw(st.booleans()),
                "consent_original": draw(st.booleans()),
                "occurred_on": on,
            },
            who,
        )
    if choice == 10:
        return "request_reassignment", {"unit": unit, "reason": "r", "occurred_on": on}, who
    if choice == 11:
        requests = [*case.requests, "no-such-request"]
        return (
            "decide_reassignment",
            {
                "request_id": draw(st.sampled_from(requests)),
                "approved": draw(st.booleans()),
                "lead_unit": unit,
                "co_units": [],
                "note": "n",
                "occurred_on": on,
            },
            OFFICE,
        )
    if choice == 12:
        return (
            "reassess",
            {
                "finding": draw(st.sampled_from(["implemented", "advancing", "fulfilled"])),
                "note": "n",
                "occurred_on": on,
            },
            OFFICE,
        )
    return "remind", {"means": "phone", "note": "n", "occurred_on": on}, OFFICE


def run_sequence(app: BanliApplication, data: st.DataObject, steps: int) -> None:
    created = Case.register(
        number="P-1",
        kind="suggestion",
        level="provincial",
        year=2025,
        title="t",
        proposers=[{"name": "张三", "type": "deputy", "role": "lead"}],
        received_on=date(2025, 1, 10),
        actor=OFFICE,
        today=TODAY,
    )
    app.save(created)
    clock = created.received_on
    for _ in range(steps):
        case: Any = app.repository.get(created.id)
        assert isinstance(case, Case)
        method, fields, actor = data.draw(commands(case, clock))
        before_state, position = state(case), app.recorder.max_notification_id()
        try:
            getattr(case, method)(**fields, actor=actor, today=TODAY)
        except DomainError:
            assert case.pending_events == []
            assert state(case) == before_state
            assert app.recorder.max_notification_id() == position
            event(f"refused {method}")
            continue
        event(f"accepted {method}")
        accepted: list[Any] = list(case.pending_events)
        clock = max(clock, *(e.occurred_on for e in accepted))
        app.save(case)
        replayed: Any = app.repository.get(created.id)
        assert isinstance(replayed, Case)
        assert state(replayed) == state(case), method


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

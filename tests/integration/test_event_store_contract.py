"""Event-store contract: the same behaviour on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime
from typing import Any

import psycopg
import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.persistence import IntegrityError

from domain import commands as cmd
from domain import handlers
from domain.commands import Acting
from domain.errors import Conflict, RuleViolation
from domain.handlers.handling import remind
from infra.application import BanliApplication
from infra.command_context import CommandContext
from infra.recorders import IdempotencyRow, IndexedPostgresApplicationRecorder
from infra.telemetry import request_id
from tests.support import OFFICE, TODAY, Flow, ctx, registration


def test_lifecycle_round_trips_through_the_store_and_the_log(store_env: dict[str, str]) -> None:
    app = BanliApplication(env=store_env)
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.co_opinion("HOU")
    reply = flow.replied("B")
    flow.feedback("satisfied")
    reopened = BanliApplication(env=store_env)  # a fresh process reads the same history
    case = reopened.get_case(flow.id)
    assert (case.stage, case.replies[reply].status, case.co_opinions["HOU"].unit) == (
        "closed",
        "issued",
        "HOU",
    )
    log = list(reopened.recorder.select_notifications(start=1, limit=100))
    assert [n.id for n in log] == list(range(1, len(log) + 1))
    assert [n.originator_version for n in log] == list(range(1, case.version + 1))


def test_a_batch_of_the_log_reads_with_its_index_rows_in_one_statement(
    store_env: dict[str, str],
) -> None:
    """What the view keeper reads per batch: the library's notifications, each with the row
    the time index holds for it, the same on both databases."""
    app = BanliApplication(env=store_env)
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.co_opinion("HOU")
    read = app.index.notifications_from(2, 2)
    assert read == [
        (n, facts)
        for n, (position, facts) in zip(
            app.recorder.select_notifications(start=2, limit=2),
            app.index.index_facts(1, 3, 2),
            strict=True,
        )
        if n.id == position
    ]
    assert [n.id for n, _ in read] == [2, 3]
    assert all(facts is not None and facts.version == n.originator_version for n, facts in read)
    assert app.index.notifications_from(100, 10) == []


def test_a_batch_read_scans_only_its_own_rows_under_a_generic_plan(
    store_env: dict[str, str],
) -> None:
    """PostgreSQL may keep one plan of a prepared statement for every start: the batch read
    must not then scan the time index from its first row (it did, per batch, 132 ms at 470k
    events), only the rows of the batch asked for."""
    app = BanliApplication(env=store_env)
    recorder = app.recorder
    if not isinstance(recorder, IndexedPostgresApplicationRecorder):
        pytest.skip("PostgreSQL plans")
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.co_opinion("HOU")
    for n in range(30):
        note = f"n{n}"
        app.execute(ctx(), cmd.Remind(case_id=flow.id, means="phone", note=note, occurred_on=TODAY))
    with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
        curs.execute("SET plan_cache_mode = force_generic_plan")
        explain = psycopg.sql.SQL("EXPLAIN (ANALYZE, FORMAT JSON) ")
        curs.execute(explain + recorder.select_indexed_notifications, {"start": 30, "limit": 2})
        plan = curs.fetchone()
        curs.execute("RESET plan_cache_mode")
    assert plan is not None
    scanned = _rows_read(plan["QUERY PLAN"][0]["Plan"], "banli_event_index")
    assert 0 < scanned <= 3


def _rows_read(node: dict[str, Any], table: str) -> int:
    """The rows the plan's scans of ``table`` produced, in all."""
    own = int(node.get("Actual Rows", 0)) if node.get("Relation Name") == table else 0
    return own + sum(_rows_read(child, table) for child in node.get("Plans", []))


def test_idempotency_answer_survives_a_restart(store_env: dict[str, str]) -> None:
    app = BanliApplication(env=store_env)
    flow = Flow(app)
    context = CommandContext(OFFICE, TODAY, idempotency_key="assign-1", request_hash="h")
    assignment = cmd.Assign(case_id=flow.id, assigned_on=date(2025, 2, 1), lead_unit="FIN")
    first = app.execute(context, assignment)
    restarted = BanliApplication(env=store_env)
    again = restarted.execute(context, assignment)
    assert again.replayed and again.as_dict() == first.as_dict()
    assert restarted.recorder.max_notification_id() == 2


def test_concurrent_writers_one_wins_the_other_gets_a_conflict(store_env: dict[str, str]) -> None:
    setup = BanliApplication(env=store_env)
    flow = Flow(setup)
    flow.assign()
    writers = [BanliApplication(env=store_env) for _ in range(2)]
    loaded = [w.get_case(flow.id) for w in writers]
    for case in loaded:
        remind(
            case,
            cmd.Remind(case_id=flow.id, means="phone", note="催办", occurred_on=date(2025, 3, 1)),
            Acting(OFFICE, TODAY),
        )
    writers[0].save(loaded[0])
    with pytest.raises(Exception) as refused:
        writers[1].save(loaded[1])
    assert "IntegrityError" in type(refused.value).__name__
    # Through the command path the loser sees a clean 409-style Conflict, nothing written.
    stale = CommandContext(OFFICE, TODAY, expected_version=2)
    with pytest.raises(Conflict):
        writers[1].execute(
            stale,
            cmd.Remind(case_id=flow.id, means="phone", note="n", occurred_on=date(2025, 3, 2)),
        )
    assert setup.get_case(flow.id).version == 3


def test_parallel_commands_on_one_case_lose_nothing(store_env: dict[str, str]) -> None:
    app = BanliApplication(env=store_env)
    flow = Flow(app)
    flow.assign()
    accepted: list[int] = []
    conflicts: list[int] = []

    # Built up front: they share the schema, which the first one already created.
    workers = [BanliApplication(env=store_env) for _ in range(4)]

    def remind(i: int) -> None:
        worker = workers[i]
        for attempt in range(50):
            try:
                worker.execute(
                    ctx(),
                    cmd.Remind(
                        case_id=flow.id, means="phone", note=f"n{i}", occurred_on=date(2025, 3, 1)
                    ),
                )
                accepted.append(i)
                return
            except Conflict:
                conflicts.append(attempt)

    threads = [threading.Thread(target=remind, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    case = app.get_case(flow.id)
    assert sorted(accepted) == [0, 1, 2, 3]
    assert sorted(r.note for r in case.reminders) == ["n0", "n1", "n2", "n3"]
    assert case.version == 2 + 4


def test_a_write_stores_its_events_and_side_rows_together_or_not_at_all(
    store_env: dict[str, str],
) -> None:
    """Events of two cases saved at once get their index rows, their request's id and the
    idempotency answer; a second write whose idempotency key is taken leaves none of its
    events, index rows or request rows behind (the one statement on PostgreSQL, the
    transaction on SQLite)."""
    app = BanliApplication(env=store_env)
    cases = [handlers.register(registration(f"2025-0{n}"), Acting(OFFICE, TODAY)) for n in (1, 2)]
    first = [e for case in cases for e in case.collect_events()]
    token = request_id.set("req-one")
    try:
        saved = app.record(first, IdempotencyRow("key-1", "hash", '{"answer": 1}'))
    finally:
        request_id.reset(token)
    assert [r.notification.id for r in saved] == [1, 2]
    for case, position in zip(cases, (1, 2), strict=True):
        assert [
            (row["notification_id"], row["originator_version"], row["event_type"])
            for row in app.index.case_index(str(case.id))
        ] == [(position, 1, "Registered")]
        assert app.index.requests_of(str(case.id)) == {1: "req-one"}
    assert app.index.idempotent_answer("key-1") == ("hash", '{"answer": 1}')

    late = handlers.register(registration("2025-03"), Acting(OFFICE, TODAY))
    token = request_id.set("req-two")
    try:
        with pytest.raises(IntegrityError):
            app.record(late.collect_events(), IdempotencyRow("key-1", "other", "{}"))
    finally:
        request_id.reset(token)
    assert app.recorder.max_notification_id() == 2
    assert app.index.case_index(str(late.id)) == []
    assert app.index.requests_of(str(late.id)) == {}
    assert app.index.idempotent_answer("key-1") == ("hash", '{"answer": 1}')


def test_the_newest_starts_of_a_type_are_its_newest_first_events(
    store_env: dict[str, str],
) -> None:
    app = BanliApplication(env=store_env)

    def starts(event_type: str, limit: int) -> list[tuple[int, str, int]]:
        found = app.index.newest_starts(event_type, limit)
        return [(n.id, str(n.originator_id), n.originator_version) for n in found]

    assert starts("Registered", 5) == []
    first = Flow(app, "2025-001")
    first.assign()
    second = Flow(app, "2025-002")
    third = Flow(app, "2025-003")
    assert starts("Registered", 5) == [(4, third.id, 1), (3, second.id, 1), (1, first.id, 1)]
    assert starts("Registered", 2) == [(4, third.id, 1), (3, second.id, 1)]
    assert starts("Assigned", 5) == []  # an assignment begins no stream
    # As the library's own read of the log has it, state and all: decoded like any event.
    assert app.index.newest_starts("Registered", 1) == list(
        app.recorder.select_notifications(start=4, limit=1)
    )


def test_as_of_reads_use_the_time_index(store_env: dict[str, str]) -> None:
    app = BanliApplication(env=store_env)
    flow = Flow(app)
    registered_only = datetime.now(UTC)
    flow.assign()
    assert app.get_case(flow.id, as_of=registered_only).stage == "registered"
    assert app.get_case(flow.id, as_of=datetime.now(UTC)).stage == "handling"


def test_refused_command_writes_nothing(store_env: dict[str, str]) -> None:
    app = BanliApplication(env=store_env)
    flow = Flow(app)
    flow.assign()
    position = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation):
        flow.visit(organised_by="乡镇财政所")
    assert app.recorder.max_notification_id() == position
    assert BanliApplication(env=store_env).get_case(flow.id).version == 2


def _raw_states(env: dict[str, str]) -> list[bytes]:
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        with sqlite3.connect(env["SQLITE_DBNAME"]) as conn:
            return [bytes(r[0]) for r in conn.execute("SELECT state FROM stored_events")]
    dsn = (
        f"host={env['POSTGRES_HOST']} port={env['POSTGRES_PORT']} dbname={env['POSTGRES_DBNAME']}"
        f" user={env['POSTGRES_USER']} password={env['POSTGRES_PASSWORD']}"
    )
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(f'SELECT state FROM "{env["POSTGRES_SCHEMA"]}".banli_events').fetchall()
        return [bytes(r[0]) for r in rows]


def test_personal_data_is_encrypted_at_rest_with_a_cipher_key(store_env: dict[str, str]) -> None:
    env = {
        **store_env,
        "CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
        "CIPHER_KEY": AESCipher.create_key(16),
    }
    app = BanliApplication(env=env)
    flow = Flow(app)
    flow.assign()
    states = _raw_states(env)
    assert states and not any("张三".encode() in s for s in states)
    assert app.get_case(flow.id).proposers[0].name == "张三"
    assert app.get_case(flow.id, as_of=datetime.now(UTC)).version == 2  # index stays readable


def test_without_a_cipher_key_the_state_is_plain_json(store_env: dict[str, str]) -> None:
    """Shows the check above can fail: the same name is visible when no key is set."""
    Flow(BanliApplication(env=store_env)).assign()
    assert any("张三".encode() in s for s in _raw_states(store_env))

"""Tamper evidence an insider cannot rewrite, on SQLite and PostgreSQL.

Each attack is what the database's owner can do with a SQL prompt: edit or delete a stored
event, move an index row's ``recorded_at`` (which moves "as of" reads), rewrite the chain view,
and then run ``banli projections rebuild tamper_chain`` so the chain agrees with the rewritten
store. The anchors, published outside the database, still contradict it.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from banli.cli import main
from domain.errors import DamagedRecord
from infra import case_recompute, frozen_views, view_audit
from infra.anchor_sinks import configured_sinks
from infra.anchoring import AnchorRun, anchor_once
from infra.anchors import sign
from infra.chain_audit import anchor_key, verify_chain
from infra.frozen_views import Basis, figures_at
from infra.projection_runner import ProjectionRunner, rebuild
from projections import registry
from projections.audit_trail import AUDIT
from projections.core import ViewReader
from projections.ledger import CASES as LEDGER_CASES
from projections.ledger import NAME as LEDGER
from projections.ledger import UNITS as LEDGER_UNITS
from projections.tamper_chain import TamperChainView
from tests.support import Flow
from tests.tampering import Deployment, settings_for


@pytest.fixture
def deployment(store_env: dict[str, str], tmp_path: Path) -> Deployment:
    """Three registered and assigned cases (positions 1–6), their views, one anchor at 6."""
    d = Deployment.of(settings_for(store_env, tmp_path))
    for i in range(3):
        Flow(d.app, f"T-{i}").assign()
    ProjectionRunner(d.app, d.store).run()
    anchored = anchor(d).anchor
    assert anchored is not None and anchored.position == 6
    return d


@pytest.fixture
def commanded(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> Deployment:
    """The deployment, also as the ``BANLI_*`` environment ``banli`` commands read."""
    for name, value in deployment.environ().items():
        monkeypatch.setenv(name, value)
    return deployment


def anchor(d: Deployment) -> AnchorRun:
    return anchor_once(d.app, d.store, configured_sinks(d.settings), anchor_key(d.settings))


def rebuild_chain_as_the_attacker(d: Deployment) -> None:
    """The insider's rebuild: no anchor settings, so nothing stops the switch. Every other
    view too: verify compares the audit trail and the case views with the events, so a
    thorough insider rebuilds them over the rewritten store as well."""
    rebuild(d.app, d.store, registry.NAMES)


def reassign_t1(d: Deployment) -> None:
    """Rewrites T-1's assignment (position 4) to another unit."""
    d.edit_event(4, b'"lead_unit":"FIN"', b'"lead_unit":"EDU"')


def attack(d: Deployment, kind: str) -> int:
    """Carries out one attack; returns the position it changed."""
    if kind == "edit_event":
        reassign_t1(d)
        return 4
    if kind == "delete_event":
        d.delete_event(2)  # T-0's assignment, the last event of its case
        return 2
    # T-1's assignment now "happened" in 2099: as of today the case reads as unassigned.
    case_id = d.events_sql("SELECT originator_id FROM {index} WHERE notification_id = 4")[0][0]
    assert d.app.get_case(case_id, as_of=datetime.now(UTC)).version == 2
    d.move_recorded_at(4, "2099-01-01T00:00:00+00:00")
    assert d.app.get_case(case_id, as_of=datetime.now(UTC)).version == 1
    return 4


@pytest.mark.parametrize("kind", ["edit_event", "delete_event", "move_recorded_at"])
def test_attack_is_found_before_and_after_the_chain_is_rebuilt_over_it_R_X2_R_X3(
    deployment: Deployment, kind: str
) -> None:
    d = deployment
    assert d.verify().ok
    changed = attack(d, kind)

    found = d.verify()
    assert (found.ok, found.first_bad_position) == (False, changed)

    rebuild_chain_as_the_attacker(d)
    # The chain view alone now agrees with the rewritten store: only the anchor knows better.
    assert verify_chain(d.app, d.store).ok
    after = d.verify()
    assert (after.ok, after.first_bad_position, after.verification.anchors_checked) == (
        False,
        6,
        1,
    )
    assert after.reason is not None and "anchor of position 6" in after.reason


def test_an_edited_chain_row_is_found_R_X2(deployment: Deployment) -> None:
    d = deployment
    d.store.execute(f"UPDATE {d.chain_table()} SET hash = ? WHERE position = ?", ("0" * 64, 3))
    found = d.verify()
    assert (found.ok, found.first_bad_position) == (False, 3)


@pytest.mark.parametrize("kind", ["no_row", "other_version", "row_without_event"])
def test_an_index_out_of_step_with_the_events_is_tampering_even_unanchored_R_X3(
    store_env: dict[str, str], tmp_path: Path, kind: str
) -> None:
    """Reads resolve "as of" through the index: a row missing, claiming another version of the
    case, or standing where no event is, changes them, anchored or not."""
    d = Deployment.of(settings_for(store_env, tmp_path, anchor_file=None))
    for i in range(3):
        Flow(d.app, f"T-{i}").assign()
    if kind == "no_row":
        d.events_sql("DELETE FROM {index} WHERE notification_id = 5")
        bad = 5
    elif kind == "other_version":
        d.events_sql("UPDATE {index} SET originator_version = 9 WHERE notification_id = 5")
        bad = 5
    else:
        d.events_sql(
            "INSERT INTO {index} SELECT 99, originator_id, 9, event_type, recorded_at "
            "FROM {index} WHERE notification_id = 6"
        )
        bad = 99
    rebuild_chain_as_the_attacker(d)  # built over the index as it now is
    found = d.verify()
    assert (found.ok, found.first_bad_position) == (False, bad)


def test_forged_anchor_lines_are_reported_and_not_trusted(deployment: Deployment) -> None:
    d = deployment
    assert d.settings.anchor_file is not None
    reassign_t1(d)
    rebuild_chain_as_the_attacker(d)
    rewritten = verify_chain(d.app, d.store).verification
    # Without the key: an anchor for the rewritten head, its HMAC made up.
    forged = sign(b"a guess", rewritten.head_position, rewritten.head_hash, "2099-01-01")
    with d.settings.anchor_file.open("a") as sink:
        sink.write(forged.line() + "\n")
    found = d.verify()
    assert not found.ok and found.verification.anchors_checked == 1  # the forged one: not counted
    assert any("line 2: forged anchor for position 6" in p for p in found.anchor_problems)
    assert found.first_bad_position == 6  # the true anchor still contradicts the store


def test_a_valid_anchor_of_a_rewritten_store_does_not_outvote_an_earlier_one_R_X2(
    deployment: Deployment,
) -> None:
    """Even with the key (an insider who also holds it), an anchor is only appended: the
    earlier anchors stay in the sinks, and every one of them is checked."""
    d = deployment
    assert d.settings.anchor_file is not None and d.settings.anchor_key is not None
    reassign_t1(d)
    rebuild_chain_as_the_attacker(d)
    rewritten = verify_chain(d.app, d.store).verification
    key = d.settings.anchor_key.get_secret_value().encode()
    signed = sign(key, rewritten.head_position, rewritten.head_hash, "2099-01-01")
    with d.settings.anchor_file.open("a") as sink:
        sink.write(signed.line() + "\n")
    found = d.verify()
    assert (found.ok, found.verification.anchors_checked, found.first_bad_position) == (
        False,
        2,
        6,
    )


def test_anchoring_extends_the_store_head_not_the_chain_view(deployment: Deployment) -> None:
    d = deployment
    Flow(d.app, "T-3").assign()  # positions 7 and 8; the chain view has not seen them
    assert max(d.chain()) == 6
    run = anchor(d)
    assert run.anchor is not None and run.anchor.position == 8
    assert anchor(d).anchor is None  # nothing new: no second line for the same head
    assert len(d.anchor_lines()) == 2
    ProjectionRunner(d.app, d.store).run()
    verified = d.verify()
    assert (verified.ok, verified.events_checked, verified.verification.anchors_checked) == (
        True,
        8,
        2,
    )


def test_the_anchor_step_refuses_when_the_store_no_longer_matches_R_X2(
    commanded: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    d = commanded
    reassign_t1(d)
    Flow(d.app, "T-3").assign()  # new events to anchor, on top of a rewritten history
    assert main(["audit", "anchor"]) == 1
    assert "refusing to anchor: tampering at position 4" in capsys.readouterr().err
    assert len(d.anchor_lines()) == 1
    rebuild_chain_as_the_attacker(d)  # the chain view no longer objects; the anchor does
    assert main(["audit", "anchor"]) == 1
    assert "anchor of position 6" in capsys.readouterr().err
    assert len(d.anchor_lines()) == 1
    assert main(["audit", "verify"]) == 1
    assert '"ok": false' in capsys.readouterr().out


def test_a_rebuild_that_contradicts_an_anchor_is_refused_and_keeps_the_active_chain_R_X2(
    commanded: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    d = commanded
    active, chain = d.store.active_generation(TamperChainView.name), d.chain()
    reassign_t1(d)
    assert main(["projections", "rebuild", "tamper_chain"]) == 1
    err = capsys.readouterr().err
    assert "tampering: the rebuilt tamper chain contradicts the anchor of position 6" in err
    assert d.store.active_generation(TamperChainView.name) == active
    assert d.chain() == chain
    assert d.verify().first_bad_position == 4  # the kept chain still points at the edit
    # An intact store rebuilds as before.
    d.edit_event(4, b'"lead_unit":"EDU"', b'"lead_unit":"FIN"')
    assert main(["projections", "rebuild", "tamper_chain"]) == 0
    assert d.store.active_generation(TamperChainView.name) != active
    assert d.verify().ok


@pytest.mark.parametrize("kind", ["as_text", "invalid_utf8"])
def test_an_event_the_store_cannot_hand_back_is_a_finding_not_a_crash_R_X2(
    deployment: Deployment, kind: str
) -> None:
    """SQLite keeps whatever a cell is given: the same JSON as text instead of bytes, or text
    that is not UTF-8, which its driver refuses to read. Either is a change at its position;
    the check reports it there and goes on to every other event."""
    d = deployment
    if d.settings.database_url:
        pytest.skip("PostgreSQL's bytea column holds bytes only")
    if kind == "as_text":
        d.events_sql("UPDATE {events} SET state = CAST(state AS TEXT) WHERE {pos} = 4")
    else:
        d.events_sql("UPDATE {events} SET state = CAST(x'7bff' AS TEXT) WHERE {pos} = 4")
    d.edit_event(6, b'"lead_unit":"FIN"', b'"lead_unit":"EDU"')  # a second change, later on
    found = d.verify()
    assert (found.ok, found.first_bad_position) == (False, 4)
    assert found.events_checked == 6
    assert found.reason is not None and "at 4" in found.reason
    # The later change is still found: at its own position where the chain can be followed
    # past the text, else by the anchor at 6.
    assert 6 in {f.position for f in found.findings}


@pytest.mark.parametrize("kind", ["deleted", "undecodable", "invalid_utf8"])
def test_a_case_whose_events_cannot_be_replayed_is_refused_by_name_not_a_crash_R_X2(
    deployment: Deployment, kind: str
) -> None:
    """One event deleted (its case now starts at version 2), turned into bytes that do not
    decode, or into text SQLite's driver refuses to read: reading the case and a command on it
    are refused with R-X2 naming the case (they were the library's error: a 500 on every read
    of it). Figures at a past position leave the case out and name it (they were refused as a
    whole: one damaged case wedged every export at a position)."""
    d = deployment
    [(case_id,)] = d.events_sql("SELECT originator_id FROM {index} WHERE notification_id = 3")
    if kind == "deleted":
        d.delete_event(3)  # T-1's registration
    elif kind == "invalid_utf8":
        if d.settings.database_url:
            pytest.skip("PostgreSQL's bytea column holds bytes only")
        d.events_sql("UPDATE {events} SET state = CAST(x'7bff' AS TEXT) WHERE {pos} = 4")
    else:
        d.events_sql("UPDATE {events} SET state = ? WHERE {pos} = 4", (b"\x00not json",))
    with pytest.raises(DamagedRecord, check=lambda e: e.rule == "R-X2" and str(case_id) in e.zh):
        d.app.get_case(str(case_id))
    numbers, basis = figures_at(
        d.app, d.store, [LEDGER], _numbers, as_of=date(2025, 6, 30), position=5
    )
    assert (numbers, basis.left_out) == (["T-0", "T-2"], ((str(case_id), "T-1"),))
    assert basis.headers()["X-Banli-Damaged-Cases"] == str(case_id)
    assert basis.left_out_words() == (
        f"1 件的事件记录已损坏（R-X2），未计入本表：T-1（{case_id}）。"
        "请由审计运行防篡改链校验（banli audit verify）"
    )
    [(other,)] = d.events_sql("SELECT originator_id FROM {index} WHERE notification_id = 1")
    Flow.of(d.app, str(other)).contact()  # the other cases still read and take commands


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_user", "someone-else"),
        ("recorded_at", "2025-01-01T01:00:00+00:00"),
        ("data", '{"lead_unit": "EDU"}'),
    ],
)
def test_an_edited_audit_row_is_found_though_no_event_changed_R_X1_R_X2(
    deployment: Deployment, column: str, value: str
) -> None:
    """The trail is a read model: an edit of one of its rows (who did it, when it was
    recorded: what hides a late recording) changed what auditors read, and verify said ok."""
    d = deployment
    trail = d.store.table(AUDIT)
    d.store.execute(f"UPDATE {trail} SET {column} = ? WHERE position = ?", (value, 4))
    found = d.verify()
    assert (found.ok, found.first_bad_position) == (False, 4)
    assert found.reason is not None and column in found.reason
    assert found.as_dict()["trail_rows_checked"] == 6
    d.store.execute(f"DELETE FROM {trail} WHERE position = ?", (5,))
    assert {4, 5} <= {f.position for f in d.verify().findings}


def _ledger_stage(d: Deployment, case_position: int) -> tuple[str, str]:
    [(case_id,)] = d.events_sql(
        "SELECT originator_id FROM {index} WHERE notification_id = ?", (case_position,)
    )
    [row] = d.store.fetch(
        f"SELECT stage FROM {d.store.table(LEDGER_CASES)} WHERE case_id = ?", [str(case_id)]
    )
    return str(case_id), str(row["stage"])


@pytest.mark.parametrize(
    ("edit", "changed"),
    [
        ("UPDATE {cases} SET stage = 'closed' WHERE case_id = ?", "(stage)"),
        ("UPDATE {cases} SET key = 1 WHERE case_id = ?", "(key)"),
        # Braces in a forged value once broke the finding's wording, and verify said 完整.
        ("UPDATE {cases} SET title = '{{case}} {{伪造' WHERE case_id = ?", "(title)"),
        ("DELETE FROM {units} WHERE case_id = ?", "are 0 where its events give 1"),
    ],
)
def test_an_edited_case_view_is_found_though_no_event_changed_R_X2(
    deployment: Deployment, edit: str, changed: str
) -> None:
    """The ledger is a read model: a verdict or a stage edited in it changed every dashboard
    and export, and verify said ok. Verify now recomputes the case views at the position they
    stand at and names the case, at its last event, with what differs."""
    d = deployment
    clean = d.verify().as_dict()
    assert (clean["ok"], clean["views_checked_at"]) == (True, 6)
    assert clean["view_rows_checked"] > 6  # every row of every case view, not one a case
    case_id, _ = _ledger_stage(d, 3)  # T-1, registered at 3 and assigned at 4
    tables = {"cases": d.store.table(LEDGER_CASES), "units": d.store.table(LEDGER_UNITS)}
    d.store.execute(edit.format(**tables), (case_id,))
    found = d.verify()
    if "stage" in edit:  # what the row holds against what the events give, in Chinese too
        said = "stage 库中为 closed，按事件应为 handling"
        assert found.reason is not None and said in found.reason
    if "title" in edit:  # quoted as it is, braces and all
        assert found.reason is not None and "title 库中为 {case} {伪造，" in found.reason
    # At the case's last event (its assignment), where an auditor opens it: not at the head.
    assert (found.ok, found.first_bad_position) == (False, 4)
    assert found.reason is not None and changed in found.reason
    assert f"case T-1 ({case_id})" in found.reason  # by number, as the office knows it


def test_case_views_that_cannot_be_compared_are_a_finding_not_a_pass_R_X2(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison once failed on a forged value (its braces broke the wording) and
    verify answered 完整 with the views "not checked", as if they were still moving."""
    d = deployment
    case_id, _ = _ledger_stage(d, 3)
    d.store.execute(
        f"UPDATE {d.store.table(LEDGER_CASES)} SET key = 1 WHERE case_id = ?", (case_id,)
    )

    def failing(*args: object) -> object:
        raise RuntimeError("the comparison itself failed")

    monkeypatch.setattr(view_audit, "_rows", failing)
    found = d.verify()
    assert (found.ok, found.first_bad_position) == (False, 6)
    assert found.reason is not None and "未能核对完毕：RuntimeError" in found.reason


def test_a_row_for_no_case_in_a_case_view_is_found_R_X2(deployment: Deployment) -> None:
    d = deployment
    case_id, _ = _ledger_stage(d, 1)
    table = d.store.table(LEDGER_UNITS)
    insert = f"INSERT INTO {table} (case_id, unit, role) VALUES (?, ?, 'co')"
    d.store.execute(insert, ("forged", "FIN"))
    d.store.execute(insert, (case_id, "EDU"))
    reasons = {f.reason for f in d.verify().findings}
    assert any("case ? (forged) are 1 where its events give 0" in r for r in reasons)
    assert any(case_id in r and "are 2 where its events give 1" in r for r in reasons)


def test_a_case_view_row_copied_where_its_key_was_dropped_is_found_R_X2(
    deployment: Deployment,
) -> None:
    """An insider who drops a table's key can copy a row: the same rows again, which rows
    compared as sets do not show. The rows each case has are counted on both sides."""
    d = deployment
    case_id, _ = _ledger_stage(d, 1)
    table = d.store.table(LEDGER_UNITS)
    if d.settings.database_url:
        d.store.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table.split('.')[-1]}_pkey", ())
    else:
        d.store.execute(f"CREATE TABLE unkeyed AS SELECT * FROM {table}", ())
        d.store.execute(f"DROP TABLE {table}", ())
        d.store.execute(f"ALTER TABLE unkeyed RENAME TO {table}", ())
    d.store.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE case_id = ?", (case_id,))
    reasons = {f.reason for f in d.verify().findings}
    assert any(case_id in r and "are 2 where its events give 1" in r for r in reasons), reasons


def test_verify_reads_only_the_rows_the_database_finds_apart_and_counts_the_same_rows_R_X2(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading every row of both sides into Python was a quarter of a verify at 10⁶ events.
    The database holding the views finds the rows apart; the cases it finds the same are not
    read."""
    d = deployment
    read: list[Any] = []
    real = view_audit._rows

    def rows(reader: Any, table: Any, case_ids: Any) -> Any:
        read.append(list(case_ids))
        return real(reader, table, case_ids)

    monkeypatch.setattr(view_audit, "_rows", rows)
    clean = d.verify().as_dict()
    assert clean["ok"] and read == []
    monkeypatch.setattr(view_audit, "suspects", lambda *args: nullcontext())  # all read
    assert d.verify().as_dict()["view_rows_checked"] == clean["view_rows_checked"]
    monkeypatch.undo()
    monkeypatch.setattr(view_audit, "_rows", rows)
    case_id, _ = _ledger_stage(d, 3)
    d.store.execute(
        f"UPDATE {d.store.table(LEDGER_CASES)} SET stage = 'closed' WHERE case_id = ?", (case_id,)
    )
    read.clear()
    assert not d.verify().ok
    assert read and all(ids == [case_id] for ids in read)


def _numbers(reader: ViewReader, basis: Basis) -> list[str]:
    table = reader.table(LEDGER_CASES)
    return sorted(str(r["number"]) for r in reader.fetch(f"SELECT number FROM {table}", []))


def test_an_edited_case_view_is_found_beside_a_case_that_cannot_be_replayed_R_X2(
    deployment: Deployment,
) -> None:
    """An insider who also broke one case's events turned the case views' comparison off:
    verify reported the broken event, and an edited stage of another case went unseen. The
    other cases are compared still; the broken one is the chain's finding."""
    d = deployment
    damaged, _ = _ledger_stage(d, 1)  # T-0, registered at 1
    edited, _ = _ledger_stage(d, 3)  # T-1, assigned at 4
    d.events_sql("UPDATE {events} SET state = ? WHERE {pos} = 1", (b"\x00not json",))
    d.store.execute(
        f"UPDATE {d.store.table(LEDGER_CASES)} SET stage = 'closed' WHERE case_id = ?", (edited,)
    )
    found = d.verify().as_dict()
    assert found["views_checked_at"] == 6
    reasons = [f["reason"] for f in found["findings"]]
    assert any(f"case T-1 ({edited})" in r and "(stage)" in r for r in reasons), reasons
    assert not any(damaged in r for r in reasons if "(stage)" in r)


def test_a_recomputation_reads_each_chunk_of_cases_in_one_query_R_X2(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verify and figures at a position loaded each case with a query of its own: 84 s of a
    verify at 10⁶ events. A chunk of cases is read in one query and folded as the log runner
    folds them; the case-by-case load is left for a chunk holding a damaged case (above). The
    views so recomputed are the incremental ones, row for row (verify compares them)."""

    def one_by_one(*args: object) -> None:
        raise AssertionError("a chunk of sound cases was loaded case by case")

    monkeypatch.setattr(case_recompute, "_case_by_case", one_by_one)
    monkeypatch.setattr(frozen_views, "CHUNK", 2)  # the three cases and their units, in chunks
    d = deployment
    found = d.verify().as_dict()
    assert (found["ok"], found["views_checked_at"]) == (True, 6)
    assert found["view_rows_checked"] > 6
    numbers, basis = figures_at(
        d.app, d.store, [LEDGER], _numbers, as_of=date(2025, 6, 30), position=4
    )
    assert (numbers, basis.left_out) == (["T-0", "T-1"], ())


def test_figures_asked_at_a_position_are_recomputed_not_read_from_edited_views_R_X2(
    deployment: Deployment,
) -> None:
    """An auditor re-derives an export by its position. Answered from the live views when they
    stood there, a forged stage (or verdict) was printed as the same figures again."""
    d = deployment
    _, stage = _ledger_stage(d, 1)
    d.store.execute(f"UPDATE {d.store.table(LEDGER_CASES)} SET stage = 'closed'", ())

    def stages(reader: ViewReader, basis: Basis) -> list[str]:
        table = reader.table(LEDGER_CASES)
        return [str(r["stage"]) for r in reader.fetch(f"SELECT stage FROM {table}", [])]

    found, basis = figures_at(d.app, d.store, [LEDGER], stages, as_of=date(2025, 6, 30), position=6)
    assert (found, basis.computed_from) == ([stage] * 3, "event_store")
    assert stage != "closed"

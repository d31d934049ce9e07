"""A store written by the code of December 2026 (before the redesign; ``tests/fixtures``) still
loads with today's code: every stored event decodes under its stored topic, and a rebuild
derives the same views and case documents as that code did."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from projections.audit_trail import json_text
from projections.core import NO_DAY
from tests.fixtures.make_store import FIXTURE, views_and_documents


def plain(value: Any) -> Any:
    """As the JSON file holds it."""
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True))


def test_a_store_written_before_the_redesign_rebuilds_to_identical_views(tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "events.sqlite3", tmp_path / "events.sqlite3")
    expected = json.loads((FIXTURE / "expected.json").read_text())
    actual = plain(views_and_documents(tmp_path))
    assert actual["as_of"] == expected["as_of"]
    # A view may gain tables too, each named here with what it holds for this store.
    assert sorted(actual["tables"]) == sorted([*expected["tables"], *TABLES_ADDED_SINCE])
    for table, rows in TABLES_ADDED_SINCE.items():
        assert actual["tables"][table] == rows, table
    # A view's rows may gain columns (a new one is filled by the rebuild, ``stage_order``);
    # every column they had keeps its value, row for row, but for the changes made on purpose
    # since (``as_changed_since``), each checked for what it became.
    tables = as_changed_since(expected["tables"], actual["tables"])
    for table, rows in tables.items():
        assert_contains(actual["tables"][table], rows, table)
    # Documents may gain keys (API.md: add, never rename); every key they had keeps its value.
    assert sorted(actual["documents"]) == sorted(expected["documents"])
    for case_id, document in expected["documents"].items():
        assert_contains(actual["documents"][case_id], named_rehandling(document), case_id)


# R-P2 across a merge (2026-12-07): a merged case whose proposers refused disclosure. The
# fixture's store has no such case.
TABLES_ADDED_SINCE: dict[str, list[Any]] = {"public_merge_refusals": []}


def assert_contains(actual: Any, expected: Any, where: str) -> None:
    """``actual`` holds everything ``expected`` holds, at the same places."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} is gone"
            assert_contains(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_contains(a, e, f"{where}[{i}]")
    else:
        assert actual == expected, where


# unit_case_facts' counts of disclosure and re-handling deadlines, replaced by the deadlines'
# dates so that a deadline still running is judged for the day asked (2026-12-05).
COUNTED = ("proactive_replies", "disclosed_on_time", "rehandlings", "rehandlings_on_time")


def as_changed_since(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """The fixture's rows as today's code is meant to derive them:

    - 2026-12-05, R-S1: a re-handling deadline names the lead unit that owes it (a split
      case's still names none);
    - 2026-12-05, DOMAIN.md §4: the disclosure and re-handling counts of ``unit_case_facts``
      became the deadlines behind them; the counts must follow from those;
    - 2026-12-05 (later), R-X1: the audit trail's ``data`` and ``provenance`` are written
      without spaces (``audit_trail.json_text``): the same JSON values, in today's text;
    - 2026-12-05 (later), R-M1: a merged partner's replying unit is answered by the merge's
      reply (it met the partner's reply deadline already): its reply day and class are the
      primary's;
    - 2026-12-05 (next session), R-S1: a case with no deadline overdue holds ``NO_DAY``
      (9999-12-31) in ``ledger_cases.overdue_from`` instead of NULL, so that 逾期天数 sorts
      by the column's index; every day it held stays.
    - 2026-12-06, R-S1: a reference case's contact deadline (R-D5) names the unit the case
      went to, as the re-handling deadline names its lead.
    - 2026-12-07, R-D4: a reply that owes no publication holds ``NO_DAY`` in
      ``disclosure_register.due_on`` instead of NULL, so the register's pages follow its index
      in one order on every store; every day it held stays.
    """
    cases = {c["case_id"]: c for c in expected["ledger_cases"]}
    deadlines = []
    for row in expected["ledger_deadlines"]:
        case = cases[row["case_id"]]
        owned = row["kind"] == "reference_contact" or (
            row["kind"] == "rehandling" and case["split_units"] == "[]"
        )
        if owned and row["unit"] is None:
            row = {**row, "unit": case["lead_unit"]}
        deadlines.append(row)
    facts = []
    for old, new in zip(expected["unit_case_facts"], actual["unit_case_facts"], strict=True):
        disclosure = json.loads(new["disclosure_deadlines"])
        rehandling = json.loads(new["rehandling_deadlines"])
        assert (len(disclosure), sum(map(on_time, disclosure))) == (
            old["proactive_replies"],
            old["disclosed_on_time"],
        ), new["number"]
        assert (len(rehandling), sum(map(on_time, rehandling))) == (
            old["rehandlings"],
            old["rehandlings_on_time"],
        ), new["number"]
        assert sum(bool(p[3]) for p in rehandling) == old["rehandlings_extended"]
        kept = {k: v for k, v in old.items() if k not in (*COUNTED, "rehandlings_extended")}
        facts.append(kept)
    facts = [_answered_by_merge(row, actual["ledger_cases"], facts) for row in facts]
    trail = [
        {**row, **{k: json_text(json.loads(row[k])) for k in TRAIL_JSON if row[k] is not None}}
        for row in expected["audit_events"]
    ]
    ledger = [{**c, "overdue_from": c["overdue_from"] or NO_DAY} for c in expected["ledger_cases"]]
    assert any(c["overdue_from"] is None for c in expected["ledger_cases"])
    register = [{**r, "due_on": r["due_on"] or NO_DAY} for r in expected["disclosure_register"]]
    assert any(r["due_on"] is None for r in expected["disclosure_register"])
    return {
        **expected,
        "ledger_cases": ledger,
        "disclosure_register": register,
        "ledger_deadlines": deadlines,
        "unit_case_facts": facts,
        "audit_events": trail,
    }


TRAIL_JSON = ("data", "provenance")


def _answered_by_merge(
    row: dict[str, Any], cases: list[dict[str, Any]], facts: list[dict[str, Any]]
) -> dict[str, Any]:
    """The partner's row with the primary's reply day and class (R-M1, 2026-12-05)."""
    case = next(c for c in cases if c["number"] == row["number"])
    merged: list[str] = json.loads(case["merged_numbers"] or "[]")
    if not merged or merged[0] == row["number"] or row["role"] not in ("lead", "split"):
        return row
    primary = next(f for f in facts if f["number"] == merged[0] and f["role"] == "lead")
    answer = {k: primary[k] for k in ("reply_issued_on", "classification")}
    return {**row, **answer} if primary["reply_issued_on"] else row


def on_time(period: list[Any]) -> bool:
    """Met by its due date, never after it was missed (``met_on_time``), over all time."""
    due, met, missed, _ = period
    return bool(met) and met <= due and (missed is None or met <= missed)


def named_rehandling(document: dict[str, Any]) -> dict[str, Any]:
    """A case document's re-handling deadlines naming the lead unit (R-S1, 2026-12-05), and
    a reference case's contact deadline naming its unit (R-S1, 2026-12-06); a ``missed_on``
    only on a deadline that was missed (R-D8, 2026-12-07: one met before the case closed had
    the closing day)."""
    owners = {
        "rehandling": document["lead_unit"] if not document["split_units"] else None,
        "reference_contact": document["lead_unit"],
    }
    deadlines = [
        {**d, "unit": owners[d["kind"]]} if d["kind"] in owners and d["unit"] is None else d
        for d in document["deadlines"]
    ]
    deadlines = [d if d["status"] == "missed" else {**d, "missed_on": None} for d in deadlines]
    return {**document, "deadlines": deadlines}

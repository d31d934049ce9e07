"""A store written by the code of December 2026 (before the redesign; ``tests/fixtures``) still
loads with today's code: every stored event decodes under its stored topic, and a rebuild
derives the same views and case documents as that code did."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.fixtures.make_store import FIXTURE, views_and_documents


def plain(value: Any) -> Any:
    """As the JSON file holds it."""
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True))


def test_a_store_written_before_the_redesign_rebuilds_to_identical_views(tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "events.sqlite3", tmp_path / "events.sqlite3")
    expected = json.loads((FIXTURE / "expected.json").read_text())
    actual = plain(views_and_documents(tmp_path))
    assert actual["as_of"] == expected["as_of"]
    assert sorted(actual["tables"]) == sorted(expected["tables"])
    # A view's rows may gain columns (a new one is filled by the rebuild, ``stage_order``);
    # every column they had keeps its value, row for row.
    for table, rows in expected["tables"].items():
        assert_contains(actual["tables"][table], rows, table)
    # Documents may gain keys (API.md: add, never rename); every key they had keeps its value.
    assert sorted(actual["documents"]) == sorted(expected["documents"])
    for case_id, document in expected["documents"].items():
        assert_contains(actual["documents"][case_id], document, case_id)


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

"""A recomputation split across processes (``infra/split_recompute.py``): the figures at a past
position, and verify's check of the views, come out row for row as one process makes them,
damaged cases named the same; a process that fails leaves the work to the one that asked."""

from __future__ import annotations

import os
from typing import Any

import pytest

from infra import frozen_views, split_recompute
from projections.ledger import CASES as LEDGER_CASES
from tests.api.conftest import Api, register_and_assign
from tests.api.test_exports import AS_OF, book, download, rows
from tests.tampering import Deployment


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every recomputation split, a case a chunk; the answers of each split, in order."""
    monkeypatch.setattr(frozen_views, "CHUNK", 1)
    monkeypatch.setattr(split_recompute, "SPLIT_FROM_CHUNKS", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    answers: list[Any] = []
    real = split_recompute.recompute

    def recompute(*args: Any, **kwargs: Any) -> Any:
        answers.append(real(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(split_recompute, "recompute", recompute)
    return answers


def damaged_store(api: Api) -> tuple[str, int]:
    """Three cases, the first one's registration broken in the database; its id, and the
    position before the damage."""
    damaged = register_and_assign(api, "S-1")
    register_and_assign(api, "S-2")
    register_and_assign(api, "S-3")
    position = api.head()
    Deployment(api.services.settings, api.services.app, api.services.views).break_registration(
        damaged
    )
    return damaged, position


def ledger_at(api: Api, position: int) -> tuple[str, list[Any], list[Any]]:
    found = download(api, "/v1/exports/ledger.xlsx", as_of=AS_OF, position=position)
    sheets = book(found)
    named = found.headers["x-banli-damaged-cases"]
    said = [r for r in rows(sheets["说明"]) if not str(r[0]).startswith("生成时间")]
    return named, rows(sheets["建议办理台账"]), said


def test_figures_split_across_processes_are_one_process_s_and_name_the_damaged_case_R_X2(
    backend_api: Api, split: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    api = backend_api
    damaged, position = damaged_store(api)
    apart = ledger_at(api, position)
    assert split and split[-1] == [damaged]  # split, and the damaged case named by its process
    monkeypatch.setattr(split_recompute, "SPLIT_FROM_CHUNKS", 10**9)
    together = ledger_at(api, position)
    assert split[-1] is None  # not split this time
    assert apart == together
    assert apart[0] == damaged and [r[0] for r in apart[1]] == ["S-2", "S-3"]


def test_verify_s_check_of_the_views_split_across_processes_finds_an_edited_row_R_X2(
    api: Api, split: list[Any]
) -> None:
    register_and_assign(api, "S-4")
    register_and_assign(api, "S-5")
    assert api.get("/v1/audit/verify", "auditor").json()["ok"] is True
    assert split and split[-1] == []
    views = api.services.views
    edit = f"UPDATE {views.table(LEDGER_CASES)} SET title = 'edited' WHERE number = 'S-5'"
    views.execute(edit, ())
    found = api.get("/v1/audit/verify", "auditor").json()
    assert found["ok"] is False and any("S-5" in f["reason"] for f in found["findings"])
    assert split[-1] == []


def _dies(*args: Any) -> None:
    os._exit(3)  # a process gone without a word (killed, out of memory)


def test_a_split_whose_process_dies_is_recomputed_by_the_asking_process_R_X2(
    api: Api, split: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged, position = damaged_store(api)
    whole = ledger_at(api, position)
    assert split[-1] == [damaged]
    monkeypatch.setattr(split_recompute, "_share", _dies)
    assert ledger_at(api, position) == whole
    assert split[-1] is None  # given up, then done by the process that asked

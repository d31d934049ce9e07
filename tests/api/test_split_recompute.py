"""A recomputation split across processes (``infra/split_recompute.py``): the figures at a past
position, and verify's check of the views, come out row for row as one process makes them,
damaged cases named the same; a process that fails leaves the work to the one that asked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from api.read_scope import views_current
from infra import frozen_views, split_recompute
from infra.chain_audit import verify_chain
from projections import registry
from projections.ledger import CASES as LEDGER_CASES
from tests.api.conftest import Api, register_and_assign
from tests.api.test_exports import AS_OF, book, download, rows
from tests.tampering import Deployment

CASE_VIEWS = [view.name for view in registry.views().case]


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every recomputation split, a case a chunk; what each gave: the cases its processes left
    out, or None when it was not split (or gave up)."""
    monkeypatch.setattr(frozen_views, "CHUNK", 1)
    monkeypatch.setattr(split_recompute, "SPLIT_FROM_CHUNKS", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    answers: list[Any] = []
    real_start, real_wait = split_recompute.start, split_recompute.Split.wait

    def start(*args: Any, **kwargs: Any) -> Any:
        begun = real_start(*args, **kwargs)
        if begun is None:
            answers.append(None)
        return begun

    def wait(self: Any, *args: Any, **kwargs: Any) -> Any:
        answers.append(real_wait(self, *args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(split_recompute, "start", start)
    monkeypatch.setattr(split_recompute.Split, "wait", wait)
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


def test_verify_begins_the_views_recomputation_before_it_checks_the_chain_R_X2(
    api: Api, split: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its processes work while the chain and the trail are checked in the asking process."""
    register_and_assign(api, "S-6")
    said: list[str] = []
    real_start = split_recompute.start

    def start(*args: Any, **kwargs: Any) -> Any:
        said.append("recomputation begun")
        return real_start(*args, **kwargs)

    monkeypatch.setattr(split_recompute, "start", start)
    svc = api.services
    views_current(svc, *CASE_VIEWS)  # as the API waits before a verify
    head = api.head()
    found = verify_chain(
        svc.app, svc.views, progress=lambda stage, done, _: said.append(f"{stage} {done}")
    )
    assert found.ok and found.views.position == head
    # The chain's stage said at once, the recomputation begun before the chain is checked.
    assert said[:2] == ["chain 0", "recomputation begun"]
    assert said.index(f"chain {head}") < said.index("views 0")
    assert said.count("recomputation begun") == 1 and split[-1] == []


def test_views_that_moved_since_the_recomputation_began_are_compared_at_their_new_place_R_X2(
    api: Api, split: list[Any]
) -> None:
    """A case recorded while the chain is checked moves the views on; the recomputation begun
    before it holds no such case, and compared with it the new case's rows were findings."""
    register_and_assign(api, "S-7")
    svc = api.services
    views_current(svc, *CASE_VIEWS)
    moved: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "trail" and not moved:
            register_and_assign(api, "S-8")
            views_current(svc, *CASE_VIEWS)
            moved.append(api.head())

    found = verify_chain(svc.app, svc.views, progress=progress)
    assert found.views.position == moved[0] and found.ok, found.as_dict()
    assert found.views.checked > 0


def test_one_split_at_a_time_the_next_recomputes_in_the_asking_process_R_X2(
    api: Api, split: list[Any], tmp_path: Path
) -> None:
    """Exports at a past position asked at once each started a process per core."""
    register_and_assign(api, "S-9")
    register_and_assign(api, "S-10")
    app, at = api.services.app, api.head()
    first = frozen_views.begin_scratch(app, CASE_VIEWS, at, tmp_path / "a")
    second = frozen_views.begin_scratch(app, CASE_VIEWS, at, tmp_path / "b")
    assert first.split is not None and second.split is None
    apart, here = first.finish(), second.finish()
    try:
        table = apart.store.table(LEDGER_CASES)
        rows = "SELECT * FROM {} ORDER BY case_id"
        assert apart.store.fetch(rows.format(table), []) == here.store.fetch(
            rows.format(here.store.table(LEDGER_CASES)), []
        )
    finally:
        apart.store.datastore.close()
        here.store.datastore.close()
    third = frozen_views.begin_scratch(app, CASE_VIEWS, at, tmp_path / "c")
    assert third.split is not None  # the first one's processes are done: free again
    third.stop()

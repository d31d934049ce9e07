"""Events stored by an earlier build replay under this one (R-X3: any past state is
reconstructable). A field the code added to an event after some were stored must not make
those unreadable: one such case wedged every read of it and stopped the service's start."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from demo import summarise
from tests.support import Flow, merge, undo_merge
from tests.tampering import Deployment, settings_for


def test_an_undone_merge_stored_without_the_cases_it_separated_replays_R_X3_R_M1(
    store_env: dict[str, str], tmp_path: Path
) -> None:
    d = Deployment.of(settings_for(store_env, tmp_path))
    a, b = Flow(d.app, "S-1"), Flow(d.app, "S-2")
    for flow in (a, b):
        flow.assign()
    merge(d.app, a.id, b.id, on=date(2025, 3, 1))
    undo_merge(d.app, a.id, on=date(2025, 3, 5))
    [(position, state)] = d.events_sql(
        "SELECT {pos}, state FROM {events} WHERE {pos} = (SELECT MAX({pos}) FROM {events})"
    )
    # As the first undos were stored: without ``separated`` (b2ddc62 added it).
    stored = json.loads(bytes(state))
    assert stored.pop("separated") == ["S-1", "S-2"]
    earlier = json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode()
    d.events_sql("UPDATE {events} SET state = ? WHERE {pos} = ?", (earlier, position))
    d = Deployment.of(d.settings)  # nothing held in memory: read from the store
    for flow in (a, b):
        case = d.app.get_case(flow.id)
        assert case.merge is None and case.stage == "handling"
    assert [e.__class__.__name__ for e in d.app.case_events(b.id)][-1] == "MergeUndone"


def test_the_start_summary_leaves_out_a_case_that_cannot_be_replayed_R_X2(
    store_env: dict[str, str], tmp_path: Path
) -> None:
    """``make run`` prints this summary at every start; one case that did not replay raised
    out of it and the service did not start."""
    d = Deployment.of(settings_for(store_env, tmp_path))
    broken, sound = Flow(d.app, "S-3"), Flow(d.app, "S-4")
    for flow in (broken, sound):
        flow.assign()
    [(position,)] = d.events_sql(
        "SELECT notification_id FROM {index} WHERE originator_id = ? AND originator_version = 2",
        (broken.id,),
    )
    d.events_sql("UPDATE {events} SET state = ? WHERE {pos} = ?", (b"\x00not json", position))
    text = summarise(Deployment.of(d.settings).app)
    assert ": 1 cases," in text.splitlines()[0]
    assert f"1 cases cannot be replayed (R-X2), left out above: {broken.id}" in text

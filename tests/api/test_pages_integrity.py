"""A case page says what 审计's latest finished check found changed among its events (R-X2):
an edited event showed 联系到：是 in the timeline and 尚未联系到本人 in the summary, and
nothing on the page said the check had failed on it."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from api.pages_integrity import doubts_in
from api.schemas_audit import AuditEventPublic
from tests.api.conftest import Api, contact_body, register_and_assign
from tests.api.test_pages import logged_in
from tests.api.test_pages_audit import verified


def _edit_contact(tmp_path: Path, old: bytes, new: bytes) -> int:
    """Rewrites the stored contact event (``old`` → ``new`` in its state); answers its
    position."""
    with sqlite3.connect(tmp_path / "data" / "events.sqlite3") as conn:
        [(position, state)] = [
            (p, bytes(s))
            for p, s in conn.execute("SELECT rowid, state FROM stored_events")
            if b"\\u7535\\u8bdd" in bytes(s) or "电话沟通".encode() in bytes(s)
        ]
        assert old in state, state
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            (state.replace(old, new), position),
        )
    return int(position)


def _doubt(page: str) -> str:
    start = page.index('id="integrity-doubt"')
    return page[start : page.index("</div>", start)]


def test_a_case_page_names_its_event_the_last_check_found_changed_R_X2(
    api: Api, tmp_path: Path
) -> None:
    case_id = register_and_assign(api, "IN-1")
    other = register_and_assign(api, "IN-2")
    recorded = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    assert recorded.status_code == 201, recorded.text
    office = logged_in(api, "ban_gong_in", role="office")
    auditor = logged_in(api, "shen_ji_in", role="auditor")
    position = _edit_contact(tmp_path, b'"reached":true', b'"reached":false')
    # Not checked yet: nothing is known, and nothing is said.
    assert 'id="integrity-doubt"' not in office.get(f"/cases/{case_id}").text

    verified(auditor)
    page = office.get(f"/cases/{case_id}").text
    doubt = _doubt(page)
    # The contact is the case's third event (registered, assigned, contacted).
    assert '<a href="#ev-3">事件 #3</a>' in doubt and f"日志位置 {position}" in doubt
    assert f"位置 {position} 的事件或其索引行与防篡改链不符" in doubt
    assert "请联系审计人员" in doubt and 'href="/audit' not in doubt  # the office has no 审计
    # The views' rows of the case differ too: said of the case, not of an event.
    assert "本件在台账、统计等读模型中的记录：<span" in doubt
    timeline = page[page.index('id="ev-3"') : page.index('id="ev-3"') + 400]
    assert "校验未通过" in timeline
    assert "校验未通过" not in page[page.index('id="ev-2"') : page.index('id="ev-3"')]
    # The auditor is sent to the check itself; another case is not doubted.
    assert 'href="/audit?tab=verify"' in _doubt(auditor.get(f"/cases/{case_id}").text)
    assert 'id="integrity-doubt"' not in office.get(f"/cases/{other}").text

    # Put back and checked again: the latest finished check stands, and it found nothing.
    _edit_contact(tmp_path, b'"reached":false', b'"reached":true')
    verified(auditor)  # started; the tab shows the first run's result until this one's
    deadline = time.monotonic() + 30
    while 'id="integrity-doubt"' in office.get(f"/cases/{case_id}").text:
        assert time.monotonic() < deadline, "the clean check's result was not taken"
        time.sleep(0.05)


def test_a_finding_of_the_views_names_no_event_as_changed_R_X2() -> None:
    """Verify places a read model's finding at the case's last event, which was not changed:
    only the event's own findings (the chain's, the audit trail's) tag it."""
    events = cast(
        list[AuditEventPublic],
        [SimpleNamespace(id=f"c:{v}", position=40 + v) for v in (1, 2)],
    )
    result = {
        "findings": [
            {"position": 41, "reason": "位置 41 的事件或其索引行与防篡改链不符"},
            {"position": 42, "reason": "读模型 ledger 中 JY-1 的记录与其事件不符"},
            {"position": 99, "reason": "another case's"},
        ]
    }
    found = doubts_in(result, datetime(2026, 12, 8, tzinfo=UTC), events)
    assert found is not None
    assert [(d.version, d.of_event) for d in found.doubts] == [(1, True), (2, False)]
    assert doubts_in({"findings": result["findings"][2:]}, found.checked_at, events) is None

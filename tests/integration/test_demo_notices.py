"""`banli serve --demo` loads the demo year while its notices follower runs. The demo writes each
case's history in many transactions, in the order things happened; a follower judging a case
half-loaded saw deadlines its later events met as overdue (the screenshot showed 财政厅 told of
a 会办意见 "已逾期 597 天" that had been given on time). It waits for the load (R-S1, R-S3)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from banli.compose import build_services
from banli.serve import ensure_demo
from domain.deadlines.case_deadlines import case_deadlines
from infra.positions import notices_log_name
from infra.settings import Settings
from projections.notices import NOTICES


def test_R_S3_the_demo_load_notices_no_deadline_that_its_later_events_met(
    tmp_path: Path,
) -> None:
    services = build_services(Settings(data_dir=tmp_path / "data", reminder_sweep_seconds=0))
    try:
        ensure_demo(services)
        head = services.app.recorder.max_notification_id() or 0
        deadline = time.monotonic() + 120
        while (services.views.max_tracking_id(notices_log_name()) or 0) < head:
            assert time.monotonic() < deadline, "the notices follower did not reach the head"
            time.sleep(0.2)
        assert services.views_current()
        notices = services.views.fetch(f"SELECT * FROM {services.views.table(NOTICES)}", [])
        assert notices, "the demo year has overdue deadlines to notice"
        wrong = []
        for notice in notices:
            case = services.app.get_case(notice["case_id"])
            noticed_on = date.fromisoformat(notice["noticed_on"])
            now = [
                d
                for d in case_deadlines(case, services.app.calendar(), noticed_on)
                if (d.kind, d.unit or "") == (notice["kind"], notice["unit"] or "")
                and d.due_on.isoformat() == notice["due_on"]
            ]
            # The deadline the notice names, judged on the finished history that same day.
            if not now or now[0].status != notice["status"]:
                wrong.append((notice["number"], notice["kind"], notice["unit"], notice["status"]))
        assert wrong == []
    finally:
        services.close()

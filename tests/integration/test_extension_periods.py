"""Extensions 延期 in the read models (R-E1), on both stores: the ledger answers "as of" any day
exactly as the aggregate does (the original date until the office decided, the granted one from
that day), the overdue list chases the date valid on its day, and the on-time measures count
against the new date and say how many were extended."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain import commands as c
from infra.application import BanliApplication
from infra.projection_runner import ProjectionRunner
from infra.view_store import ViewStoreBase
from projections.ledger import ledger, overdue
from projections.unit_facts import unit_stats
from tests.support import OFFICE, Flow, handler

Stores = tuple[BanliApplication, ViewStoreBase]
# Assigned 2025-02-01: FIN's reply is due 2025-05-06, HOU's co opinion 2025-04-01.
ASKED, DECIDED = date(2025, 4, 20), date(2025, 5, 12)  # decided after the original date passed
GRANTED = date(2025, 6, 30)
# What a ledger deadline and the aggregate's must agree on, any day.
KEYS = ("kind", "unit", "due_on", "status", "days_overdue", "original_due_on", "extended_by")


def extend(flow: Flow, unit: str, kind: str, until: date, asked: date, decided: date) -> str:
    request = c.RequestExtension(
        case_id=flow.id,
        unit=unit,
        deadline_kind=kind,
        reason="需跨部门协调",
        requested_due_on=until,
        occurred_on=asked,
    )
    request_id: str = flow.run(request, handler(unit)).extra["request_id"]
    flow.run(
        c.DecideExtension(
            case_id=flow.id,
            request_id=request_id,
            approved=True,
            note="同意延期",
            occurred_on=decided,
        ),
        OFFICE,
    )
    return request_id


@pytest.fixture
def cases(stores: Stores) -> tuple[Stores, dict[str, Flow]]:
    app, store = stores
    late = Flow(app, "E-LATE")  # extended, then replied after the new date too
    late.assign("FIN", ["HOU"])
    extend(late, "FIN", "reply", GRANTED, ASKED, DECIDED)
    extend(late, "HOU", "co_opinion", date(2025, 4, 30), date(2025, 3, 20), date(2025, 3, 25))
    late.co_opinion("HOU", on=date(2025, 4, 25))  # late for 04-01, on time for 04-30
    late.contact()
    reply = late.submit(on=date(2025, 7, 1))
    late.approve(reply, on=date(2025, 7, 2))
    late.issue(reply, on=date(2025, 7, 3))
    saved = Flow(app, "E-SAVED")  # extended, replied between the original and the new date
    saved.assign()
    extend(saved, "FIN", "reply", GRANTED, ASKED, date(2025, 4, 25))
    saved.replied(on=date(2025, 6, 1))
    refused = Flow(app, "E-REFUSED")  # asked, refused: nothing moves
    refused.assign()
    request = c.RequestExtension(
        case_id=refused.id,
        unit="FIN",
        deadline_kind="reply",
        reason="理由",
        requested_due_on=GRANTED,
        occurred_on=ASKED,
    )
    request_id = refused.run(request, handler("FIN")).extra["request_id"]
    refused.run(
        c.DecideExtension(
            case_id=refused.id,
            request_id=request_id,
            approved=False,
            note="不同意",
            occurred_on=DECIDED,
        ),
        OFFICE,
    )
    ProjectionRunner(app, store).run()
    return stores, {"late": late, "saved": saved, "refused": refused}


def rows(store: ViewStoreBase, as_of: date) -> dict[str, dict[str, Any]]:
    return {r["number"]: r for r in ledger(store, as_of=as_of, limit=100)["items"]}


def test_the_ledger_is_the_aggregates_on_every_day_around_an_extension_R_E1(
    cases: tuple[Stores, dict[str, Flow]],
) -> None:
    (_, store), flows = cases
    day = date(2025, 3, 1)
    while day <= date(2025, 8, 1):
        found = rows(store, day)
        for flow in flows.values():
            got = sorted(tuple(d[k] for k in KEYS) for d in found[flow.case.number]["deadlines"])
            expected = sorted(tuple(d.as_dict()[k] for k in KEYS) for d in flow.case_deadlines(day))
            assert got == expected, (flow.case.number, day)
        day += timedelta(days=3)


def test_the_original_date_stays_visible_beside_the_granted_one_R_E1(
    cases: tuple[Stores, dict[str, Flow]],
) -> None:
    (_, store), _ = cases
    item = rows(store, date(2025, 6, 1))["E-LATE"]
    reply = next(d for d in item["deadlines"] if d["kind"] == "reply")
    assert (reply["due_on"], reply["original_due_on"], reply["status"]) == (
        "2025-06-30",
        "2025-05-06",
        "extended",
    )
    assert item["next_deadline"] == {
        "kind": "reply",
        "unit": "FIN",
        "due_on": "2025-06-30",
        "status": "extended",
        "original_due_on": "2025-05-06",
    }


def test_the_overdue_list_chases_the_date_valid_on_its_day_R_E1(
    cases: tuple[Stores, dict[str, Flow]],
) -> None:
    (_, store), _ = cases

    def listed(as_of: date) -> dict[str, int]:
        return {r["number"]: r["days_overdue"] for r in overdue(store, as_of=as_of)["items"]}

    # Between the original date and the office's decision the reply was overdue; E-SAVED's
    # extension was granted before its original date passed.
    assert listed(date(2025, 5, 10)) == {"E-LATE": 4, "E-REFUSED": 4}
    # Once granted, it is not chased until the new date passes; a refusal moved nothing.
    assert listed(date(2025, 6, 1)) == {"E-REFUSED": 26}
    late = overdue(store, as_of=date(2025, 7, 2))["items"]
    # Most overdue first: E-SAVED's reply of 06-01 owes its publication since 06-16 (R-D4).
    assert [r["number"] for r in late] == ["E-REFUSED", "E-SAVED", "E-LATE"]
    assert late[2]["overdue_deadlines"] == [
        {
            "kind": "reply",
            "unit": "FIN",
            "due_on": "2025-06-30",
            "days_overdue": 2,
            "original_due_on": "2025-05-06",
        }
    ]


def test_on_time_replies_count_against_the_new_date_and_report_the_extended_R_E1(
    cases: tuple[Stores, dict[str, Flow]],
) -> None:
    (_, store), _ = cases
    fin = next(
        i for i in unit_stats(store, as_of=date(2025, 12, 31))["items"] if i["unit"] == "FIN"
    )
    on_time = fin["measures"]["on_time_reply_rate"]
    assert (on_time["numerator"], on_time["denominator"]) == (1, 3)
    assert on_time["cases"] == ["E-SAVED"]  # issued 06-01: late for 05-06, on time for 06-30
    assert (on_time["extended"], on_time["extended_cases"]) == (2, ["E-LATE", "E-SAVED"])
    # The day before the office decided, E-LATE's reply was due by its original date, and
    # E-SAVED's (extended already) was not due yet.
    before = next(
        i for i in unit_stats(store, as_of=date(2025, 5, 11))["items"] if i["unit"] == "FIN"
    )["measures"]["on_time_reply_rate"]
    assert (before["of_cases"], before["extended"]) == (["E-LATE", "E-REFUSED"], 0)

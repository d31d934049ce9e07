"""R-S3: reminders (催办) are events on the case, and the lists the supervision office works
from say how often a case was chased and when last: the 台账 and 督办 rows, /v1/ledger and the
ledger export. Judged for the list's day, as its deadlines are: a reminder after it is unknown."""

from __future__ import annotations

import re

from tests.api.conftest import Api, register_and_assign
from tests.api.test_exports import book, download, header, rows
from tests.api.test_pages import logged_in


def remind(api: Api, case_id: str, day: str) -> None:
    body = {"means": "phone", "note": "请加快办理", "occurred_on": day}
    answer = api.post(f"/v1/cases/{case_id}/reminders", body, "supervisor")
    assert answer.status_code == 201, answer.text


def item(api: Api, number: str, **params: str) -> dict[str, object]:
    found = api.get("/v1/ledger", "office", **params).json()["items"]
    return next(i for i in found if i["number"] == number)


def test_the_ledger_says_how_often_and_when_last_a_case_was_chased_R_S3(api: Api) -> None:
    chased = register_and_assign(api, "R-1")  # assigned in 2025: overdue by now
    register_and_assign(api, "R-2")
    remind(api, chased, "2025-03-10")
    remind(api, chased, "2025-04-02")
    assert (item(api, "R-1")["reminders"], item(api, "R-1")["last_reminded_on"]) == (
        2,
        "2025-04-02",
    )
    assert (item(api, "R-2")["reminders"], item(api, "R-2")["last_reminded_on"]) == (0, None)
    before = item(api, "R-1", as_of="2025-03-31")
    assert (before["reminders"], before["last_reminded_on"]) == (1, "2025-03-10")

    page = logged_in(api, "du_cha", role="supervisor").get("/supervision?tab=overdue").text
    lines = {
        n: r for r in re.findall(r"<tr>.*?</tr>", page, re.S) for n in ("R-1", "R-2") if n in r
    }
    assert '<span class="tag" title="最近一次 2025-04-02">已催办 2 次</span>' in lines["R-1"]
    assert "已催办" not in lines["R-2"]

    sheet = book(download(api, "/v1/exports/ledger.xlsx"))["建议办理台账"]
    found = {r[0]: dict(zip(header(sheet), r, strict=True)) for r in rows(sheet)}
    assert (found["R-1"]["催办次数"], str(found["R-1"]["最近催办"])[:10]) == (2, "2025-04-02")
    assert (found["R-2"]["催办次数"], found["R-2"]["最近催办"]) == (0, None)

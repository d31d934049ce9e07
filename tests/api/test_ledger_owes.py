"""A handler lists what its unit has left to do (``awaiting=owes``, an addition to API.md): the
cases where a deadline of its own still runs. A review's handler found its co cases under
办理中 after its 会办意见 was sent, beside the lead unit's lateness, and nothing that listed
what its unit still owed."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.conftest import Api, co_opinion_body, register_and_assign
from tests.api.proposer_support import ok
from tests.api.test_pages import logged_in


def _numbers(api: Api, who: str, **params: str) -> list[str]:
    answer = api.get("/v1/ledger", who, awaiting="owes", **params)
    assert answer.status_code == 200, answer.text
    return sorted(item["number"] for item in answer.json()["items"])


def test_a_unit_s_open_deadlines_list_its_cases_and_a_sent_opinion_does_not_R_D1(
    api: Api,
) -> None:
    recently = (date.today() - timedelta(days=3)).isoformat()
    register_and_assign(api, "OW-1", lead="FIN", on=recently)  # FIN owes its reply
    co_case = register_and_assign(api, "OW-2", lead="HOU", co=("FIN",), on=recently)
    ok(
        api.post(
            f"/v1/cases/{co_case}/co-opinions", co_opinion_body("FIN", recently), "handler_fin"
        )
    )
    assert _numbers(api, "handler_fin") == ["OW-1"]  # its co opinion sent: nothing left there
    assert _numbers(api, "office", unit="FIN") == ["OW-1"]
    assert _numbers(api, "office", unit="HOU") == ["OW-2"]
    assert _numbers(api, "office") == ["OW-1", "OW-2"]  # any unit's
    # The handler's 总览 counts them, linked to its 台账 so filtered.
    page = logged_in(api, "fin_ow", role="handler", unit="FIN").get("/").text
    assert 'href="/ledger?awaiting=owes"' in page and "本单位尚有期限未办结的件" in page

"""Measures of DOMAIN.md §4 that issue 12 sharpened, on both stores: satisfaction reported by who
gave the verdict (R-F4: the proposer through their link, or the office keying it in), and the
A/B/C shares beside the previous year's (year on year)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import commands as c
from domain.records import Actor
from infra.application import BanliApplication
from infra.projection_runner import ProjectionRunner
from infra.view_store import ViewStoreBase
from projections.unit_facts import unit_stats
from tests.support import Flow

Stores = tuple[BanliApplication, ViewStoreBase]
AS_OF = date(2025, 12, 31)


def proposer(name: str) -> Actor:
    return Actor(user=f"proposer:{name}", role="proposer", unit=None)


def replied(app: BanliApplication, number: str, cls: str, year: int = 2025) -> Flow:
    received, assigned, on = (date(year, 1, 20), date(year, 2, 1), date(year, 4, 5))
    flow = Flow(app, number, received_on=received, year=year)
    flow.assign(on=assigned)
    flow.contact(on=date(year, 2, 10))
    flow.replied(cls, on=on)
    return flow


def fin(store: ViewStoreBase, **query: Any) -> dict[str, Any]:
    items = unit_stats(store, as_of=AS_OF, **query)["items"]
    found: dict[str, Any] = next(i for i in items if i["unit"] == "FIN")
    return found


def test_satisfaction_is_reported_by_source_R_F4(stores: Stores) -> None:
    app, store = stores
    for number, verdict in (("F-1", "satisfied"), ("F-3", "basically_satisfied")):
        flow = replied(app, number, "A")
        said = c.RecordFeedback(
            case_id=flow.id,
            verdict=verdict,
            occurred_on=date(2025, 5, 1),
            comments="",
            proposer="张三",
        )
        flow.run(said, proposer("张三"))
    replied(app, "F-2", "A").feedback("satisfied")  # keyed in by the office
    ProjectionRunner(app, store).run()
    satisfaction = fin(store, year=2025)["measures"]["satisfaction_rate"]
    assert (satisfaction["numerator"], satisfaction["denominator"]) == (3, 3)
    by_source = satisfaction["by_source"]
    assert (by_source["proposer"]["numerator"], by_source["proposer"]["denominator"]) == (2, 2)
    assert by_source["proposer"]["cases"] == ["F-1", "F-3"]
    assert (by_source["office"]["numerator"], by_source["office"]["of_cases"]) == (1, ["F-2"])
    strict = fin(store, year=2025)["measures"]["strict_satisfaction_rate"]["by_source"]
    assert (strict["proposer"]["cases"], strict["office"]["cases"]) == (["F-1"], ["F-2"])


def test_class_shares_stand_beside_the_previous_years(stores: Stores) -> None:
    app, store = stores
    replied(app, "P-1", "A", year=2024)
    replied(app, "P-2", "A", year=2024)
    replied(app, "P-3", "C", year=2024)
    replied(app, "N-1", "B")
    ProjectionRunner(app, store).run()
    shares = fin(store, year=2025)["class_shares"]
    assert (shares["B"]["numerator"], shares["B"]["denominator"]) == (1, 1)
    before = {k: shares[k]["previous_year"] for k in "ABC"}
    assert {k: (v["numerator"], v["denominator"]) for k, v in before.items()} == {
        "A": (2, 3),
        "B": (0, 3),
        "C": (1, 3),
    }
    assert before["A"]["cases"] == ["P-1", "P-2"]
    total = unit_stats(store, as_of=AS_OF, year=2025)["total"]["class_shares"]
    assert total["A"]["previous_year"]["rate"] == 2 / 3
    # A year with none before it in the store: the shares of nothing; no year asked: null.
    assert fin(store, year=2024)["class_shares"]["A"]["previous_year"]["denominator"] == 0
    assert fin(store)["class_shares"]["A"]["previous_year"] is None

"""The demo year (demo): deterministic, accepted by the rules, true to the seeds' figures.

Seed 002: the finance department's 76 lead cases answered A 41 / C 18 / B 17 with 297 co cases
(373 items), the housing department's 51 lead and 46 co cases; seed 003: units at 10, 11, 49 and
50 lead cases, either side of the R-V2 visit-rate steps.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from demo import DEMO_TODAY, DemoSummary, load_demo, summarise
from demo.earlier_year import earlier_cases, earlier_name
from domain.case import Case
from domain.deadlines.case_deadlines import case_deadlines
from domain.visit_rate import visit_compliance
from infra.application import BanliApplication

SMALL = 0.1
# Short random ids (reply, request and merge ids: uuid4().hex[:12]) differ between loads.
RANDOM_ID = re.compile(r"(?<![0-9a-f-])[0-9a-f]{12}(?![0-9a-f])")


def new_app(folder: Path) -> BanliApplication:
    folder.mkdir(parents=True, exist_ok=True)
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "e.db")}
    return BanliApplication(env=env)


def stored_topics(app: BanliApplication) -> list[str]:
    topics: list[str] = []
    while page := app.recorder.select_notifications(start=len(topics) + 1, limit=1000):
        topics += [n.topic for n in page]
    return topics


def stored_cases(app: BanliApplication) -> list[Case]:
    ids: dict[str, None] = {}
    start = 1
    while page := app.recorder.select_notifications(start=start, limit=1000):
        ids.update((str(n.originator_id), None) for n in page if n.topic.startswith("domain.case"))
        start = page[-1].id + 1
    return [app.get_case(i) for i in ids]


def comparable_state(case: Case) -> str:
    """The case's state without library bookkeeping (times) and with random ids blanked."""
    state = {k: v for k, v in vars(case).items() if not k.startswith("_")}
    return RANDOM_ID.sub("<id>", json.dumps(state, default=str, ensure_ascii=False))


@pytest.fixture(scope="module")
def full_year(tmp_path_factory: pytest.TempPathFactory) -> tuple[BanliApplication, DemoSummary]:
    app = new_app(tmp_path_factory.mktemp("full"))
    return app, load_demo(app)


# ---------------------------------------------------------------------- determinism


def test_same_seed_records_the_same_events_and_case_states(tmp_path: Path) -> None:
    first, second = new_app(tmp_path / "a"), new_app(tmp_path / "b")
    assert load_demo(first, seed=7, scale=SMALL) == load_demo(second, seed=7, scale=SMALL)

    assert stored_topics(first) == stored_topics(second)
    first_cases, second_cases = stored_cases(first), stored_cases(second)
    assert [c.id for c in first_cases] == [c.id for c in second_cases]
    assert [comparable_state(c) for c in first_cases] == [comparable_state(c) for c in second_cases]


def test_another_seed_gives_another_year(tmp_path: Path) -> None:
    first, second = new_app(tmp_path / "a"), new_app(tmp_path / "b")
    load_demo(first, seed=1, scale=SMALL)
    load_demo(second, seed=2, scale=SMALL)
    assert [comparable_state(c) for c in stored_cases(first)] != [
        comparable_state(c) for c in stored_cases(second)
    ]


# ---------------------------------------------------------------------- the seeds' figures


def test_finance_unit_reproduces_its_seed_figures_at_full_scale(
    full_year: tuple[BanliApplication, DemoSummary],
) -> None:
    app, summary = full_year
    cases = stored_cases(app)
    lead = [c for c in cases if c.lead_unit == "FIN" and not c.reference]
    classes = Counter(
        r.classification for c in lead for r in c.replies.values() if r.issued and r.unit == "FIN"
    )
    assert len(lead) == 76
    assert sum("FIN" in c.co_units for c in cases) == 297  # 373 items in all
    assert classes == {"A": 41, "B": 17, "C": 18}
    assert summary.unit_replies["FIN"] == {"A": 41, "B": 17, "C": 18}


def test_finance_lead_cases_meet_the_five_hundred_percent_targets(
    full_year: tuple[BanliApplication, DemoSummary],
) -> None:
    app, _ = full_year
    calendar = app.calendar()
    lead = [c for c in stored_cases(app) if c.lead_unit == "FIN" and not c.reference]
    assert all(any(x.reached for x in c.contacts) or c.visits for c in lead)
    assert all(c.visits for c in lead if c.key)
    assert all(h.proposer_present for c in lead for h in c.on_site_handlings)
    replies = [
        d for c in lead for d in case_deadlines(c, calendar, DEMO_TODAY) if d.kind == "reply"
    ]
    assert {d.status for d in replies} == {"met"}
    verdicts = {f.verdict for c in lead for f in c.feedback}
    assert verdicts <= {"satisfied", "basically_satisfied"}


def test_housing_and_threshold_units_have_their_lead_and_co_counts(
    full_year: tuple[BanliApplication, DemoSummary],
) -> None:
    app, summary = full_year
    cases = stored_cases(app)
    lead = Counter(c.lead_unit for c in cases if c.lead_unit and not c.reference)
    co = Counter(u for c in cases for u in c.co_units)
    assert (lead["HOU"], co["HOU"]) == (51, 46)
    # Both sides of each R-V2 step: ≤10 → 100 %, 11–49 → 50 %, ≥50 → 30 %.
    assert {10, 11, 49, 50} <= set(lead.values())
    assert summary.lead_cases == dict(lead)


def test_visit_rates_fall_on_both_sides_of_the_required_rate(
    full_year: tuple[BanliApplication, DemoSummary],
) -> None:
    app, _ = full_year
    lead: Counter[str] = Counter()
    visited: Counter[str] = Counter()
    declined: Counter[str] = Counter()
    for c in stored_cases(app):
        # R-V2 counts the cases a unit answers for: its lead cases and its split cases.
        answering = c.split_units if c.split_units else [c.lead_unit] if c.lead_unit else []
        for unit in [] if c.reference else answering:
            met = any(v.unit == unit for v in c.visits)
            lead[unit] += 1
            visited[unit] += met
            declined[unit] += any(d.unit == unit for d in c.declined_visits) and not met
    assert {9, 10, 11, 49, 50} <= set(lead.values())  # both sides of each step on the 总览
    compliance = {u: visit_compliance(n, visited[u], declined[u]) for u, n in lead.items()}
    by_size = {lead[u]: result for u, result in compliance.items()}
    assert by_size[10].compliant and by_size[11].compliant and by_size[50].compliant
    assert by_size[49].shortfall == 1  # 24 visits where ceil(49 / 2) = 25 are required
    assert by_size[51].actual_rate_excluding_declined == 1  # housing: all but 4 who declined
    assert any(not result.compliant for result in compliance.values() if result.lead_cases <= 10)


def test_every_business_date_lies_between_january_2025_and_the_demo_today(
    full_year: tuple[BanliApplication, DemoSummary],
) -> None:
    app, summary = full_year
    dated = [
        e.occurred_on
        for n in app.recorder.select_notifications(start=1, limit=summary.events)
        if hasattr(e := app.mapper.to_domain_event(n), "occurred_on")
    ]
    # Every event the load wrote carries a business date but the openings of the units' key
    # quotas (R-S2): one per unit that named a key case of its own.
    own_keys = {c.lead_unit for c in stored_cases(app) if c.key and c.key.source == "unit"}
    assert own_keys and len(dated) == summary.events - len(own_keys)
    assert date(2025, 1, 1) <= min(dated) and max(dated) <= DEMO_TODAY <= date.today()


def test_small_scale_shrinks_every_bucket_but_keeps_at_least_one(
    tmp_path: Path, full_year: tuple[BanliApplication, DemoSummary]
) -> None:
    _, full = full_year
    small = load_demo(new_app(tmp_path), scale=SMALL)
    assert small.cases < full.cases / 5
    assert set(small.lead_cases) == set(full.lead_cases)
    assert all(n >= 1 for n in small.lead_cases.values())
    assert small.lead_cases["FIN"] == round(76 * SMALL)
    fin = small.unit_replies["FIN"]
    assert fin["A"] > fin["C"] > 0  # the seed's proportions, roughly


# ---------------------------------------------------------------------- the summary


def test_summary_reports_the_totals_read_back_from_the_store(
    full_year: tuple[BanliApplication, DemoSummary],
) -> None:
    app, summary = full_year
    text = summarise(app)
    assert f"{summary.cases} cases, {summary.events} events" in text
    assert f"as of {DEMO_TODAY}" in text
    fin = next(line for line in text.splitlines() if line.strip().startswith("FIN"))
    # lead, co, visited, declined, visits short of R-V2, then replies A, B, C
    assert fin.split()[2:] == ["76", "297", "40", "0", "0", "41", "17", "18"]
    assert "open " in text and "overdue" in text


def test_the_earlier_years_proposers_are_named_as_people_are() -> None:
    """A case page listed an earlier case's proposer as 往年JY-2024-0001."""
    names = [earlier_name(i) for i, _ in enumerate(earlier_cases())]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) for name in names), names

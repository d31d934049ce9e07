"""The registry is the one list of read models: what it holds must be consistent, since the
runners, the Kafka consumer, rebuild and the readers all go by it."""

from __future__ import annotations

from projections import registry
from projections.notices import NOTICES


def test_every_table_names_the_read_model_that_owns_it() -> None:
    """A reader resolves a table's generation through the view it names: a table naming
    another read model would be read from that one's generation."""
    for view in registry.views().all():
        assert view.tables, view.name
        assert {table.view for table in view.tables} == {view.name}


def test_read_model_and_table_names_are_unique() -> None:
    """Physical tables share one namespace per database, the notices' table included."""
    names = [view.name for view in registry.views().all()]
    tables = [t.name for view in registry.views().all() for t in view.tables] + [NOTICES.name]
    assert len(set(names)) == len(names)
    assert len(set(tables)) == len(tables)
    assert NOTICES.view not in names  # never rebuilt: its delivery marks are in no event


def test_the_kafka_consumer_keeps_every_read_model_but_the_tamper_chain() -> None:
    """The chain hashes the store's own order, which Kafka partitions do not keep."""
    assert registry.KAFKA_FED == (
        "ledger",
        "unit_facts",
        "disclosures",
        "commitments",
        "case_papers",
        "public_register",
        "case_search",
        "audit_trail",
    )
    assert (*registry.KAFKA_FED, "tamper_chain") == registry.NAMES


def test_each_run_gets_its_own_instances() -> None:
    """An event view carries state between events (the chain's last hash) that must start
    from the store on every run, never from another run's instance."""
    first, second = registry.views(["tamper_chain"]), registry.views(["tamper_chain"])
    assert [v.name for v in first.event] == ["tamper_chain"] and not first.case
    assert first.event[0] is not second.event[0]

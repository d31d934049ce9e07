"""The chain check without a store: what each witness (chain view, anchors, index) catches."""

from __future__ import annotations

from dataclasses import dataclass

from projections.chain_check import OrphanIndexRow, verify
from projections.core import IndexFacts
from projections.tamper_chain import GENESIS, ChainEntry, link


@dataclass(frozen=True)
class Head:
    position: int
    head: str
    anchored_at: str = "2026-01-01T00:00:00+00:00"


def entry(position: int, version: int = 1, index: bool = True) -> ChainEntry:
    facts = IndexFacts(f"c{position}", version, "Registered", "2026-01-01T00:00:00+00:00")
    return ChainEntry(position, f"c{position}", version, "t", b"{}", facts if index else None)


def chain_of(entries: list[ChainEntry]) -> dict[int, str]:
    chain, previous = {}, GENESIS
    for e in entries:
        previous = link(previous, e)
        chain[e.position] = previous
    return chain


def test_an_event_inserted_between_chained_ones_is_named() -> None:
    chained = [entry(1), entry(3)]
    found = verify([entry(1), entry(2), entry(3)], chain_of(chained))
    assert (found.ok, found.first_bad_position) == (False, 2)


def test_an_anchor_past_the_last_event_means_the_tail_was_deleted() -> None:
    anchored = Head(3, chain_of([entry(1), entry(2), entry(3)])[3])
    found = verify([entry(1), entry(2)], {}, [anchored])
    assert (found.ok, found.first_bad_position, found.anchors_checked) == (False, 3, 1)
    assert verify([entry(1), entry(2), entry(3)], {}, [anchored]).ok


def test_index_rows_must_match_their_events() -> None:
    found = verify([entry(1, index=False), OrphanIndexRow(2), entry(3)], {})
    assert [f.position for f in found.findings] == [1, 2]
    assert found.events_checked == 2


def test_each_finding_is_said_in_chinese_first_for_the_auditor_R_X2() -> None:
    """The 审计 page shows a finding's reason as it is: a review's auditor read "the stored
    event or its index row at 3267 does not match the chain" on a Chinese page."""
    chained = [entry(1), entry(3)]
    anchored = Head(4, "0" * 64)
    found = verify(
        [entry(1, index=False), entry(2), entry(3), OrphanIndexRow(5)],
        chain_of(chained),
        [anchored],
    )
    reasons = [f.reason for f in found.findings]
    assert len(reasons) >= 4
    for reason in reasons:
        assert "\u4e00" <= reason[0] <= "\u9fff", reason  # Chinese first, English after
    broken = verify([entry(1), entry(2)], chain_of([entry(1), entry(3, version=2)]))
    assert any("防篡改链" in f.reason for f in broken.findings), broken.findings

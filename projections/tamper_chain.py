"""Tamper-evidence chain: a hash over every stored event in notification order.

Each link hashes the previous link with the event's position, identity, topic and stored bytes
(ciphertext when encryption is on), so editing, deleting or reordering any stored event breaks
every later link. ``verify`` recomputes the chain from the event store and names the first
position whose stored event no longer matches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from projections.core import Row, StoredEventInfo, Table

CHAIN = Table(
    name="tamper_chain",
    columns={"position": "INTEGER", "hash": "TEXT"},
    key=("position",),
    case_column="",
)

GENESIS = "0" * 64


def link(
    previous: str, position: int, originator_id: str, version: int, topic: str, state: bytes
) -> str:
    head = f"{previous}|{position}|{originator_id}|{version}|{topic}|".encode()
    return hashlib.sha256(head + state).hexdigest()


class TamperChainView:
    name = "tamper_chain"
    tables = (CHAIN,)

    def __init__(self) -> None:
        self.last_hash = GENESIS

    def resume(self, last_row: Row | None) -> None:
        self.last_hash = str(last_row["hash"]) if last_row else GENESIS

    def rows(self, event: StoredEventInfo) -> Mapping[str, list[Row]]:
        self.last_hash = link(
            self.last_hash,
            event.position,
            event.originator_id,
            event.version,
            event.topic,
            event.state,
        )
        return {CHAIN.name: [{"position": event.position, "hash": self.last_hash}]}


@dataclass(frozen=True)
class Verification:
    ok: bool
    events_checked: int
    first_bad_position: int | None


def verify(
    stored: Iterable[tuple[int, str, int, str, bytes]], chain: Mapping[int, str]
) -> Verification:
    """Recompute the chain over ``stored`` (position, id, version, topic, state) in order.

    Checks every position the chain covers. A changed event fails at its own position; a
    deleted one at the position where it is missing; an inserted one at its new position.
    """
    expected = sorted(chain)
    previous = GENESIS
    checked = 0
    for position, originator_id, version, topic, state in stored:
        if checked == len(expected):
            break  # events the chain has not covered yet are not judged
        if position != expected[checked]:
            return Verification(False, checked, min(position, expected[checked]))
        previous = link(previous, position, originator_id, version, topic, state)
        checked += 1
        if previous != chain[position]:
            return Verification(False, checked, position)
    if checked < len(expected):
        return Verification(False, checked, expected[checked])
    return Verification(True, checked, None)

"""Tamper-evidence chain: a hash over every stored fact that reads depend on, in log order.

Each link hashes the previous link with the event's position, identity, topic and stored bytes
(ciphertext when encryption is on) *and* the event's row in the time index (type, recorded-at,
and the identity the index gives it): "as of" reads resolve through that index, so moving a
``recorded_at`` changes what readers see and must break the chain like editing an event does.
Editing, deleting or reordering any of these facts breaks every later link; ``chain_check``
recomputes the chain from the store and names the first position that no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from projections.core import IndexFacts, Row, StoredEventInfo, Table

# What a link hashes and how; an anchor names the format it was computed with.
FORMAT = "banli-chain/2"

CHAIN = Table(
    name="tamper_chain",
    columns={"position": "INTEGER", "hash": "TEXT"},
    key=("position",),
    case_column="",
    # 2: links cover the index row, in an unambiguous (JSON) encoding.
    version=2,
)

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainEntry:
    """Every stored fact about one log position that the chain covers."""

    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes
    index: IndexFacts | None  # None: the event has no index row (itself a finding)


def link(previous: str, entry: ChainEntry) -> str:
    # A JSON array is self-delimiting and escapes every separator, so two different sets of
    # facts never hash the same bytes (a '|'-joined header could be shifted between fields).
    index = entry.index
    facts = [
        previous,
        entry.position,
        entry.originator_id,
        entry.version,
        entry.topic,
        None
        if index is None
        else [index.originator_id, index.version, index.event_type, index.recorded_at],
    ]
    header = json.dumps(facts, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(header + b"\n" + entry.state).hexdigest()


def entry_of(event: StoredEventInfo) -> ChainEntry:
    return ChainEntry(
        event.position, event.originator_id, event.version, event.topic, event.state, event.index
    )


class TamperChainView:
    name = "tamper_chain"
    tables = (CHAIN,)

    def __init__(self) -> None:
        self.last_hash = GENESIS

    def resume(self, last_row: Row | None) -> None:
        self.last_hash = str(last_row["hash"]) if last_row else GENESIS

    def rows(self, event: StoredEventInfo) -> Mapping[str, list[Row]]:
        self.last_hash = link(self.last_hash, entry_of(event))
        return {CHAIN.name: [{"position": event.position, "hash": self.last_hash}]}

"""Tamper-evidence chain: a hash over every stored fact that reads depend on, in log order.

Each link hashes the previous link with the event's position, identity, topic and stored bytes
(ciphertext when encryption is on) *and* the event's row in the time index (type, recorded-at,
and the identity the index gives it): "as of" reads resolve through that index, so moving a
``recorded_at`` changes what readers see and must break the chain like editing an event does.
Editing, deleting or reordering any of these facts breaks every later link; ``chain_check``
recomputes the chain from the store and names the first position that no longer matches.

Not fed from Kafka: it hashes the event store's own order, which partitions do not keep.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from projections.core import EventView, IndexFacts, Row, StoredEventInfo, Table, ViewReader
from projections.json_text import text_encoder

NAME = "tamper_chain"

# What a link hashes and how; an anchor names the format it was computed with.
FORMAT = "banli-chain/2"

CHAIN = Table(
    view=NAME,
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


# What a link's facts were first written with: ``json.dumps`` with these options, as UTF-8.
_ENCODE = text_encoder(json.JSONEncoder(ensure_ascii=False, separators=(",", ":")))


def header(facts: list[Any]) -> bytes:
    """A link's facts as the bytes it hashes: what ``_ENCODE`` writes, as UTF-8.

    ``orjson`` writes those very bytes for the facts a link holds (text, integers, null, an
    array), in a fifth of the time (a fifth of the chain's pass in a rebuild was this JSON);
    what it refuses (an integer beyond 64 bits, a lone surrogate) is written as before, and
    fails as before. ``tests/unit/test_json_text.py`` compares both on generated facts.
    """
    try:
        return orjson.dumps(facts)
    except orjson.JSONEncodeError:
        return _ENCODE(facts).encode()


# The facts of one stored event a rebuild reads straight from the log, in log order: position,
# aggregate id, version, topic, stored bytes, and the index row's identity, version, type and
# recorded-at (None: no index row).
StoredFacts = tuple[int, str, int, str, bytes, tuple[str, int, str, str] | None]


def link(previous: str, entry: ChainEntry | StoredEventInfo) -> str:
    """The link after ``previous`` for a stored entry read back (``chain_check``) or an event
    met in the log (the same fields, so no entry is made per event)."""
    index = entry.index
    facts = (
        None
        if index is None
        else (index.originator_id, index.version, index.event_type, index.recorded_at)
    )
    return _link(
        previous,
        entry.position,
        entry.originator_id,
        entry.version,
        entry.topic,
        facts,
        entry.state,
    )


def _link(
    previous: str,
    position: int,
    originator_id: str,
    version: int,
    topic: str,
    index: tuple[str, int, str, str] | None,
    state: bytes,
) -> str:
    # A JSON array is self-delimiting and escapes every separator, so two different sets of
    # facts never hash the same bytes (a '|'-joined header could be shifted between fields).
    facts = header([previous, position, originator_id, version, topic, index])
    return hashlib.sha256(facts + b"\n" + state).hexdigest()


class TamperChainView(EventView):
    name = NAME
    tables = (CHAIN,)
    kafka_fed = False

    def __init__(self) -> None:
        self.last_hash = GENESIS

    def resume(self, last_row: Row | None) -> None:
        self.last_hash = str(last_row["hash"]) if last_row else GENESIS

    def rows(self, event: StoredEventInfo) -> Mapping[str, list[Row]]:
        self.last_hash = link(self.last_hash, event)
        return {CHAIN.name: [{"position": event.position, "hash": self.last_hash}]}

    def stored_rows(self, stored: Iterable[StoredFacts]) -> list[Row]:
        """The rows of events read straight from the log, in log order: the links ``rows``
        makes, without an event object per event (a rebuild's pass of this view alone, where
        those objects cost as much as the links; ``infra/rebuild_fill.py``)."""
        rows: list[Row] = []
        last = self.last_hash
        for position, originator_id, version, topic, state, index in stored:
            last = _link(last, position, originator_id, version, topic, index, state)
            rows.append({"position": position, "hash": last})
        self.last_hash = last
        return rows


# -- reads ----------------------------------------------------------------------------------

# Positions per query when looking links up: well inside every database's parameter limit.
CHUNK = 500


def chain_links(reader: ViewReader) -> dict[int, str]:
    """Every stored link (position → hash) of the active generation; none while unbuilt."""
    try:
        table = reader.table(CHAIN)
    except LookupError:
        return {}  # no chain view built yet: the store is judged by its anchors and index
    rows = reader.fetch(f"SELECT position, hash FROM {table}", ())
    return {int(r["position"]): str(r["hash"]) for r in rows}


def links_at(reader: ViewReader, positions: Sequence[int], generation: int) -> dict[int, str]:
    """The links a generation holds at ``positions`` (absent where it holds none)."""
    table = reader.table(CHAIN, generation)
    found: dict[int, str] = {}
    for start in range(0, len(positions), CHUNK):
        chunk = list(positions[start : start + CHUNK])
        marks = ", ".join(["?"] * len(chunk))
        rows = reader.fetch(
            f"SELECT position, hash FROM {table} WHERE position IN ({marks})", chunk
        )
        found.update((int(r["position"]), str(r["hash"])) for r in rows)
    return found

"""Anchors: chain heads signed with an HMAC key the database does not hold, and their judging.

An anchor says "after the event at ``position`` the chain (``format``) was ``head``", stamped
``anchored_at``. It is one JSON line, the same in every sink. A line read back is trusted only
if its HMAC matches under ``BANLI_ANCHOR_KEY``: a sink is append-only, not write-protected, so
anyone who may append (a producer on the topic, a process with the file open) could add a line,
and a forged one must be reported instead of vouching for a rewritten store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from projections.tamper_chain import FORMAT

FIELDS = ("position", "head", "anchored_at", "format")


@dataclass(frozen=True)
class Anchor:
    position: int
    head: str
    anchored_at: str  # ISO 8601, UTC
    format: str
    hmac: str

    def line(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True, separators=(",", ":"))


def _mac(key: bytes, facts: dict[str, Any]) -> str:
    message = json.dumps({f: facts[f] for f in FIELDS}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def sign(key: bytes, position: int, head: str, anchored_at: str) -> Anchor:
    facts = {"position": position, "head": head, "anchored_at": anchored_at, "format": FORMAT}
    return Anchor(position, head, anchored_at, FORMAT, _mac(key, facts))


@dataclass(frozen=True)
class SinkLine:
    where: str  # e.g. "/srv/anchors/banli.jsonl line 3", "kafka banli.anchors offset 2"
    text: str


@dataclass
class AnchorReading:
    """What every configured sink holds: the anchors to trust and what could not be trusted."""

    anchors: list[Anchor] = field(default_factory=list)
    # Lines that are not valid anchors of this chain format (forged, malformed, other format).
    problems: list[str] = field(default_factory=list)
    # Sinks that could not be read at all: their anchors are unknown.
    unreadable: list[str] = field(default_factory=list)
    sinks: int = 0

    @property
    def latest(self) -> Anchor | None:
        return max(self.anchors, key=lambda a: a.position, default=None)


def _parse(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {*FIELDS, "hmac"}:
        return None
    typed = (
        isinstance(data["position"], int)
        and not isinstance(data["position"], bool)
        and all(isinstance(data[f], str) for f in ("head", "anchored_at", "format", "hmac"))
    )
    return data if typed else None


def judge(lines: Iterable[SinkLine], key: bytes | None) -> AnchorReading:
    """Sorts lines into trusted anchors and problems (each problem names where its line is)."""
    reading = AnchorReading()
    seen: set[Anchor] = set()
    for line in lines:
        data = _parse(line.text)
        if data is None:
            reading.problems.append(f"{line.where}: not an anchor")
            continue
        if key is None:
            reading.problems.append(f"{line.where}: cannot be checked, BANLI_ANCHOR_KEY is unset")
            continue
        if not hmac.compare_digest(_mac(key, data), data["hmac"]):
            reading.problems.append(
                f"{line.where}: forged anchor for position {data['position']} "
                "(its HMAC does not match BANLI_ANCHOR_KEY)"
            )
            continue
        if data["format"] != FORMAT:
            reading.problems.append(
                f"{line.where}: anchor in chain format {data['format']!r}; this is {FORMAT!r}"
            )
            continue
        anchor = Anchor(**data)
        if anchor not in seen:  # the same anchor from the file and the topic counts once
            seen.add(anchor)
            reading.anchors.append(anchor)
    return reading

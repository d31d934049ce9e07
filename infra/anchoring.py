"""``banli audit anchor``: publishes the signed chain head to every sink, once or periodically.

The head is recomputed from the store and its index, never copied from the chain view (which
the database's owner can rewrite), and every trusted anchor already published, the chain view
and the index are checked on the way: if the store no longer matches one of them, nothing is
anchored and the step fails loudly, so a rewritten history never gets an anchor of its own.
Lines that are not trusted (a bad HMAC) are reported and ignored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from infra.anchor_sinks import AnchorSink
from infra.anchors import Anchor, AnchorReading, sign
from infra.application import BanliApplication
from infra.chain_audit import read_anchors
from infra.chain_source import stored_chain
from infra.view_store import ViewStoreBase
from projections.chain_check import verify
from projections.tamper_chain import TamperChainView, chain_links, links_at


class AnchorRefused(RuntimeError):
    """The anchor step cannot vouch for the store (tampering, an unreadable sink, no key)."""


class TamperingDetected(RuntimeError):
    """A rebuilt tamper chain contradicts an anchor: the store was changed after anchoring."""


@dataclass(frozen=True)
class AnchorRun:
    anchor: Anchor | None  # None: nothing new since the latest anchor
    untrusted: list[str]  # lines of the sinks that were ignored (forged, malformed)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def anchor_once(
    app: BanliApplication,
    store: ViewStoreBase,
    sinks: list[AnchorSink],
    key: bytes | None,
    now: Callable[[], str] = _now,
) -> AnchorRun:
    """Anchors the head recomputed from the store, if every witness agrees with the store.

    The chain view is a witness too (where it has rows): a store that changed under a chain
    view built before the change gets no anchor, even when no earlier anchor covers it.
    """
    if key is None:
        raise AnchorRefused("BANLI_ANCHOR_KEY is not set: anchors could not be signed")
    if not sinks:
        raise AnchorRefused("no anchor sink: set BANLI_ANCHOR_FILE and/or BANLI_KAFKA_BOOTSTRAP")
    reading = read_anchors(sinks, key)
    if reading.unreadable:
        raise AnchorRefused("; ".join(reading.unreadable))
    checked = verify(stored_chain(app), chain_links(store), reading.anchors)
    if not checked.ok:
        reasons = "; ".join(f.reason for f in checked.findings)
        raise AnchorRefused(
            f"refusing to anchor: tampering at position {checked.first_bad_position}: {reasons}"
        )
    latest = reading.latest
    if checked.head_position == 0 or (latest and latest.position == checked.head_position):
        return AnchorRun(None, reading.problems)
    anchor = sign(key, checked.head_position, checked.head_hash, now())
    for sink in sinks:
        sink.append(anchor.line())
    return AnchorRun(anchor, reading.problems)


def follow(
    app: BanliApplication,
    store: ViewStoreBase,
    sinks: list[AnchorSink],
    key: bytes | None,
    interval: float,
    report: Callable[[AnchorRun], None],
    stop: threading.Event | None = None,
) -> None:
    """Anchors every ``interval`` seconds until ``stop``; a refusal ends it (raised)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        report(anchor_once(app, store, sinks, key))
        stop.wait(interval)


def refuse_contradicting_anchors(
    store: ViewStoreBase, reading: AnchorReading
) -> Callable[[Mapping[str, int]], None]:
    """A check for ``rebuild``: a new tamper-chain generation must agree with every anchor.

    Run before readers are switched over, so a chain recomputed over a changed store is never
    made the active one; the generation that was active stays so.
    """

    def check(generations: Mapping[str, int]) -> None:
        generation = generations.get(TamperChainView.name)
        if generation is None:
            return
        anchors = sorted(reading.anchors, key=lambda a: a.position)
        rebuilt = links_at(store, [a.position for a in anchors], generation)
        for anchor in anchors:
            if rebuilt.get(anchor.position) != anchor.head:
                raise TamperingDetected(
                    f"tampering: the rebuilt tamper chain contradicts the anchor of position "
                    f"{anchor.position} (anchored {anchor.anchored_at}); an event or index "
                    f"row at or before {anchor.position} changed. The active generation is "
                    f"kept; generation {generation} was not switched to."
                )

    return check

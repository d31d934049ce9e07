"""Recomputes the tamper chain over what the store holds and judges it, in one pass.

Three witnesses are compared with the recomputation: the chain view (a copy inside the
database, so it localises a change but proves nothing once rewritten), the anchors (signed heads
published outside the database: what an insider cannot rewrite), and the index's own
consistency with the events (an index row for every event, none without one, the same identity).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from projections.tamper_chain import GENESIS, ChainEntry, link

# Enough to act on; a dropped index table would otherwise list every event.
MAX_FINDINGS = 20


def said(zh: str, en: str) -> str:
    """A finding in the auditor's words first (the 审计 page shows it as it is), and in
    English after: every check's findings (the chain's, the trail's, the documents', the
    views')."""
    return f"{zh}（{en}）"


class AnchoredHead(Protocol):
    """A chain head published outside the database: the hash after the event at ``position``."""

    @property
    def position(self) -> int: ...

    @property
    def head(self) -> str: ...

    @property
    def anchored_at(self) -> str: ...


@dataclass(frozen=True)
class OrphanIndexRow:
    """An index row whose position holds no event: it would steer "as of" reads all the same."""

    position: int


@dataclass(frozen=True)
class UnreadableEvent:
    """A position whose stored event the store cannot hand back (bytes that are not what any
    write put there: text in a binary column, invalid UTF-8): a change like any other, to be
    reported at its position, not to stop the check."""

    position: int
    error: str


@dataclass(frozen=True)
class Finding:
    position: int
    reason: str


@dataclass(frozen=True)
class Verification:
    ok: bool
    events_checked: int
    first_bad_position: int | None
    findings: tuple[Finding, ...] = ()
    anchors_checked: int = 0
    # The recomputed head: what an anchor step publishes when nothing is wrong.
    head_position: int = 0
    head_hash: str = GENESIS


class _Pass:
    def __init__(self, chain: Mapping[int, str], anchors: Sequence[AnchoredHead]) -> None:
        self.chain = chain
        self.covered = sorted(chain)
        self.anchors = sorted(anchors, key=lambda a: a.position)
        self.next_row = 0  # index into ``covered``
        self.next_anchor = 0
        self.previous = GENESIS
        self.last = 0
        self.checked = 0
        self.chain_broken = False
        self.findings: list[Finding] = []
        self.first_bad: int | None = None

    def find(self, position: int, reason: str) -> None:
        if self.first_bad is None or position < self.first_bad:
            self.first_bad = position
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(position, reason))

    def settle_anchors(self, before: float) -> None:
        """Judges every anchor below ``before``: the chain must have stood exactly there."""
        while self.next_anchor < len(self.anchors):
            anchor = self.anchors[self.next_anchor]
            if anchor.position >= before:
                return
            if (self.last, self.previous) != (anchor.position, anchor.head):
                self.find(
                    anchor.position,
                    said(
                        f"库中事件与位置 {anchor.position} 的外部锚点（{anchor.anchored_at} 发布）"
                        "不符：该位置及以前的事件或索引行被改动、删除或插入",
                        f"the store no longer matches the anchor of position {anchor.position} "
                        f"(anchored {anchor.anchored_at}): an event or index row at or before it "
                        "was changed, deleted or inserted",
                    ),
                )
            self.next_anchor += 1

    def missing_rows(self, before: float) -> None:
        while self.next_row < len(self.covered) and self.covered[self.next_row] < before:
            position = self.covered[self.next_row]
            self.find(
                position,
                said(
                    f"防篡改链记有位置 {position}，库中却没有该事件：事件被删除",
                    f"the chain covers position {position}; the store has no event",
                ),
            )
            self.next_row += 1

    def orphan(self, row: OrphanIndexRow) -> None:
        self.find(
            row.position,
            said(
                f"时间索引在位置 {row.position} 有一行，库中却没有该事件",
                f"the time index has a row at {row.position} without an event",
            ),
        )

    def unreadable(self, item: UnreadableEvent) -> None:
        self.settle_anchors(item.position)
        self.missing_rows(item.position)
        self.find(
            item.position,
            said(
                f"位置 {item.position} 的事件无法读出",
                f"the stored event at {item.position} cannot be read: {item.error}",
            ),
        )
        # No link can be computed from here on: later positions are not reported again.
        self.chain_broken = True
        self.last = item.position
        self.checked += 1
        if self.next_row < len(self.covered) and self.covered[self.next_row] == item.position:
            self.next_row += 1

    def event(self, entry: ChainEntry) -> None:
        self.settle_anchors(entry.position)
        self.missing_rows(entry.position)
        self.check_index(entry)
        if not isinstance(entry.state, bytes):  # every write stores bytes
            self.find(
                entry.position,
                said(
                    f"位置 {entry.position} 的事件存的是文字，而写入的是字节：事件被改写",
                    f"the stored event at {entry.position} holds text where its bytes were written",
                ),
            )
            entry = replace(entry, state=str(entry.state).encode("utf-8", "surrogateescape"))
        self.previous = link(self.previous, entry)
        self.last = entry.position
        self.checked += 1
        if self.next_row == len(self.covered):
            return  # events the chain view has not reached yet: anchors and the index judge them
        if self.covered[self.next_row] != entry.position:
            self.find(
                entry.position,
                said(
                    f"位置 {entry.position} 的事件不在防篡改链中：事件是后插入的",
                    f"event {entry.position} is not in the chain (inserted)",
                ),
            )
            return
        self.next_row += 1
        if not self.chain_broken and self.chain[entry.position] != self.previous:
            # Every later link differs too once one does: only the first is news.
            self.chain_broken = True
            self.find(
                entry.position,
                said(
                    f"位置 {entry.position} 的事件或其索引行与防篡改链不符：该事件在写入后被改动",
                    f"the stored event or its index row at {entry.position} does not match the "
                    "chain",
                ),
            )

    def check_index(self, entry: ChainEntry) -> None:
        index = entry.index
        if index is None:
            self.find(
                entry.position,
                said(
                    f"位置 {entry.position} 的事件在时间索引中没有对应的行",
                    f"event {entry.position} has no row in the time index",
                ),
            )
        elif (index.originator_id, index.version) != (entry.originator_id, entry.version):
            self.find(
                entry.position,
                said(
                    f"位置 {entry.position} 的时间索引行与事件不符：索引行被改动",
                    f"the time index row at {entry.position} names {index.originator_id} "
                    f"v{index.version}; the event is {entry.originator_id} v{entry.version}",
                ),
            )

    def result(self) -> Verification:
        self.settle_anchors(float("inf"))
        self.missing_rows(float("inf"))
        return Verification(
            ok=self.first_bad is None,
            events_checked=self.checked,
            first_bad_position=self.first_bad,
            findings=tuple(sorted(self.findings, key=lambda f: f.position)),
            anchors_checked=len(self.anchors),
            head_position=self.last,
            head_hash=self.previous,
        )


def verify(
    stored: Iterable[ChainEntry | OrphanIndexRow | UnreadableEvent],
    chain: Mapping[int, str],
    anchors: Sequence[AnchoredHead] = (),
) -> Verification:
    """Recomputes the chain over ``stored`` (in position order) and judges every witness.

    A changed event or index row fails at its own position against the chain view, and at the
    first anchor after it; a deleted event where it is missing; an inserted one at its position.
    """
    check = _Pass(chain, anchors)
    for item in stored:
        if isinstance(item, OrphanIndexRow):
            check.orphan(item)
        elif isinstance(item, UnreadableEvent):
            check.unreadable(item)
        else:
            check.event(item)
    return check.result()

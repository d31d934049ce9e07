"""Bucket sizes at a ``scale``: proportional, at least one, exact at scale 1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def scaled(count: int, scale: float) -> int:
    """A bucket's size at ``scale``: proportional, at least one; exact at scale 1."""
    return max(1, round(count * scale))


def scaled_share(items: Sequence[T], scale: float) -> Sequence[T]:
    """The first ``scaled(len(items))`` items: the stories a scaled year still tells."""
    return items[: scaled(len(items), scale)]

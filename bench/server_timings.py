"""The server's own timings from ``/metrics``, summed over its workers, for a bench to print
what happened on the server while it timed its requests: the garbage collector's pauses
(``banli_gc_pause_seconds``), which land on whatever request is under way, and how long reads
waited for the read models to hold every committed event (``banli_read_wait_seconds``).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families

GC_PAUSES = "banli_gc_pause_seconds"
READ_WAITS = "banli_read_wait_seconds"


@dataclass(frozen=True)
class Histogram:
    """One histogram, per value of one label ("" where it has none): how many, their seconds,
    and how many at or under each bound."""

    counts: dict[str, int]
    seconds: dict[str, float]
    under: dict[tuple[str, float], int]

    def since(self, before: Histogram, key: str) -> Delta:
        bounds = sorted(b for k, b in self.under if k == key)
        return Delta(
            count=self.counts.get(key, 0) - before.counts.get(key, 0),
            seconds=self.seconds.get(key, 0.0) - before.seconds.get(key, 0.0),
            under={b: self.under[key, b] - before.under.get((key, b), 0) for b in bounds},
        )


@dataclass(frozen=True)
class Delta:
    """What one histogram gained between two scrapes."""

    count: int
    seconds: float
    under: dict[float, int]  # bound → observations at or under it

    def longest_at_most(self) -> float:
        """The smallest bound every observation is under."""
        return next(b for b, n in sorted(self.under.items()) if n == self.count)

    def over(self, bound: float) -> int:
        return self.count - self.under.get(bound, 0)


@dataclass(frozen=True)
class ServerTimings:
    gc_pauses: Histogram
    read_waits: Histogram

    def since(self, before: ServerTimings) -> list[str]:
        """One line on each, for what happened between ``before`` and these."""
        return [
            f"server GC pauses: {self._pauses(before)}",
            f"server read waits: {self._waits(before)}",
        ]

    def _pauses(self, before: ServerTimings) -> str:
        parts = []
        for gen in sorted(self.gc_pauses.counts):
            delta = self.gc_pauses.since(before.gc_pauses, gen)
            if delta.count:
                parts.append(
                    f"gen{gen} {delta.count} ({1000 * delta.seconds:.0f} ms, "
                    f"each ≤ {1000 * delta.longest_at_most():g} ms)"
                )
        return ", ".join(parts) or "none"

    def _waits(self, before: ServerTimings) -> str:
        delta = self.read_waits.since(before.read_waits, "")
        if not delta.count:
            return "none"
        return (
            f"{delta.count:,} reads, {1000 * delta.seconds / delta.count:.2f} ms each on "
            f"average; over 1 ms: {delta.over(0.001):,}, over 5 ms: {delta.over(0.005):,}, "
            f"over 20 ms: {delta.over(0.02):,}; each ≤ {1000 * delta.longest_at_most():g} ms "
            "(the head's query and any wait for the projections: read-your-writes)"
        )


def server_timings(client: httpx.Client) -> ServerTimings:
    text = client.get("/metrics").raise_for_status().text
    found = {name: Histogram({}, {}, {}) for name in (GC_PAUSES, READ_WAITS)}
    for family in text_string_to_metric_families(text):
        histogram = found.get(family.name)
        if histogram is None:
            continue
        for sample in family.samples:
            key = sample.labels.get("generation", "")
            if sample.name.endswith("_count"):
                histogram.counts[key] = int(sample.value)
            elif sample.name.endswith("_sum"):
                histogram.seconds[key] = sample.value
            elif sample.name.endswith("_bucket"):
                histogram.under[key, float(sample.labels["le"])] = int(sample.value)
    return ServerTimings(found[GC_PAUSES], found[READ_WAITS])

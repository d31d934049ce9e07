"""Timing GET requests in a row, and the table that sets a quiet run beside one under load.

A read is timed from the request to its last byte on loopback (the server's time plus a
loopback round trip), sequentially from one client, after a few untimed warm-up requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx

from bench.plumbing import percentile


@dataclass(frozen=True)
class Read:
    label: str
    path: str  # with its query
    # The JSON list whose length the bench prints (an API page's "items"); None for HTML.
    items_key: str | None = "items"


@dataclass
class Timed:
    seconds: list[float]
    first_ms: float  # the first request's time: cold for a cache, or behind a catch-up
    sizes: set[int]  # items per page (API) or bytes (HTML)
    # The server's CPU per timed request (every process of its tree), when asked for: less
    # at the mercy of a shared machine's neighbours than the latency.
    server_cpu_ms: float | None = None

    def ms(self) -> list[float]:
        return sorted(s * 1000 for s in self.seconds)


def time_reads(
    client: httpx.Client,
    reads: Sequence[Read],
    requests: int,
    warmup: int = 5,
    server_cpu: Callable[[], float] | None = None,
) -> dict[str, Timed]:
    """Each read ``warmup`` + ``requests`` times in a row (in order of ``reads``);
    ``server_cpu``: the server's CPU seconds so far, read around each read's timed requests
    (on a quiet server: otherwise it counts what else the server did meanwhile)."""
    out: dict[str, Timed] = {}
    for read in reads:
        began = time.perf_counter()
        client.get(read.path).raise_for_status()
        first = (time.perf_counter() - began) * 1000
        for _ in range(max(0, warmup - 1)):
            client.get(read.path).raise_for_status()
        timed = Timed([], first, set())
        cpu_before = server_cpu() if server_cpu else 0.0
        for _ in range(requests):
            began = time.perf_counter()
            response = client.get(read.path)
            timed.seconds.append(time.perf_counter() - began)
            response.raise_for_status()
            if read.items_key is None:
                timed.sizes.add(len(response.content))
            else:
                timed.sizes.add(len(response.json()[read.items_key]))
        if server_cpu and requests:
            timed.server_cpu_ms = (server_cpu() - cpu_before) * 1000 / requests
        out[read.label] = timed
    return out


def summary(timed: Timed) -> str:
    ms = timed.ms()
    return (
        f"p50 {percentile(ms, 0.5):6.1f}  p95 {percentile(ms, 0.95):6.1f}  "
        f"p99 {percentile(ms, 0.99):6.1f}  max {ms[-1]:6.1f}"
    )


def print_table(phases: Mapping[str, Mapping[str, Timed]], goal_ms: float) -> None:
    """One line per read and phase (quiet, under load …): percentiles in ms, and whether the
    p99 meets the goal; then whether every read met it in every phase of this run (issue 13's
    "in one run"), naming those that missed."""
    missed: list[str] = []
    labels: list[str] = []
    for timings in phases.values():
        labels += [label for label in timings if label not in labels]
    print(f"{'read':<30} {'phase':<11} {'n':>5}  latency ms (to last byte)")
    for label in labels:
        for phase, timings in phases.items():
            timed = timings.get(label)
            if timed is None:
                continue
            ms = timed.ms()
            verdict = "meets" if percentile(ms, 0.99) < goal_ms else "misses"
            if verdict == "misses":
                missed.append(f"{label.strip()} ({phase}, p99 {percentile(ms, 0.99):.1f})")
            sizes = sorted(timed.sizes)
            shown = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
            cpu = "" if timed.server_cpu_ms is None else f"  server CPU {timed.server_cpu_ms:.1f}"
            print(
                f"{label:<30} {phase:<11} {len(ms):>5}  {summary(timed)}  first "
                f"{timed.first_ms:6.1f}  [{shown}]  p99 {verdict} < {goal_ms:.0f}{cpu}",
                flush=True,
            )
    if missed:
        print(f"this run: p99 < {goal_ms:.0f} ms missed by {len(missed)}: {'; '.join(missed)}")
    else:
        print(f"this run: every read met p99 < {goal_ms:.0f} ms in every phase")

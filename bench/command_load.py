"""A steady HTTP command load beside a measurement: the bench workload's case lifecycles, posted
by ``clients`` threads in a process of their own, against the server being measured.

Its own process, so the load's client threads do not share the measuring thread's GIL: a read
timed under load is slowed by the server and the database, not by the bench's own clients.
Each client posts whole lifecycles (register, then the seven steps of ``bench.workload``), one
command at a time, every answer must be 201; when asked to stop it finishes the command under
way and reports how many commands it sent, over what time, and their latencies.

Flat out (``rate`` None) each client sends its next command as soon as the last is answered.
Paced, the clients share a fixed schedule adding up to ``rate`` commands/s (each client every
``clients / rate`` s, the clients staggered): a client that falls behind sends at once, so the
rate held (printed) says whether the server kept the pace, and the commands started more than
``LATE_S`` behind their time are counted.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from typing import Any

import httpx

from bench.plumbing import percentile
from bench.workload import LIFECYCLE, http_body, registration
from domain.commands import SubmitReply

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 120.0
LATE_S = 0.1  # a paced command started this much behind its time counts as late


@dataclass(frozen=True)
class LoadResult:
    commands: int
    seconds: float
    latencies_ms: list[float]
    errors: list[str]
    target: float | None = None  # the paced rate asked for (None: flat out)
    late: int = 0  # paced commands started more than LATE_S behind their time

    @property
    def rate(self) -> float:
        return self.commands / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        ms = sorted(self.latencies_ms)
        aim = "flat out" if self.target is None else f"paced at {self.target:,.1f}/s"
        late = (
            "" if self.target is None else f", {self.late:,} started >{LATE_S * 1000:.0f} ms late"
        )
        return (
            f"command load ({aim}) held {self.rate:,.1f} commands/s ({self.commands:,} commands in "
            f"{self.seconds:.1f} s); command p50 {percentile(ms, 0.5):.0f} ms, "
            f"p99 {percentile(ms, 0.99):.0f} ms{late}; errors {len(self.errors)}"
        )


class Stopped(Exception):
    """A paced client was told to stop while waiting for its next command's time."""


class Pacer:
    """One client's share of a paced load: its commands' times, ``interval`` apart from
    ``first``; ``wait`` sleeps until the next (raises ``Stopped`` if told to stop meanwhile)
    and counts the late ones."""

    def __init__(self, first: float, interval: float, stop: Event) -> None:
        self.next = first
        self.interval = interval
        self.stop = stop
        self.late = 0

    def wait(self) -> None:
        ahead = self.next - time.perf_counter()
        if ahead > 0:
            if self.stop.wait(ahead):
                raise Stopped
        elif -ahead > LATE_S:
            self.late += 1
        self.next += self.interval


def _lifecycle(
    client: httpx.Client,
    headers: Mapping[str, dict[str, str]],
    number: str,
    out: list[float],
    pacer: Pacer | None,
) -> None:
    def post(who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if pacer is not None:
            pacer.wait()
        began = time.perf_counter()
        response = client.post(path, json=body, headers=headers[who])
        out.append((time.perf_counter() - began) * 1000)
        if response.status_code != 201:
            raise RuntimeError(f"POST {path} as {who}: {response.status_code} {response.text}")
        answer: dict[str, Any] = response.json()
        return answer

    case_id = str(post("office", "/v1/cases", http_body(registration(number)))["case_id"])
    reply_id = ""
    for step in LIFECYCLE:
        command = step.command(case_id, reply_id)
        path = f"/v1/cases/{case_id}/{step.path.format(reply=reply_id)}"
        answer = post(step.who, path, http_body(command))
        if isinstance(command, SubmitReply):
            reply_id = str(answer["reply_id"])


def _run(
    base_url: str,
    tokens: Mapping[str, str],
    clients: int,
    rate: float | None,
    prefix: str,
    stop: Event,
    report: multiprocessing.Queue[Any],
) -> None:
    """The load process: ``clients`` threads until ``stop``; puts ("ready",) once every client
    has started, then one ("done", commands, seconds, latencies, errors, late)."""
    headers = {who: {"Authorization": f"Bearer {token}"} for who, token in tokens.items()}
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    started = threading.Barrier(clients + 1)
    pacers: list[Pacer] = []
    first = time.perf_counter() + 0.5  # paced: the schedule starts after every thread's start
    if rate is not None:
        interval = clients / rate
        pacers = [Pacer(first + c * interval / clients, interval, stop) for c in range(clients)]

    def client_loop(c: int) -> None:
        pacer = pacers[c] if pacers else None
        with httpx.Client(base_url=base_url, timeout=120.0) as client:
            started.wait()
            i = 0
            while not stop.is_set():
                try:
                    _lifecycle(client, headers, f"{prefix}{c:02d}{i:06d}", latencies[c], pacer)
                except Stopped:
                    return
                except Exception as error:  # reported to the bench, which prints it
                    errors.append(repr(error))
                    return
                i += 1

    threads = [threading.Thread(target=client_loop, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    started.wait()
    began = first if pacers else time.perf_counter()
    report.put(("ready",))
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    flat = [ms for own in latencies for ms in own]
    late = sum(p.late for p in pacers)
    report.put(("done", len(flat), seconds, flat, errors, late))


@contextlib.contextmanager
def command_load(
    base_url: str,
    tokens: Mapping[str, str],
    clients: int,
    prefix: str,
    rate: float | None = None,
) -> Iterator[list[LoadResult]]:
    """Runs the load while the block runs; the yielded list holds its result afterwards.
    ``tokens``: bearer tokens of an office user, a leader and handlers of the workload's two
    units, by the workload's names (``office``, ``leader``, ``lead``, ``co``). ``rate``:
    commands/s over all clients (None: flat out)."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    report: multiprocessing.Queue[Any] = context.Queue()
    process = context.Process(
        target=_run,
        args=(base_url, dict(tokens), clients, rate, prefix, stop, report),
        daemon=True,
    )
    process.start()
    result: list[LoadResult] = []
    try:
        message = report.get(timeout=READY_TIMEOUT_S)
        if message[0] != "ready":
            raise RuntimeError(f"command load: {message}")
        yield result
    finally:
        stop.set()
        try:
            _, commands, seconds, latencies, errors, late = report.get(timeout=STOP_TIMEOUT_S)
            result.append(LoadResult(commands, seconds, latencies, errors, rate, late))
        except queue.Empty:
            result.append(LoadResult(0, 0.0, [], ["the load process did not report"], rate))
        process.join(timeout=STOP_TIMEOUT_S)
        if process.is_alive():
            process.kill()

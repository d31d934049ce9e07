"""Part of ``bench.scale_sim``: commands over HTTP at a steady rate, and the lag sampled once a
second while they run.

``HttpCaseStream`` is ``workload.CaseStream`` spoken over HTTP: the same lifecycle (register,
then the seven steps, one event each), one request a call. ``drive`` runs one stream per writer
thread on a fixed schedule adding up to the target rate (open loop: a writer that falls behind
sends its next command at once, so the achieved rate shows what the command path could take;
at the step's end it stops, whatever it had still to send).
``Sampler`` scrapes ``/metrics`` and asks the broker for the consumer group's committed offsets
every ``interval``; the commit times the writers note turn "events behind the head" into
seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import kafka
from kafka.admin import KafkaAdminClient
from prometheus_client.parser import text_string_to_metric_families

from bench.plumbing import run_threads
from bench.workload import LIFECYCLE, http_body, registration
from domain.commands import SubmitReply
from projections.registry import KAFKA_FED

CHAIN = "tamper_chain"


class HttpCaseStream:
    """Lifecycles over HTTP, one command (one event) a call; answers the positions written."""

    def __init__(
        self, client: httpx.Client, headers: dict[str, dict[str, str]], prefix: str
    ) -> None:
        self.client = client
        self.headers = headers
        self.prefix = prefix
        self.cases = 0
        self.step = 0
        self.case_id = ""
        self.reply_id = ""

    def next_command(self) -> list[int]:
        if self.step == 0:
            number = f"{self.prefix}{self.cases:06d}"
            self.cases += 1
            answer = self._post("office", "/v1/cases", http_body(registration(number)))
            self.case_id, self.reply_id = str(answer["case_id"]), ""
        else:
            step = LIFECYCLE[self.step - 1]
            command = step.command(self.case_id, self.reply_id)
            path = f"/v1/cases/{self.case_id}/{step.path.format(reply=self.reply_id)}"
            answer = self._post(step.who, path, http_body(command))
            if isinstance(command, SubmitReply):
                self.reply_id = str(answer["reply_id"])
        self.step = (self.step + 1) % (1 + len(LIFECYCLE))
        return [int(e["position"]) for e in answer.get("events", []) if "position" in e]

    def _post(self, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(path, json=body, headers=self.headers[who])
        if response.status_code != 201:
            msg = f"POST {path} as {who}: {response.status_code} {response.text}"
            raise RuntimeError(msg)
        answer: dict[str, Any] = response.json()
        return answer


@dataclass
class Commits:
    """When each position was committed (the 201's arrival, ``perf_counter``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    at: dict[int, float] = field(default_factory=dict)

    def add(self, positions: Sequence[int], when: float) -> None:
        with self.lock:
            for p in positions:
                self.at[p] = when

    def committed_at(self, position: int, head: int) -> float | None:
        """The commit time of ``position``, else of the next position the bench wrote (events
        written by others, such as the directory's, have no time here)."""
        with self.lock:
            for p in range(position, head + 1):
                if p in self.at:
                    return self.at[p]
        return None


@dataclass
class Sent:
    latency: float
    slip: float  # how late the command started against its schedule


def drive(
    streams: Sequence[HttpCaseStream], commits: Commits, seconds: float, rate: float
) -> tuple[list[Sent], float, float]:
    """Each stream in its own thread on a fixed schedule adding up to ``rate`` commands/s, for
    ``seconds``. Answers what was sent, the start, and the last answer's time."""
    sent: list[Sent] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.05
    until = start + seconds
    count = len(streams)
    last = [start]

    def work(index: int, stream: HttpCaseStream) -> None:
        mine: list[Sent] = []
        interval = count / rate
        first = start + index / rate
        try:
            i = 0
            # Open loop, bounded by the step: what was not sent by its end is not sent late.
            while (scheduled := first + i * interval) < until and time.perf_counter() < until:
                wait = scheduled - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                began = time.perf_counter()
                positions = stream.next_command()
                done = time.perf_counter()
                commits.add(positions, done)
                mine.append(Sent(done - began, max(0.0, began - scheduled)))
                i += 1
        finally:  # what was sent counts, also when a command failed (run_threads re-raises)
            with lock:
                sent.extend(mine)
                last[0] = max(last[0], time.perf_counter())

    run_threads(len(streams), lambda i: work(i, streams[i]))
    return sent, start, last[0]


@dataclass(frozen=True)
class Sample:
    at: float  # perf_counter when the scrape answered
    head: int  # banli_events_total
    relay_lag: int  # events stored, not yet acknowledged by the broker
    consumer_lag: int | None  # /metrics: offsets the consumers have yet to apply (their own)
    behind: int | None  # /metrics: the Kafka-fed views' events behind the head (the largest)
    chain_behind: int | None  # /metrics: the log-fed tamper chain's
    group_lag: int | None  # the broker: end offsets − the group's committed offsets
    lag_seconds: float | None  # age of the oldest event the Kafka-fed views do not show yet


def parse_metrics(text: str) -> dict[str, Any]:
    head = relay = 0
    consumer: int | None = None
    behind: dict[str, int] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == "banli_events_total":
                head = int(s.value)
            elif s.name == "banli_relay_lag":
                relay = int(s.value)
            elif s.name == "banli_consumer_lag":
                consumer = (consumer or 0) + int(s.value)
            elif s.name == "banli_projection_events_behind_head":
                name = s.labels["projection"]
                behind[name] = max(behind.get(name, 0), int(s.value))
    fed = [v for k, v in behind.items() if k in KAFKA_FED]
    return {
        "head": head,
        "relay": relay,
        "consumer": consumer,
        "behind": max(fed) if fed else None,
        "chain": behind.get(CHAIN),
    }


class Sampler(threading.Thread):
    """Every ``interval``: ``/metrics``, and the group's committed offsets from the broker."""

    def __init__(
        self,
        base_url: str,
        bootstrap: str,
        topic: str,
        group: str,
        commits: Commits,
        interval: float = 1.0,
    ) -> None:
        super().__init__(name="bench-sampler", daemon=True)
        self.base_url = base_url
        self.bootstrap = bootstrap
        self.topic = topic
        self.group = group
        self.commits = commits
        self.interval = interval
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.scrape_seconds: list[float] = []

    def since(self, began: float, until: float | None = None) -> list[Sample]:
        with self.lock:
            return [s for s in self.samples if s.at >= began and (until is None or s.at <= until)]

    def run(self) -> None:
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="bench-sampler")
            ends = kafka.KafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None)
            try:
                with httpx.Client(base_url=self.base_url, timeout=30.0) as client:
                    while not self.stop.is_set():
                        tick = time.perf_counter()
                        self._sample(client, admin, ends)
                        self.stop.wait(max(0.0, self.interval - (time.perf_counter() - tick)))
            finally:
                admin.close()
                ends.close()
        except BaseException as exc:  # reported by the main thread
            self.error = exc

    def _group_lag(self, admin: Any, ends: Any) -> int | None:
        partitions = ends.partitions_for_topic(self.topic) or set()
        tps = [kafka.TopicPartition(self.topic, p) for p in partitions]
        if not tps:
            return None
        end = ends.end_offsets(tps)
        try:
            committed = admin.list_group_offsets({self.group: tps}).get(self.group, {})
        except kafka.errors.KafkaError:  # the group's coordinator is not there yet (it forms)
            return None
        lag = 0
        for tp in tps:
            offset = committed.get(tp)
            done = offset.offset if offset is not None and offset.offset >= 0 else 0
            lag += max(0, int(end[tp]) - done)
        return lag

    def _sample(self, client: httpx.Client, admin: Any, ends: Any) -> None:
        began = time.perf_counter()
        metrics = parse_metrics(client.get("/metrics").raise_for_status().text)
        at = time.perf_counter()
        self.scrape_seconds.append(at - began)
        group_lag = self._group_lag(admin, ends)
        behind, head = metrics["behind"], metrics["head"]
        seconds: float | None = None
        if behind is not None:
            seconds = 0.0
            if behind > 0:
                committed = self.commits.committed_at(head - behind + 1, head)
                seconds = max(0.0, at - committed) if committed is not None else None
        sample = Sample(
            at,
            head,
            metrics["relay"],
            metrics["consumer"],
            behind,
            metrics["chain"],
            group_lag,
            seconds,
        )
        with self.lock:
            self.samples.append(sample)

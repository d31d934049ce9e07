"""What a process counts about itself, for ``/metrics`` (``prometheus_client``), and the request
id that ties a request's log lines to the events it wrote.

The counters live in the process that counts; ``banli serve --workers N`` gives its workers one
``PROMETHEUS_MULTIPROC_DIR`` so a scrape of any worker sums them all (``infra/metrics.py``).
"""

from __future__ import annotations

import contextvars

from prometheus_client import Counter, Histogram

# The request being served in this context (asyncio task, or the thread a route runs in: the
# ASGI server copies the context into the worker thread). None outside requests.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "banli_request_id", default=None
)

REQUEST_SECONDS = Histogram(
    "banli_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0),
)
COMMANDS = Counter(
    "banli_commands",
    "Commands run, by command type and outcome (ok, replayed, refused, conflict, invalid, "
    "not_found, error).",
    ["command", "outcome"],
)
# Every read first makes sure the read models hold each event committed so far (read-your-writes,
# ``Services.views_current``): the log head's query, then any wait for the projections. While
# commands run, that wait is a large part of a read's tail (issue 13).
READ_WAIT_SECONDS = Histogram(
    "banli_read_wait_seconds",
    "Time a read spent before reading, making sure the read models hold every event committed "
    "so far: the log head's query and any wait for the projections.",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0),
)
REFUSALS = Counter(
    "banli_command_refusals",
    "Commands refused by a DOMAIN.md rule, by command type and rule id.",
    ["command", "rule"],
)

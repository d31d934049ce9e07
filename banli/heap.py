"""The long-lived part of a serving process's heap, kept out of Python's full collections.

A worker's heap after start-up (the web stack, the routes, the templates' machinery, the
services: some 140,000 tracked objects) lives as long as the process, yet every full (gen 2)
collection walks it again: 80–150 ms on the development VM, a pause that lands on whichever
request triggers it (the quiet p99 outliers of ``bench.ledger_reads``). ``gc.freeze`` moves it
to the permanent generation, which collections skip; what is allocated afterwards is collected
as before.
"""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Collects once, then freezes what survived: call when start-up is done, before serving."""
    gc.collect()
    gc.freeze()

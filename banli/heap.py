"""The long-lived part of a serving process's heap, kept out of Python's full collections.

A worker's heap after start-up (the web stack, the routes, the templates' machinery, the
services: some 140,000 tracked objects) lives as long as the process, yet every full (gen 2)
collection walks it again: 80–150 ms on the development VM, a pause that lands on whichever
request triggers it (the quiet p99 outliers of ``bench.ledger_reads``). ``gc.freeze`` moves it
to the permanent generation, which collections skip. What is allocated afterwards is still
collected, though less often than CPython's default (``YOUNG_COLLECTION_OBJECTS``), and every
collection's pause is timed for ``/metrics`` (``infra/gc_pauses.py``).
"""

from __future__ import annotations

import gc

from infra import gc_pauses

# A young collection once this many more container objects were made than freed, not 700
# (CPython's default): a page request makes tens of thousands, and collections in the middle
# of one moved what it held into the older generations, whose full collections then came about
# once a second under a command load. bench.ledger_reads at 100k cases, both workers, one run
# each: 3,944 young, 357 middle and 26 full collections, 950 ms of CPU, pauses up to 24 ms; at
# 10,000: 87, 7 and none, 38 ms, up to 9 ms. 50,000 made fewer still but young pauses of 15 ms.
YOUNG_COLLECTION_OBJECTS = 10_000


def settle_heap() -> None:
    """Collects once, then freezes what survived: call when start-up is done, before serving.
    Then collects the young generation less often, and times each collection."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_OBJECTS, *gc.get_threshold()[1:])
    gc_pauses.watch()

"""Where the embedded notices run (``banli.compose.keep_notices``): in the one process keeping
the embedded views, and nowhere when the views (and so the notices) are another transport's."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from banli.compose import build_application, keep_notices
from infra.read_models import build_view_store
from infra.settings import Settings


def _kept(settings: Settings, stops: list[Callable[[], None]]) -> bool:
    app, views = build_application(settings), build_view_store(settings)
    try:
        return keep_notices(settings, app, views, threading.Lock(), stops)
    finally:
        for stop in stops:
            stop()
        app.close()
        views.close()


def test_R_S3_one_process_notices_beside_the_embedded_views(tmp_path: Path) -> None:
    stops: list[Callable[[], None]] = []
    assert _kept(Settings(data_dir=tmp_path), stops)
    assert len(stops) == 2  # the follower's stop, then the lock's release


def test_R_S3_no_embedded_notices_where_kafka_feeds_the_views(tmp_path: Path) -> None:
    stops: list[Callable[[], None]] = []
    assert not _kept(Settings(data_dir=tmp_path, embedded_projections=False), stops)
    assert not _kept(Settings(data_dir=tmp_path, embedded_notices=False), stops)
    assert stops == []

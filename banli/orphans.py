"""Processes ``banli serve --workers N`` starts end when it goes, however it goes.

Killed by SIGKILL (the OOM killer, ``docker kill``), serve cannot stop its children: its API
workers would keep answering on the inherited socket, so the next serve could not bind the
port, and its follower would keep the views' lock from the next one's. Each child therefore
watches for being handed to init (or a subreaper) and stops itself.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable

# How often a worker looks at its parent: a worker outlives a killed serve by at most this.
PARENT_CHECK_SECONDS = 1.0
# Set by serve for the processes it starts: its own pid. A child compares its parent with it
# rather than with the parent it sees when it looks first, since serve may die before that.
SERVE_PID = "BANLI_SERVE_PID"


def parent_gone(parent: int) -> Callable[[], bool]:
    """Whether this process's parent is no longer ``parent``."""
    return lambda: os.getppid() != parent


def terminate_when_serve_goes() -> None:
    """SIGTERM to this worker once the serve that started it has gone: uvicorn then shuts it
    down as it would on ``docker stop`` (requests in flight finish)."""
    serve = os.environ.get(SERVE_PID)
    if not serve:
        return
    gone = parent_gone(int(serve))

    def watch() -> None:
        while not gone():
            time.sleep(PARENT_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()

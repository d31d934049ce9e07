"""Real ``banli`` processes that a test SIGKILLs and starts again, as a supervisor would.

Every process of a test writes to one log, so a failure shows what each one printed. A process
that exits without being killed is a failure in itself: ``wait_for`` checks for one on every
poll, so a crashed consumer is reported at once instead of as a timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

BANLI = Path(sys.executable).parent / "banli"


class Supervised:
    def __init__(self, name: str, args: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.args = list(args)
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        assert self.proc is None, f"{self.name} is already running"
        with self.log.open("ab") as out:
            out.write(f"--- start {self.name}: banli {' '.join(self.args)}\n".encode())
            out.flush()
            self.proc = subprocess.Popen(
                [str(BANLI), *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def kill(self) -> None:
        """SIGKILL: no handler runs, an open transaction is simply lost."""
        assert self.proc is not None, f"{self.name} is not running"
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None
        self.kills += 1
        with self.log.open("ab") as out:
            out.write(f"--- killed {self.name}\n".encode())

    @property
    def running(self) -> bool:
        return self.proc is not None

    def check(self) -> None:
        """Fails with the log if the process exited although nobody killed it."""
        if self.proc is not None and self.proc.poll() is not None:
            code = self.proc.returncode
            tail = self.log.read_text(errors="replace")[-4000:]
            raise AssertionError(f"{self.name} exited by itself with {code}:\n{tail}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait(timeout=30)
        self.proc = None


@contextmanager
def supervising(*processes: Supervised) -> Iterator[None]:
    """Starts ``processes``; stops whatever still runs when the block ends, however it ends."""
    try:
        for process in processes:
            process.start()
        yield
    finally:
        for process in processes:
            process.stop()


def wait_for(
    condition: Callable[[], bool],
    what: str,
    processes: Sequence[Supervised] = (),
    seconds: float = 120,
    every: float = 0.02,
) -> None:
    """Polls ``condition`` (a tracked position, never a fixed sleep), bounded by ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        for process in processes:
            process.check()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(every)


def banli_env(**settings: str) -> dict[str, str]:
    """The environment of a ``banli`` process: this one's, without any BANLI_* of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANLI_")}
    env.update({f"BANLI_{k.upper()}": v for k, v in settings.items()})
    return env


def postgres_url(pg_env: dict[str, str]) -> str:
    return (
        f"postgresql://{pg_env['POSTGRES_USER']}:{pg_env['POSTGRES_PASSWORD']}@"
        f"{pg_env['POSTGRES_HOST']}:{pg_env['POSTGRES_PORT']}/{pg_env['POSTGRES_DBNAME']}"
    )

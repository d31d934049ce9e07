"""CPU time spent by processes while a bench times something: the ``banli`` processes (with
every process they started: API workers, the follower), PostgreSQL's server processes and the
bench itself, read from ``/proc`` (Linux), so a run can say what a command cost in CPU and
where, not only how long it took."""

from __future__ import annotations

import os
import resource
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float, float] | None:
    """(command name, parent pid, CPU seconds, CPU seconds of its ended and reaped children) of
    a live process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state, ppid, …; utime, stime, cutime and cstime are the 14th to 17th
    # fields overall.
    own = (int(fields[11]) + int(fields[12])) / TICKS
    return name, int(fields[1]), own, (int(fields[13]) + int(fields[14])) / TICKS


def _processes() -> dict[int, tuple[str, int, float, float]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            found[int(entry)] = stat
    return found


def tree_seconds(roots: Iterable[int], *, leaving_out: Iterable[int] = ()) -> float:
    """CPU seconds of ``roots`` and every live descendant, but ``leaving_out`` and theirs."""
    processes = _processes()
    wanted, skipped = set(roots), set(leaving_out)
    grew = True
    while grew:
        more = {pid for pid, (_, ppid, _, _) in processes.items() if ppid in wanted}
        more -= wanted | skipped
        wanted |= more
        grew = bool(more)
    return sum(processes[pid][2] for pid in wanted if pid in processes)


def children(pid: int) -> list[int]:
    """The live processes ``pid`` started."""
    return [child for child, (_, ppid, _, _) in _processes().items() if ppid == pid]


def postgres_seconds() -> float:
    """CPU seconds of every PostgreSQL server process on this machine, those that ended
    included (a backend's connection closed: the postmaster reaped it and counts its CPU); a
    shared server counts other users' work too."""
    return sum(cpu + ended for name, _, cpu, ended in _processes().values() if name == "postgres")


def own_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ended_children_seconds() -> float:
    """CPU seconds of this process's children that ended and were waited for (forked workers
    that exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuMeter:
    """CPU seconds spent between ``start`` and ``stop`` by a server tree, PostgreSQL and the
    bench process, summed over every interval measured."""

    server_pid: int
    server: float = 0.0
    postgres: float = 0.0
    bench: float = 0.0
    _began: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def _now(self) -> tuple[float, float, float]:
        return tree_seconds([self.server_pid]), postgres_seconds(), own_seconds()

    def start(self) -> None:
        self._began = self._now()

    def stop(self) -> None:
        server, postgres, bench = self._now()
        self.server += server - self._began[0]
        self.postgres += postgres - self._began[1]
        self.bench += bench - self._began[2]

    def line(self, operations: int, label: str = "command") -> str:
        per = 1000 / operations if operations else 0.0
        return (
            f"CPU per {label}: server {self.server * per:.2f} ms, PostgreSQL "
            f"{self.postgres * per:.2f} ms (every server process on this machine), "
            f"bench clients {self.bench * per:.2f} ms; "
            f"totals {self.server:.1f} / {self.postgres:.1f} / {self.bench:.1f} s"
        )

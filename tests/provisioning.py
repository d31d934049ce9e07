"""Running a test service's provisioning script (``scripts/ensure_*.sh``), shared by the
PostgreSQL, Kafka and Chromium fixtures: a service that cannot be had fails the test under CI
(``CI=true``, where every service must be provisioned) and skips it, with the reason, elsewhere."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest


def unavailable(service: str, reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{service} provisioning failed (CI=true):\n{reason}", pytrace=False)
    pytest.skip(f"{service} unavailable: {reason}")


def run_script(script: Path, timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Runs ``script`` with no stdin; raises ``OSError`` or ``TimeoutExpired`` as run does."""
    return subprocess.run(
        ["bash", str(script)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def report(script: Path, proc: subprocess.CompletedProcess[str]) -> str:
    """What a failed script said, for the failure or skip message."""
    return (
        f"{script} exited with {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )

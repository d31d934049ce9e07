"""``banli import assignments FILE``: the same import from the command line, and a file is
never half imported, even when the process is killed (``kill -9``) while it writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from banli.compose import build_application
from domain.directory import Unit
from domain.records import Actor
from infra.application import BanliApplication
from infra.settings import Settings
from tests.paperwork_support import row, workbook

ADMIN = Actor(user="admin", role="admin", unit=None)
ROWS = 3000


def store_with_units(data_dir: Path) -> BanliApplication:
    app = build_application(Settings(data_dir=data_dir))
    for code in ("FIN", "HOU", "EDU"):
        app.record(Unit.create(code=code, name=f"{code}厅", actor=ADMIN).collect_events())
    return app


def cases(app: BanliApplication) -> int:
    return len(app.index.first_of_type("Registered"))


def banli(*args: str) -> list[str]:
    return [sys.executable, "-m", "banli", *args]


def test_the_cli_dry_run_writes_nothing_and_the_import_writes_every_row(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = store_with_units(data_dir)
    head = app.recorder.max_notification_id()
    sheet = tmp_path / "交办清单.xlsx"
    sheet.write_bytes(workbook([row("2025-001"), row("2025-002", 主办单位="住房厅")]))
    command = ["import", "assignments", str(sheet), "--data-dir", str(data_dir)]

    dry = subprocess.run(banli(*command, "--dry-run"), capture_output=True, text=True)
    assert dry.returncode == 1, dry.stderr  # 住房厅 is no unit here
    [error] = json.loads(dry.stdout)["errors"]
    assert (error["row"], error["column"]) == (3, "主办单位")
    assert app.recorder.max_notification_id() == head

    sheet.write_bytes(workbook([row("2025-001"), row("2025-002", 主办单位="HOU厅")]))
    done = subprocess.run(banli(*command), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["registered"] == 2
    assert "已导入" in done.stderr and cases(app) == 2


def test_a_killed_import_leaves_the_file_wholly_imported_or_not_at_all(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = store_with_units(data_dir)
    sheet = tmp_path / "big.xlsx"
    sheet.write_bytes(workbook([row(f"2025-{n:05d}") for n in range(ROWS)]))
    command = banli("import", "assignments", str(sheet), "--data-dir", str(data_dir))
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    while "写入".encode() not in seen:  # the one transaction has begun (or is about to)
        assert time.monotonic() < deadline and process.poll() is None, seen.decode()
        seen += os.read(process.stderr.fileno(), 4096)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert cases(app) in (0, ROWS), cases(app)  # never a part of the file

    again = subprocess.run([*command, "--quiet"], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["registered"] + report["unchanged"] == ROWS
    assert cases(app) == ROWS

"""The embedded data folder holds proposers' names and phone numbers: owner-only, always."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.api.conftest import Api, register_and_assign, start


def modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.iterdir()]}


def test_data_folder_is_0700_and_every_file_in_it_0600(api: Api) -> None:
    register_and_assign(api, "PRIV-1")  # events, views, and SQLite's -wal/-shm companions
    folder = api.services.settings.data_dir
    found = modes(folder)
    assert found.pop(folder.name) == 0o700
    assert {"events.sqlite3", "views.sqlite3"} <= set(found)
    assert set(found.values()) == {0o600}, found


def test_a_folder_left_world_readable_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir(mode=0o755)
    for name in ("events.sqlite3", "views.sqlite3"):
        (folder / name).touch(mode=0o644)
        os.chmod(folder / name, 0o644)
    os.chmod(folder, 0o755)
    _, services = start(folder)
    try:
        found = modes(folder)
        assert found.pop(folder.name) == 0o700
        assert set(found.values()) == {0o600}, found
    finally:
        services.close()

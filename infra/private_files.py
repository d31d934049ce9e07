"""The data folder and its files are the owner's alone (0700 / 0600): they hold proposers'
names and phone numbers. Applied on every start, so a folder made by an older version (0644
files) is tightened too. SQLite gives its -wal and -shm files the database file's mode."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` exists (empty if new) with mode 0600, as do SQLite's companions beside it."""
    private_dir(path.parent)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(descriptor)
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            os.chmod(companion, FILE_MODE)
    return path

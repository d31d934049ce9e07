"""README's layout table names every top-level folder of the repository, and only those, so a
newcomer's map cannot fall behind the tree."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ignored_folders() -> list[str]:
    """.gitignore's folder patterns (``data/``, ``*.egg-info/``, …): made by tools, not ours."""
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return [line.rstrip("/") for line in lines if line.endswith("/")]


def test_the_readme_layout_table_matches_the_top_level_folders() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([^`/]+)/` \|", table, re.MULTILINE))
    patterns = ignored_folders()
    folders = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir()
        and not path.name.startswith(".")
        and not any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns)
    }
    assert listed == folders

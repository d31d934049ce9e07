"""Import arrows point inward (DESIGN.md § Layout): the entry points (``banli``) and the demo
year (``demo``) sit above everything they use and nothing below imports them; ``infra`` holds
adapters and imports neither the API nor the consumers it is wired into. Read from the source
with ``ast``, so an import inside a function or under ``TYPE_CHECKING`` counts as well."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Only here are all the pieces joined, and only the tools above them (benchmarks, tests) use them.
ABOVE = {"banli", "demo", "bench", "tests", "scripts"}
# What each package below the entry points must not import.
MUST_NOT_IMPORT = {
    "domain": {"projections", "infra", "consumers", "api", *ABOVE},
    "projections": {"infra", "consumers", "api", *ABOVE},
    "infra": {"consumers", "api", *ABOVE},
    "consumers": {"api", *ABOVE},
    "api": {"consumers", *ABOVE},
    "demo": {"consumers", "api", "banli", "bench", "tests", "scripts"},
}


def imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(MUST_NOT_IMPORT))
def test_no_import_runs_back_up_the_layers(package: str) -> None:
    forbidden = MUST_NOT_IMPORT[package]
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no package {package}/"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in files
        for line, target in imported_packages(path)
        if target in forbidden
    ]
    assert wrong == []


def test_the_entry_points_are_the_console_script_and_python_dash_m() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'banli = "banli.cli:main"' in pyproject
    assert (ROOT / "banli" / "__main__.py").is_file()

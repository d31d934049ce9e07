"""`make rules`: print every DOMAIN.md §3 rule id that no test names, and fail if there is one.

A rule counts as tested when some test function's name carries its id with underscores
(R-A2 → ``R_A2``), as the conventions ask (`test_third_assignment_needs_ruling_R_A2`).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ROOT.parent / "shared" / "DOMAIN.md"
RULE_ID = re.compile(r"^- (R-[A-Za-z]+\d+)\b", re.MULTILINE)


def rule_ids(text: str) -> list[str]:
    section = text.split("## 3. Rules", 1)[1].split("## 4.", 1)[0]
    return RULE_ID.findall(section)


def test_names(tests: Path) -> set[str]:
    names: set[str] = set()
    for path in tests.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                names.add(node.name)
    return names


def untested(ids: list[str], names: set[str]) -> list[str]:
    def named(rule: str) -> bool:
        token = re.compile(re.escape(rule.replace("-", "_")) + r"(?![0-9])")
        return any(token.search(n) for n in names)

    return [r for r in ids if not named(r)]


def main() -> int:
    if not DOMAIN.exists():
        print(f"cannot find {DOMAIN}: shared/ must sit beside the repository", file=sys.stderr)
        return 2
    ids = rule_ids(DOMAIN.read_text(encoding="utf-8"))
    missing = untested(ids, test_names(ROOT / "tests"))
    for rule in missing:
        print(rule)
    print(
        f"rules: {len(ids)} in DOMAIN.md §3, {len(ids) - len(missing)} named by tests",
        file=sys.stderr,
    )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

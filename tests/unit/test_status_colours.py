"""UI.md § Deadline status: one colour and one word each, everywhere. A tag that is not a
deadline's status (重点, 补记, 更正, 挂账督办, a verify run's outcome …) must not wear a
status's colour, or a reader scanning for amber or red finds the wrong thing."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
RULE = re.compile(r"^\s*(\.[^{]+?)\s*\{([^}]*)\}", re.MULTILINE)
COLOUR = re.compile(r"(background|border-color|color)\s*:\s*(#[0-9a-fA-F]{3,6})")


def _colours(selector: str) -> dict[str, tuple[str, str]]:
    """Each class matching ``selector`` (a regex on the rule's selector) with its
    (background, border colour)."""
    found = {}
    for name, body in RULE.findall((WEB / "static" / "banli.css").read_text(encoding="utf-8")):
        if re.fullmatch(selector, name):
            values = dict(COLOUR.findall(body))
            found[name] = (values.get("background", "").lower(), values.get("border-color", ""))
    return found


def test_no_tag_wears_a_deadline_status_colour_UI_deadline_status() -> None:
    statuses = _colours(r"\.s-\w+")
    tags = _colours(r"\.tag\.\w+")
    assert len(statuses) >= 7 and len(tags) >= 6  # the rules were found at all
    taken = {background: name for name, (background, _) in statuses.items()}
    borrowed = {
        tag: taken[background] for tag, (background, _) in tags.items() if background in taken
    }
    assert borrowed == {}


def test_tags_are_classes_the_stylesheet_defines_UI_deadline_status() -> None:
    """A page naming a tag class the stylesheet lacks shows it grey: a typo hides an alarm.
    The tags are written by the templates and by the ledger's row markup."""
    defined = {name.removeprefix(".tag.") for name in _colours(r"\.tag\.\w+")}
    used: set[str] = set()
    markup = [*(WEB / "templates").glob("*.html"), *(WEB.parent / "api").glob("pages*.py")]
    for source in markup:
        text = source.read_text(encoding="utf-8")
        for classes in re.findall(r'class="tag ([a-z ]+)"', text):
            used.update(classes.split())
    assert used and used <= defined, used - defined

"""The HTML drawn many times a page, in Python: a deadline's status, a unit's name and the
督办 page's reminder form.

A 台账 page of 50 rows shows about 80 deadlines and 70 unit names. As Jinja macros they were
a sixth of the page's render (a macro call builds a frame, a context and a ``Markup`` per
output); as functions the same HTML costs 0.4 ms less a page. Every value is escaped
(``markupsafe.escape``), as autoescape would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from markupsafe import Markup, escape

from api.derivation_words import derivation_words
from api.pages_labels import label, status_word
from domain.checks import dialled, phone_numbers
from infra.paper_labels import FURTHER_DISCLOSURE, further_disclosures

PROVISIONAL = "该年度放假调休安排尚未载入，暂按周一至周五计算："


class ShownDeadline(Protocol):
    """What a deadline's badge shows: the ledger's and the case page's deadlines have it."""

    @property
    def kind(self) -> str: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def due_on(self) -> date: ...
    @property
    def original_due_on(self) -> date | None: ...
    @property
    def status(self) -> str: ...
    @property
    def days_overdue(self) -> int: ...
    @property
    def calendar_provisional(self) -> bool: ...
    @property
    def derivation(self) -> str: ...


@lru_cache(maxsize=4096)
def escaped(text: str) -> str:
    """``text`` escaped, remembered: for what a page draws again and again from a small set
    (vocabulary words, dates, derivations, unit codes and names). ``escape`` makes a ``Markup``
    per call, and a 台账 page of 50 rows made about a thousand of them (a fifth of its rows'
    drawing)."""
    return str(escape(text))


# The logins a proposer acts under: the demo's and an import's ``proposer:<name>``, and a
# personal link's ``proposer-link:<link id>`` (R-F4), which names no one.
PROPOSER_LOGIN = "proposer:"
LINK_LOGIN = "proposer-link:"


def actor_words(user: str, people: Mapping[str, str], data: Mapping[str, Any] | None) -> str:
    """Who recorded an event, in words: a user by display name; a proposer by their name, and
    said to have used their personal link when they did (R-F4: the event names the proposer
    speaking; a link's id means nothing to a reader)."""
    if user.startswith(LINK_LOGIN):
        name = (data or {}).get("proposer")
        return f"{name}·专属链接" if isinstance(name, str) and name else "本人·专属链接"
    if user.startswith(PROPOSER_LOGIN):
        return user.removeprefix(PROPOSER_LOGIN)
    return people.get(user) or user


def unit_name(code: str | None, units: Mapping[str, str]) -> Markup:
    """The unit's name, its code on hover; nothing for no unit."""
    return Markup(unit_html(code, units))


def unit_html(code: str | None, units: Mapping[str, str]) -> str:
    """``unit_name`` as plain text, for HTML drawn in Python (no ``Markup`` made per name)."""
    if not code:
        return ""
    # An f-string of escaped parts: ``Markup.format`` runs Python's string formatter, three
    # times slower, and a 台账 page draws some seventy names.
    return f'<span title="{escaped(code)}">{escaped(units.get(code, code))}</span>'


def deadline(
    d: ShownDeadline, units: Mapping[str, str] | None = None, brief: bool = False
) -> Markup:
    """UI.md § Deadline status: the kind and unit (unless ``brief``), the date an extension
    replaced struck through, the due date, the status word in its colour with the derivation
    on hover, and ⚠ while the year's calendar is provisional."""
    return Markup(deadline_html(d, units, brief))


def phones(text: str, *, dial: bool = False) -> Markup:
    """A recorded phone text with each number kept whole on its line (``phone`` spans), parted
    by 、: on a phone's screen a list of them ran off the card, cut mid-number. ``dial``: each
    number a ``tel:`` link, which a phone calls when tapped (the proposer's page, read on one)."""
    return Markup("、".join(_phone(number, dial) for number in phone_numbers(text)))


def _phone(number: str, dial: bool) -> str:
    dials = dialled(number) if dial else None
    if dials is None:
        return f'<span class="phone">{escape(number)}</span>'
    return f'<a class="phone" href="tel:{dials}">{escape(number)}</a>'


def kind_words(deadlines: Sequence[ShownDeadline]) -> list[str]:
    """Each deadline's kind in words, in order; a further reply's 公开 as such, and a unit's
    rounds of re-handling numbered when it has several (R-F2: a co-signer dissatisfied after
    the first round opens another, often on the same day, and two rows read alike)."""
    further = further_disclosures((d.kind, d.unit) for d in deadlines)
    rounds = Counter(d.unit for d in deadlines if d.kind == "rehandling")
    numbered: Counter[str | None] = Counter()
    words = []
    for d, again in zip(deadlines, further, strict=True):
        word = FURTHER_DISCLOSURE if again else label("deadline", d.kind)
        if d.kind == "rehandling" and rounds[d.unit] > 1:
            numbered[d.unit] += 1
            word += f"（第{numbered[d.unit]}次）"
        words.append(word)
    return words


def deadline_html(
    d: ShownDeadline,
    units: Mapping[str, str] | None = None,
    brief: bool = False,
    kind_word: str | None = None,
) -> str:
    """``deadline`` as plain text, for HTML drawn in Python (a 督办 row shows every deadline of
    an overdue case: no ``Markup`` made per badge); ``kind_word`` from ``kind_words``."""
    derivation = escaped(derivation_words(d.derivation or ""))
    due = escaped(str(d.due_on))
    parts = ['<span class="dl">\n']
    if not brief:
        unit = f"·{escaped((units or {}).get(d.unit, d.unit))}" if d.unit else ""
        kind = escaped(kind_word or label("deadline", d.kind))
        parts.append(f'<span class="dl-kind">{kind}{unit}</span>')
    if d.original_due_on:
        parts.append(f'<s class="dl-was" title="原定期限">{escaped(str(d.original_due_on))}</s>')
    parts.append(f'  <time datetime="{due}" title="{derivation}">{due}</time>\n')
    status, word = escaped(d.status), escaped(status_word(d.status, d.days_overdue or 0))
    parts.append(f'  <span class="status s-{status}" title="{derivation}">{word}</span>\n')
    if d.calendar_provisional:
        title = f"{PROVISIONAL}{derivation}"
        parts.append(f'<span class="provisional" title="{title}" aria-label="日历暂定">⚠</span>')
    parts.append("</span>\n")
    return "".join(parts)


def reminder_form(
    case_id: str, n: int, csrf_input: Markup, means_options: Markup, back: str, as_of: object
) -> Markup:
    """A 督办 row's reminder form (``_ledger_table.html``), its fields numbered ``n``. The parts
    every row shares (``csrf_input``, ``means_options``) come made; as template text the form
    cost about eleven escapes and a dozen output calls a row."""
    return Markup(
        '<details class="form">\n'
        "          <summary>催办</summary>\n"
        # ``novalidate``: an empty field is said beside it in the page's words, as every
        # command form says it, not in the browser's bubble and language.
        f'          <form method="post" action="/cases/{escape(case_id)}/forms/reminder"'
        ' class="command" novalidate>\n'
        f"            {csrf_input}\n"
        f'            <input type="hidden" name="_back" value="{escape(back)}">\n'
        f'            <div class="field"><label for="means-{n}">方式</label>\n'
        f'              <select id="means-{n}" name="means">{means_options}</select></div>\n'
        # In the case page's order (方式, 内容, 日期): one command, one form.
        f'            <div class="field wide"><label for="note-{n}">催办内容</label>\n'
        f'              <textarea id="note-{n}" name="note" required></textarea></div>\n'
        f'            <div class="field"><label for="occ-{n}">日期</label>\n'
        f'              <input type="date" id="occ-{n}" name="occurred_on" value="{escape(as_of)}"'
        " required></div>\n"
        '            <div class="actions"><button type="submit" class="primary">记录催办</button>'
        "</div>\n"
        "          </form>\n"
        "        </details>"
    )

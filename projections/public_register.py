"""The public register of replies (API.md v1.1; seeds 003 §五, 004): every published reply the
public may see, and its read, searched and paged without a login.

Listed: a reply issued and published (R-D4) — never one marked ``withheld`` or withheld by a
decision, never one whose proposer refused disclosure (R-P2: also when the refusal was recorded
after publishing, the reply leaves the register). A row holds only what the publication itself
made public: number, kind, year, title, the replying unit, its class, the date and the url;
no proposer's name, no summary.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.case import Case
from domain.checks import web_address
from domain.deadlines.calendar import WorkdayCalendar
from domain.rules.disclosure import refused_by_proposer
from projections.core import CaseView, Row, Table, ViewReader

NAME = "public_register"

REPLIES = Table(
    view=NAME,
    name="public_replies",
    # One row per published reply; the register lists the latest published first.
    key=("case_id", "reply_id"),
    indexes=(("published_on", "number"),),
    columns={
        "case_id": "TEXT",
        "reply_id": "TEXT",
        "number": "TEXT",
        "kind": "TEXT",
        "year": "INTEGER",
        "title": "TEXT",
        "unit": "TEXT",
        "classification": "TEXT",
        "published_on": "TEXT",
        "url": "TEXT",
        # R-F2: a further reply after a dissatisfied verdict (a case's second row otherwise
        # looks like its first: same number, unit and class).
        "further": "INTEGER",
    },
    version=3,  # 3: ``url`` only when a web address
)


def publishable(case: Case) -> list[Row]:
    if refused_by_proposer(case):
        return []  # R-P2: the proposer refused disclosure
    rows = []
    for reply in case.replies.values():
        disclosure = case.disclosures.get(reply.reply_id)
        if not reply.issued or reply.disclosure == "withheld" or disclosure is None:
            continue
        if disclosure.status != "published" or disclosure.published_on is None:
            continue
        rows.append(
            {
                "case_id": str(case.id),
                "reply_id": reply.reply_id,
                "number": case.number,
                "kind": case.kind,
                "year": case.year,
                "title": case.title,
                "unit": reply.unit,
                "classification": reply.classification,
                "published_on": disclosure.published_on.isoformat(),
                # A link only to a web address: one stored before addresses were checked
                # (``javascript:`` …) is left out, the title shown without a link.
                "url": web_address(disclosure.url),
                "further": int(reply.further),
            }
        )
    return rows


class PublicRegisterView(CaseView):
    name = NAME
    tables = (REPLIES,)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        return {REPLIES.name: publishable(case)}


# -- reads ----------------------------------------------------------------------------------

PUBLIC_FIELDS = (
    "number",
    "kind",
    "year",
    "title",
    "unit",
    "classification",
    "published_on",
    "further",
)
ORDER = "published_on DESC, number, case_id || reply_id"  # newest first; the key breaks ties


def every_reply(reader: ViewReader) -> list[Row]:
    """The whole register in its order (the public API keeps it in memory, see
    ``api/public_snapshot.py``); each row with its ``key``."""
    fields = ", ".join(PUBLIC_FIELDS)
    return reader.fetch(
        f"SELECT {fields}, url, case_id || reply_id AS key FROM {reader.table(REPLIES)} "
        f"ORDER BY {ORDER}",
        [],
    )

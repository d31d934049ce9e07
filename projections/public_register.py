"""The public register of replies (API.md v1.1; seeds 003 §五, 004): every published reply the
public may see, and its read, searched and paged without a login.

Listed: a reply issued and published (R-D4) — never one marked ``withheld`` or withheld by a
decision, never one whose proposer refused disclosure (R-P2: also when the refusal was recorded
after publishing, the reply leaves the register; a merge's reply, R-M1, leaves it when
the proposers of any case it answers refuse). A row holds only what the publication itself
made public: number, kind, year, title, the replying unit, its class, the date and the url;
no proposer's name, no summary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

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
        # R-M1: the merge a primary's first reply answers for every merged case (else NULL),
        # and the other cases' numbers it lists (a JSON array; the reply is found by each).
        "merge_id": "TEXT",
        "merged_numbers": "TEXT",
    },
    version=3,  # 3: ``url`` only when a web address
)

# R-P2 across a merge (R-M1): each merged case whose proposers refused disclosure. The merge's
# reply is the primary's row, yet the refusal is a partner's fact, recorded on the partner's
# stream: each case writes its own row, and the register's read leaves out a merge's reply
# while any of its cases has one here (``every_reply``), also when it came after publishing.
MERGE_REFUSALS = Table(
    view=NAME,
    name="public_merge_refusals",
    key=("case_id",),
    columns={"case_id": "TEXT", "merge_id": "TEXT", "number": "TEXT"},
)


def publishable(case: Case) -> list[Row]:
    if refused_by_proposer(case):
        return []  # R-P2: the proposer refused disclosure
    merge = case.merge  # the primary's reply answers every merged case (R-M1)
    answers_merge = merge is not None and merge.primary_case_id == str(case.id)
    merge_id = merge.merge_id if merge and answers_merge else None
    others = [n for n in merge.numbers if n != case.number] if merge and answers_merge else []
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
                # A further reply answers the primary's own proposer only (R-F2).
                "merge_id": None if reply.further else merge_id,
                "merged_numbers": json.dumps([] if reply.further else others, ensure_ascii=False),
            }
        )
    return rows


def merge_refusal(case: Case) -> list[Row]:
    """The case's row of ``MERGE_REFUSALS``: merged, and its proposers refused (R-P2)."""
    if case.merge is None or not refused_by_proposer(case):
        return []
    return [{"case_id": str(case.id), "merge_id": case.merge.merge_id, "number": case.number}]


class PublicRegisterView(CaseView):
    name = NAME
    tables = (REPLIES, MERGE_REFUSALS)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        return {REPLIES.name: publishable(case), MERGE_REFUSALS.name: merge_refusal(case)}


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
    "merged_numbers",
)
ORDER = "published_on DESC, number, case_id || reply_id"  # newest first; the key breaks ties


def _listed(reader: ViewReader) -> str:
    """SQL: whether the register's row ``r`` is listed (a merge's reply not while any of its
    cases refuses, R-M1 with R-P2)."""
    refusals = reader.table(MERGE_REFUSALS)
    return (
        f"(r.merge_id IS NULL OR NOT EXISTS "
        f"(SELECT 1 FROM {refusals} f WHERE f.merge_id = r.merge_id))"
    )


def unlisted(reader: ViewReader, alias: str) -> str:
    """SQL: whether the reply of row ``alias`` (its ``case_id`` and ``reply_id``) is not
    listed now, for another view's read (the disclosure register's ``take_down``)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM {reader.table(REPLIES)} r WHERE r.case_id = {alias}.case_id "
        f"AND r.reply_id = {alias}.reply_id AND {_listed(reader)})"
    )


def listed_keys(reader: ViewReader, case_ids: Sequence[str]) -> set[str]:
    """The keys (as ``every_reply`` gives them) of the replies of ``case_ids`` listed now."""
    if not case_ids:
        return set()
    marks = ", ".join("?" * len(case_ids))
    rows = reader.fetch(
        f"SELECT case_id || reply_id AS key FROM {reader.table(REPLIES)} r "
        f"WHERE r.case_id IN ({marks}) AND {_listed(reader)}",
        list(case_ids),
    )
    return {str(row["key"]) for row in rows}


def every_reply(reader: ViewReader) -> list[Row]:
    """The whole register in its order (the public API keeps it in memory, see
    ``api/public_snapshot.py``); each row with its ``key`` and its ``case_ref`` (the case's
    id, by which ``listed_keys`` finds it again)."""
    fields = ", ".join(PUBLIC_FIELDS)
    rows = reader.fetch(
        f"SELECT {fields}, url, case_id || reply_id AS key, case_id AS case_ref "
        f"FROM {reader.table(REPLIES)} r "
        f"WHERE {_listed(reader)} ORDER BY {ORDER}",
        [],
    )
    for row in rows:
        row["merged_numbers"] = json.loads(row["merged_numbers"] or "[]")
    return rows

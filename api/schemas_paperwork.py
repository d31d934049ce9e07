"""Answers of the office's paperwork (API.md v1.1 "Excel in and out"): the 交办清单 import's
report; the exports and the annual report answer files, described by their headers."""

from __future__ import annotations

from pydantic import Field

from api.schemas import Public


class RowErrorPublic(Public):
    row: int  # the row's number as Excel shows it
    column: str | None  # the header of the column at fault (Chinese, as in the file)
    rule: str | None  # the DOMAIN.md rule that refuses it; null for a malformed cell
    message: str  # Chinese, for the office
    case_number: str | None  # the row's 编号 as the file writes it; null when blank (an addition)


class ImportAnswer(Public):
    """What the file holds and what was (or, in a dry run, would be) written; with any error
    nothing is written. Additions to API.md: ``sha256``, ``dry_run``, ``position``, ``warnings``."""

    rows: int
    registered: int
    assigned: int
    unchanged: int
    errors: list[RowErrorPublic]
    sha256: str  # the file's, recorded in each imported event's provenance
    dry_run: bool
    position: int | None  # the log position of the last event written
    # Rows written as the rules have them that the office should know of: a deadline due
    # before the assignment that opens it (a 参阅件 assigned after 31 October, R-D5).
    warnings: list[RowErrorPublic]


class PublicReply(Public):
    """A published reply as the public register shows it: what its publication made public,
    and nothing about the proposer."""

    number: str
    kind: str
    year: int
    title: str
    unit: str
    classification: str
    published_on: str
    url: str | None
    further: bool = False  # R-F2: a further reply, after a dissatisfied verdict
    # R-M1: a merge's reply answers every merged case: the others' numbers (v1.1 addition).
    merged_numbers: list[str] = Field(default_factory=list)


class PublicReplies(Public):
    items: list[PublicReply]
    next_cursor: str | None

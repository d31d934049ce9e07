"""API.md v1.1 "Input limits" for the documents made of the records: a spreadsheet, a Word
report and the Atom feed are XML, which cannot hold U+FFFE or U+FFFF. Both are refused as
text now; text recorded before that (an event keeps what it was given) is written into every
document as U+FFFD, and no download fails for it (an attack probe had one contact's summary
cut off the year's contacts register for every reader)."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook

from domain import checks
from infra.xlsx_export import CELL_LIMIT, CUT_MARK, cell_text
from tests.api.conftest import Api, assert_problem, case_body, contact_body
from tests.api.proposer_support import issued, ok, published
from tests.api.test_input_limits import reads_still_answer

BAD = "\ufffe\uffff"
REGISTERS = [
    "ledger", "contacts", "commitments", "visit-compliance", "measures", "responsibilities",
    "reviews",
]  # fmt: skip


@pytest.mark.parametrize("bad", list(BAD))
def test_a_character_no_document_can_hold_is_refused_as_text(backend_api: Api, bad: str) -> None:
    api = backend_api  # on either store, and the reads answer after
    head = api.head()
    answer = api.post("/v1/cases", case_body("XML-0", title=f"标题{bad}"), "office")
    assert "title" in str(assert_problem(answer, 422, None))
    unit = api.post("/v1/units", {"code": "XFE", "name": f"单位{bad}"}, "admin")
    assert "name" in str(assert_problem(unit, 422, None))
    assert api.head() == head
    reads_still_answer(api)


def recorded_before_the_refusal(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a store may hold from before: a unit, a case title, a contact's summary and a
    published reply's case, each with U+FFFE and U+FFFF, written while text was checked as it
    was then (C0 controls and lone surrogates only)."""
    monkeypatch.setattr(checks, "_UNSTORABLE", re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]"))
    ok(api.post("/v1/units", {"code": "XFF", "name": f"旧单位{BAD}"}, "admin"))
    case_id, reply_id = issued(api, "XML-1", title=f"关于{BAD}的建议")
    ok(api.post(f"/v1/cases/{case_id}/contacts", {**contact_body(), "summary": BAD}, "handler_fin"))
    published(api, case_id, reply_id, "https://x.cn/1")
    other = ok(api.post("/v1/cases", case_body("XML-2"), "office"))["case_id"]
    assignment = {"lead_unit": "XFF", "co_units": [], "assigned_on": "2025-02-01"}
    ok(api.post(f"/v1/cases/{other}/assignment", assignment, "office"))
    monkeypatch.undo()


def cells(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]


def test_old_text_no_document_can_hold_is_written_as_a_replacement_character(
    backend_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = backend_api  # each store hands the old text back to the documents alike
    recorded_before_the_refusal(api, monkeypatch)
    written = []
    for name in REGISTERS:
        answer = api.get(f"/v1/exports/{name}.xlsx", "office", year=2025)
        assert answer.status_code == 200, (name, answer.text)
        texts = [c for c in cells(answer.content) if isinstance(c, str)]
        assert not any(c in text for text in texts for c in BAD), name
        written += texts
    assert "关于\ufffd\ufffd的建议" in written  # the title, on the ledger
    assert "\ufffd\ufffd" in written  # the contact's summary, on the contacts register
    assert any("旧单位\ufffd\ufffd" in text for text in written)  # the unit, by name

    report = api.get("/v1/reports/annual.docx", "office", year=2025)
    assert report.status_code == 200, report.text
    document = docx.Document(io.BytesIO(report.content))
    rows = [row for table in document.tables for row in table.rows]
    assert "旧单位\ufffd\ufffd" in [cell.text for row in rows for cell in row.cells]
    titled = api.get("/v1/reports/annual.docx", "office", year=2025, unit="XFF")
    assert titled.status_code == 200, titled.text
    heading = docx.Document(io.BytesIO(titled.content)).paragraphs[0].text
    assert "旧单位\ufffd\ufffd" in heading

    feed = api.get("/v1/public/feed.atom", None)
    assert feed.status_code == 200
    root = etree.fromstring(feed.content)  # libxml2: strict about the characters XML allows
    titles = root.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    assert any("关于\ufffd\ufffd的建议" in (t.text or "") for t in titles)


def spreadsheet_reading(text: str) -> str:
    """What Excel shows for a cell's stored text (ECMA-376's ST_Xstring: _xHHHH_ is the
    character HHHH)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def test_text_that_spells_an_escape_reads_as_typed_in_a_spreadsheet(backend_api: Api) -> None:
    """A title typed as 关于_x202E_exe_xFFFF_ was written as is, and a spreadsheet read the
    escapes in it: a direction mark and U+FFFF, which the API refuses (a re-probe)."""
    api = backend_api
    title = "关于_x202E_exe_xFFFF_的建议"
    ok(api.post("/v1/cases", case_body("XML-3", title=title), "office"))
    answer = api.get("/v1/exports/ledger.xlsx", "office", year=2025)
    assert answer.status_code == 200
    shown = [spreadsheet_reading(c) for c in cells(answer.content) if isinstance(c, str)]
    assert title in shown


def test_text_past_a_cell_s_limit_is_cut_with_a_mark() -> None:
    """A spreadsheet cell holds 32,767 characters, and openpyxl cut longer text there without
    a word (a probe's 200 visitors of 200 characters each): the reader took it for whole."""
    long = "走访人员" * 10_000
    written = cell_text(long)
    assert len(written) == CELL_LIMIT and written.endswith(CUT_MARK)
    assert written.startswith("走访人员走访人员") and cell_text("走访人员") == "走访人员"
    book = Workbook()
    book.create_sheet("访问").append([written])
    saved = io.BytesIO()
    book.save(saved)
    assert load_workbook(saved)["访问"]["A1"].value == written  # openpyxl cuts nothing more

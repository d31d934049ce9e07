"""Uploads are what they say they are (API.md v1.1 "Documents"): the allowed formats pass under
their own names, programs and impostors are refused whatever they are called."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from infra.file_types import DOCX, JPEG, OFD, PDF, PNG, TEXT, sniff
from tests import file_samples as f


@pytest.mark.parametrize(
    ("data", "name", "declared", "expected"),
    [
        (f.PDF, "答复函.pdf", "application/pdf", PDF),
        (f.PDF, "答复函.PDF", "application/octet-stream", PDF),
        (f.DOCX, "征询意见表.docx", None, DOCX),
        (f.OFD, "答复函.ofd", "", OFD),
        (f.JPEG, "走访卡.jpg", "image/jpeg", JPEG),
        (f.PNG, "走访卡.png", "image/png", PNG),
        (f.TEXT, "原文.txt", "text/plain", TEXT),
        (b"\xef\xbb\xbf" + f.TEXT, "原文.txt", None, TEXT),
        (f.PDF, "scan", "application/pdf", PDF),  # no extension: the declared type decides
    ],
)
def test_each_allowed_type_passes_under_its_own_name(
    data: bytes, name: str, declared: str | None, expected: str
) -> None:
    found = sniff(data, name, declared)
    assert found.content_type == expected
    assert found.name == name


@pytest.mark.parametrize(
    ("data", "name", "declared"),
    [
        (f.EXE, "答复函.pdf", "application/pdf"),  # a program renamed
        (f.EXE, "setup.exe", None),  # a program as itself
        (f.EXE, "readme.txt", "text/plain"),
        (b"#!/bin/sh\nrm -rf /\n", "notes.txt", None),  # a script passed off as text
        (f.DOCM, "征询意见表.docx", None),  # macros inside a .docx name
        (f.ZIP, "答复函.ofd", None),  # any ZIP is no OFD
        (f.ZIP, "答复函.docx", None),
        (f.PNG, "答复函.pdf", None),  # a real file of another type
        (f.PDF, "答复函.pdf", "image/png"),  # declared type and name disagree
        (f.PDF, "答复函.html", "text/html"),  # not an accepted type at all
        ("答复".encode("gbk"), "原文.txt", None),  # not UTF-8
        (b"line\x00with NUL", "原文.txt", None),
        (b"", "空.pdf", None),
        (f.PDF, "", "application/pdf"),  # no name
        (f.PDF, "noextension", None),  # neither a name nor a type says what it is
    ],
)
def test_programs_and_impostors_are_refused(data: bytes, name: str, declared: str | None) -> None:
    with pytest.raises(InvalidInput):
        sniff(data, name, declared)


def test_a_name_keeps_no_folders() -> None:
    assert sniff(f.PDF, "../../etc/答复函.pdf", None).name == "答复函.pdf"
    assert sniff(f.PDF, "C:\\Users\\x\\答复函.pdf", None).name == "答复函.pdf"

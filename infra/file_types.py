"""What an uploaded file is, judged from its bytes (API.md v1.1 "Documents").

An allow-list of the five formats a case's paperwork comes in: PDF, DOCX, OFD (the Chinese
national fixed-layout format, GB/T 33190), JPEG/PNG scans and plain UTF-8 text. A file is
accepted only when its bytes are one of these *and* its name (or, without an extension, its
declared type) says the same: an executable renamed ``答复函.pdf``, a macro-enabled Word file
named ``.docx`` or a ZIP of anything with a ``.ofd`` name are refused. Only signatures and the
ZIP central directory are read (nothing is decompressed), so a crafted archive costs nothing.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from domain.checks import text_problem
from domain.errors import InvalidInput

PDF, DOCX, OFD, JPEG, PNG, TEXT = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/ofd",
    "image/jpeg",
    "image/png",
    "text/plain; charset=utf-8",
)
# Each format as people name it (the timeline's 文件格式).
FORMAT_WORDS = {
    PDF: "PDF",
    DOCX: "Word 文档（DOCX）",
    OFD: "OFD 版式文件",
    JPEG: "JPEG 图片",
    PNG: "PNG 图片",
    TEXT: "文本",
}
BY_EXTENSION = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".ofd": OFD,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".txt": TEXT,
}
# Declared types that say nothing: the name decides then.
_VAGUE = {"", "application/octet-stream", "binary/octet-stream"}
# Signatures of programs, to say why a file is refused.
_PROGRAMS = {
    b"MZ": "a Windows program",
    b"\x7fELF": "a Linux program",
    b"\xcf\xfa\xed\xfe": "a macOS program",
    b"\xca\xfe\xba\xbe": "a macOS or Java program",
    b"#!": "a script",
}
MAX_NAME = 200


@dataclass(frozen=True)
class Sniffed:
    name: str
    content_type: str


# Word's and WPS Writer's own formats: refused, with the way to a format taken (a review
# uploaded WPS's default and was told only what is accepted).
OLD_WORD = frozenset({".doc", ".wps"})


def _refuse(zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en)


def clean_name(raw: str | None) -> str:
    """The file's own name, without any folders a browser or a crafted request put before it."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name.strip()
    if not name or name in {".", ".."}:
        raise _refuse("文件须有文件名", "the file has no name")
    if text_problem(name) is not None or len(name) > MAX_NAME:
        raise _refuse("文件名无效", f"the file name is unusable or over {MAX_NAME} characters")
    return name


def _zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return text_problem(text.replace("\x0c", "")) is None  # form feeds end pages of old texts


def what_it_is(data: bytes) -> str | None:
    """The allowed type the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data) or set()
        if "OFD.xml" in names:
            return OFD
        # A Word document, and not a macro-enabled one passed off as .docx.
        if {"[Content_Types].xml", "word/document.xml"} <= names and not any(
            n.lower().endswith("vbaproject.bin") for n in names
        ):
            return DOCX
        return None
    if any(data.startswith(mark) for mark in _PROGRAMS):
        return None
    return TEXT if _is_text(data) else None


def sniff(data: bytes, filename: str | None, declared: str | None) -> Sniffed:
    """The file's name and its type, when its bytes are what its name and type say."""
    name = clean_name(filename)
    if not data:
        raise _refuse("文件为空", "the file is empty")
    suffix = PurePosixPath(name.lower()).suffix
    claimed = BY_EXTENSION.get(suffix)
    said = (declared or "").split(";")[0].strip().lower()
    if claimed is None and suffix:
        resave = "；请在 Word 或 WPS 中另存为 PDF 或 DOCX 后上传" if suffix in OLD_WORD else ""
        raise _refuse(
            f"只接受 PDF、DOCX、OFD、JPEG/PNG 图片和纯文本文件{resave}",
            f"{suffix} files are not accepted (PDF, DOCX, OFD, JPEG, PNG, plain text only)",
        )
    if claimed is None:
        claimed = next((t for t in BY_EXTENSION.values() if t.split(";")[0] == said), None)
    if claimed is None:
        raise _refuse("无法判断文件类型", "name the file with its extension (.pdf, .docx, …)")
    if said not in _VAGUE and said != claimed.split(";")[0]:
        raise _refuse(
            "文件类型与文件名不符", f"the file is declared {said}, its name says {claimed}"
        )
    actual = what_it_is(data)
    if actual != claimed:
        program = next((why for mark, why in _PROGRAMS.items() if data.startswith(mark)), None)
        detail = f"it is {program}" if program else "its content does not match"
        raise _refuse(
            "文件内容与文件名不符（不接受可执行文件或伪装的文件）",
            f"the file is not what its name says ({claimed}): {detail}",
        )
    return Sniffed(name, claimed)

"""How a Word document banli writes is set up: A4 (python-docx's template is US Letter), Chinese
fonts (its template names none for East Asian text, so Word falls back to whatever the machine
has), black headings (the template's are blue Calibri), page numbers in the footer, and document
properties that say what it is (the template says "python-docx", created 2013)."""

from __future__ import annotations

from datetime import datetime

from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor

from domain.business_day import CHINA

BODY_FONT = "宋体"  # 仿宋 or 宋体 for the text of an official summary
HEADING_FONT = "黑体"


def set_up(doc: DocumentType, title: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    _font(doc, "Normal", BODY_FONT, Pt(11))
    for level in (1, 2):
        _font(doc, f"Heading {level}", HEADING_FONT, Pt(16 if level == 1 else 13))
    _page_numbers(section)
    properties = doc.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = "banli"
    properties.comments = ""
    properties.language = "zh-CN"
    properties.created = properties.modified = datetime.now(CHINA).replace(tzinfo=None)


def _page_numbers(section: Section) -> None:
    """第 N 页 centred in the footer: Word fills the PAGE field in (a printed report of several
    pages had no numbers)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    paragraph._p.append(field)
    paragraph.add_run(" 页")


def _font(doc: DocumentType, style_name: str, east_asian: str, size: Pt) -> None:
    style = doc.styles[style_name]
    font = style.font
    font.name = east_asian
    font.size = size
    font.color.rgb = RGBColor(0, 0, 0)
    properties = style.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for script in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(script), east_asian)
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")

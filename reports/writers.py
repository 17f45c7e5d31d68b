"""Write a reports.document.Document as DOCX (python-docx) or PDF (reportlab, with an installed CJK font
embedded), in the layout of a Chinese official document: issuer in red, number, title, body, date."""
from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import HRFlowable, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Image as PdfImage
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

from core.errors import BadInputError
from reports.document import Document, Heading, Image, Paragraph, Table
from reports.fonts import require_cjk_font

OFFICIAL_RED = (0xC0, 0x00, 0x00)
# The fonts officials expect in Word; a reader without them falls back to any installed CJK font.
DOCX_BODY_FONT = "仿宋"
DOCX_TITLE_FONT = "宋体"
PDF_FONT = "LantianCJK"


def write_bulletin(document: Document, path: Path | str) -> Path:
    """Write ``document`` to ``path``, DOCX or PDF by its suffix; BadInputError for any other suffix."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise BadInputError("error.bulletin_format", field="out", path=str(target))
    target.write_bytes(docx_bytes(document) if suffix == ".docx" else pdf_bytes(document))
    return target


def _docx_run(paragraph, text: str, *, size: float, bold: bool = False, font: str = DOCX_BODY_FONT,
              colour: tuple[int, int, int] | None = None) -> None:
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if colour is not None:
        run.font.color.rgb = RGBColor(*colour)


def docx_bytes(document: Document) -> bytes:
    """The document as a .docx file's bytes."""
    word = DocxDocument()
    for section in word.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.6)
    head = word.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(head, document.issuer, size=22, bold=True, font=DOCX_TITLE_FONT, colour=OFFICIAL_RED)
    number = word.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(number, document.number, size=14)
    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_run(title, document.title, size=18, bold=True, font=DOCX_TITLE_FONT)
    for block in document.blocks:
        if isinstance(block, Heading):
            _docx_run(word.add_paragraph(), block.text, size=15, bold=True, font="黑体")
        elif isinstance(block, Paragraph):
            body = word.add_paragraph()
            body.paragraph_format.first_line_indent = Pt(28)
            _docx_run(body, block.text, size=14)
        elif isinstance(block, Table):
            table = word.add_table(rows=1, cols=len(block.columns))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.columns):
                _docx_run(cell.paragraphs[0], text, size=10, bold=True)
            for values in block.rows:
                for cell, text in zip(table.add_row().cells, values):
                    _docx_run(cell.paragraphs[0], text, size=10)
            if block.note:
                _docx_run(word.add_paragraph(), block.note, size=10)
        elif isinstance(block, Image):
            word.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            caption = word.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _docx_run(caption, block.caption, size=11)
    date = word.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _docx_run(date, f"{document.issuer}\n{document.issued_on}", size=14)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _register_pdf_font() -> str:
    path = require_cjk_font()  # asked every time: the font may have been removed since it was registered
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, str(path), subfontIndex=0))
    return PDF_FONT


def pdf_bytes(document: Document) -> bytes:
    """The document as a PDF's bytes, with the installed CJK font embedded (SetupError without one)."""
    font = _register_pdf_font()
    style = {"body": ParagraphStyle("body", fontName=font, fontSize=11, leading=17, firstLineIndent=22,
                                    wordWrap="CJK"),
             "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK"),
             "heading": ParagraphStyle("heading", fontName=font, fontSize=13, leading=20, spaceBefore=8),
             "issuer": ParagraphStyle("issuer", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER,
                                      textColor=colors.Color(*(c / 255 for c in OFFICIAL_RED))),
             "centre": ParagraphStyle("centre", fontName=font, fontSize=12, leading=18, alignment=TA_CENTER),
             "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=24, alignment=TA_CENTER,
                                     spaceBefore=6, spaceAfter=6),
             "right": ParagraphStyle("right", fontName=font, fontSize=11, leading=17, alignment=TA_RIGHT)}
    story = [PdfParagraph(escape(document.issuer), style["issuer"]),
             PdfParagraph(escape(document.number), style["centre"]),
             HRFlowable(width="100%", thickness=1.5, color=style["issuer"].textColor),
             PdfParagraph(escape(document.title), style["title"])]
    width = A4[0] - 4 * cm
    for block in document.blocks:
        if isinstance(block, Heading):
            story.append(PdfParagraph(escape(block.text), style["heading"]))
        elif isinstance(block, Paragraph):
            story.append(PdfParagraph(escape(block.text), style["body"]))
        elif isinstance(block, Table):
            cells = [[PdfParagraph(escape(text), style["cell"]) for text in row]
                     for row in (block.columns, *block.rows)]
            shares = block.widths or (1.0,) * len(block.columns)
            table = PdfTable(cells, colWidths=[width * share / sum(shares) for share in shares], repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            story.append(table)
            if block.note:
                story.append(PdfParagraph(escape(block.note), style["cell"]))
        elif isinstance(block, Image):
            picture = PdfImage(io.BytesIO(block.png))
            scale = min(block.width_cm * cm, width) / picture.imageWidth
            picture.drawWidth, picture.drawHeight = picture.imageWidth * scale, picture.imageHeight * scale
            story += [Spacer(1, 4), picture, PdfParagraph(escape(block.caption), style["centre"])]
    story += [Spacer(1, 12), PdfParagraph(escape(document.issuer), style["right"]),
              PdfParagraph(escape(document.issued_on), style["right"])]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                      bottomMargin=2 * cm, title=document.title, author=document.issuer).build(story)
    return buffer.getvalue()

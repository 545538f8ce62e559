"""Printable letters as PDF: an A4 page with the sender, a window-envelope address block, a QR
code, a title and document number, the text, and the signature.

Domain-free: a domain fills in a `Letter` (already translated, already formatted) and gets the
bytes back. fpdf2 draws the pages and embeds a subset of the configured CJK font (NOTICE_FONT);
it can embed the CFF outlines of Noto CJK (fonts-noto-cjk), which many PDF
libraries cannot. The QR code is drawn from segno's module matrix as vector squares, so it stays
sharp at any printer resolution.

The output is deterministic: the creation date is the letter's own date, and fpdf2 derives the
file identifier from the content and that date, so the same letter gives the same bytes (tests
compare them, and a reprint is the same document).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app, send_file

from portal.config import missing_notice_font

if TYPE_CHECKING:
    from fpdf import FPDF

# fontTools logs every step of subsetting at INFO: a screenful per PDF in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# A4, with the margins of a government letter (GB/T 9704 leaves about 28 mm left and 26 mm
# right; the top is taken by the sender's name).
PAGE_WIDTH, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM = 210, 28, 26, 25
# Where a DL/C5 window envelope shows the address (DIN 5008's window, 20 mm from the left and
# 45 mm from the top, 90 × 45 mm): the block is printed inside it with a little room to move.
WINDOW_X, WINDOW_Y, WINDOW_WIDTH, WINDOW_HEIGHT = 22, 47, 86, 40
QR_SIZE, QR_X, QR_Y = 32, PAGE_WIDTH - 26 - 32, 47
TEXT_SIZE, LINE_HEIGHT = 12, 7.5


class FontMissing(RuntimeError):
    """The configured notice font is not installed; the message says what to install."""


@dataclass(frozen=True)
class Letter:
    """What goes on the paper, every string already in the reader's language."""

    sender: str  # the institution, at the top
    title: str
    date: datetime  # the letter's date: also the PDF's creation date
    qr_url: str
    qr_caption: str
    number: str | None = None  # the document number, under the title
    recipient: tuple[str, ...] = ()  # the address block's lines; empty: no block
    salutation: str | None = None
    paragraphs: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()  # label and value, as a two-column list
    signature: tuple[str, ...] = ()  # right-aligned at the end: the institution, the date
    footer: tuple[str, ...] = ()  # small print at the end
    language: str = "zh-CN"


def font_path(config) -> Path:
    """The font file, or FontMissing naming the package to install."""
    message = missing_notice_font(config)
    if message:
        raise FontMissing(message)
    return Path(config["NOTICE_FONT"])


@lru_cache(maxsize=8)
def _face_number(path: Path) -> int:
    """In a font collection (.ttc), the Simplified Chinese face ("… SC"): Noto CJK puts the
    Japanese one first, whose glyph shapes differ from the Chinese standard. 0 for a single
    font."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    names = [face["name"].getDebugName(1) or "" for face in TTCollection(str(path)).fonts]
    return next((i for i, name in enumerate(names) if name.endswith(" SC")), 0)


def _new_document(footer_note: str) -> FPDF:
    """An A4 document whose pages end with `footer_note` and the page number. fpdf2 (some 30 MB
    with fontTools) is imported by the first letter, not by every worker at start."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")

    def footer():
        pdf.set_y(-15)
        pdf.set_font("body", size=8)
        pdf.cell(0, 5, f"{footer_note}  {pdf.page_no()}/{{nb}}", align="C")

    pdf.footer = footer
    return pdf


def _open(*, title: str, author: str, date: datetime, language: str, footer_note: str) -> FPDF:
    """A new A4 document with the notice font and the metadata, its first page added. Raises
    FontMissing when the font is not installed."""
    font = font_path(current_app.config)
    pdf = _new_document(footer_note)
    # One font, one weight: reading and subsetting a CJK font is most of the time a PDF takes
    # (bench/notices.py), and a second weight would double it; headings are set larger instead.
    pdf.add_font("body", fname=str(font), collection_font_number=_face_number(font))
    pdf.set_margins(MARGIN_LEFT, 20, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    pdf.set_creation_date(date)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator(author)
    pdf.set_producer("Sunshine Procuratorate Portal")
    pdf.set_lang(language)
    pdf.add_page()
    return pdf


def render(letter: Letter) -> bytes:
    """The letter as the bytes of a PDF. Raises FontMissing when the font is not installed."""
    pdf = _open(
        title=letter.title,
        author=letter.sender,
        date=letter.date,
        language=letter.language,
        footer_note=letter.number or letter.title,
    )

    pdf.set_font("body", size=22)
    pdf.set_text_color(180, 0, 0)  # the institution's name in red, as on official letters
    pdf.set_draw_color(180, 0, 0)
    pdf.cell(0, 12, letter.sender, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_line_width(0.6)
    pdf.line(MARGIN_LEFT, 36, PAGE_WIDTH - MARGIN_RIGHT, 36)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)

    if letter.recipient:
        pdf.set_font("body", size=11)
        pdf.set_xy(WINDOW_X, WINDOW_Y)
        pdf.multi_cell(WINDOW_WIDTH, 6, "\n".join(letter.recipient), max_line_height=6)
    _draw_qr(pdf, letter.qr_url)
    pdf.set_font("body", size=7)
    pdf.set_xy(QR_X - 6, QR_Y + QR_SIZE + 1)
    pdf.multi_cell(QR_SIZE + 12, 3.5, letter.qr_caption, align="C")

    pdf.set_xy(MARGIN_LEFT, WINDOW_Y + WINDOW_HEIGHT + 8)
    pdf.set_font("body", size=20)
    pdf.multi_cell(0, 10, letter.title, align="C", new_x="LMARGIN", new_y="NEXT")
    if letter.number:
        pdf.set_font("body", size=TEXT_SIZE)
        pdf.cell(0, 8, letter.number, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("body", size=TEXT_SIZE)
    if letter.salutation:
        pdf.multi_cell(0, LINE_HEIGHT, letter.salutation, new_x="LMARGIN", new_y="NEXT")
    for paragraph in letter.paragraphs:
        pdf.multi_cell(0, LINE_HEIGHT, paragraph, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    label_width = 55
    for label, value in letter.facts:
        top, page = pdf.get_y(), pdf.page_no()
        pdf.multi_cell(label_width, LINE_HEIGHT, label, new_x="RIGHT", new_y="TOP")
        if pdf.page_no() != page:  # the label ran onto a new page: put the value beside it
            top = pdf.t_margin
        pdf.set_y(top)
        pdf.set_x(MARGIN_LEFT + label_width)
        pdf.multi_cell(0, LINE_HEIGHT, value, new_x="LMARGIN", new_y="NEXT")
    _draw_signature(pdf, letter.signature)
    if letter.footer:
        pdf.ln(8)
        pdf.set_font("body", size=9)
        for line in letter.footer:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _draw_signature(pdf: FPDF, lines: tuple[str, ...]) -> None:
    if lines:
        pdf.ln(10)
        for line in lines:
            pdf.cell(0, LINE_HEIGHT, line, align="R", new_x="LMARGIN", new_y="NEXT")


@dataclass(frozen=True)
class FormalDocument:
    """A published legal document (文书) laid out as printed: the issuing procuratorate and the
    document type as the heading, the number right-aligned under it, the body in paragraphs with
    a first-line indent of two characters, the signature block right-aligned at the end. The
    text is the published text, in Chinese; `facts` (labelled dates, the address it was
    published at) are in the reader's language, in small print after it."""

    issuer: str
    kind: str
    number: str
    paragraphs: tuple[str, ...]
    signature: tuple[str, ...]
    date: datetime  # the publication: also the PDF's creation date
    facts: tuple[tuple[str, str], ...] = ()
    language: str = "zh-CN"


# The two-character first-line indent of Chinese paragraphs: two ideographic spaces.
INDENT = "\u3000\u3000"


def render_formal(document: FormalDocument) -> bytes:
    """The document as the bytes of a PDF with the layout of the public page. Raises FontMissing
    when the font is not installed."""
    pdf = _open(
        title=f"{document.kind}（{document.number}）",
        author=document.issuer,
        date=document.date,
        language=document.language,
        footer_note=document.number,
    )
    pdf.set_font("body", size=16)
    pdf.multi_cell(0, 10, document.issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=22)
    pdf.multi_cell(0, 14, document.kind, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", size=TEXT_SIZE)
    pdf.cell(0, 8, document.number, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for paragraph in document.paragraphs:
        pdf.multi_cell(
            0, LINE_HEIGHT, INDENT + paragraph, align="L", wrapmode="CHAR",
            new_x="LMARGIN", new_y="NEXT",
        )  # fmt: skip
        pdf.ln(1.5)
    _draw_signature(pdf, document.signature)
    if document.facts:
        pdf.ln(8)
        pdf.set_draw_color(120, 120, 120)
        pdf.line(MARGIN_LEFT, pdf.get_y(), PAGE_WIDTH - MARGIN_RIGHT, pdf.get_y())
        pdf.ln(2)
        pdf.set_font("body", size=9)
        for label, value in document.facts:
            pdf.multi_cell(0, 5, f"{label}: {value}", wrapmode="CHAR", new_x="LMARGIN",
                           new_y="NEXT")  # fmt: skip
    return bytes(pdf.output())


def _draw_qr(pdf: FPDF, url: str) -> None:
    """The QR code for `url`, with error correction level M (a folded or smudged letter still
    scans), as filled squares; the quiet zone is left white around it."""
    import segno

    qr = segno.make_qr(url, error="m")
    rows = list(qr.matrix_iter(scale=1, border=4))
    module = QR_SIZE / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):  # one rectangle per run of dark modules: fewer, and no seams
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                pdf.rect(
                    QR_X + start * module,
                    QR_Y + y * module,
                    (x - start) * module,
                    module,
                    style="F",
                )
            else:
                x += 1


def as_download(content: bytes, filename: str, *, public: bool = False):
    """The response that hands a PDF to the one person entitled to it: as an attachment, and
    never kept by a browser or a proxy cache (it carries a name and an address). A `public` one
    (a published document, the same for every reader) is buffered, so that the page cache may
    keep it like a page (core/pagecache.py sets its Cache-Control)."""
    response = send_file(
        BytesIO(content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )
    if public:
        response.direct_passthrough = False
        response.set_data(content)
        del response.headers["Cache-Control"]
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response

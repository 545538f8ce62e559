"""Reading the portal's PDFs back as their readers do: the text, the fonts inside, and the QR
code a phone's camera would read."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import zxingcpp


def pdf_text(content: bytes) -> str:
    """The text of every page as pypdf reads it, without the spaces and line breaks it puts
    between Chinese characters, and without the NULs it reads in front of each: it takes the
    two-byte codes of the embedded Identity encoding one byte at a time (PDF viewers read the
    same file without them: see test_a_viewer_reads_the_same_text)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "".join(compact(page.extract_text().replace("\x00", "")) for page in reader.pages)


def viewer_text(content: bytes) -> str:
    """The text of every page as PDFium (Chrome's PDF viewer) reads it."""
    document = pypdfium2.PdfDocument(content)
    return "".join(compact(page.get_textpage().get_text_range()) for page in document)


def qr_codes(content: bytes) -> list[str]:
    """What a phone's camera would read on the first page: PDFium renders it at 150 dpi and
    ZXing decodes every QR code on it."""
    page = pypdfium2.PdfDocument(content)[0]
    image = page.render(scale=150 / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


def embedded_fonts(content: bytes) -> list[str]:
    """The names of the fonts whose glyphs are inside the file (not left to the reader)."""
    names = []
    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.append(str(descriptor["/FontName"]))
    return names


def compact(text: str) -> str:
    return "".join(text.split())

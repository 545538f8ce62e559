"""Uploaded files: checked by their name and their content, scanned, stored under random names,
never served as HTML.

A file is accepted only when all of these hold (`check_upload`, `check_file`):
- its content is one of the allowed types (the bytes decide, by `filetype` and, for Office
  files, by the package's main content type), and its name's final extension is one allowed for
  that type (a PNG named .pdf, report.pdf.exe, a .docm are refused); the name has a stem;
- it holds nothing active (portal/core/activecontent.py): no macros, ActiveX, DDE or remote
  templates in a DOCX; no JavaScript, launch or other actions, or attached files in a PDF; a file
  that cannot be parsed is refused;
- clamd finds no virus in it, when a scanner is configured (portal/core/clamd.py); a configured
  scanner that does not answer refuses the file rather than let it through unscanned.
It is then kept under the name `safe_filename` gives: the stem with path parts, control and
format characters (bidi overrides), dots and characters Windows forbids replaced, plus the
canonical extension of its type (``报告.exe.PDF`` becomes ``报告_exe.pdf``). Downloads use the
same rule again, so a name stored before these checks is served safely too.

A file is stored with the database transaction that records it (core/filestore.py: on disk,
written before the commit and removed if the transaction rolls back; in the database, in the
same transaction), so a failed submission leaves neither a record without a file nor an
orphaned file; a file that cannot be written at all raises StoreFailed. `flask check-files`
(portal/core/filecheck.py) reports what a crash may still leave on disk. A form that goes back for
correction holds its accepted files meanwhile (portal/core/attachments.py).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass

import filetype
from flask import abort, current_app, send_file
from sqlalchemy.orm import Session, scoped_session
from werkzeug.datastructures import FileStorage

from portal.core import activecontent, clamd, filestore
from portal.core.filestore import StoreFailed  # noqa: F401  (raised by store, hold)
from portal.core.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
ALLOWED_LABEL = "PDF, JPEG, PNG, DOCX"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The final extensions a file of each type may have; the first is the one it is stored under.
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    DOCX: ("docx",),
}
KIND_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", DOCX: "DOCX"}
DOCX_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_STEM_CHARS = 100
# Names Windows gives to devices: a file saved under one of them is not a file.
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "123456789"
}
_UNSAFE_CHARS = set('<>:"/\\|?*.;')


class UploadRejected(ValueError):
    """The message is shown to the user as is."""


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def safe_display_name(filename: str | None) -> str:
    """Keep the user's name for display, without path parts or control characters; a long name
    is shortened before its extension, which is kept."""
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (
            f"{stem[: 199 - len(extension)]}.{extension}"
            if dot and len(extension) <= 10
            else name[:200]
        )
    return name or "attachment"


def check_upload(file_storage) -> CheckedUpload:
    """Read one uploaded file and accept it only if its bytes are an allowed type. Anything that
    is not an uploaded file (a file field sent as a plain text field) is rejected too."""
    return check_file(*read_upload(file_storage))


def read_upload(file_storage) -> tuple[str, bytes]:
    """The display name and bytes of one uploaded file, at most MAX_ATTACHMENT_BYTES of them;
    raises UploadRejected for what is not a file, an empty file or one too large. Shared by
    `check_upload` and the photos re-encoded by core/images.py."""
    if not isinstance(file_storage, FileStorage):
        raise UploadRejected(_l("Choose the file again: what was sent was not a file."))
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = file_storage.read(limit + 1)
    name = safe_display_name(file_storage.filename)
    if not data:
        raise UploadRejected(_l("The file %(name)s is empty.", name=name))
    if len(data) > limit:
        raise UploadRejected(
            _l("The file %(name)s is larger than %(mb)s MB.", name=name, mb=limit // (1024 * 1024))
        )
    return name, data


def check_file(filename: str | None, data: bytes) -> CheckedUpload:
    """The checks of the module docstring, on bytes already read; raises UploadRejected with a
    message for the user. The returned upload carries the safe name to store and serve."""
    name = safe_display_name(filename)
    stem, extension = split_name(name)
    if not _clean_stem(stem) or not extension:
        raise UploadRejected(
            _l(
                "The name of the file %(name)s must end in .pdf, .jpg, .png or .docx and have a "
                "name before that. Rename the file and upload it again.",
                name=name,
            )
        )
    content_type = _content_type(name, data)
    if extension not in EXTENSIONS[content_type]:
        raise UploadRejected(
            _l(
                "The file %(name)s is a %(kind)s file, but its name ends in .%(extension)s. "
                "Rename it to end in .%(expected)s and upload it again.",
                name=name,
                kind=KIND_LABELS[content_type],
                extension=extension,
                expected=EXTENSIONS[content_type][0],
            )
        )
    _scan_for_viruses(name, data)
    _refuse_active_content(name, content_type, data)
    return CheckedUpload(
        filename=safe_filename(stem, content_type), content_type=content_type, data=data
    )


def _content_type(name: str, data: bytes) -> str:
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if data.startswith(activecontent.ZIP_MAGIC):
        # Any Office package starts like a .docx: its main part decides (a .docm, .dotx or a
        # spreadsheet is not one). Macros are named as such even in a type we do not take, so
        # that the message says what to change.
        main = activecontent.main_content_type(data)
        if main == DOCX_MAIN_PART:
            mime = DOCX
        elif (main and "macroenabled" in main.lower()) or _has_macros(data):
            raise UploadRejected(_macros_message(name))
        else:
            mime = None
    elif data.startswith(activecontent.OLE_MAGIC):
        if _has_macros(data):  # a .doc or .xls with VBA
            raise UploadRejected(_macros_message(name))
        mime = None
    if mime not in EXTENSIONS:
        raise UploadRejected(
            _l(
                "The file %(name)s is not a PDF, JPEG, PNG or DOCX file. Its content decides, "
                "not its name.",
                name=name,
            )
        )
    return mime


def _has_macros(data: bytes) -> bool:
    try:
        return activecontent.MACROS in activecontent.office_findings(data)
    except activecontent.Unreadable:
        return False


def _macros_message(name: str):
    return _l(
        "The file %(name)s contains macros, which are not accepted. Save it as a DOCX document "
        "without macros, or as a PDF, and upload it again.",
        name=name,
    )


def _refuse_active_content(name: str, content_type: str, data: bytes) -> None:
    if content_type == "application/pdf":
        try:
            findings = activecontent.pdf_findings(data)
        except activecontent.Unreadable:
            raise UploadRejected(
                _l(
                    "The file %(name)s could not be read as a PDF: it may be damaged or need a "
                    "password. Save or print it again as a PDF without a password and upload it "
                    "again.",
                    name=name,
                )
            ) from None
        if activecontent.JAVASCRIPT in findings:
            raise UploadRejected(
                _l(
                    "The PDF file %(name)s contains JavaScript, which is not accepted. Print it "
                    "to a new PDF and upload that.",
                    name=name,
                )
            )
        if activecontent.ACTION in findings:
            raise UploadRejected(
                _l(
                    "The PDF file %(name)s contains an action that opens a program or another "
                    "file, or sends data. Print it to a new PDF and upload that.",
                    name=name,
                )
            )
        if activecontent.EMBEDDED in findings:
            raise UploadRejected(
                _l(
                    "The PDF file %(name)s has other files attached inside it. Upload each of "
                    "them as a file of its own, and the PDF without them.",
                    name=name,
                )
            )
    elif content_type == DOCX:
        try:
            findings = activecontent.office_findings(data)
        except activecontent.Unreadable:
            raise UploadRejected(
                _l(
                    "The file %(name)s could not be read as a DOCX document: it may be damaged. "
                    "Save it again as a DOCX and upload it again.",
                    name=name,
                )
            ) from None
        if activecontent.MACROS in findings:
            raise UploadRejected(_macros_message(name))
        if activecontent.ACTIVE in findings:
            raise UploadRejected(
                _l(
                    "The file %(name)s contains embedded programs, controls, automatic links or "
                    "a template from elsewhere, which could run when it is opened. Remove them, "
                    "or save the document as a PDF, and upload it again.",
                    name=name,
                )
            )


def _scan_for_viruses(name: str, data: bytes) -> None:
    scanner = clamd.Scanner.from_config(current_app.config)
    if not scanner.is_configured():
        return
    try:
        signature = scanner.scan(data)
    except clamd.ScannerUnavailable as error:
        log.error("Virus scanner unavailable; upload refused: %s", error)
        raise UploadRejected(
            _l(
                "Files cannot be checked for viruses at the moment, so %(name)s was not "
                "accepted. Try again in a few minutes.",
                name=name,
            )
        ) from None
    if signature is not None:
        log.warning("Upload refused: clamd found %r in %r", signature, name)
        raise UploadRejected(
            _l(
                "The file %(name)s contains a virus or other harmful content and was not accepted.",
                name=name,
            )
        )


def split_name(name: str) -> tuple[str, str]:
    """(stem, final extension in lower case); full-width dots count as dots, and trailing dots
    and spaces (which Windows drops) are ignored."""
    name = unicodedata.normalize("NFKC", name).strip().rstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return name, ""
    return stem, extension.strip().lower()


def _clean_stem(stem: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKC", stem):
        category = unicodedata.category(ch)
        if category[0] == "C":  # control, format (bidi overrides, zero-width), unassigned
            continue
        if ch in _UNSAFE_CHARS:
            ch = "_"
        elif category[0] == "Z":
            ch = " "
        if ch in " _" and out and out[-1] in " _":
            continue
        out.append(ch)
    clean = "".join(out).strip(" _-")[:MAX_STEM_CHARS].strip(" _-")
    if clean.upper() in _WINDOWS_DEVICES:
        clean = f"_{clean}"
    return clean


def safe_filename(stem: str, content_type: str) -> str:
    """The name a file is kept and served under: its cleaned stem and its type's extension."""
    return f"{_clean_stem(stem) or 'attachment'}.{EXTENSIONS[content_type][0]}"


def served_name(filename: str | None, content_type: str) -> str:
    """`safe_filename` for a stored record; the stem keeps a wrong final extension as text
    (``a.pdf.exe`` is served as ``a_pdf_exe.pdf``)."""
    if content_type not in EXTENSIONS:
        return "attachment"
    stem, extension = split_name(safe_display_name(filename))
    if extension and extension not in EXTENSIONS[content_type]:
        stem = f"{stem}.{extension}"
    return safe_filename(stem, content_type)


def store(session: Session | scoped_session, upload: CheckedUpload) -> str:
    """Store the file in the FILE_STORE (core/filestore.py) with `session`'s transaction, and
    return its storage key: it is kept if that transaction commits, and gone if it rolls back.
    A file that cannot be written raises StoreFailed; the caller's transaction must then roll
    back, so no row without its file remains either."""
    key = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[upload.content_type]}"
    filestore.current().write(session, key, upload.data)
    return key


def private_download(stored) -> object:
    """The response that hands a stored file (anything with storage_key, content_type and
    filename) to the one person entitled to it: as an attachment, under its display name, and
    never kept by a browser or a proxy cache."""
    data = filestore.current().read(stored.storage_key)
    if data is None:  # lost from the store: `flask check-files` lists it for the operator
        log.error("stored file %s is missing", stored.storage_key)
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=served_name(stored.filename, stored.content_type),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""Uploaded files: checked by their content, stored under random names, never served as HTML.

A file is written to disk before the database commit that records it. If that transaction rolls
back, the files it wrote are removed (session events below), so a failed submission leaves
neither a record without a file nor an orphaned file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
ALLOWED_LABEL = "PDF, JPEG, PNG, DOCX"


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
    """Keep the user's name for display, without path parts or control characters."""
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "attachment"


def check_upload(file_storage) -> CheckedUpload:
    """Read one uploaded file and accept it only if its bytes are an allowed type. Anything that
    is not an uploaded file (a file field sent as a plain text field) is rejected too."""
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
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise UploadRejected(
            _l(
                "The file %(name)s is not a PDF, JPEG, PNG or DOCX file. Its content decides, "
                "not its name.",
                name=name,
            )
        )
    return CheckedUpload(filename=name, content_type=kind.mime, data=data)


def _pending(session: Session) -> list[Path]:
    return session.info.setdefault("pending_upload_paths", [])


def store(session: Session, upload: CheckedUpload) -> str:
    """Write the file and return its storage key; removed again if `session` rolls back."""
    key = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[upload.content_type]}"
    path = path_for(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as out:
        out.write(upload.data)
        out.flush()
        os.fsync(out.fileno())
    _pending(session).append(path)
    return key


def path_for(key: str) -> Path:
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise ValueError("bad storage key")
    return Path(current_app.config["UPLOAD_DIR"]) / key[:2] / key


def private_download(stored) -> object:
    """The response that hands a stored file (anything with storage_key, content_type and
    filename) to the one person entitled to it: as an attachment, under its display name, and
    never kept by a browser or a proxy cache."""
    response = send_file(
        path_for(stored.storage_key),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@event.listens_for(Session, "after_commit")
def _keep_files(session):
    session.info.pop("pending_upload_paths", None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_files(session, previous_transaction):
    for path in session.info.pop("pending_upload_paths", []):
        path.unlink(missing_ok=True)

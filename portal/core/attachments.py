"""A form's attached files, kept while the rest of the form is corrected.

A form that fails on another field is shown again with what was typed; a browser cannot refill a
file input, so every file already accepted is *held* on the server for that form and listed on
the page ("Already attached: name, size – Remove"), and the next submission takes it without the
person choosing it again. One mechanism for every public form with files (`Attachments`).

Held files are
- checked by content like every upload (core/uploads.py: type, active content, ClamAV when
  configured), when they are accepted and again when they are used;
- readable only by the browser that attached them: they are filed under a name derived (HMAC with
  the SECRET_KEY) from the form's one-time submission key and a random secret kept in that
  browser's session, so neither a copied page nor a guessed name reaches them from elsewhere, and
  nothing the browser sends names a file directly;
- held once: a file sent again while the same file is held for that field is not held twice, and
  a submission that succeeds removes what was held (the stored copy is the only one);
- removed by `flask check-files --remove-orphans` (core/filecheck.py) once older than
  HELD_UPLOAD_HOURS, when the form is never sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

from flask import current_app, request, session

from portal.core import filestore
from portal.core.filestore import StoreFailed
from portal.core.forms import files_kept, unsaved_message
from portal.core.i18n import lazy_gettext as _l
from portal.core.uploads import (
    ALLOWED_TYPES,
    CheckedUpload,
    UploadRejected,
    check_file,
    check_upload,
)

log = logging.getLogger(__name__)

HELD_PREFIX = "held-"
# The session entry holding this browser's secret part of every held file's name.
SESSION_ENTRY = "held_files_secret"
# The name of the button that removes one held file (its value: the file's id).
REMOVE_BUTTON = "remove_attachment"


@dataclass(frozen=True)
class HeldFile:
    id: str
    field: str
    filename: str
    content_type: str
    size: int
    sha256: str

    @property
    def storage_key(self) -> str:
        return f"{self.id}.{ALLOWED_TYPES[self.content_type]}"


def size_label(size: int) -> str:
    """A file's size as people read it: 820 KB, 2.4 MB (the units are the same in Chinese)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class HeldFiles:
    """The files held for one rendering of a form (its submission key) in this browser."""

    def __init__(self, submission_key: str | None, *, create: bool = False):
        browser_secret = session.get(SESSION_ENTRY)
        if browser_secret is None and create:
            browser_secret = session[SESSION_ENTRY] = secrets.token_hex(16)
        self.prefix = None
        if browser_secret and submission_key:
            digest = hmac.new(
                current_app.config["SECRET_KEY"].encode(),
                f"{browser_secret}:{submission_key}".encode(),
                hashlib.sha256,
            ).hexdigest()[:40]
            self.prefix = f"{HELD_PREFIX}{digest}"

    # ---- the list, kept beside the files ----------------------------------------------------

    def _list_key(self) -> str:
        return f"{self.prefix}.json"

    def files(self, field: str | None = None) -> list[HeldFile]:
        if self.prefix is None:
            return []
        try:
            entries = json.loads(filestore.current().read(self._list_key()) or b"[]")
        except ValueError:
            return []
        held = [HeldFile(**entry) for entry in entries]
        return [f for f in held if field is None or f.field == field]

    def _write(self, held: list[HeldFile]) -> None:
        store = filestore.current()
        if not held:
            store.delete(self._list_key())
            return
        store.write_now(self._list_key(), json.dumps([asdict(f) for f in held]).encode())

    # ---- changes ----------------------------------------------------------------------------

    def hold(self, field: str, upload: CheckedUpload) -> None:
        """Keep an accepted file for the form's next try; the same file twice is kept once."""
        held = self.files()
        if any(f.field == field and f.sha256 == upload.sha256 for f in held):
            return
        entry = HeldFile(
            id=f"{self.prefix}-{secrets.token_hex(8)}",
            field=field,
            filename=upload.filename,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
        )
        filestore.current().write_now(entry.storage_key, upload.data)
        self._write([*held, entry])

    def remove(self, file_id: str | None = None, *, field: str | None = None) -> None:
        """Remove one held file (by id), or all of a field's, or (no arguments) all of them."""
        kept = []
        for held in self.files():
            if (file_id is None and field is None) or held.id == file_id or held.field == field:
                filestore.current().delete(held.storage_key)
            else:
                kept.append(held)
        if self.prefix is not None:
            self._write(kept)

    def uploads(self, field: str) -> list[CheckedUpload]:
        """The field's held files, checked again by content; one gone or no longer accepted is
        dropped from the list (`missing` names it to the person)."""
        accepted = []
        self.missing: list[HeldFile] = []
        for held in self.files(field):
            upload = _checked_again(held)
            if upload is None:
                self.remove(held.id)
                self.missing.append(held)
            else:
                accepted.append(upload)
        return accepted


def _checked_again(held: HeldFile) -> CheckedUpload | None:
    """The held file as it is in the store, checked by content again (None: gone, or refused
    now: a new virus signature, a changed rule)."""
    data = filestore.current().read(held.storage_key)
    if data is None:
        return None
    try:
        return check_file(held.filename, data)
    except UploadRejected:
        return None


@dataclass(frozen=True)
class FileRule:
    """How one file field of a form takes its files."""

    most: int = 1  # a single-file field: a new choice replaces the held file
    read: Callable[[object], CheckedUpload] = check_upload
    required: object = None  # the message when no file is attached, if one must be


MISSING_AGAIN = _l(
    "The file %(name)s you attached earlier is no longer kept. Choose it again, please."
)
NOT_HELD = _l(
    "The file %(name)s could not be kept because of a problem on our side. Choose it again, please."
)
TOO_MANY = _l(
    "Attach at most %(n)s files here. Remove one of those already attached, or choose fewer."
)


class Attachments:
    """The files of a form's file fields: those chosen now and those held from an earlier try.

    Build it right after the form, before validating. `of(name)` gives a field's files (None when
    one of them failed: the message is on the field); after a successful submission call
    `release()`; when the form goes back to the person, `keep()` holds what was accepted now.
    A press of a "Remove" button (`removed`) removes that held file; the view then shows the form
    again as it was, without checking it."""

    def __init__(self, form, **rules: FileRule):
        self.form = form
        self.rules = rules
        self.held = HeldFiles(form.submission_key.data if form.is_submitted() else None)
        self.chosen: dict[str, list[CheckedUpload]] = {name: [] for name in rules}
        self.refused: dict[str, list[str]] = {name: [] for name in rules}
        self._files: dict[str, list[CheckedUpload] | None] = {}
        self.removed = False
        if not form.is_submitted():
            return
        if request.form.get(REMOVE_BUTTON):
            self.held.remove(request.form[REMOVE_BUTTON])
            self.removed = True
        for name, rule in rules.items():
            self.chosen[name] = self._read(form[name], rule)
        if unsaved_message() is not None and any(self.chosen.values()) and self.keep():
            files_kept()  # a form drawn again after a failure (core/errors.py) keeps its files

    def _read(self, field, rule: FileRule) -> list[CheckedUpload]:
        """The accepted files chosen now; the refusals wait in `refused` for the field, whose
        errors its validation resets."""
        accepted = []
        data = field.data if isinstance(field.data, list) else [field.data]
        for file_storage in data:
            if not file_storage or getattr(file_storage, "filename", None) == "":
                continue  # an empty file input; anything else that is not a file, `read` refuses
            if hasattr(file_storage, "seek"):
                file_storage.seek(0)  # a form drawn again after a failure reads it once more
            try:
                accepted.append(rule.read(file_storage))
            except UploadRejected as error:
                self.refused[field.name].append(str(error))
        return accepted

    def held_in(self, name: str) -> list[HeldFile]:
        return self.held.files(name)

    def of(self, name: str) -> list[CheckedUpload] | None:
        if name not in self._files:
            self._files[name] = self._files_of(name)
        return self._files[name]

    def _files_of(self, name: str) -> list[CheckedUpload] | None:
        field, rule, chosen = self.form[name], self.rules[name], self.chosen[name]
        field.errors = list(field.errors) + self.refused[name]
        if rule.most == 1 and chosen:
            held = []  # the new choice replaces what was held
        else:
            held = self.held.uploads(name)
            for gone in self.held.missing:
                field.errors = list(field.errors) + [str(MISSING_AGAIN % {"name": gone.filename})]
        files, seen = [], set()
        for upload in [*held, *chosen]:  # the same file held and chosen again is sent once
            if upload.sha256 not in seen:
                seen.add(upload.sha256)
                files.append(upload)
        if len(files) > rule.most:
            field.errors = list(field.errors) + [str(TOO_MANY % {"n": rule.most})]
        if rule.required is not None and not files and not field.errors:
            field.errors = list(field.errors) + [str(rule.required)]
        return None if field.errors else files

    def are_valid(self) -> bool:
        """The form was sent and every field's files are acceptable (each puts its own message on
        its field)."""
        if not self.form.is_submitted():
            return False
        results = [self.of(name) for name in self.rules]
        return all(result is not None for result in results)

    def keep(self) -> bool:
        """The form goes back to the person: hold what was accepted now for the next try.
        Whether every such file is held."""
        if not any(self.chosen.values()):
            return True
        self.held = HeldFiles(self.form.submission_key.data, create=True)
        if self.held.prefix is None:
            return False  # no valid key: the form itself says it expired
        all_held = True
        for name, chosen in self.chosen.items():
            if chosen and self.rules[name].most == 1:
                self.held.remove(field=name)
            for upload in chosen:
                try:
                    self.held.hold(name, upload)
                except StoreFailed as error:  # disk full, read-only: the person chooses again
                    log.error("Attachment not held: %s", error)
                    all_held = False
                    field = self.form[name]
                    field.errors = list(field.errors) + [str(NOT_HELD % {"name": upload.filename})]
        self.chosen = {name: [] for name in self.rules}
        return all_held

    def release(self) -> None:
        """What the files were held for is stored: the held copies go."""
        self.held.remove()

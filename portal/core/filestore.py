"""Where uploaded files live: one interface, two stores, chosen by FILE_STORE.

- `disk` (the default, one host): files under UPLOAD_DIR, two levels by the key's first two
  characters, written and fsynced before the commit that records them, and removed again when
  that transaction rolls back.
- `database` (several hosts): files as rows of `stored_files` in the portal's own database, so
  that every host reads what any host stored, with no second system to run, back up or keep in
  step. A file is written in the same transaction as the row that names it: it exists exactly
  when that row does, whatever fails in between, and a backup of the database is a backup of
  the files. Why not an S3-compatible object store: it is one more service to run, secure and
  back up in step with the database, and nothing here needs its scale (attachments are at most
  MAX_ATTACHMENT_MB, a few per petition; PostgreSQL keeps such values out of line, TOAST).

Written notices and certificates are not stored: they are drawn again from their rows each
time (portal/core/pdf.py), the same on every host.

A file *held* for a form sent back with an error is written at once (`write_now`), in a
transaction of its own, since the request that holds it commits nothing. That is why the
`database` store needs PostgreSQL (portal/config.py checks): on SQLite a second connection
would wait for the write lock the request itself holds.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column, scoped_session

from portal.core import clock
from portal.extensions import db

log = logging.getLogger(__name__)

DISK = "disk"
DATABASE = "database"
STORES = (DISK, DATABASE)


class StoreFailed(Exception):
    """A file could not be written (disk full, quota, no permission, read-only file system, the
    database refusing), and nothing of it is left. The message is for the log; core/errors.py
    tells the person, and shows the form again with what they typed."""


class StoredFile(db.Model):
    """A file of the `database` store, named by its storage key."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    size: Mapped[int]
    stored_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


@dataclass(frozen=True)
class Entry:
    """A file in a store, for `flask check-files`."""

    key: str
    stored_at: datetime
    location: str  # what an operator looks for: a path, or the table and key


def check_key(key: str | None) -> str:
    if not key or "/" in key or "\\" in key or key.startswith(".") or len(key) > 80:
        raise ValueError("bad storage key")
    return key


# ---- the disk ----------------------------------------------------------------------------------


class DiskStore:
    name = DISK

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        key = check_key(key)
        return self.folder / key[:2] / key

    def write(self, session: Session | scoped_session, key: str, data: bytes) -> None:
        """Written and fsynced now; removed again if `session` rolls back (the path is
        registered for that before its first byte is written, so no failure leaves it)."""
        path = self.path(key)
        _pending(session).append((key, _innermost_savepoint(session)))
        self._write(path, data, exclusive=True)

    def write_now(self, key: str, data: bytes) -> None:
        self._write(self.path(key), data, exclusive=False)

    def _write(self, path: Path, data: bytes, *, exclusive: bool) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb" if exclusive else "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            self.delete(path.name)
            log.error("file not stored at %s: %s", path, error)
            raise StoreFailed(f"{path}: {error}") from error

    def read(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except (OSError, ValueError):
            return None

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except ValueError:
            return False

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink(missing_ok=True)
        except (OSError, ValueError) as error:  # `flask check-files` reports what is left
            log.error("file %s not removed: %s", key, error)

    def entries(self) -> list[Entry]:
        found = []
        for path in sorted(self.folder.rglob("*")) if self.folder.is_dir() else []:
            if path.is_file() and not path.is_symlink():
                moment = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                found.append(Entry(path.name, moment, str(path)))
        return found

    def describe(self) -> str:
        return str(self.folder)


# ---- the database ------------------------------------------------------------------------------


class DatabaseStore:
    name = DATABASE

    def write(self, session: Session | scoped_session, key: str, data: bytes) -> None:
        """In `session`'s transaction: stored with the row that names it, or not at all."""
        session.execute(sa.insert(StoredFile).values(_row(key, data)))

    def write_now(self, key: str, data: bytes) -> None:
        """In a transaction of its own, replacing what the key held."""
        try:
            with db.engine.begin() as connection:
                connection.execute(sa.delete(StoredFile).where(StoredFile.key == key))
                connection.execute(sa.insert(StoredFile).values(_row(key, data)))
        except sa.exc.SQLAlchemyError as error:
            raise StoreFailed(f"{key}: {type(error).__name__}") from error

    def read(self, key: str) -> bytes | None:
        return db.session.scalar(sa.select(StoredFile.data).where(StoredFile.key == key))

    def exists(self, key: str) -> bool:
        return db.session.scalar(sa.select(sa.exists().where(StoredFile.key == key)))

    def delete(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(sa.delete(StoredFile).where(StoredFile.key == key))

    def entries(self) -> list[Entry]:
        return [
            Entry(key, stored_at, f"stored_files: {key}")
            for key, stored_at in db.session.execute(
                sa.select(StoredFile.key, StoredFile.stored_at).order_by(StoredFile.key)
            )
        ]

    def describe(self) -> str:
        return "the database (stored_files)"


def _row(key: str, data: bytes) -> dict:
    return {"key": check_key(key), "data": data, "size": len(data), "stored_at": clock.now()}


def current() -> DiskStore | DatabaseStore:
    """The store FILE_STORE names."""
    if current_app.config["FILE_STORE"] == DATABASE:
        return DatabaseStore()
    return DiskStore(current_app.config["UPLOAD_DIR"])


# ---- removing a rolled-back transaction's files from the disk ---------------------------------


def _pending(session: Session | scoped_session) -> list[tuple[str, SessionTransaction | None]]:
    """The files written to the disk in `session`'s open transaction, each with the
    (sub)transaction it was written in: a savepoint that rolls back removes only its own."""
    return session.info.setdefault("pending_upload_keys", [])


def _innermost_savepoint(session: Session | scoped_session) -> SessionTransaction | None:
    actual = session() if isinstance(session, scoped_session) else session
    return actual.get_nested_transaction()


@sa.event.listens_for(Session, "after_commit")
def _keep_files(session):
    if not session.in_nested_transaction():  # a savepoint's release commits nothing yet
        session.info.pop("pending_upload_keys", None)


@sa.event.listens_for(Session, "after_soft_rollback")
def _remove_files(session, previous_transaction):
    pending = session.info.get("pending_upload_keys")
    if not pending:
        return
    kept = []
    for key, written_in in pending:
        if _within(written_in, previous_transaction):
            current().delete(key)
        else:
            kept.append((key, written_in))
    session.info["pending_upload_keys"] = kept


def _within(transaction: SessionTransaction | None, rolled_back: SessionTransaction) -> bool:
    """Whether `transaction` (None: the outermost) is `rolled_back` or inside it."""
    if not rolled_back.nested:
        return True
    while transaction is not None:
        if transaction is rolled_back:
            return True
        transaction = transaction.parent
    return False

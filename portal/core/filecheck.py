"""The periodic check that stored files and their rows still agree (`flask check-files`).

A submission writes its files before the commit that records them, and removes them when that
transaction rolls back (core/uploads.py). A process killed between the two (a worker stopped
mid-request, a host that lost power) can still leave a file that no row names; a restore from
backup or a lost disk can leave a row whose file is gone. Both are found here:

- an orphan is a file in the FILE_STORE (core/filestore.py: under UPLOAD_DIR, or a row of
  stored_files) whose key no `storage_key` holds, older than ORPHAN_MIN_AGE: a younger one may
  belong to a transaction that has not committed yet; a file held for a form being corrected
  (core/attachments.py) is one once older than HELD_UPLOAD_HOURS, the time the form is given to
  come back;
- a row without its file is a row of any table with a `storage_key` column (found in the
  metadata, so that core names no domain) whose file is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from portal.core import clock, filestore
from portal.core.attachments import HELD_PREFIX
from portal.extensions import db

# Far longer than any request that writes files takes to commit.
ORPHAN_MIN_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class MissingFile:
    table: str
    row_id: object
    storage_key: str


@dataclass
class FileCheck:
    files: int = 0
    rows: int = 0
    tables: list[str] = field(default_factory=list)
    orphans: list[filestore.Entry] = field(default_factory=list)
    missing: list[MissingFile] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.orphans and not self.missing


def tables_with_files() -> list[sa.Table]:
    return [table for table in db.Model.metadata.sorted_tables if "storage_key" in table.c]


def check_files() -> FileCheck:
    result = FileCheck()
    rows = []
    for table in tables_with_files():
        result.tables.append(table.name)
        (row_id,) = table.primary_key.columns
        query = sa.select(sa.literal(table.name), row_id, table.c.storage_key)
        rows.extend(db.session.execute(query).all())
    store = filestore.current()
    entries = store.entries()
    # Only reads: end the transaction before the files are looked at (on SQLite a command's
    # transaction holds the write lock, core/database.py).
    db.session.rollback()
    result.rows = len(rows)
    stored = {entry.key for entry in entries}
    result.missing = [MissingFile(*row) for row in rows if row.storage_key not in stored]
    keys = {row.storage_key for row in rows}
    oldest_in_flight = clock.now() - ORPHAN_MIN_AGE
    oldest_held = clock.now() - timedelta(hours=current_app.config["HELD_UPLOAD_HOURS"])
    result.files = len(entries)
    result.orphans = [
        entry
        for entry in entries
        if entry.key not in keys
        and clock.as_utc(entry.stored_at)
        < (oldest_held if entry.key.startswith(HELD_PREFIX) else oldest_in_flight)
    ]
    return result


@click.command("check-files")
@click.option("--remove-orphans", is_flag=True, help="Delete the orphan files it finds.")
@with_appcontext
def check_files_command(remove_orphans: bool):
    """Report stored files no row refers to and rows whose file is missing; exit 1 if any."""
    result = check_files()
    click.echo(
        f"Checked {result.files} file(s) in {filestore.current().describe()} and "
        f"{result.rows} row(s) in {', '.join(result.tables)}."
    )
    if result.orphans:
        verb = "removed" if remove_orphans else "found"
        click.echo(
            f"{len(result.orphans)} orphan file(s) {verb} (no row refers to them; older than "
            f"{ORPHAN_MIN_AGE.total_seconds() / 60:.0f} minutes):"
        )
        store = filestore.current()
        for entry in result.orphans:
            if remove_orphans:
                store.delete(entry.key)
            click.echo(f"  {entry.location}")
    if result.missing:
        click.echo(f"{len(result.missing)} row(s) whose file is missing:")
        for row in result.missing:
            click.echo(f"  {row.table} id={row.row_id} storage_key={row.storage_key}")
    if not result.is_clean:
        raise SystemExit(1)

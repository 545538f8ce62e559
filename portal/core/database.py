"""Engine tuning for the embedded SQLite default, and what else differs between the databases.

SQLite allows one writer at a time. A transaction begun with a plain BEGIN that reads and then
writes cannot be upgraded once another connection holds the write lock and fails at once with
"database is locked", whatever the busy timeout. Requests that may write (POST and friends, and
CLI commands) therefore start their transaction with BEGIN IMMEDIATE, which waits for the lock
up front, inside the busy timeout; page views keep a plain BEGIN so that readers never queue
behind each other. WAL mode lets those readers proceed while a writer works. So does a failed
submission's form drawn again (core/errors.py): it only reads, and must not wait for the very
lock that made the submission fail.

A connection that meets the file read-only, unreadable or failing is thrown away, so that the
portal recovers by itself once the file is writable again (`_drop_broken_connections`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from portal.core.forms import unsaved_message
from portal.extensions import db

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BUSY_TIMEOUT_MS = 10_000
WRITE_LOCK_POLL_SECONDS = 0.0005  # how soon a waiting writer gets the lock once it is free
# Errors after which a connection is not used again: the file was read-only when it was opened
# (SQLITE_READONLY), could not be opened (SQLITE_CANTOPEN: the file, its directory, or its -wal
# and -shm files), or the disk failed (SQLITE_IOERR). Compared by primary code: the extended
# codes (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE, ...) keep it in their low byte.
BROKEN_CONNECTION_CODES = frozenset(
    {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR}
)


def tune_sqlite_connections(engine: Engine) -> None:
    """What every connection to an SQLite file of the portal's needs: a busy timeout, WAL,
    foreign keys, and being thrown away once broken. With the driver's own transaction handling
    off, so that BEGIN is ours to issue (tune_sqlite) or, without one, each statement is its own
    transaction (the rate-limit store)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "handle_error")
    def _drop_broken_connections(context):
        """Why: when SQLite cannot open a database file for writing it opens it read-only
        instead, silently, and that connection stays read-only for the rest of its life, also
        once the file is writable again. The pool kept it (a ping's SELECT 1 reads fine),
        so every write failed with "attempt to write a readonly database" until the workers
        were restarted. Treated as a lost connection, it is closed instead, with every other
        connection of the pool (opened in the same conditions, they are likely read-only too),
        and the next request opens a fresh one: it fails again while the file is read-only and
        works as soon as it is writable."""
        code = getattr(context.original_exception, "sqlite_errorcode", None)  # SQLite's own
        if code is not None and code & 0xFF in BROKEN_CONNECTION_CODES:
            context.is_disconnect = True


def tune_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    tune_sqlite_connections(engine)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        may_write = not has_request_context() or (
            request.method in WRITE_METHODS and unsaved_message() is None
        )
        if may_write:
            _begin_immediate(connection)
        else:
            _begin_deferred(connection)


def _begin_immediate(connection) -> None:
    """BEGIN IMMEDIATE, trying again every WRITE_LOCK_POLL_SECONDS while another connection
    holds the write lock, up to the busy timeout.

    Why not SQLite's own busy handler: it sleeps 1, 2, 5, 10, 15, 20, 25 ... up to 100 ms
    between tries, so a writer that queued behind a 10 ms submission typically slept 5 to 15 ms
    past the moment the lock came free, with the CPU idle. With two workers taking turns at the
    lock, bench/intake.py spent most of its time in those sleeps (40 durable submissions per
    second with the CPU half idle; 64 once writers got in within half a millisecond). A try is
    one call into SQLite: waiting this way costs a waiting worker no measurable CPU.
    The last try goes through SQLAlchemy, so that a lock held past the timeout fails exactly as
    any other statement does (an OperationalError, "database is locked")."""
    raw = connection.connection.dbapi_connection
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while time.monotonic() < deadline:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                    break  # not the lock: let SQLAlchemy raise it as it would
            time.sleep(WRITE_LOCK_POLL_SECONDS)
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _begin_deferred(connection) -> None:
    """A plain BEGIN, straight to the driver: it cannot meet a lock (it takes none until the
    first read) and cost 0.15 ms through SQLAlchemy, once on every page. Should the driver
    refuse it anyway, it is issued again through SQLAlchemy, which reports the error as every
    other statement's."""
    try:
        connection.connection.dbapi_connection.execute("BEGIN")
    except sqlite3.Error:
        connection.exec_driver_sql("BEGIN")


def insert(table):
    """An INSERT that can say `.on_conflict_do_nothing(...)` in the dialect of the database in use."""
    return (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(table)


@contextmanager
def reading() -> Iterator[Callable[[sa.TextClause, dict], list[tuple]]]:
    """A function that runs read-only SQL statements (bound parameters written `:name`) and
    returns their rows as tuples, all in one snapshot of the database, for hot read paths that
    already write SQL by hand, such as the search.

    On SQLite straight through the driver: SQLAlchemy's own execution and result cost 0.1 to
    0.4 ms a statement on top of what SQLite does (a search page's count took twice as long as
    SQLite running it). Rows are then plain tuples, and values come as the driver gives them
    (dates as text), as they do from a `text()` statement. In the session's transaction when it
    has begun (it may hold flushed changes these reads must see); otherwise in a read
    transaction of their own on a pooled connection, which the pool rolls back when it is
    returned: a page that reads nothing else then never begins and ends the session's
    transaction (50 us of SQLAlchemy's bookkeeping, on every search)."""
    if db.engine.dialect.name != "sqlite":
        yield lambda statement, params: db.session.execute(statement, params).all()
        return
    session = db.session()
    if session.in_transaction():
        driver = session.connection().connection.driver_connection
        yield lambda statement, params: driver.execute(statement.text, params).fetchall()
        return
    pooled = db.engine.raw_connection()
    try:
        driver = pooled.driver_connection
        driver.execute("BEGIN")
        yield lambda statement, params: driver.execute(statement.text, params).fetchall()
    finally:
        pooled.close()


def filter_only(column):
    """The column as SQLite's planner may only filter on, never pick an index for (SQLite's own
    idiom, an expression on it); itself on PostgreSQL, whose statistics estimate it well and
    whose estimate of the expression would be a blind guess."""
    return column + "" if db.engine.dialect.name == "sqlite" else column


def make_way_for_waiting_writers(held_seconds: float) -> None:
    """Between the batches of a long job, leave SQLite's write lock free as long as the batch
    held it.

    A writer waiting for the lock (a citizen's submission) does not queue for it: it tries again
    every WRITE_LOCK_POLL_SECONDS (_begin_immediate; a connection outside this module, SQLite's
    own busy handler, at intervals that grow up to 100 ms). A job that takes the lock again the
    moment it commits wins nearly every time, and the citizen waits until the busy timeout ends
    in "database is locked". A pause as long as the batch held the lock lets in everyone who
    came during the batch, however they wait. PostgreSQL locks rows, not the whole
    database: nobody waits there, so no pause.
    """
    if db.engine.dialect.name == "sqlite":
        time.sleep(held_seconds)


def sql_in(values) -> str:
    """The SQL list for a CHECK constraint over an enum's values: "'a', 'b', 'c'"."""
    return ", ".join(f"'{value}'" for value in values)


def enum_check(column: str, values, *, name: str | None = None) -> sa.CheckConstraint:
    """The CHECK that keeps `column` within an enum's values, generated from the enum itself,
    so that the database and the code can never disagree on the list."""
    return sa.CheckConstraint(f"{column} IN ({sql_in(values)})", name=name or column)

"""A Flask-Limiter storage in a SQL table, shared by every gunicorn worker.

Flask-Limiter's memory storage counts per process, so with several workers a client would get
several times its limit. Redis is the store of choice when REDIS_URL is set; without it this
storage keeps fixed-window counters in one small table. Without Redis the portal runs on one
host (several hosts share Redis), so by default the table is in a SQLite file of its own under
instance/ (config.py), whatever the main database: counting never competes with a request's own
write lock on SQLite, and costs no round trip to PostgreSQL (some 30 µs of the machine's time a
count against some 300 µs, and a form sent twice counts six times). RATELIMIT_DATABASE_URL can
name any SQLAlchemy database.
"""

from __future__ import annotations

import os
import time

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite

_metadata = sa.MetaData()
counters = sa.Table(
    "rate_limit_counters",
    _metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_CURRENT_COUNT = sa.select(counters.c.count).where(
    counters.c.key == sa.bindparam("key"), counters.c.expires_at > sa.bindparam("now")
)


class _DriverStatement:
    """A statement compiled once into the driver's SQL, and its parameters in the driver's
    style: the way incr and get run, straight on a pooled DBAPI connection. Through SQLAlchemy a
    count cost 0.6 ms on SQLite, five times SQLite's own work, and a search counts once, a form
    post three times."""

    def __init__(self, statement, dialect: sa.Dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.positions = compiled.positiontup  # the names in order, for positional styles

    def parameters(self, values: dict):
        return tuple(values[name] for name in self.positions) if self.positions else values


class _ConnectionLost(Exception):
    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


class SQLStorage(Storage):
    STORAGE_SCHEME = ["portal-sql"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        database_url = options.pop("database_url")
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        # Each use is one statement, atomic by itself, so no BEGIN and COMMIT around it: a count
        # costs one statement instead of three (PostgreSQL: one round trip instead of three),
        # and two to three per request (a search, a form post). SQLite takes the write lock of
        # an INSERT as the statement starts, inside its busy timeout. No ping before each use
        # (a round trip on PostgreSQL): a use that finds its connection lost tries once more on
        # a fresh one (_first_value).
        self.engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        # Both databases have INSERT ... ON CONFLICT and RETURNING (SQLite since 3.35).
        self._insert = UPSERTS[self.engine.dialect.name]
        if self.engine.dialect.name == "sqlite":
            from portal.core.database import tune_sqlite_connections

            tune_sqlite_connections(self.engine)
        _metadata.create_all(self.engine, checkfirst=True)
        # gunicorn builds the app before it forks its workers (gunicorn.conf.py): a worker must
        # never use a connection the master opened (create_all above), so each forgets them.
        os.register_at_fork(after_in_child=lambda: self.engine.dispose(close=False))
        self._increment = _DriverStatement(self._increment_statement(), self.engine.dialect)
        self._current_count = _DriverStatement(_CURRENT_COUNT, self.engine.dialect)

    def _increment_statement(self):
        insert = self._insert(counters).values(
            key=sa.bindparam("key"),
            count=sa.bindparam("amount"),
            expires_at=sa.bindparam("expires_at"),
        )
        expired = counters.c.expires_at <= sa.bindparam("now")  # in SET: the row as it was
        return insert.on_conflict_do_update(
            index_elements=[counters.c.key],
            set_={
                "count": sa.case(
                    (expired, insert.excluded.count), else_=counters.c.count + insert.excluded.count
                ),
                "expires_at": sa.case(
                    (expired, insert.excluded.expires_at), else_=counters.c.expires_at
                ),
            },
        ).returning(counters.c.count)

    @property
    def base_exceptions(self):
        return (sa.exc.SQLAlchemyError, self.engine.dialect.loaded_dbapi.Error)

    def _first_value(self, statement: _DriverStatement, values: dict):
        """The first column of the statement's first row (None without a row), on a connection
        of the pool. When the connection was lost (the server restarted), every pooled
        connection is: the pool is emptied and the statement tried once more on a new
        connection. (Should a lost connection have counted a hit before it went, that hit is
        counted twice: a limit reached a little early, never late.)"""
        try:
            return self._run(statement, values)
        except _ConnectionLost:
            self.engine.dispose()
        try:
            return self._run(statement, values)
        except _ConnectionLost as lost_again:
            raise lost_again.error from None

    def _run(self, statement: _DriverStatement, values: dict):
        """One try. A connection that fails is thrown away, not given back: it may be broken
        (also a file opened read-only, which SQLite does not report as lost), and the next use
        opens a fresh one."""
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(statement.sql, statement.parameters(values))
            row = cursor.fetchone()
            cursor.close()
        except self.engine.dialect.loaded_dbapi.Error as error:
            lost = self.engine.dialect.is_disconnect(error, connection.dbapi_connection, None)
            connection.invalidate()
            if lost:
                raise _ConnectionLost(error) from error
            raise
        finally:
            connection.close()
        return row[0] if row else None

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the count of `key`'s current window and return the new count; a
        window that has expired starts afresh at `amount`, ending `expiry` seconds from now.

        One INSERT ... ON CONFLICT DO UPDATE ... RETURNING, never a read and then a write: the
        database makes it atomic, so workers that hit one key together (also at the moment its
        window expires) each get their own count and none is lost. (A SELECT ... FOR UPDATE
        locks nothing while the row is missing or being replaced at the end of its window: on
        PostgreSQL two workers then created the same window at once, and one failed with a
        duplicate key.)
        """
        now = time.time()
        values = {"key": key, "amount": amount, "expires_at": now + expiry, "now": now}
        return self._first_value(self._increment, values)

    def get(self, key: str) -> int:
        return self._first_value(self._current_count, {"key": key, "now": time.time()}) or 0

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(counters.c.expires_at).where(counters.c.key == key)
            ).first()
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.select(1))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(counters.delete()).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(counters.delete().where(counters.c.key == key))

"""A Flask-Limiter storage in a SQL table, shared by every gunicorn worker.

Flask-Limiter's memory storage counts per process, so with several workers a client would get
several times its limit. Redis is the store of choice when REDIS_URL is set; without it this
storage keeps fixed-window counters in one small table. On SQLite it uses a database file of
its own (see config.py), so that counting never competes with a request's own write lock.
"""

from __future__ import annotations

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


class SQLStorage(Storage):
    STORAGE_SCHEME = ["portal-sql"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        database_url = options.pop("database_url")
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.engine = sa.create_engine(database_url, pool_pre_ping=True)
        # Both databases have INSERT ... ON CONFLICT and RETURNING (SQLite since 3.35).
        self._insert = UPSERTS[self.engine.dialect.name]
        if self.engine.dialect.name == "sqlite":
            from portal.core.database import tune_sqlite

            # Every use here writes, so always take the write lock up front.
            tune_sqlite(self.engine, always_immediate=True)
        _metadata.create_all(self.engine, checkfirst=True)

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

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
        insert = self._insert(counters).values(key=key, count=amount, expires_at=now + expiry)
        expired = counters.c.expires_at <= now  # in SET, columns name the row as it was
        statement = insert.on_conflict_do_update(
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
        with self.engine.begin() as conn:
            return conn.execute(statement).scalar_one()

    def get(self, key: str) -> int:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(counters.c.count).where(
                    counters.c.key == key, counters.c.expires_at > time.time()
                )
            ).first()
        return row.count if row else 0

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

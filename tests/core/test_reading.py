"""Hand-written reads for hot pages (portal/core/database.py, `reading`): they see what the
current transaction has flushed, and outside a transaction they leave nothing open behind them.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
import sqlalchemy as sa

from portal.calendar.models import CalendarDay
from portal.core.database import reading
from portal.extensions import db

DAYS = sa.text("SELECT count(*) FROM calendar_days WHERE kind = :kind")


def test_reads_see_what_the_transaction_has_flushed():
    db.session.add(CalendarDay(day=date(2027, 10, 1), kind="holiday", name="国庆节"))
    db.session.flush()
    with reading() as read:
        assert read(DAYS, {"kind": "holiday"}) == [(1,)]


def test_reads_outside_a_transaction_see_the_committed_rows_and_end_their_own():
    db.session.add(CalendarDay(day=date(2027, 10, 1), kind="holiday", name="国庆节"))
    db.session.commit()
    with reading() as read:
        assert read(DAYS, {"kind": "holiday"}) == [(1,)]
        assert read(DAYS, {"kind": "workday"}) == [(0,)]
    if db.engine.dialect.name != "sqlite":
        return
    # Nothing borrowed from the pool is left out, and no read transaction is left open: one would
    # keep SQLite from ever resetting its write-ahead log, which then grows without end.
    assert db.engine.pool.checkedout() == 0
    assert not db.session().in_transaction()
    with sqlite3.connect(db.engine.url.database, timeout=0) as other:
        busy, _log, _copied = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0


def test_a_failed_read_returns_its_connection_to_the_pool():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("outside a transaction, PostgreSQL reads in the session's")
    checked_out = db.engine.pool.checkedout()
    with pytest.raises(sqlite3.OperationalError), reading() as read:
        read(sa.text("SELECT * FROM no_such_table"), {})
    assert db.engine.pool.checkedout() == checked_out

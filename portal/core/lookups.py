"""The guard around every "number + secret code" lookup the public can make.

Repeated failures for one number lock that number for a while, whether the number exists or not,
so that the lock itself does not tell which numbers exist and a code cannot be guessed by trying
many numbers' worth of attempts against one. Counts live in the database, so every worker and
host shares them. Each kind of lookup has its own scope: a petition's tracking number and a case
number never share a counter.

The caller commits, so that a failure is counted even though nothing is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import clock
from portal.extensions import db

T = TypeVar("T")
KEY_WIDTH = 80


class LookupLocked(Exception):
    """Too many failures for this number: it is locked until `locked_until`."""


class LookupLock(db.Model):
    """Failed lookups per (scope, number), known or not, and the lock they cause."""

    __tablename__ = "lookup_locks"

    # Which lookup: "petition_progress", "case_query", ...
    scope: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    # The number as normalised by that lookup, cut to the column's width (longer input is no
    # real number anyway, and must lock like any other).
    key: Mapped[str] = mapped_column(sa.String(KEY_WIDTH), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


def guarded_lookup(scope: str, key: str, attempt: Callable[[], T | None]) -> T | None:
    """Run `attempt` unless (scope, key) is locked; raises LookupLocked when it is.

    `attempt` returns what was found for a matching number and code, or None for every kind of
    failure (it should spend the same time either way). A success clears the failures; a failure
    counts, and LOOKUP_MAX_FAILURES of them within LOOKUP_LOCK_MINUTES lock the key for
    LOOKUP_LOCK_MINUTES. Flushes nothing and commits nothing.
    """
    config = current_app.config
    now = clock.now()
    key = key[:KEY_WIDTH]
    lock = db.session.get(LookupLock, (scope, key))
    if lock and lock.locked_until and clock.as_utc(lock.locked_until) > now:
        raise LookupLocked
    found = attempt()
    if found is not None:
        if lock is not None:
            db.session.delete(lock)
        return found
    window = timedelta(minutes=config["LOOKUP_LOCK_MINUTES"])
    if lock is None or clock.as_utc(lock.first_failed_at) + window < now:
        if lock is None:
            lock = LookupLock(scope=scope, key=key)
            db.session.add(lock)
        lock.failures, lock.first_failed_at, lock.locked_until = 0, now, None
    lock.failures += 1
    if lock.failures >= config["LOOKUP_MAX_FAILURES"]:
        lock.locked_until = now + window
    current_app.logger.info("%s lookup failed for %s", scope, key)
    return None

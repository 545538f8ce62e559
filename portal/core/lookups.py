"""The guard around every "number + secret code" lookup the public can make.

Failures are throttled by the rule in portal/core/throttle.py, with the LOOKUP_... settings:
LOOKUP_MAX_FAILURES wrong codes for one number from one client stop that client on that number
for the rest of LOOKUP_LOCK_MINUTES; a client failing on many numbers is stopped; a number
failing from many clients is slowed, never closed. Tracking numbers are sequential, so a lock
of the number itself would let anyone shut anyone's lookup: a lock is always the client's own.
Numbers are counted whether they exist or not, so the lock itself tells nothing, and each kind
of lookup (its scope) counts its numbers apart: a petition's tracking number and a case number
never share a counter.

The counts live in the shared rate-limit store and are written at once, whatever the request's
transaction does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import throttle
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db

T = TypeVar("T")
# What a lookup locked for its number says (LookupLocked), the same on every service's form.
LOCKED_MESSAGE = _l(
    "Too many wrong attempts for this number. For your security it is locked for "
    "a while; try again later or call the 12309 hotline."
)
KEY_WIDTH = 80


class LookupLocked(Exception):
    """Too many failures for this number from this client (or from this client at all): try
    again in `minutes`."""

    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


class LookupLock(db.Model):
    """Where failed lookups were counted before they moved to the rate-limit store (see the
    module docstring). Nothing writes it any more; the model stays until a migration drops the
    table, so that the schema and the models agree."""

    __tablename__ = "lookup_locks"

    scope: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_WIDTH), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


def guarded_lookup(scope: str, key: str, attempt: Callable[[], T | None]) -> T | None:
    """Run `attempt` unless this client is throttled on (scope, key); raises LookupLocked then,
    without running it.

    `attempt` returns what was found for a matching number and code, or None for every kind of
    failure (it should spend the same time either way). A success clears this client's failures
    on the number; a failure counts. Flushes nothing and commits nothing.
    """
    try:
        counted = throttle.Attempt.begin("LOOKUP", f"lookup/{scope}", key)
    except throttle.Throttled as refused:
        _log(scope, key, "throttled")
        raise LookupLocked(refused.minutes) from None
    found = attempt()
    if found is not None:
        counted.succeeded()
        return found
    _log(scope, key, "locked" if counted.failed() else "wrong")
    return None


def _log(scope: str, key: str, reason: str) -> None:
    current_app.logger.info(
        "%s lookup failed for %s: client=%s reason=%s",
        scope,
        throttle.loggable(key),
        throttle.loggable(throttle.client_address()),
        reason,
    )

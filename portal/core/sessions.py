"""Server-side login sessions, one row per login, for every kind of account (staff, lawyers).

The Flask session cookie carries only the login session's id: 32 random bytes, URL-safe. The
table keeps its SHA-256, never the id itself, so that a copy of the database (a backup, a
read-only SQL hole) hands out no live session; an id with 256 bits of randomness needs no slow,
salted hash. Flask-Login's loader (core.credentials.load_account) finds the account through the
row and refuses a session that is

- revoked: at logout (`end`), and for every session of the account at a password change or reset
  and at deactivation (`end_all`);
- idle: not seen for IDLE_TIMEOUT_MINUTES (30);
- too old: started more than ABSOLUTE_TIMEOUT_HOURS (12) ago, however busy.

Lawyers get the same limits as staff: their pages show their clients' names, binding papers and
delivered case files, as personal as anything staff see, and are often opened on shared office
computers; an idle limit costs a lawyer at most a new login.

`last_seen_at` is written at most once a minute per session (TOUCH_INTERVAL), so a busy user
does not turn every page view into a write; the idle limit is therefore exact to a minute.

A row names its account by (account_kind, account_id): the kind is the account model's
`login_kind`, the key under which its domain registered a loader in core.credentials; there is
no foreign key because the kinds live in different tables. Nothing else is stored about the
client (no IP address, no user agent): the audit trail already records each login.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, flash, session
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import clock, errors
from portal.core.i18n import gettext as _
from portal.extensions import db

log = logging.getLogger(__name__)

TOUCH_INTERVAL = timedelta(minutes=1)
# Where Flask-Login keeps the id in the Flask session.
SESSION_KEY = "_user_id"
# Long enough for secrets.token_urlsafe(32) (43 characters); anything longer is no id of ours.
MAX_ID_LENGTH = 64


class LoginSession(db.Model):
    __tablename__ = "login_sessions"
    __table_args__ = (sa.Index("ix_login_sessions_account", "account_kind", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 (hex) of the id in the cookie.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Which registered kind of account ("staff", "lawyer") and its id in that kind's table.
    account_kind: Mapped[str] = mapped_column(sa.String(20))
    account_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # The last request, to within TOUCH_INTERVAL.
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # Set when the session was ended on purpose (logout, password, deactivation).
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class SessionAccount:
    """Mixed into every account model. Flask-Login's id for an account is the id of the login
    session it was loaded through (set by `begin` at login and by the loader afterwards), never
    the account's own id."""

    login_kind: str  # the key its domain registered a loader under (core.credentials)
    login_session_id: str | None = None

    def get_id(self) -> str | None:
        return self.login_session_id


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def begin(account) -> str:
    """Start a login session for `account` (added to the database session; the caller commits)
    and return its id. The caller then hands the account to flask_login.login_user."""
    session_id = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(
        LoginSession(
            token_hash=_hash(session_id),
            account_kind=account.login_kind,
            account_id=account.id,
            created_at=now,
            last_seen_at=now,
        )
    )
    account.login_session_id = session_id
    return session_id


def is_live(row: LoginSession, now: datetime) -> bool:
    config = current_app.config
    return (
        row.revoked_at is None
        and clock.as_utc(row.last_seen_at) > now - timedelta(minutes=config["IDLE_TIMEOUT_MINUTES"])
        and clock.as_utc(row.created_at) > now - timedelta(hours=config["ABSOLUTE_TIMEOUT_HOURS"])
    )


def live_session(session_id: str | None) -> LoginSession | None:
    """The live row for the id in the cookie, or None. A dead or unknown id is taken out of the
    Flask session, so the next request asks no more; a session that ended (rather than one that
    never existed) leaves a message for the next page."""
    if not isinstance(session_id, str) or not 0 < len(session_id) <= MAX_ID_LENGTH:
        session.pop(SESSION_KEY, None)
        return None
    row = db.session.scalar(
        sa.select(LoginSession).where(LoginSession.token_hash == _hash(session_id))
    )
    if row is not None and is_live(row, clock.now()):
        return row
    session.pop(SESSION_KEY, None)
    if row is not None:
        flash(_("Your session has ended. Log in again to continue."), "info")
    return None


def touch(row: LoginSession) -> None:
    """Record that the session was used, at most once per TOUCH_INTERVAL.

    Called by the loader, which runs before the view (core.credentials.load_current_account), so
    this commit carries nothing but the touch, and a failure of the view may still say that
    nothing was saved (core/errors.py). A failed write (SQLite refuses to turn a page
    view's read into a write while another request writes) is skipped: the next request tries
    again, and a missed touch can only end a session sooner, never keep it alive."""
    now = clock.now()
    if now - clock.as_utc(row.last_seen_at) < TOUCH_INTERVAL:
        return
    row.last_seen_at = now
    try:
        db.session.commit()
        errors.forget_commits()
    except sa.exc.OperationalError:
        db.session.rollback()
        log.warning("login session %s: last_seen_at not updated (database busy)", row.id)


def current_id() -> str | None:
    value = session.get(SESSION_KEY)
    return value if isinstance(value, str) else None


def end(session_id: str | None) -> None:
    """Revoke one login session (logout). The caller commits."""
    if not session_id:
        return
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.token_hash == _hash(session_id), LoginSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )


def end_all(account, *, keep: str | None = None) -> None:
    """Revoke every live session of `account`, except the one whose id is `keep` (the session
    in which the owner changed their own password). The caller commits."""
    query = sa.update(LoginSession).where(
        LoginSession.account_kind == account.login_kind,
        LoginSession.account_id == account.id,
        LoginSession.revoked_at.is_(None),
    )
    if keep:
        query = query.where(LoginSession.token_hash != _hash(keep))
    db.session.execute(query.values(revoked_at=clock.now()))


def live_sessions_of(account) -> int:
    """How many sessions of `account` are live now (for tests and the user admin page)."""
    now = clock.now()
    rows = db.session.scalars(
        sa.select(LoginSession).where(
            LoginSession.account_kind == account.login_kind,
            LoginSession.account_id == account.id,
            LoginSession.revoked_at.is_(None),
        )
    )
    return sum(1 for row in rows if is_live(row, now))

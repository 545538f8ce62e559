"""Passwords, logins and session loading for every kind of account (staff, lawyers).

Each account kind keeps its own table and rules in its domain; what they share lives here:
argon2 hashing, the password policy, the login rule with its throttling (the rule itself in
portal/core/throttle.py), the log line of every failed login, and the registry through which
Flask-Login finds an account from the login session in the cookie (portal/core/sessions.py). A
domain registers a loader for its kind of account (`register_loader("lawyer", load_lawyer)`),
so `core` never imports a domain and no domain imports another to log someone in.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import flash, request
from flask_login import current_user, login_user

from portal.core import audit, clock, identity, sessions, throttle
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db

# The address a locked login came from (a member of staff's or a lawyer's, never a petitioner's).
audit.register_detail_keys(["user", "lawyer"], {"client": audit.DetailKey(_l("Client address"))})

logger = logging.getLogger(__name__)
hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that timing does not reveal which accounts exist.
_DUMMY_HASH = hasher.hash(secrets.token_hex(16))
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """The message is shown to the user as is; `field` names the form field it concerns."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)s characters for the password.", n=MIN_PASSWORD_LENGTH)
    if password.isdigit() or password.isalpha():
        return _l("Use both letters and digits (or other characters) in the password.")
    return None


def check_login(account, password: str, *, email: str, kind: str, lock_event: str) -> None:
    """The login rule for every kind of account (`kind`: "staff", "lawyer").

    `email` is what was typed and `account` what it found (or None). The message is the same for
    an unknown address and a wrong password, an unknown address costs the same hashing time, and
    both are throttled alike under the address's canonical form (portal/core/identity.py), by
    the rule in portal/core/throttle.py: LOGIN_MAX_FAILURES wrong passwords from one client stop
    that client (not the owner elsewhere) for the rest of LOGIN_LOCK_MINUTES; a client failing on
    many accounts is stopped; an account failing from many clients is slowed. A refused attempt
    checks no password. Every failure is logged (not audited: the address may name no account);
    the lock of an existing account is audited as `lock_event`. On success the hash is upgraded
    if its parameters are old and last_login_at set.
    """
    wrong = AccountError(_l("The e-mail address or password is not right."))
    try:
        attempt = throttle.Attempt.begin("LOGIN", f"login/{kind}", identity.canonical_email(email))
    except throttle.Throttled as refused:
        log_failed_login(kind, email, "throttled")
        raise AccountError(_throttled_message(refused.minutes)) from None
    if account is None:
        _burn_time(password)
        verified = False
    else:
        try:
            verified = hasher.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            verified = False
    if not verified:
        locked = attempt.failed()
        log_failed_login(kind, email, "locked" if locked else "wrong")
        if locked and account is not None:
            audit.record(
                lock_event,
                actor_kind=audit.ACTOR_SYSTEM,
                subject=account,
                detail={"client": attempt.client},
            )
        raise wrong
    attempt.succeeded()
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    account.last_login_at = clock.now()


def lift_login_lock(kind: str, email: str) -> None:
    """After a password reset: the owner may log in at once from anywhere (throttle.forgive)."""
    throttle.forgive(f"login/{kind}", identity.canonical_email(email))


def log_failed_login(kind: str, email: str, reason: str) -> None:
    """One line per failed login: what was typed (escaped, cut short) and from where."""
    logger.warning(
        "failed %s login: email=%s client=%s reason=%s",
        kind,
        throttle.loggable(email),
        throttle.loggable(throttle.client_address()),
        reason,
    )


def _throttled_message(minutes: int):
    return _l("Too many failed attempts. For your security, try again in %(n)s minutes.", n=minutes)


def log_in(form, authenticate):
    """The login page's POST for any kind of account: `authenticate(email, password)` returns
    the account or raises AccountError. Failures are committed too, so that they count towards
    the lockout; the message goes under the password field. Returns the account logged in, or
    None (the caller re-renders the form)."""
    try:
        account = authenticate(form.email.data, form.password.data)
    except AccountError as error:
        db.session.commit()  # keep the failure count
        form.password.errors.append(str(error))
        return None
    sessions.begin(account)
    db.session.commit()
    login_user(account)
    flash(_("You are logged in."), "success")
    return account


def _burn_time(password: str) -> None:
    try:
        hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass


# ---- finding the account behind a session ---------------------------------------------------

# account kind (an account model's `login_kind`) → loader taking the account's id.
_LOADERS: dict[str, Callable[[int], object]] = {}


def register_loader(kind: str, loader: Callable[[int], object]) -> None:
    if kind in _LOADERS and _LOADERS[kind] is not loader:
        raise KeyError(f"an account loader for {kind!r} is registered already")
    _LOADERS[kind] = loader


def load_account(session_id: str | None):
    """Flask-Login's user loader: the id in the cookie names a login session; a live one
    (core.sessions: not revoked, not idle, not too old) gives the account of its kind, if that
    account is still active. Anything else, malformed ids included, is no one."""
    row = sessions.live_session(session_id)
    if row is None:
        return None
    loader = _LOADERS.get(row.account_kind)
    account = loader(row.account_id) if loader else None
    if account is None or not account.is_active:
        return None
    account.login_session_id = session_id
    sessions.touch(row)
    return account


def load_current_account() -> None:
    """Run before every request: load the logged-in account (if any) before the view starts, so
    that the session's touch (core.sessions.touch) commits nothing of the view's own work."""
    if request.endpoint != "static":
        current_user._get_current_object()

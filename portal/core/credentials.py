"""Passwords, logins and session loading for every kind of account (staff, lawyers).

Each account kind keeps its own table and rules in its domain; what they share lives here:
argon2 hashing, the password policy, the login rule with its throttling (the rule itself in
portal/core/throttle.py), the log line of every failed login, and the registry through which
Flask-Login finds an account from the id in the session. A domain registers its loader under a
prefix (`register_loader("lawyer", load_lawyer)`), so `core` never imports a domain and no
domain imports another to log someone in.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from portal.core import audit, clock, identity, throttle
from portal.extensions import db

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
                detail=f"client={attempt.client}",
            )
        raise wrong
    attempt.succeeded()
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, clock.now()


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
    db.session.commit()
    login_user(account)
    flash(_("You are logged in."), "success")
    return account


def _burn_time(password: str) -> None:
    try:
        hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass


def session_matches(account, token: str) -> bool:
    """The id in the session carries the account's session token, so a reset logs out every
    session at once."""
    return account is not None and secrets.compare_digest(account.session_token, token)


# ---- finding the account behind a session ---------------------------------------------------

# prefix → loader taking the rest of the session id; "" is the staff account (no prefix).
_LOADERS: dict[str, Callable[[str], object]] = {}


def register_loader(prefix: str, loader: Callable[[str], object]) -> None:
    if prefix in _LOADERS and _LOADERS[prefix] is not loader:
        raise KeyError(f"an account loader for {prefix!r} is registered already")
    _LOADERS[prefix] = loader


def load_account(session_value: str | None):
    """Flask-Login's user loader: dispatch on the prefix; anything malformed is no one."""
    value = session_value or ""
    head, _sep, rest = value.partition(":")
    if head in _LOADERS and not head.isdigit():
        return _LOADERS[head](rest)
    return _LOADERS[""](value) if "" in _LOADERS else None


def load_by_id(model, ident: str):
    """A loader's body: "<id>:<token>" → the account of `model`, or None."""
    number, _sep, token = (ident or "").partition(":")
    if not number.isdigit() or len(number) > 18:
        return None
    account = db.session.get(model, int(number))
    return account if session_matches(account, token) else None

"""Passwords, logins and session loading for every kind of account (staff, lawyers).

Each account kind keeps its own table and rules in its domain; what they share lives here:
argon2 hashing, the password policy, the login rule with lockout, and the registry through which
Flask-Login finds an account from the id in the session. A domain registers its loader under a
prefix (`register_loader("lawyer", load_lawyer)`), so `core` never imports a domain and no
domain imports another to log someone in.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from portal.core import audit, clock
from portal.extensions import db

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


def check_login(account, password: str, *, lock_event: str) -> None:
    """The login rule for every kind of account.

    The message is the same for an unknown address and a wrong password, and an unknown address
    costs the same hashing time. After LOGIN_MAX_FAILURES wrong passwords in a row the account
    refuses every login for LOGIN_LOCK_MINUTES, correct password or not. On success the failure
    count is reset, the hash upgraded if its parameters are old, and last_login_at set.
    """
    config = current_app.config
    now = clock.now()
    wrong = AccountError(_l("The e-mail address or password is not right."))
    if account is None:
        _burn_time(password)
        raise wrong
    if account.locked_until and clock.as_utc(account.locked_until) > now:
        raise AccountError(
            _l(
                "Too many failed attempts. This account is locked for %(n)s minutes.",
                n=config["LOGIN_LOCK_MINUTES"],
            )
        )
    try:
        hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        account.failed_logins += 1
        if account.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            account.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            account.failed_logins = 0
            audit.record(lock_event, actor_kind=audit.ACTOR_SYSTEM, subject=account)
        raise wrong from None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, now


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

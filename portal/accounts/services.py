"""Rules for staff accounts: creation, passwords (argon2), logins with lockout."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core import audit, clock
from portal.core.permissions import Role
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


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, name: str, role: Role | str, password: str, *, actor=None) -> User:
    role = Role(role)
    if find_by_email(email):
        raise AccountError(_l("A user with this e-mail address already exists."), "email")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role.value,
        password_hash=hasher.hash(password),
        created_at=clock.now(),
        session_token=secrets.token_hex(16),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.created", actor=actor, subject=f"user:{user.id}", detail=f"role={role.value}"
    )
    return user


def update_user(user: User, *, name: str, role: Role | str, is_active: bool, actor) -> None:
    if user.id == actor.id and (not is_active or Role(role) != Role.ADMIN):
        raise AccountError(_l("You cannot remove your own administrator access."), "role")
    changes = []
    if user.name != name.strip():
        changes.append("name")
    if user.role != Role(role).value:
        changes.append(f"role {user.role}->{Role(role).value}")
    if user.is_active_account != is_active:
        changes.append("active" if is_active else "deactivated")
        user.session_token = secrets.token_hex(16)
    user.name, user.role, user.is_active_account = name.strip(), Role(role).value, is_active
    audit.record("user.updated", actor=actor, subject=f"user:{user.id}", detail="; ".join(changes))


def set_password(user: User, password: str, *, actor=None) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hasher.hash(password)
    user.session_token = secrets.token_hex(16)  # log out every existing session
    user.failed_logins, user.locked_until = 0, None
    audit.record("user.password_reset", actor=actor, subject=f"user:{user.id}")


def authenticate(email: str, password: str) -> User:
    """Return the active staff user for a correct e-mail and password, or raise AccountError
    (see check_login for the lockout rule). The caller commits, so failures count."""
    user = find_by_email(email)
    check_login(
        user, password, lock_event="user.login_locked", subject=f"user:{user.id}" if user else ""
    )
    if not user.is_active:
        raise AccountError(_l("This account is deactivated. Ask your administrator."))
    audit.record("user.logged_in", actor=user, subject=f"user:{user.id}")
    return user


def check_login(account, password: str, *, lock_event: str, subject: str) -> None:
    """The login rule for every kind of account (staff and lawyers).

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
            audit.record(lock_event, actor_kind=audit.ACTOR_SYSTEM, subject=subject)
        raise wrong from None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    account.failed_logins, account.locked_until, account.last_login_at = 0, None, now


def _burn_time(password: str) -> None:
    try:
        hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session token, so a reset logs everyone out.

    Staff ids are "<id>:<token>"; lawyers' accounts (portal.lawyers) are "lawyer:<id>:<token>".
    """
    if (user_id or "").startswith("lawyer:"):
        from portal.lawyers.services import load_lawyer

        return load_lawyer(user_id.removeprefix("lawyer:"))
    identifier, _, token = (user_id or "").partition(":")
    if not identifier.isdigit():
        return None
    user = db.session.get(User, int(identifier))
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user

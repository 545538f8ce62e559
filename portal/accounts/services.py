"""Rules for staff accounts: creation, password changes, logins (the shared mechanics of
passwords and lockout are in portal.core.credentials)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core import audit, clock, credentials, sessions
from portal.core.audit import EventType
from portal.core.credentials import AccountError, hasher, password_problem
from portal.core.permissions import Role
from portal.extensions import db

audit.register_event_types(
    {
        "user.created": EventType(_l("User created")),
        "user.updated": EventType(_l("User updated")),
        "user.password_reset": EventType(_l("Password reset")),
        "user.logged_in": EventType(_l("Logged in")),
        "user.login_locked": EventType(_l("Login locked after repeated failures")),
    }
)


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
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", actor=actor, subject=user, detail=f"role={role.value}")
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
        if not is_active:
            sessions.end_all(user)
    user.name, user.role, user.is_active_account = name.strip(), Role(role).value, is_active
    audit.record("user.updated", actor=actor, subject=user, detail="; ".join(changes))


def set_password(user: User, password: str, *, actor=None) -> None:
    """An administrator's reset of a staff password (or the CLI's): ends every session of the
    account (but the administrator's own current one when they reset their own password), and
    lifts a lockout."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hasher.hash(password)
    is_own = actor is not None and getattr(actor, "id", None) == user.id
    sessions.end_all(user, keep=sessions.current_id() if is_own else None)
    user.failed_logins, user.locked_until = 0, None
    audit.record("user.password_reset", actor=actor, subject=user)


def authenticate(email: str, password: str) -> User:
    """Return the active staff user for a correct e-mail and password, or raise AccountError
    (see check_login for the lockout rule). The caller commits, so failures count."""
    user = find_by_email(email)
    credentials.check_login(user, password, lock_event="user.login_locked")
    if not user.is_active:
        raise AccountError(_l("This account is deactivated. Ask your administrator."))
    audit.record("user.logged_in", actor=user, subject=user)
    return user


def load_user(user_id: int) -> User | None:
    """The staff account behind a login session (core.credentials.load_account)."""
    return db.session.get(User, user_id)


credentials.register_loader(User.login_kind, load_user)

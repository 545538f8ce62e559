"""Rules for staff accounts: creation, password changes, logins (the shared mechanics of
passwords and throttling are in portal.core.credentials, the one canonical form of addresses and
names and what may pass for another in portal.core.identity)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core import audit, clock, credentials, identity, sessions
from portal.core.audit import EventType
from portal.core.credentials import AccountError, hasher, password_problem
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.extensions import db

audit.register_detail_keys(
    ["user"],
    {
        "role": audit.DetailKey(_l("Role"), lambda code: Role(code).label),
        "role_from": audit.DetailKey(_l("Previous role"), lambda code: Role(code).label),
        "renamed": audit.DetailKey(_l("Name changed"), lambda _yes: _l("yes")),
        "access": audit.DetailKey(_l("Access"), lambda code: ACCESS_LABELS[code]),
    },
    legacy={
        "user.updated": r"(?:(?P<renamed>name)(?:; |$))?"
        r"(?:role (?P<role_from>[a-z]+)->(?P<role>[a-z]+)(?:; |$))?(?P<access>active|deactivated)?"
    },
)
ACCESS_LABELS = {"active": _l("restored"), "deactivated": _l("deactivated")}
audit.register_subject_kinds({"user": audit.SubjectKind(_l("Staff account"))})
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
    """The account of this address in its canonical form (portal/core/identity.py)."""
    email = identity.canonical_email(email)
    if "\x00" in email:  # no address holds one, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def create_user(email: str, name: str, role: Role | str, password: str, *, actor=None) -> User:
    """Raises AccountError (with its field) for an address or name that is taken, could be
    mistaken for an existing user's (portal/core/identity.py: the administrator is told which),
    or for a weak password."""
    role = Role(role)
    email, name = identity.canonical_email(email), identity.canonical_name(name)
    problem = identity.email_problem(email)
    if problem:
        raise AccountError(problem, "email")
    if find_by_email(email):
        raise AccountError(_l("A user with this e-mail address already exists."), "email")
    _check_name(name)
    existing = db.session.execute(select(User.email)).all()
    look_alike = identity.confusable_with(email, (row.email for row in existing))
    if look_alike:
        raise AccountError(
            _l(
                "This e-mail address could be mistaken for that of an existing user, %(email)s. "
                "Use another address.",
                email=look_alike,
            ),
            "email",
        )
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    user = User(
        email=email,
        name=name,
        role=role.value,
        password_hash=hasher.hash(password),
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", actor=actor, subject=user, detail={"role": role.value})
    return user


def _check_name(name: str, *, renaming: User | None = None) -> None:
    """A staff name must be written in one script and not pass for another user's."""
    problem = identity.name_problem(name)
    if problem:
        raise AccountError(problem, "name")
    others = select(User.name)
    if renaming is not None:
        others = others.where(User.id != renaming.id)
    look_alike = identity.confusable_with(
        name, db.session.scalars(others), key=identity.name_skeleton
    )
    if look_alike:
        raise AccountError(
            _l(
                "This name could be mistaken for that of an existing user, %(name)s. Add "
                "something to tell them apart, such as the department.",
                name=look_alike,
            ),
            "name",
        )


def update_user(user: User, *, name: str, role: Role | str, is_active: bool, actor) -> None:
    name = identity.canonical_name(name)
    if name != user.name:
        _check_name(name, renaming=user)
    if user.id == actor.id and (not is_active or Role(role) != Role.ADMIN):
        raise AccountError(_l("You cannot remove your own administrator access."), "role")
    changes = {}
    if user.name != name.strip():
        changes["renamed"] = "yes"
    if user.role != Role(role).value:
        changes["role_from"], changes["role"] = user.role, Role(role).value
    if user.is_active_account != is_active:
        changes["access"] = "active" if is_active else "deactivated"
        if not is_active:
            sessions.end_all(user)
    user.name, user.role, user.is_active_account = name.strip(), Role(role).value, is_active
    audit.record("user.updated", actor=actor, subject=user, detail=changes)


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
    credentials.lift_login_lock("staff", user.email)
    audit.record("user.password_reset", actor=actor, subject=user)


def authenticate(email: str, password: str) -> User:
    """Return the active staff user for a correct e-mail and password, or raise AccountError
    (see check_login for the throttling rule). The caller commits (the audit event of a lock)."""
    user = find_by_email(email)
    credentials.check_login(
        user, password, email=email, kind="staff", lock_event="user.login_locked"
    )
    if not user.is_active:
        credentials.log_failed_login("staff", email, "deactivated")
        raise AccountError(_l("This account is deactivated. Ask your administrator."))
    audit.record("user.logged_in", actor=user, subject=user)
    return user


def load_user(user_id: int) -> User | None:
    """The staff account behind a login session (core.credentials.load_account)."""
    return db.session.get(User, user_id)


credentials.register_loader(User.login_kind, load_user)

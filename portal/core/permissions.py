"""Staff roles, the guards views carry, and `can_open`, the one answer to "may this person open
that page?".

Who may open a view is declared once, by its guard decorator (`roles_required` here; lawyers'
pages use `lawyer_required`, deputies' pages `deputy_required`, both made by `account_required`). A guard marks the view function with
`admits(user) -> bool`; `can_open(endpoint)` reads it, and templates and navigation call
`can_open` instead of naming roles, so a link is shown exactly when the page would open. An
architecture test walks the URL map and demands a guard on every back-office route.
"""

from __future__ import annotations

import enum
import re
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from portal.core.errors import render_error
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import login_manager


class Role(enum.StrEnum):
    CLERK = "clerk"
    HANDLER = "handler"
    LEADER = "leader"
    PUBLISHER = "publisher"
    ADMIN = "admin"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: _l("Intake clerk"),
    Role.HANDLER: _l("Handler"),
    Role.LEADER: _l("Leader"),
    Role.PUBLISHER: _l("Publisher"),
    Role.ADMIN: _l("Administrator"),
}

# Lawyers log in on their own page (a staff login would not let them in).
LAWYER_LOGIN_ENDPOINT = "lawyers.login"

# Who works petitions at all (queues, petition pages).
PETITION_STAFF = (Role.CLERK, Role.HANDLER, Role.LEADER)
# Who may take petitioners' names and contact details out of the portal in an export: the roles
# that work petitions and contact petitioners (the clerk sends the procedural reply and posts
# notices, the handler and the leader answer). Publishers and administrators never: their work
# (releases, accounts, the outbox) needs no list of petitioners.
PETITIONER_DATA_ROLES = PETITION_STAFF


def roles_required(*roles: Role):
    """Admit only logged-in, active staff holding one of `roles`; 403 for other staff."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        wrapped.admits = lambda user: _is_staff_in(user, wrapped.allowed_roles)
        return wrapped

    return decorator


def is_lawyer(user) -> bool:
    return is_account_of(user, "lawyer")


def is_account_of(user, kind: str) -> bool:
    """Whether `user` is logged in with an account of `kind` (its model's `login_kind`)."""
    return bool(
        getattr(user, "is_authenticated", False) and getattr(user, "login_kind", None) == kind
    )


def account_required(kind: str, login_endpoint: str, *, unverified_title, unverified_text):
    """The guard of the pages of one kind of public account (lawyers, deputies): it admits only
    a logged-in account of `kind` and, with `verified`, only one whom staff verified (the
    account's `is_verified`); others are sent to `login_endpoint`, refused (403), or told
    `unverified_title` and `unverified_text`. Marks the view with `account_kind`."""

    def required(view=None, *, verified: bool = False):
        def decorator(view):
            @wraps(view)
            def wrapped(*args, **kwargs):
                if not current_user.is_authenticated:
                    return redirect(url_for(login_endpoint, next=request.full_path.rstrip("?")))
                if not is_account_of(current_user, kind):
                    abort(403)
                if verified and not current_user.is_verified:
                    return render_error(403, unverified_title, unverified_text)
                return view(*args, **kwargs)

            wrapped.account_kind = kind
            wrapped.lawyer_only = kind == "lawyer"
            wrapped.requires_verified_account = verified
            wrapped.admits = lambda user: (
                is_account_of(user, kind) and (not verified or user.is_verified)
            )
            return wrapped

        return decorator(view) if view is not None else decorator

    return required


# Admit only a logged-in lawyer; with `verified`, only one whom staff verified.
lawyer_required = account_required(
    "lawyer",
    LAWYER_LOGIN_ENDPOINT,
    unverified_title=_l("Your account is not verified yet"),
    unverified_text=_l(
        "Only lawyers whom our staff have verified can book or bind cases. "
        "Your account page shows where your registration stands."
    ),
)


def _is_staff_in(user, roles) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", None) in roles)


def can_open(endpoint: str, user=None) -> bool:
    """Whether `user` (the current user by default) passes the guard of `endpoint`'s view.
    Views with no guard are public. An unknown endpoint is a programming error (KeyError)."""
    view = current_app.view_functions[endpoint]
    admits = getattr(view, "admits", None)
    if admits is None:
        return True
    return admits(current_user if user is None else user)


def is_safe_next(target: str | None) -> bool:
    """Only same-site paths may be redirected to after login or a language switch.

    A browser forgives a lot in a URL: it drops tabs and line breaks anywhere, reads a backslash
    as a slash, and trims spaces and control characters at the ends, so "/\\t/evil.example" and
    "/\\evil.example" both lead to another site. A safe target is therefore made of printable,
    non-space characters and starts with exactly one slash; its path (before any "?" or "#")
    stays so once percent-escapes are decoded, since a proxy or a later redirect may decode it."""
    if not isinstance(target, str) or not 0 < len(target) <= MAX_NEXT_LENGTH:
        return False
    if not _is_plain_local_path(target):
        return False
    path = re.split(r"[?#]", target, maxsplit=1)[0]
    for _ in range(3):
        decoded = unquote(path)
        if decoded == path:
            return True
        if not _is_plain_local_path(decoded):
            return False
        path = decoded
    return False  # escaped three times over: no page of ours needs that


MAX_NEXT_LENGTH = 2000


def _is_plain_local_path(target: str) -> bool:
    parts = urlsplit(target)
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(ch.isprintable() and not ch.isspace() for ch in target)
        and not parts.scheme
        and not parts.netloc
    )


def next_or(default: str) -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else default

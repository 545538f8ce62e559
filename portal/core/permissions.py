"""Staff roles and the guard every back-office view carries.

`roles_required` marks the view function with the roles it admits, so that an architecture test
can walk the URL map and demand a guard on every staff route.
"""

from __future__ import annotations

import enum
from functools import wraps

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

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

# Who works petitions at all (queues, petition pages).
PETITION_STAFF = (Role.CLERK, Role.HANDLER, Role.LEADER)


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
        return wrapped

    return decorator


def is_safe_next(target: str | None) -> bool:
    """Only same-site paths may be redirected to after login or a language switch."""
    return (
        bool(target)
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )


def next_or(default: str) -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else default

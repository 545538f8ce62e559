"""The guard on lawyers' own pages.

`lawyer_required` marks the view (`lawyer_only = True`) as `roles_required` marks staff views, so
an architecture test can walk the URL map and demand it on every /lawyer route but login,
registration and the e-mail confirmation. Staff get 403 here, as lawyers do on staff routes
(their role, "lawyer", is in no staff guard).
"""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.core.errors import render_error


def is_lawyer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_lawyer", False))


def lawyer_required(view=None, *, verified: bool = False):
    """Admit only a logged-in lawyer; with `verified`, only one whom staff verified."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("lawyers.login", next=request.full_path.rstrip("?")))
            if not is_lawyer(current_user):
                abort(403)
            if verified and not current_user.is_verified:
                return render_error(
                    403,
                    _l("Your account is not verified yet"),
                    _l(
                        "Only lawyers whom our staff have verified can book or bind cases. "
                        "Your account page shows where your registration stands."
                    ),
                )
            return view(*args, **kwargs)

        wrapped.lawyer_only = True
        wrapped.requires_verified_lawyer = verified
        return wrapped

    return decorator(view) if view is not None else decorator

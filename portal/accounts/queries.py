"""Read-side questions about staff accounts, for other domains (who may handle a petition, the
account behind an id), so that no domain reads `accounts.models` itself. The rules that change
accounts are in services.py."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import User
from portal.core.permissions import Role
from portal.extensions import db


def active_staff(*roles: Role) -> list[User]:
    """Active accounts holding one of `roles`, by role, then name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_([Role(role).value for role in roles]), User.is_active_account)
            .order_by(User.role, User.name, User.id)
        )
    )


def find_user(user_id: int | None) -> User | None:
    """The account with this id, active or not, or None (also for no id)."""
    return db.session.get(User, user_id) if user_id else None


def staff_accounts(*roles: Role) -> list[User]:
    """Accounts holding one of `roles`, active or not (the statistics still name the handler of
    old petitions), by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_([Role(role).value for role in roles]))
            .order_by(User.name, User.id)
        )
    )


def every_staff_member() -> list[User]:
    """Every account, active or not, by name (e.g. to filter the audit trail by who acted)."""
    return staff_accounts(*Role)

"""Staff accounts. Roles are `core.permissions.Role` (the CHECK below is built from that enum);
which role may open which page is each view's guard, which role may take which step of a
petition is portal/petitions/workflow.py. Other domains read accounts through
portal/accounts/queries.py."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.database import enum_check
from portal.core.permissions import Role
from portal.core.sessions import SessionAccount
from portal.extensions import db


class User(SessionAccount, UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (enum_check("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(20))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # No longer read or written: failed logins are counted per client by portal/core/throttle.py.
    # Kept until a migration drops them.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    audit_kind = "user"
    login_kind = "staff"  # its login sessions (portal/core/sessions.py)

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

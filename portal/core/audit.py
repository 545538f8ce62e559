"""The append-only audit trail and its catalogue of event types.

Rows store stable codes; labels are translated only when shown. `record()` adds the row to the
current session so it commits (or rolls back) together with the change it describes. Events
marked public are the petitioner's timeline on the progress page; the rest are staff-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core import clock
from portal.extensions import db


@dataclass(frozen=True)
class EventType:
    label: object
    public: bool = False


CATALOGUE: dict[str, EventType] = {
    # Petitions
    "petition.received": EventType(_l("Petition received"), public=True),
    "petition.acknowledged": EventType(_l("Accepted for handling"), public=True),
    "petition.transferred": EventType(_l("Transferred to another authority"), public=True),
    "petition.not_accepted": EventType(_l("Not accepted"), public=True),
    "petition.merged": EventType(_l("Handled together with an earlier petition"), public=True),
    "petition.assigned": EventType(_l("Assigned to a handler")),
    "petition.reply_drafted": EventType(_l("Reply drafted")),
    "petition.draft_returned": EventType(_l("Draft returned for revision")),
    "petition.reply_sent": EventType(_l("Reply sent"), public=True),
    "petition.progress_reply_sent": EventType(_l("Progress reply sent"), public=True),
    "petition.satisfied": EventType(_l("Petitioner satisfied"), public=True),
    "petition.objected": EventType(_l("Petitioner objected to the reply"), public=True),
    "petition.review_started": EventType(_l("Review of the objection started"), public=True),
    "petition.closed": EventType(_l("Closed"), public=True),
    "petition.auto_closed": EventType(
        _l("Closed: no objection within the time allowed"), public=True
    ),
    "petition.leader_took_over": EventType(_l("Leader took charge personally")),
    "petition.overdue_escalated": EventType(_l("Deadline missed, escalated to leaders")),
    "petition.note_added": EventType(_l("Internal note added")),
    "petition.progress_viewed": EventType(_l("Progress viewed by the petitioner")),
    "petition.attachment_downloaded": EventType(_l("Attachment downloaded")),
    # Accounts and settings
    "user.created": EventType(_l("User created")),
    "user.updated": EventType(_l("User updated")),
    "user.password_reset": EventType(_l("Password reset")),
    "user.logged_in": EventType(_l("Logged in")),
    "user.login_locked": EventType(_l("Login locked after repeated failures")),
    "calendar.day_set": EventType(_l("Calendar day set")),
    "calendar.day_removed": EventType(_l("Calendar day removed")),
}


def register_event_types(event_types: dict[str, EventType]) -> None:
    """Each domain declares its own event types at import; codes must be unique."""
    clash = set(event_types) & set(CATALOGUE)
    if clash:
        raise KeyError(f"audit event types declared twice: {sorted(clash)}")
    CATALOGUE.update(event_types)


ACTOR_STAFF = "staff"
ACTOR_PETITIONER = "petitioner"  # any member of the public acting on their own matter
ACTOR_LAWYER = "lawyer"
ACTOR_SYSTEM = "system"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.CheckConstraint(
            "actor_kind IN ('staff', 'petitioner', 'lawyer', 'system')", name="actor_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    code: Mapped[str] = mapped_column(sa.String(60))
    actor_kind: Mapped[str] = mapped_column(sa.String(20))
    # The staff member who acted; empty for the petitioner and the system.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    petition_id: Mapped[int | None] = mapped_column(sa.ForeignKey("petitions.id"), index=True)
    # What else the event is about when it is not a petition (e.g. "user:12", "day:2026-10-01").
    subject: Mapped[str | None] = mapped_column(sa.String(80))
    from_state: Mapped[str | None] = mapped_column(sa.String(30))
    to_state: Mapped[str | None] = mapped_column(sa.String(30))
    # Free text for staff: the reason given, what changed. Never personal data of petitioners.
    detail: Mapped[str | None] = mapped_column(sa.Text)

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")

    @property
    def label(self):
        event_type = CATALOGUE.get(self.code)
        return event_type.label if event_type else self.code

    @property
    def is_public(self) -> bool:
        event_type = CATALOGUE.get(self.code)
        return bool(event_type and event_type.public)


def record(
    code: str,
    *,
    actor=None,
    actor_kind: str | None = None,
    petition=None,
    subject: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Add one audit event to the current transaction. Unknown codes are a programming error."""
    if code not in CATALOGUE:
        raise KeyError(f"audit event {code!r} is not in the catalogue")
    event = AuditEvent(
        at=clock.now(),
        code=code,
        actor_kind=actor_kind or (ACTOR_STAFF if actor is not None else ACTOR_SYSTEM),
        actor_id=actor.id if actor is not None else None,
        petition_id=petition.id if petition is not None else None,
        subject=subject,
        from_state=str(from_state) if from_state is not None else None,
        to_state=str(to_state) if to_state is not None else None,
        detail=detail,
    )
    db.session.add(event)
    return event

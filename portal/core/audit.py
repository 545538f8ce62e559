"""The append-only audit trail and its catalogue of event types.

Rows store stable codes; labels are translated only when shown. `record()` adds the row to the
current session so it commits (or rolls back) together with the change it describes. Events
marked public are the petitioner's timeline on the progress page; the rest are staff-only.

A domain can `subscribe` to event types: whoever must be told of a step (petitions/notices.py)
listens to its events instead of being called from every transition. Subscribers run when the
transaction that recorded the event commits, just before its last flush, so that they see the
whole change (a transition records its event before it writes the reply it sends) and whatever
they add (outbox messages) commits with it; an event whose transaction rolled back reaches no one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.core import clock
from portal.extensions import db


@dataclass(frozen=True)
class EventType:
    label: object
    public: bool = False


# Filled by each domain with its own codes (`register_event_types`, at import of its module).
CATALOGUE: dict[str, EventType] = {}


def register_event_types(event_types: dict[str, EventType]) -> None:
    """Each domain declares its own event types at import; codes must be unique."""
    clash = set(event_types) & set(CATALOGUE)
    if clash:
        raise KeyError(f"audit event types declared twice: {sorted(clash)}")
    CATALOGUE.update(event_types)


Subscriber = Callable[["AuditEvent"], None]
SUBSCRIBERS: dict[str, list[Subscriber]] = {}
_WAITING = "audit_events_to_dispatch"  # in Session.info: recorded events subscribers await


def subscribe(codes: Iterable[str], subscriber: Subscriber) -> None:
    """Call `subscriber(event)` for every event of these codes, in the recording transaction,
    when it commits (see the module docstring)."""
    for code in codes:
        SUBSCRIBERS.setdefault(code, []).append(subscriber)


@sa.event.listens_for(Session, "before_commit")
def _dispatch(session: Session) -> None:
    waiting = session.info.get(_WAITING)
    while waiting:
        event = waiting.pop(0)
        state = sa.inspect(event)
        if state.transient or state.detached or state.deleted:
            continue  # recorded in a transaction (or savepoint) that was rolled back
        for subscriber in SUBSCRIBERS.get(event.code, ()):
            subscriber(event)


ACTOR_STAFF = "staff"
ACTOR_PETITIONER = "petitioner"  # any member of the public acting on their own matter
ACTOR_LAWYER = "lawyer"
ACTOR_SYSTEM = "system"


def subject_of(thing) -> tuple[str, str]:
    """The (kind, id) an event is about: a model declares its `audit_kind` (e.g. "petition");
    what has no row of its own is named by a pair, e.g. ("day", "2026-10-01")."""
    if isinstance(thing, tuple):
        kind, identifier = thing
    else:
        kind, identifier = thing.audit_kind, thing.id
    if identifier is None:
        raise ValueError(f"audit subject {kind!r} has no id yet: flush before recording")
    return kind, str(identifier)


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.CheckConstraint(
            "actor_kind IN ('staff', 'petitioner', 'lawyer', 'system')", name="actor_kind"
        ),
        sa.Index("ix_audit_events_subject", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    code: Mapped[str] = mapped_column(sa.String(60))
    actor_kind: Mapped[str] = mapped_column(sa.String(20))
    # The staff member who acted; empty for the petitioner, a lawyer and the system.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # What the event is about, in every domain alike: ("petition", "12"), ("booking", "3"),
    # ("day", "2026-10-01"); empty for events about no one thing (a bulk import).
    subject_kind: Mapped[str | None] = mapped_column(sa.String(30))
    subject_id: Mapped[str | None] = mapped_column(sa.String(40))
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


def _actor_fields(actor, actor_kind: str | None) -> tuple[str, int | None]:
    """Staff accounts are recorded by id; anyone else (a `Party`, a lawyer's account, whose
    class names its `audit_actor_kind`) by kind only."""
    if actor is None:
        return actor_kind or ACTOR_SYSTEM, None
    kind = actor_kind or getattr(actor, "audit_actor_kind", ACTOR_STAFF)
    return kind, actor.id if kind == ACTOR_STAFF else None


def record(
    code: str,
    *,
    actor=None,
    actor_kind: str | None = None,
    subject=None,
    from_state: str | None = None,
    to_state: str | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Add one audit event to the current transaction. Unknown codes are a programming error."""
    if code not in CATALOGUE:
        raise KeyError(f"audit event {code!r} is not in the catalogue")
    kind, actor_id = _actor_fields(actor, actor_kind)
    subject_kind, subject_id = subject_of(subject) if subject is not None else (None, None)
    event = AuditEvent(
        at=clock.now(),
        code=code,
        actor_kind=kind,
        actor_id=actor_id,
        subject_kind=subject_kind,
        subject_id=subject_id,
        from_state=str(from_state) if from_state is not None else None,
        to_state=str(to_state) if to_state is not None else None,
        detail=detail,
    )
    db.session.add(event)
    if code in SUBSCRIBERS:
        db.session.info.setdefault(_WAITING, []).append(event)
    return event


def history_query(subject) -> sa.Select:
    """Every event about `subject`, in the order written (the one query for a record's trail)."""
    kind, identifier = subject_of(subject)
    return (
        sa.select(AuditEvent)
        .where(AuditEvent.subject_kind == kind, AuditEvent.subject_id == identifier)
        .order_by(AuditEvent.at, AuditEvent.id)
    )


def history(subject) -> list[AuditEvent]:
    return list(db.session.scalars(history_query(subject)))

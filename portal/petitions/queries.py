"""Read-side lists: the back-office queues, ordered by what is due first, and what other domains
may read of petitions (`intake_kinds` for the home page).

The queues' "overdue" and "due soon" are the SQL side of the one definition in deadlines.py
(`overdue_sql`, `due_soon_sql`, `next_due_on_sql`); nothing here redefines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.petitions import deadlines
from portal.petitions.models import OPEN_STATES, Addition, Escalation, Kind, Petition, State

_open = [s.value for s in OPEN_STATES]


def petition_numbered(number: str) -> Petition | None:
    return db.session.scalar(sa.select(Petition).where(Petition.tracking_number == number))


def intake_kinds() -> list[Kind]:
    """The kinds of matter the public can file, in the order the home page lists them."""
    return list(Kind)


@dataclass(frozen=True)
class Queue:
    code: str
    label: object
    description: object


QUEUES = [
    Queue("new", _l("New"), _l("Received, awaiting the procedural reply")),
    Queue("mine", _l("Mine"), _l("Assigned to me or taken personally by me")),
    Queue("due_soon", _l("Due within 2 days"), _l("A reply is due within 2 days")),
    Queue("overdue", _l("Overdue"), _l("A reply is past its due date")),
    Queue(
        "follow_up",
        _l("Monthly follow-up due"),
        _l("Not concluded after the first answer: the monthly progress reply is due soon"),
    ),
    Queue(
        "new_material",
        _l("New material"),
        _l("The petitioner added material or answered a question; no one has read it yet"),
    ),
    Queue("awaiting_approval", _l("Awaiting approval"), _l("Draft replies for a leader")),
    Queue("escalated", _l("Escalated"), _l("Overdue petitions reported to leaders")),
    Queue("all", _l("All"), _l("Every petition")),
]
QUEUE_CODES = {queue.code for queue in QUEUES}


def queue_filter(code: str, user, today: date, due_soon_days: int):
    soon = today + timedelta(days=due_soon_days)
    next_due = deadlines.next_due_on_sql()
    if code == "new":
        return Petition.status == State.RECEIVED.value
    if code == "mine":
        return sa.and_(
            sa.or_(Petition.assigned_to_id == user.id, Petition.lead_leader_id == user.id),
            Petition.status.in_(_open + [State.RECEIVED.value, State.ANSWERED.value]),
        )
    if code == "due_soon":
        return deadlines.due_soon_sql(today, due_soon_days)
    if code == "overdue":
        return deadlines.overdue_sql(today)
    if code == "follow_up":
        return sa.and_(
            Petition.status.in_(_open),
            Petition.first_answered_at.is_not(None),
            Petition.reply_due_on <= soon,
        )
    if code == "new_material":
        return _has_unread_material()
    if code == "awaiting_approval":
        return Petition.status == State.AWAITING_APPROVAL.value
    if code == "escalated":
        return sa.and_(
            deadlines.overdue_sql(today),
            sa.exists().where(Escalation.petition_id == Petition.id, Escalation.due_on == next_due),
        )
    return sa.true()


def _has_unread_material():
    return sa.exists().where(Addition.petition_id == Petition.id, Addition.read_at.is_(None))


def with_unread_material(petition_ids: list[int]) -> set[int]:
    """Which of these petitions have material no member of staff has marked read (the queue
    rows' "new material" tag), in one query."""
    if not petition_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Addition.petition_id)
            .where(Addition.petition_id.in_(petition_ids), Addition.read_at.is_(None))
            .distinct()
        )
    )


def petitions_in_queue(
    code: str,
    user,
    today: date,
    *,
    due_soon_days: int,
    kind=None,
    channel=None,
    state=None,
    page: int = 1,
    per_page: int = 50,
):
    query = sa.select(Petition).where(queue_filter(code, user, today, due_soon_days))
    if kind:
        query = query.where(Petition.kind == kind)
    if channel:
        query = query.where(Petition.channel == channel)
    if state:
        query = query.where(Petition.status == state)
    next_due = deadlines.next_due_on_sql()
    query = query.order_by(next_due.is_(None), next_due, Petition.received_at, Petition.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def queue_counts(user, today: date, due_soon_days: int) -> dict[str, int]:
    return {
        queue.code: db.session.scalar(
            sa.select(sa.func.count(Petition.id)).where(
                queue_filter(queue.code, user, today, due_soon_days)
            )
        )
        for queue in QUEUES
    }

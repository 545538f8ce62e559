"""Read-side lists: the back-office queues, ordered by what is due first.

"Overdue" and "due soon" are computed here from the stored due dates and today's date; they are
never stored. The next deadline of a petition is the procedural reply while it is `received`,
the next substantive reply while it is open, and nothing once it is answered or finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.petitions.models import Escalation, Petition
from portal.petitions.workflow import OPEN_STATES, State

_open = [s.value for s in OPEN_STATES]

next_due = sa.case(
    (Petition.status == State.RECEIVED.value, Petition.ack_due_on),
    (Petition.status.in_(_open), Petition.reply_due_on),
    else_=None,
)


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
    Queue("awaiting_approval", _l("Awaiting approval"), _l("Draft replies for a leader")),
    Queue("escalated", _l("Escalated"), _l("Overdue petitions reported to leaders")),
    Queue("all", _l("All"), _l("Every petition")),
]
QUEUE_CODES = {queue.code for queue in QUEUES}


def queue_filter(code: str, user, today: date, due_soon_days: int):
    soon = today + timedelta(days=due_soon_days)
    if code == "new":
        return Petition.status == State.RECEIVED.value
    if code == "mine":
        return sa.and_(
            sa.or_(Petition.assigned_to_id == user.id, Petition.lead_leader_id == user.id),
            Petition.status.in_(_open + [State.RECEIVED.value, State.ANSWERED.value]),
        )
    if code == "due_soon":
        return sa.and_(next_due >= today, next_due <= soon)
    if code == "overdue":
        return next_due < today
    if code == "follow_up":
        return sa.and_(
            Petition.status.in_(_open),
            Petition.first_answered_at.is_not(None),
            Petition.reply_due_on <= soon,
        )
    if code == "awaiting_approval":
        return Petition.status == State.AWAITING_APPROVAL.value
    if code == "escalated":
        return sa.and_(
            next_due < today,
            sa.exists().where(Escalation.petition_id == Petition.id, Escalation.due_on == next_due),
        )
    return sa.true()


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


def next_deadline(petition: Petition) -> date | None:
    """The Python twin of `next_due`, for one petition already loaded."""
    if petition.status == State.RECEIVED:
        return petition.ack_due_on
    if petition.status in OPEN_STATES:
        return petition.reply_due_on
    return None

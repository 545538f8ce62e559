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
from sqlalchemy.orm import selectinload

from portal.core import clock
from portal.core.exports import Column, Table
from portal.extensions import db
from portal.petitions import deadlines
from portal.petitions.models import (
    OPEN_STATES,
    Addition,
    Escalation,
    Kind,
    Petition,
    State,
)

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
QUEUE_LABELS = {queue.code: queue.label for queue in QUEUES}


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


def queue_query(
    code: str, user, today: date, *, due_soon_days: int, kind=None, channel=None, state=None
) -> sa.Select:
    """The petitions of a queue with the list's filters, what is due first at the top: the one
    query behind the page and its export."""
    query = sa.select(Petition).where(queue_filter(code, user, today, due_soon_days))
    if kind:
        query = query.where(Petition.kind == kind)
    if channel:
        query = query.where(Petition.channel == channel)
    if state:
        query = query.where(Petition.status == state)
    next_due = deadlines.next_due_on_sql()
    return query.order_by(next_due.is_(None), next_due, Petition.received_at, Petition.id)


def petitions_in_queue(
    code: str, user, today: date, *, page: int = 1, per_page: int = 50, **filters
):
    query = queue_query(code, user, today, **filters)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def queue_rows(code: str, user, today: date, **filters) -> list[Petition]:
    """Every petition of the queue (not one page), with the staff named on each loaded at once,
    for the list's export."""
    query = queue_query(code, user, today, **filters).options(
        selectinload(Petition.assigned_to), selectinload(Petition.lead_leader)
    )
    return list(db.session.scalars(query))


def queue_counts(user, today: date, due_soon_days: int) -> dict[str, int]:
    return {
        queue.code: db.session.scalar(
            sa.select(sa.func.count(Petition.id)).where(
                queue_filter(queue.code, user, today, due_soon_days)
            )
        )
        for queue in QUEUES
    }


# ---- the queue as a file (core/exports.py) ---------------------------------------------------
# What a petition is in a list, for counting and planning: the petitioner's name and contacts,
# and the subject they wrote (free text, often naming people), are personal data and only go in
# when the reader's role may have them (admin.export_petitions). The ID card number never does:
# no list needs it.

QUEUE_EXPORT_COLUMNS = [
    Column("tracking_number", _l("Tracking number")),
    Column("kind", _l("Kind")),
    Column("channel", _l("Channel")),
    Column("status", _l("Status")),
    Column("received_on", _l("Received on")),
    Column("ack_due_on", _l("Procedural reply due by")),
    Column("acknowledged_on", _l("Procedural reply sent on")),
    Column("answer_due_on", _l("Result or progress due by")),
    Column("first_answered_on", _l("First answered on")),
    Column("next_due_on", _l("Next deadline")),
    Column("days_overdue", _l("Days overdue")),
    Column("handler", _l("Handler")),
    Column("lead_leader", _l("Leader in charge")),
    Column("unreachable", _l("Petitioner cannot be reached")),
    Column("subject", _l("Subject"), personal=True),
    Column("name", _l("Petitioner"), personal=True),
    Column("mobile", _l("Mobile number"), personal=True),
    Column("email", _l("E-mail address"), personal=True),
    Column("address", _l("Postal address"), personal=True),
]


def _local_day(moment):
    return clock.local_date(moment) if moment is not None else None


def export_row(petition: Petition, today: date) -> dict[str, object]:
    due = deadlines.due_status(petition, today)
    return {
        "tracking_number": petition.tracking_number,
        "kind": str(petition.kind_enum.label),
        "channel": str(petition.channel_enum.label),
        "status": str(State(petition.status).label),
        "received_on": petition.received_on,
        "ack_due_on": petition.ack_due_on,
        "acknowledged_on": _local_day(petition.acknowledged_at),
        "answer_due_on": petition.answer_due_on,
        "first_answered_on": _local_day(petition.first_answered_at),
        "next_due_on": due.due_on if due else None,
        "days_overdue": due.days_overdue if due and due.is_overdue else None,
        "handler": petition.assigned_to.name if petition.assigned_to else None,
        "lead_leader": petition.lead_leader.name if petition.lead_leader else None,
        "unreachable": str(petition.unreachable_enum.label) if petition.unreachable_enum else None,
        "subject": petition.subject,
        "name": petition.name,
        "mobile": petition.mobile,
        "email": petition.email,
        "address": petition.address,
    }


def queue_export(code: str, user, today: date, **filters) -> Table:
    """The queue with its filters, every page of it, as a table for core/exports.py."""
    petitions = queue_rows(code, user, today, **filters)
    return Table(
        name=f"petitions-{code.replace('_', '-')}",
        columns=QUEUE_EXPORT_COLUMNS,
        rows=(export_row(petition, today) for petition in petitions),
    )

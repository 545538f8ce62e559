"""Read-side lists of deputies' liaison: the staff queues, a deputy's own page, events, and the
monthly completion and satisfaction rates the staff statistics show (portal/statistics reaches
deputies only through this module).

"Due soon" and "overdue" are judged here from the due date stored at receipt and today's date,
never stored: an open suggestion (received, or its answer awaiting approval) is overdue from the
day after its due date, and due soon from DEPUTY_DUE_SOON_DAYS days before it up to that date.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.core import clock
from portal.core.i18n import lazy_gettext as _l
from portal.deputies.models import (
    DeputyAccount,
    Invitation,
    LiaisonEvent,
    Rating,
    Suggestion,
    SuggestionState,
    Verification,
)
from portal.extensions import db

OPEN_STATES = (SuggestionState.RECEIVED.value, SuggestionState.AWAITING_APPROVAL.value)


class Queue(enum.StrEnum):
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    AWAITING_APPROVAL = "awaiting_approval"
    ANSWERED = "answered"

    @property
    def label(self):
        return QUEUE_LABELS[self]


QUEUE_LABELS = {
    Queue.OPEN: _l("Open"),
    Queue.DUE_SOON: _l("Due soon"),
    Queue.OVERDUE: _l("Overdue"),
    Queue.AWAITING_APPROVAL: _l("Awaiting approval"),
    Queue.ANSWERED: _l("Answered"),
}


def is_overdue(suggestion: Suggestion, today: date) -> bool:
    return suggestion.status in OPEN_STATES and today > suggestion.due_on


def is_due_soon(suggestion: Suggestion, today: date, within_days: int) -> bool:
    return suggestion.status in OPEN_STATES and 0 <= (suggestion.due_on - today).days <= within_days


def _queue_condition(queue: Queue, today: date, within_days: int):
    is_open = Suggestion.status.in_(OPEN_STATES)
    return {
        Queue.OPEN: is_open,
        Queue.DUE_SOON: sa.and_(
            is_open, Suggestion.due_on.between(today, today + timedelta(days=within_days))
        ),
        Queue.OVERDUE: sa.and_(is_open, Suggestion.due_on < today),
        Queue.AWAITING_APPROVAL: Suggestion.status == SuggestionState.AWAITING_APPROVAL.value,
        Queue.ANSWERED: Suggestion.status == SuggestionState.ANSWERED.value,
    }[queue]


def suggestions_in_queue(queue: Queue, today: date, within_days: int, limit: int = 200):
    """Open queues by due date (the most urgent first); answered ones newest first."""
    order = (
        [Suggestion.answered_at.desc(), Suggestion.id.desc()]
        if queue is Queue.ANSWERED
        else [Suggestion.due_on, Suggestion.id]
    )
    return db.session.scalars(
        sa.select(Suggestion)
        .options(selectinload(Suggestion.deputy))
        .where(_queue_condition(queue, today, within_days))
        .order_by(*order)
        .limit(limit)
    ).all()


def queue_counts(today: date, within_days: int) -> dict[Queue, int]:
    return {
        queue: db.session.scalar(
            sa.select(sa.func.count(Suggestion.id)).where(
                _queue_condition(queue, today, within_days)
            )
        )
        for queue in Queue
    }


def suggestions_of(deputy_id: int):
    return db.session.scalars(
        sa.select(Suggestion)
        .where(Suggestion.deputy_id == deputy_id)
        .order_by(Suggestion.received_at.desc(), Suggestion.id.desc())
    ).all()


def invitations_of(deputy_id: int):
    return db.session.scalars(
        sa.select(Invitation)
        .join(Invitation.event)
        .options(selectinload(Invitation.event))
        .where(Invitation.deputy_id == deputy_id)
        .order_by(LiaisonEvent.starts_at.desc())
    ).all()


def deputies_for_review():
    """Pending registrations first, then everyone by name."""
    pending_first = sa.case((DeputyAccount.status == Verification.PENDING.value, 0), else_=1)
    return db.session.scalars(
        sa.select(DeputyAccount).order_by(pending_first, DeputyAccount.name, DeputyAccount.id)
    ).all()


def verified_deputies():
    return db.session.scalars(
        sa.select(DeputyAccount)
        .where(DeputyAccount.status == Verification.VERIFIED.value)
        .order_by(DeputyAccount.name, DeputyAccount.id)
    ).all()


def events():
    return db.session.scalars(
        sa.select(LiaisonEvent)
        .options(selectinload(LiaisonEvent.invitations))
        .order_by(LiaisonEvent.starts_at.desc())
    ).all()


# ---- the rates on the staff statistics page ---------------------------------------------------
#
# Completion rate of a month: of the suggestions whose due date falls in that month and whose
# outcome is known (answered, or the due date has passed), the share answered on or before the
# due date. Satisfaction rate of a month: of the answers sent that month that the deputy rated,
# the share rated satisfied or basically satisfied. Both are shown beside the target
# (DEPUTY_TARGET_PERCENT). A few hundred suggestions a year: read whole and counted here.


@dataclass
class MonthRates:
    month: date  # its first day
    due: int = 0
    answered_on_time: int = 0
    rated: int = 0
    satisfied: int = 0  # satisfied or basically satisfied

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.answered_on_time / self.due, 1) if self.due else None

    @property
    def satisfaction_rate(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 1) if self.rated else None


def _month(day: date) -> date:
    return day.replace(day=1)


def monthly_rates(first_month: date, last_month: date, today: date) -> list[MonthRates]:
    """One row per month from `first_month` to `last_month` (first days), oldest first."""
    months: dict[date, MonthRates] = {}
    month = first_month
    while month <= last_month:
        months[month] = MonthRates(month)
        month = (month + timedelta(days=32)).replace(day=1)
    after_last = (last_month + timedelta(days=32)).replace(day=1)
    start = clock.start_of_local_day(first_month)
    rows = db.session.execute(
        sa.select(Suggestion.due_on, Suggestion.answered_at, Suggestion.rating).where(
            sa.or_(
                Suggestion.due_on.between(first_month, after_last - timedelta(days=1)),
                Suggestion.answered_at >= start,
            )
        )
    ).all()
    for due_on, answered_at, rating in rows:
        answered_on = clock.local_date(answered_at) if answered_at is not None else None
        due_month = months.get(_month(due_on))
        if due_month is not None and (answered_on is not None or due_on < today):
            due_month.due += 1
            due_month.answered_on_time += answered_on is not None and answered_on <= due_on
        answer_month = months.get(_month(answered_on)) if answered_on else None
        if answer_month is not None and rating is not None:
            answer_month.rated += 1
            answer_month.satisfied += Rating(rating).is_satisfied
    return list(months.values())

"""Read-side lists of the bribery-record inquiry for the back office."""

from __future__ import annotations

import enum

import sqlalchemy as sa

from portal.certificates.models import ApplicationStatus, BriberyRecord, RecordApplication
from portal.certificates.services import normalise_identifier
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db

PER_PAGE = 50


class Queue(enum.StrEnum):
    WAITING = "waiting"
    ANSWERED = "answered"
    REFUSED = "refused"

    @property
    def label(self):
        return {
            Queue.WAITING: _l("To answer"),
            Queue.ANSWERED: _l("Answered"),
            Queue.REFUSED: _l("Refused"),
        }[self]


def applications_in_queue(queue: Queue, *, page: int = 1):
    """Waiting applications by due date, the oldest promise first (the index on (status,
    due_on) reads them in that order); answered and refused ones newest first."""
    if queue is Queue.WAITING:
        statement = (
            sa.select(RecordApplication)
            .where(RecordApplication.status == ApplicationStatus.RECEIVED.value)
            .order_by(RecordApplication.due_on, RecordApplication.id)
        )
    else:
        status = (
            ApplicationStatus.ANSWERED if queue is Queue.ANSWERED else ApplicationStatus.REFUSED
        )
        statement = (
            sa.select(RecordApplication)
            .where(RecordApplication.status == status.value)
            .order_by(RecordApplication.decided_at.desc(), RecordApplication.id.desc())
        )
    return db.paginate(statement, page=max(page, 1), per_page=PER_PAGE, error_out=False)


def search_records(typed: str | None, *, page: int = 1):
    """Records whose ID number or credit code is the one typed, or whose name contains what was
    typed; all, newest first, when nothing was typed."""
    statement = sa.select(BriberyRecord).order_by(BriberyRecord.id.desc())
    typed = (typed or "").strip()
    if typed:
        statement = statement.where(
            sa.or_(
                BriberyRecord.identifier == normalise_identifier(typed),
                BriberyRecord.name.contains(typed, autoescape=True),
            )
        )
    return db.paginate(statement, page=max(page, 1), per_page=PER_PAGE, error_out=False)

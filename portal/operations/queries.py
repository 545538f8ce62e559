"""What needs an operator's attention in the outbox: given-up messages, and messages waiting
longer than MAIL_STUCK_MINUTES (whatever the reason: a mail server refusing, or no sender run)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.core import clock
from portal.core.outbox import OutboxMessage, OutboxState
from portal.extensions import db

PER_PAGE = 50


def stuck_since(now: datetime) -> datetime:
    """Messages queued before this moment and still pending are stuck."""
    return now - timedelta(minutes=current_app.config["MAIL_STUCK_MINUTES"])


def _needs_attention(now: datetime):
    return sa.or_(
        OutboxMessage.status == OutboxState.DEAD.value,
        sa.and_(
            OutboxMessage.status == OutboxState.PENDING.value,
            OutboxMessage.queued_at <= stuck_since(now),
        ),
    )


@dataclass(frozen=True)
class OutboxHealth:
    pending: int  # not sent yet, will be tried again
    stuck: int  # of the pending, those waiting longer than MAIL_STUCK_MINUTES
    dead: int  # given up, until an administrator retries them
    next_attempt_at: datetime | None  # the earliest pending message's, if any waits

    @property
    def needs_attention(self) -> int:
        return self.dead + self.stuck


def health(now: datetime | None = None) -> OutboxHealth:
    now = now or clock.now()
    pending = OutboxMessage.status == OutboxState.PENDING.value
    pending_count, stuck, dead, next_attempt_at = db.session.execute(
        sa.select(
            sa.func.count().filter(pending),
            sa.func.count().filter(pending, OutboxMessage.queued_at <= stuck_since(now)),
            sa.func.count().filter(OutboxMessage.status == OutboxState.DEAD.value),
            sa.func.min(OutboxMessage.next_attempt_at).filter(pending),
        )
    ).one()
    return OutboxHealth(
        pending_count,
        stuck,
        dead,
        clock.as_utc(next_attempt_at) if next_attempt_at is not None else None,
    )


def messages_needing_attention(page: int = 1):
    """Given-up and stuck messages, the longest waiting first."""
    statement = (
        sa.select(OutboxMessage)
        .where(_needs_attention(clock.now()))
        .order_by(OutboxMessage.queued_at, OutboxMessage.id)
    )
    return db.paginate(statement, page=max(page, 1), per_page=PER_PAGE, error_out=False)


def sent_messages(page: int = 1):
    """Sent messages, the latest first, with their delivery status."""
    statement = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxState.SENT.value)
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
    )
    return db.paginate(statement, page=max(page, 1), per_page=PER_PAGE, error_out=False)


def dead_messages() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == OutboxState.DEAD.value)
            .order_by(OutboxMessage.id)
        )
    )

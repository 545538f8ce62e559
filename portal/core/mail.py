"""E-mail through a database outbox.

A message is written to the outbox in the same transaction as the change it reports, so a
reply is never sent for a change that rolled back, and never lost for one that committed.
`deliver_pending()` (CLI: `flask --app portal send-mail`, run from cron or a timer) sends them over
SMTP. On PostgreSQL it claims rows with FOR UPDATE SKIP LOCKED, so several workers never send
the same message twice; on SQLite the write lock taken by BEGIN IMMEDIATE does the same.
"""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import clock
from portal.extensions import db

MAX_ATTEMPTS = 5


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))


def enqueue(recipient: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, created_at=clock.now())
    db.session.add(message)
    return message


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send unsent messages; returns (sent, failed). Commits after each message."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        raise RuntimeError("MAIL_SERVER is not set; messages stay in the outbox.")
    sent = failed = 0
    last_id = 0  # each message is tried at most once per run
    for _attempt in range(limit):
        query = (
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
                OutboxMessage.id > last_id,
            )
            .order_by(OutboxMessage.id)
            .limit(1)
        )
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        message = db.session.scalar(query)
        if message is None:
            db.session.rollback()
            break
        last_id = message.id
        try:
            _send_smtp(message)
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.last_error = str(error)[:500]
            failed += 1
        else:
            message.attempts += 1
            message.sent_at = clock.now()
            sent += 1
        db.session.commit()
    return sent, failed


def _send_smtp(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)

"""The outbox: messages written in the caller's transaction, delivered later, never given up
silently. Every channel (e-mail, see mail.py; SMS through a gateway, see sms.py) shares this
table, its state machine, the claim, the retries and the dead letters; a channel brings only how
to send one message and its retry policy. What the far end answered when it took a message (an
SMS gateway's message id) is kept on the row as its delivery status.

A message's state (`OutboxMessage.status`), in the one workflow idiom of core/workflow.py:

    pending ──deliver──▶ sent
       │  ▲
       │  └──retry (an administrator, from the back office's outbox page)──┐
       └──give_up (still failing RETRY_HOURS after it was queued)──▶ dead ─┘

A failed attempt keeps the message pending and puts its next attempt off by an exponential
backoff (base · 2^(attempts−1), at most the cap), so an outage of hours or days is ridden out;
the last attempt is made when the retry time runs out, and only a failure then makes it dead,
with an ERROR log line. Every transition writes one audit event.

Claiming without blocking: on SQLite every CLI transaction takes the write lock (BEGIN
IMMEDIATE, core/database.py), so a transaction held open while talking to a mail server would
queue every citizen's submission behind it. A sender therefore claims one message in a short
transaction (a conditional UPDATE that sets a lease, `claimed_until`; on PostgreSQL the row is
picked with FOR UPDATE SKIP LOCKED so that senders do not wait for each other), commits, sends
with no transaction open, and records the outcome in a second short transaction, only while it
still holds the lease. Two senders never hold the same lease, so a message is sent exactly once
- except across a crash between the server's accepting it and our commit: the lease then
expires and the message is sent again. Delivery is at-least-once in that one case, exactly-once
otherwise.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import audit, clock
from portal.core.audit import EventType
from portal.core.database import enum_check
from portal.core.i18n import lazy_gettext as _l
from portal.core.permissions import Role
from portal.core.workflow import SYSTEM, StateEnum, Transition, Workflow
from portal.extensions import db

log = logging.getLogger(__name__)

# Longer than any one send can take (the SMTP client gives up after 10 seconds without an
# answer), so a lease only runs out when its sender died; then the message is tried again.
CLAIM_LEASE = timedelta(minutes=10)
LAST_ERROR_LENGTH = 500
# The `cause` in the detail of the "outbox.given_up" event of a message whose recipient does
# not exist (the domain that wrote the message may act on it, see petitions/workflow.py).
RECIPIENT_REFUSED = "recipient_refused"
GIVE_UP_CAUSES = {RECIPIENT_REFUSED: _l("The recipient's address does not exist")}


class OutboxState(StateEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"

    @property
    def label(self):
        return {
            OutboxState.PENDING: _l("Waiting to be sent"),
            OutboxState.SENT: _l("Sent"),
            OutboxState.DEAD: _l("Given up"),
        }[self]


class ChannelName(enum.StrEnum):
    """How a message travels; each has its `Channel` (mail.EMAIL, sms.SMS)."""

    EMAIL = "email"
    SMS = "sms"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        OutboxState.check_constraint(),
        enum_check("channel", ChannelName),
        # A sent message says when; a dead one since when; no other has either.
        sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_at"),
        sa.CheckConstraint("(status = 'dead') = (dead_at IS NOT NULL)", name="dead_at"),
        # The senders' claim reads pending messages in the order they fall due.
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )
    audit_kind = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(20), default=ChannelName.EMAIL.value)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    # What kind of message it is (e.g. "petition.received"), for channels that send a template
    # chosen by kind with named values rather than a text (an SMS gateway); the values are
    # `parameters`, a JSON object. Empty for plain e-mail.
    template: Mapped[str | None] = mapped_column(sa.String(60))
    parameters: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(sa.String(20), default=OutboxState.PENDING.value)
    # Since when it has been waiting: written with the message, and again when staff retry a
    # dead one. The retry time (and "stuck") counts from here.
    queued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # When a sender may next try it (pending messages only): at once when queued, later after
    # each failure (the backoff).
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # A sender's lease while it sends; a lease in the past is free to take (its sender died).
    claimed_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)  # failed and successful, since queued_at
    last_error: Mapped[str | None] = mapped_column(sa.String(LAST_ERROR_LENGTH))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The delivery status: what the far end answered when it accepted the message (an SMS
    # gateway's message id and code), for tracing a message a citizen says never came.
    delivery_receipt: Mapped[str | None] = mapped_column(sa.String(LAST_ERROR_LENGTH))
    dead_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


# ---- the state machine -----------------------------------------------------------------------


class OutboxAction(enum.StrEnum):
    DELIVER = "deliver"
    GIVE_UP = "give_up"
    RETRY = "retry"

    @property
    def label(self):
        return {
            OutboxAction.DELIVER: _l("send this message"),
            OutboxAction.GIVE_UP: _l("give this message up"),
            OutboxAction.RETRY: _l("retry this message"),
        }[self]


audit.register_detail_keys(
    ["outbox"],
    {
        "attempts": audit.DetailKey(_l("Failed attempts")),
        "cause": audit.DetailKey(_l("Why"), lambda code: GIVE_UP_CAUSES[code]),
    },
    legacy={"outbox.retried": r"after (?P<attempts>[0-9]+) failed attempt\(s\)"},
)
audit.register_subject_kinds({"outbox_message": audit.SubjectKind(_l("Message"), OutboxState)})
audit.register_event_types(
    {
        "outbox.sent": EventType(_l("Message sent")),
        "outbox.given_up": EventType(_l("Message given up after failed attempts")),
        "outbox.retried": EventType(_l("Given-up message queued again")),
    }
)

WORKFLOW = Workflow(
    states=OutboxState,
    transitions={
        OutboxAction.DELIVER: Transition.of(
            [OutboxState.PENDING], OutboxState.SENT, [SYSTEM.role], "outbox.sent"
        ),
        OutboxAction.GIVE_UP: Transition.of(
            [OutboxState.PENDING], OutboxState.DEAD, [SYSTEM.role], "outbox.given_up"
        ),
        # Administrators look after delivery (the outbox page is theirs: it shows citizens'
        # addresses, and a retry is an operator's decision, not a caseworker's).
        OutboxAction.RETRY: Transition.of(
            [OutboxState.DEAD],
            OutboxState.PENDING,
            [Role.ADMIN],
            "outbox.retried",
            refusal=_l("Only a message that was given up can be retried."),
        ),
    },
)


# ---- channels and their retry policy ---------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How long a channel keeps trying, and how far apart."""

    base: timedelta  # the wait after the first failure; it doubles with each failure after
    cap: timedelta  # the longest wait between two attempts
    give_up_after: timedelta  # from `queued_at`: the last attempt is made then

    @classmethod
    def from_config(cls, config, prefix: str) -> RetryPolicy:
        """The policy a channel's settings give: <PREFIX>_RETRY_BASE_SECONDS, _RETRY_CAP_MINUTES
        and _RETRY_HOURS (portal/config.py)."""
        return cls(
            base=timedelta(seconds=config[f"{prefix}_RETRY_BASE_SECONDS"]),
            cap=timedelta(minutes=config[f"{prefix}_RETRY_CAP_MINUTES"]),
            give_up_after=timedelta(hours=config[f"{prefix}_RETRY_HOURS"]),
        )

    def next_attempt_at(self, message: OutboxMessage, now: datetime) -> datetime | None:
        """When to try again after a failure (attempts already counted it), or None: give up."""
        deadline = clock.as_utc(message.queued_at) + self.give_up_after
        if now >= deadline:
            return None
        backoff = self.base
        for _ in range(message.attempts - 1):  # doubled per failure after the first, to the cap
            backoff = min(backoff * 2, self.cap)
        return min(now + backoff, deadline)


@dataclass(frozen=True)
class Channel:
    """What a channel brings: `send(message)` raises on any failure and returns what the far
    end answered on success (its message id; None when it says nothing worth keeping),
    `describe(error)` says what went wrong in a line for the outbox page; `policy()` and
    `missing_setting()` read the app's config (None when the channel can send);
    `is_permanent(error)` says whether the far end refused for good (a mail server's 5xx: no
    such mailbox), so that the message is given up at once instead of being retried for days."""

    name: ChannelName
    send: Callable[[OutboxMessage], str | None]
    describe: Callable[[Exception], str]
    policy: Callable[[], RetryPolicy]
    missing_setting: Callable[[], str | None]
    is_permanent: Callable[[Exception], bool] = lambda _error: False
    # Whether the far end said the recipient does not exist (no such mailbox): the message is
    # then given up with RECIPIENT_REFUSED as its audit detail, which the domain that wrote it
    # may act on (petitions record the petitioner as unreachable) by subscribing to
    # "outbox.given_up"; core knows no domain.
    refuses_recipient: Callable[[Exception], bool] = lambda _error: False


class NotConfigured(RuntimeError):
    """The channel cannot send at all; the message says which setting is missing."""


@dataclass
class DeliveryReport:
    """What one run did: messages sent, failed (and kept for a retry), and given up."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0


# ---- writing and delivering -------------------------------------------------------------------


def add(
    channel: ChannelName,
    recipient: str,
    subject: str,
    body: str,
    *,
    template: str | None = None,
    parameters: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue a message in the caller's transaction: it is sent only if that commits."""
    now = clock.now()
    message = OutboxMessage(
        channel=channel.value,
        recipient=recipient,
        subject=subject,
        body=body,
        template=template,
        parameters=json.dumps(parameters, ensure_ascii=False) if parameters is not None else None,
        created_at=now,
        queued_at=now,
        next_attempt_at=now,
        status=OutboxState.PENDING.value,
        attempts=0,
    )
    db.session.add(message)
    watched = db.session.info.get(_WATCHED)
    if watched is not None:
        watched.append(message)
    return message


_WATCHED = "outbox_messages_watched"  # in Session.info while `watching` runs


@contextmanager
def watching():
    """The messages queued in the block, in a list: what a change would send, for a preview
    that shows them and then rolls the change back (nothing is sent unless it commits)."""
    queued: list[OutboxMessage] = []
    db.session.info[_WATCHED] = queued
    try:
        yield queued
    finally:
        db.session.info.pop(_WATCHED, None)


def deliver(channel: Channel, limit: int = 100) -> DeliveryReport:
    """Send the channel's messages that are due, each at most once per run (a failure puts the
    next attempt in the future). Commits after each step: call it with no work of the caller's
    pending (from a command or a timer, never inside a request's transaction).
    NotConfigured when the channel cannot send; nothing is touched then."""
    missing = channel.missing_setting()
    if missing:
        raise NotConfigured(missing)
    policy = channel.policy()
    report = DeliveryReport()
    for _ in range(limit):
        claimed = _claim_next(channel.name)
        if claimed is None:
            break
        message, lease = claimed
        try:
            receipt = channel.send(message)
        except Exception as error:  # noqa: BLE001  (any failure is recorded, never lost)
            # The recipient is personal data: kept out of the error shown and logged.
            reason = channel.describe(error).replace(message.recipient, "<recipient>")
            _record_failure(
                message.id,
                lease,
                policy,
                reason,
                report,
                permanent=channel.is_permanent(error),
                recipient_refused=channel.refuses_recipient(error),
            )
        else:
            _record_success(message.id, lease, receipt, report)
    return report


def _claimable(now: datetime):
    return sa.and_(
        OutboxMessage.status == OutboxState.PENDING.value,
        OutboxMessage.next_attempt_at <= now,
        sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )


def _claim_next(channel: ChannelName) -> tuple[OutboxMessage, datetime] | None:
    """Take the lease on the next due message, in one short committed transaction."""
    now = clock.now()
    while True:
        query = (
            sa.select(OutboxMessage.id)
            .where(OutboxMessage.channel == channel.value, _claimable(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
        )
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        message_id = db.session.scalar(query)
        if message_id is None:
            db.session.commit()
            return None
        lease = now + CLAIM_LEASE
        # Conditional, so that of two senders that read the same id only one takes it.
        taken = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _claimable(now))
            .values(claimed_until=lease)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken:
            message = db.session.get(OutboxMessage, message_id, populate_existing=True)
            db.session.commit()
            return message, lease
        db.session.commit()


def _reload_if_still_ours(message_id: int, lease: datetime) -> OutboxMessage | None:
    """The message, locked, while this sender's lease is still the one on it. A sender whose
    lease ran out (it took longer than CLAIM_LEASE) leaves the outcome to whoever took over."""
    message = db.session.get(
        OutboxMessage, message_id, with_for_update=True, populate_existing=True
    )
    if (
        message.status != OutboxState.PENDING
        or message.claimed_until is None
        or clock.as_utc(message.claimed_until) != lease
    ):
        log.warning("Outbox message %s: the lease ran out while sending it.", message_id)
        return None
    return message


def _record_success(
    message_id: int, lease: datetime, receipt: str | None, report: DeliveryReport
) -> None:
    message = _reload_if_still_ours(message_id, lease)
    if message is not None:
        WORKFLOW.apply(message, OutboxAction.DELIVER, SYSTEM)
        message.attempts += 1
        message.sent_at = clock.now()
        message.delivery_receipt = receipt[:LAST_ERROR_LENGTH] if receipt else None
        message.claimed_until = None
        report.sent += 1
    db.session.commit()


def _record_failure(
    message_id: int,
    lease: datetime,
    policy: RetryPolicy,
    reason: str,
    report,
    *,
    permanent: bool = False,
    recipient_refused: bool = False,
) -> None:
    message = _reload_if_still_ours(message_id, lease)
    if message is not None:
        now = clock.now()
        message.attempts += 1
        message.last_error = reason[:LAST_ERROR_LENGTH]
        message.claimed_until = None
        next_attempt_at = (
            None if permanent or recipient_refused else policy.next_attempt_at(message, now)
        )
        if next_attempt_at is None:
            WORKFLOW.apply(
                message,
                OutboxAction.GIVE_UP,
                SYSTEM,
                detail={"cause": RECIPIENT_REFUSED} if recipient_refused else None,
            )
            message.dead_at = now
            report.given_up += 1
            log.error(
                "Outbox message %s (%s) given up after %s attempts since %s: %s. "
                "An administrator can retry it on the back office's outbox page.",
                message.id,
                message.channel,
                message.attempts,
                clock.as_utc(message.queued_at).isoformat(),
                message.last_error,
            )
        else:
            message.next_attempt_at = next_attempt_at
            report.failed += 1
    db.session.commit()


def retry(message: OutboxMessage, actor) -> None:
    """Queue a dead message again, as if new: a fresh retry time and backoff (the audit event
    keeps how many attempts had failed). In the caller's transaction."""
    WORKFLOW.apply(message, OutboxAction.RETRY, actor, detail={"attempts": message.attempts})
    now = clock.now()
    message.dead_at = None
    message.queued_at = now
    message.next_attempt_at = now
    message.attempts = 0


def masked_recipient(address: str) -> str:
    """Enough of an address to tell messages apart, not enough to read whose it is: the first
    two characters of an e-mail address's name and its domain ("zh***@qq.com"); the first three
    and last four digits of a mobile number ("138****5678"), as Chinese services print them."""
    name, at, domain = address.partition("@")
    if at:
        return f"{name[:2]}***@{domain}"
    if len(address) >= 11:
        return f"{address[:3]}****{address[-4:]}"
    return address[:2] + "***"
